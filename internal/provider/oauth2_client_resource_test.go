package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const webAddr = "flexslot_oauth2_client.web"

func webClientConfig(name, uris, scopes, extra string) string {
	return clientConfig("web", fmt.Sprintf(`
  application_name = %q
  client_type      = "confidential"
  redirect_uris    = %s
  allowed_scopes   = %s
%s`, name, uris, scopes, extra))
}

func TestAccOAuth2Client_confidentialLifecycle(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	secrets := statecheck.CompareValue(compare.ValuesSame())
	rotated := statecheck.CompareValue(compare.ValuesDiffer())
	var firstSecret string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{
				Config: webClientConfig("Web", `["https://app.example.com/oauth/callback"]`, `["decks:read"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(webAddr, tfjsonpath.New("client_secret")),
					plancheck.ExpectSensitiveValue(webAddr, tfjsonpath.New("client_secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(webAddr, tfjsonpath.New("client_id")),
					secrets.AddStateValue(webAddr, tfjsonpath.New("client_secret")),
					rotated.AddStateValue(webAddr, tfjsonpath.New("client_secret")),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_id"), knownvalue.StringRegexp(clientIDRegexp)),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_secret"), knownvalue.StringRegexp(secretRegexp)),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("secret_rotated_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectWrites(map[string]int{"create": 1}),
					e.checkSecretVerifies(webAddr, true),
					func(s *terraform.State) error {
						firstSecret = s.RootModule().Resources[webAddr].Primary.Attributes["client_secret"]
						return nil
					},
				),
			},
			{
				// In-place update of name, URIs and scopes: one PATCH, same client, same secret.
				PreConfig: e.Server.ClearRequests,
				Config: webClientConfig("Web (renamed)",
					`["https://app.example.com/oauth/callback", "http://127.0.0.1:8080/callback"]`,
					`["decks:read", "decks:write", "cards:read"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_secret"), knownvalue.StringRegexp(secretRegexp)),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_id"), knownvalue.StringRegexp(clientIDRegexp)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(webAddr, tfjsonpath.New("client_id")),
					secrets.AddStateValue(webAddr, tfjsonpath.New("client_secret")),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("application_name"), knownvalue.StringExact("Web (renamed)")),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("redirect_uris"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("https://app.example.com/oauth/callback"),
						knownvalue.StringExact("http://127.0.0.1:8080/callback"),
					})),
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("allowed_scopes"), knownvalue.SetSizeExact(3)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectWrites(map[string]int{"update": 1}),
					e.checkSecretVerifies(webAddr, true),
				),
			},
			{
				// Adding rotation_triggers rotates the secret in place.
				PreConfig: e.Server.ClearRequests,
				Config: webClientConfig("Web (renamed)",
					`["https://app.example.com/oauth/callback", "http://127.0.0.1:8080/callback"]`,
					`["decks:read", "decks:write", "cards:read"]`, `  rotation_triggers = { rotated = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(webAddr, tfjsonpath.New("client_secret")),
					plancheck.ExpectUnknownValue(webAddr, tfjsonpath.New("secret_rotated_at")),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_id"), knownvalue.StringRegexp(clientIDRegexp)),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(webAddr, tfjsonpath.New("client_id")),
					rotated.AddStateValue(webAddr, tfjsonpath.New("client_secret")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectWrites(map[string]int{"rotate": 1}),
					e.checkSecretVerifies(webAddr, true),
					func(s *terraform.State) error {
						id := s.RootModule().Resources[webAddr].Primary.Attributes["client_id"]
						if e.Server.VerifySecret(id, firstSecret) {
							return fmt.Errorf("the secret issued before the rotation still verifies")
						}
						return nil
					},
				),
			},
			{
				// A trigger change and a rename in one apply: one rotate, one PATCH.
				PreConfig: e.Server.ClearRequests,
				Config: webClientConfig("Web",
					`["https://app.example.com/oauth/callback", "http://127.0.0.1:8080/callback"]`,
					`["decks:read", "decks:write", "cards:read"]`, `  rotation_triggers = { rotated = "2" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(webAddr, tfjsonpath.New("client_id")),
					rotated.AddStateValue(webAddr, tfjsonpath.New("client_secret")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectWrites(map[string]int{"rotate": 1, "update": 1}),
					e.checkSecretVerifies(webAddr, true),
				),
			},
		},
	})
}

func TestAccOAuth2Client_public(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	const addr = "flexslot_oauth2_client.cli"
	config := clientConfig("cli", `
  application_name = "CLI"
  client_type      = "public"
  redirect_uris    = ["http://127.0.0.1:53682/callback", "http://[::1]:53682/callback", "http://localhost/cb"]
  allowed_scopes   = ["cards:read", "decks:read"]
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.Null()),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("secret_rotated_at"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_type"), knownvalue.StringExact("public")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_rotated_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("redirect_uris"), knownvalue.SetSizeExact(3)),
				},
				Check: e.expectWrites(map[string]int{"create": 1}),
			},
		},
	})
}

func TestAccOAuth2Client_clientTypeChangeReplaces(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	var oldID, userToken string
	replaced := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{
				Config:            webClientConfig("App", `["https://app.example.com/cb"]`, `["cards:read"]`, ""),
				ConfigStateChecks: []statecheck.StateCheck{replaced.AddStateValue(webAddr, tfjsonpath.New("client_id"))},
				Check: func(s *terraform.State) error {
					oldID = s.RootModule().Resources[webAddr].Primary.Attributes["client_id"]
					var err error
					userToken, err = e.Server.Grant(oldID)
					return err
				},
			},
			{
				PreConfig: e.Server.ClearRequests,
				Config: clientConfig("web", `
  application_name = "App"
  client_type      = "public"
  redirect_uris    = ["https://app.example.com/cb"]
  allowed_scopes   = ["cards:read"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_secret"), knownvalue.Null()),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("secret_current"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{replaced.AddStateValue(webAddr, tfjsonpath.New("client_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectWrites(map[string]int{"revoke": 1, "create": 1}),
					func(*terraform.State) error {
						if c, ok := e.Server.Client(oldID); !ok || c.Status != "revoked" {
							return fmt.Errorf("the replaced client %s is not revoked: %+v", oldID, c)
						}
						if e.Server.TokenActive(userToken) {
							return fmt.Errorf("a token issued under the replaced client still works")
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccOAuth2Client_driftOutsideTerraform(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	api := e.apiClient(t)
	config := webClientConfig("Drift", `["https://app.example.com/cb"]`, `["decks:read"]`, "")
	var clientID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources[webAddr].Primary.Attributes["client_id"]
					return nil
				},
			},
			{
				// Edited in the dashboard: the next plan shows the update back to the configuration.
				PreConfig: func() {
					name := "Edited in the dashboard"
					if err := e.Server.UpdateAsDashboard(testTokenA, clientID, &name, []string{"https://other.example.com/cb"}, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("application_name"), knownvalue.StringExact("Drift")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("redirect_uris"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("https://app.example.com/cb"),
					})),
				},
			},
			{
				// Suspended by Flexslot: kept in state with its status; nothing to change.
				PreConfig: func() {
					if err := e.Server.Suspend(clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(webAddr, tfjsonpath.New("status"), knownvalue.StringExact("suspended")),
				},
			},
			{
				// Revoked outside Terraform: removed from state, and the plan creates it again.
				PreConfig: func() {
					if err := api.OAuth2Clients.Revoke(context.Background(), clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccOAuth2Client_import(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	config := webClientConfig("Imported", `["https://app.example.com/cb"]`, `["decks:read"]`, "")
	importID := func(s *terraform.State) (string, error) {
		return s.RootModule().Resources[webAddr].Primary.Attributes["client_id"], nil
	}
	// Import cannot recover the secret, so state holds none and secret_current is false.
	ignore := []string{"client_secret", "secret_rotated_at", "secret_current"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:                         webAddr,
				ImportState:                          true,
				ImportStateIdFunc:                    importID,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "client_id",
				ImportStateVerifyIgnore:              ignore,
			},
			{
				ResourceName:      webAddr,
				Config:            config,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("client_secret"), knownvalue.Null()),
					plancheck.ExpectKnownValue(webAddr, tfjsonpath.New("secret_current"), knownvalue.Bool(false)),
				}},
			},
			{
				ResourceName:  webAddr,
				ImportState:   true,
				ImportStateId: "cli_01HX/rotate-secret",
				ExpectError:   expectError("Invalid import ID", `"cli_01HX/rotate-secret" must hold only letters, digits`),
			},
		},
	})
}

func TestAccOAuth2Client_importByIdentity(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	config := webClientConfig("Imported", `["https://app.example.com/cb"]`, `["decks:read"]`, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(webAddr, tfjsonpath.New("client_id")),
				},
			},
			{
				ResourceName:    webAddr,
				Config:          config,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

func TestAccOAuth2Client_clientLimit(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	for i := range 10 {
		if _, _, err := e.Server.CreateAsDashboard(testTokenA, fmt.Sprintf("Dashboard %d", i), "public",
			[]string{"https://app.example.com/cb"}, []string{"cards:read"}); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      webClientConfig("Eleventh", `["https://app.example.com/cb"]`, `["cards:read"]`, ""),
			ExpectError: expectError("Failed to create the OAuth2 client", "FLEXSLOT_CLIENT_LIMIT_REACHED", "(request id req_", "Revoke a client you no longer use"),
		}},
	})
	if got := len(e.Server.Clients(testTokenA)); got != 10 {
		t.Errorf("partner holds %d clients after the refused create, want 10", got)
	}
}

func TestAccOAuth2Client_deletionProtection(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	protected := webClientConfig("Protected", `["https://app.example.com/cb"]`, `["cards:read"]`, "  deletion_protection = true")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			{Config: protected},
			{
				Config:      `# the client was removed from the configuration`,
				ExpectError: expectError("OAuth2 client is protected from deletion", "would destroy", "deletion_protection is true", "Nothing was revoked"),
			},
			{
				Config: clientConfig("web", `
  application_name    = "Protected"
  client_type         = "public"
  redirect_uris       = ["https://app.example.com/cb"]
  allowed_scopes      = ["cards:read"]
  deletion_protection = true
`),
				ExpectError: expectError("OAuth2 client is protected from deletion", "would replace"),
			},
			{
				PreConfig: e.Server.ClearRequests,
				Config:    protected,
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectWrites(map[string]int{}),
					func(*terraform.State) error {
						if n := len(e.Server.Clients(testTokenA)); n != 1 {
							return fmt.Errorf("partner holds %d clients, want the protected one", n)
						}
						return nil
					},
				),
			},
			{Config: webClientConfig("Protected", `["https://app.example.com/cb"]`, `["cards:read"]`, "  deletion_protection = false")},
		},
	})
}

func TestAccOAuth2Client_unknownScopeFailsAtApply(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{{
			Config:      webClientConfig("Web", `["https://app.example.com/cb"]`, `["decks:read", "billing:admin"]`, ""),
			ExpectError: expectError("Failed to create the OAuth2 client", "FLEXSLOT_INVALID_SCOPE", `"billing:admin"`, "granted"),
		}},
	})
}

func TestAccOAuth2Client_invalidConfiguration(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	const uris, scopes = `["https://app.example.com/cb"]`, `["cards:read"]`
	cases := map[string]struct {
		config string
		want   []string
	}{
		"http to a remote host": {
			webClientConfig("Web", `["http://app.example.com/cb"]`, scopes, ""),
			[]string{"Invalid redirect URI", "redirect_uris", `"http://app.example.com/cb" must use https: http is allowed only for the loopback hosts localhost, 127.0.0.1 and [::1]`},
		},
		"wildcard": {
			webClientConfig("Web", `["https://*.example.com/cb"]`, scopes, ""),
			[]string{"Invalid redirect URI", "redirect_uris", `"https://*.example.com/cb" must not contain a wildcard (*) anywhere`},
		},
		"fragment": {
			webClientConfig("Web", `["https://app.example.com/cb#x"]`, scopes, ""),
			[]string{"Invalid redirect URI", `"https://app.example.com/cb#x" must not contain a fragment (#...)`},
		},
		"custom scheme": {
			webClientConfig("Web", `["com.example.app://callback"]`, scopes, ""),
			[]string{`"com.example.app://callback" uses the scheme "com.example.app"`, "native apps must use a loopback redirect"},
		},
		"relative": {
			webClientConfig("Web", `["/callback"]`, scopes, ""),
			[]string{`"/callback" must be an absolute URI with a scheme and a host`},
		},
		"scope syntax": {
			webClientConfig("Web", uris, `["Decks Read"]`, ""),
			[]string{"Invalid scope", `"Decks Read" must be colon-separated words`},
		},
		"oversize scope": {
			webClientConfig("Web", uris, `["decks:`+strings.Repeat("r", 59)+`"]`, ""),
			[]string{"Invalid scope", "must be at most 64 characters long"},
		},
		"oversize redirect URI": {
			webClientConfig("Web", `["https://app.example.com/`+strings.Repeat("c", 489)+`"]`, scopes, ""),
			[]string{"Invalid redirect URI", "must be at most 512 characters long"},
		},
		"port out of range": {
			webClientConfig("Web", `["http://localhost:70000/cb"]`, scopes, ""),
			[]string{"Invalid redirect URI", "must use a port from 1 to 65535"},
		},
		"empty port": {
			webClientConfig("Web", `["https://app.example.com:/cb"]`, scopes, ""),
			[]string{"Invalid redirect URI", "must not end its host with a colon"},
		},
		"unknown grant type": {
			webClientConfig("Web", uris, scopes, `  grant_types = ["client_credentials"]`),
			[]string{"Invalid grant type", `"client_credentials" must be "authorization_code" or "refresh_token"`},
		},
		"consent URL over http": {
			webClientConfig("Web", uris, scopes, `  privacy_policy_url = "http://app.example.com/privacy"`),
			[]string{"Invalid URL", `"http://app.example.com/privacy" must be empty or an absolute https URL`},
		},
		"empty name": {
			webClientConfig("", uris, scopes, ""),
			[]string{"Invalid application name", `"" must not be empty`},
		},
		"oversize name": {
			webClientConfig(strings.Repeat("ń", 256), uris, scopes, ""),
			[]string{"Invalid application name", "must be at most 255 characters long"},
		},
		"unknown client_type": {
			clientConfig("web", `
  application_name = "Web"
  client_type      = "private"
  redirect_uris    = ["https://app.example.com/cb"]
  allowed_scopes   = ["cards:read"]
`),
			[]string{"client_type value must be one of:", `["confidential" "public"], got: "private"`},
		},
		"rotation_triggers on a public client": {
			clientConfig("web", `
  application_name  = "Web"
  client_type       = "public"
  redirect_uris     = ["https://app.example.com/cb"]
  allowed_scopes    = ["cards:read"]
  rotation_triggers = { v = "1" }
`),
			[]string{"rotation_triggers set on a public client", "has no client secret, so there is nothing to rotate"},
		},
	}
	// Runs after the parallel subtests have finished.
	t.Cleanup(func() {
		if n := len(e.Server.Requests()); n != 0 {
			t.Errorf("invalid configurations reached the API %d times", n)
		}
	})
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: expectError(tc.want...),
				}},
			})
		})
	}
}
