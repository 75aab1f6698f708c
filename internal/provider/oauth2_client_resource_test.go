package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"golang.org/x/crypto/ssh"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

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
				Config: webClient("Web", []string{"https://app.example.com/oauth/callback"}, []string{"decks:read"}).String(),
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
				Config:    webClient("Web (renamed)", []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/callback"}, []string{"decks:read", "decks:write", "cards:read"}).String(),
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
				Config:    webClient("Web (renamed)", []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/callback"}, []string{"decks:read", "decks:write", "cards:read"}).Set("rotation_triggers", map[string]string{"rotated": "1"}).String(),
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
				Config:    webClient("Web", []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/callback"}, []string{"decks:read", "decks:write", "cards:read"}).Set("rotation_triggers", map[string]string{"rotated": "2"}).String(),
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
	config := oauth2Client("cli", "public", "CLI", []string{"http://127.0.0.1:53682/callback", "http://[::1]:53682/callback", "http://localhost/cb"}, []string{"cards:read", "decks:read"}).String()
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
				Config:            webClient("App", appCallback, cardsRead).String(),
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
				Config:    oauth2Client("web", "public", "App", appCallback, cardsRead).String(),
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
	config := webClient("Drift", []string{"https://app.example.com/cb"}, []string{"decks:read"}).String()
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
		},
	})
}

func TestAccOAuth2Client_import(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	config := webClient("Imported", []string{"https://app.example.com/cb"}, []string{"decks:read"}).String()
	importID := func(s *terraform.State) (string, error) {
		return s.RootModule().Resources[webAddr].Primary.Attributes["client_id"], nil
	}
	// Import cannot recover the secret, so state holds none and secret_current is false.
	ignore := []string{"client_secret", "secret_rotated_at", "secret_current", "secret_version"}
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
				ImportStateId: "cli_01HX 2K5V",
				ExpectError:   expectError("Invalid import ID", `"cli_01HX 2K5V" must not contain spaces or control characters`),
			},
		},
	})
}

func TestAccOAuth2Client_importByIdentity(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	config := webClient("Imported", []string{"https://app.example.com/cb"}, []string{"decks:read"}).String()
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

// TestAccOAuth2Client_importBlockIdentity adopts a dashboard client with an
// import block that names it by identity, as users write it, with the
// provider launched as a plugin; a malformed or unknown identity fails the
// plan with an error naming it.
func TestAccOAuth2Client_importBlockIdentity(t *testing.T) {
	t.Parallel()
	// OpenTofu has identity in import blocks from 1.12 on.
	acctest.VersionChecks(t, tfversion.SkipBelow(tfversion.Version1_12_0))
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, e)
	config := func(clientID string) string {
		return cliConfig(tfconfig.ImportIdentity(webAddr, map[string]string{"client_id": clientID}), webClient("Dashboard", appCallback, cardsRead))
	}

	w.WriteConfig(config("cli_01HX 2K5V"))
	requireFailure(t, w.Plan(), "Invalid import ID", `"cli_01HX 2K5V"`)
	w.WriteConfig(config("cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y"))
	// Both CLIs report a client the partner does not hold with their own error,
	// which names the import block's address.
	requireFailure(t, w.Plan(), "Cannot import non-existent remote object", webAddr)

	w.WriteConfig(config(c.ClientID))
	e.Server.ClearRequests()
	plan := w.Plan().RequireSuccess(t)
	if add, change, remove, _ := plan.ChangeSummary(); add != 0 || change != 0 || remove != 0 || plan.ImportCount() != 1 {
		t.Fatalf("plan: %d to import, %d to add, %d to change, %d to destroy; want 1 import only\n%s",
			plan.ImportCount(), add, change, remove, plan.Stdout)
	}
	requireWarning(t, plan, "Imported client has no secret in state", c.ClientID)
	w.Apply().RequireSuccess(t)
	if err := e.expectWrites(map[string]int{})(nil); err != nil {
		t.Fatalf("importing %s: %s", c.ClientID, err)
	}
	attrs := stateAttrs(t, w)
	if attrs["client_id"] != c.ClientID || attrs["client_secret"] != nil || attrs["secret_current"] != false {
		t.Fatalf("state after the import: client_id %v, client_secret set %t, secret_current %v",
			attrs["client_id"], attrs["client_secret"] != nil, attrs["secret_current"])
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after the import: exit %d, want 0 (no changes)\n%s%s", plan.ExitCode, plan.Stdout, plan.Stderr)
	}
}

func TestAccOAuth2Client_clientLimit(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	for i := range 10 {
		if _, _, err := e.Server.CreateAsDashboard(testTokenA, fmt.Sprintf("Dashboard %d", i), "public",
			appCallback, cardsRead); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      webClient("Eleventh", appCallback, cardsRead).String(),
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
	protected := webClient("Protected", appCallback, cardsRead).Set("deletion_protection", true).String()
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
				Config:      oauth2Client("web", "public", "Protected", appCallback, cardsRead).Set("deletion_protection", true).String(),
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
			{Config: webClient("Protected", appCallback, cardsRead).Set("deletion_protection", false).String()},
		},
	})
}

func TestAccOAuth2Client_unknownScopeFailsAtPlan(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{{
			Config:      webClient("Web", []string{"https://app.example.com/cb"}, []string{"decks:read", "billing:admin"}).String(),
			PlanOnly:    true,
			ExpectError: expectError("Scope not available to this partner", `"billing:admin"`, "catalog", "cards:read"),
		}},
	})
	if got := e.requestCounts(); got[emulator.OperationCreate] != 0 {
		t.Fatalf("a plan refused for its scope wrote: %v", got)
	}
}

// Without the partner row, a scope Flexslot refuses fails at apply, with Flexslot's error.
func TestAccOAuth2Client_unknownScopeFailsAtApplyWithoutThePartnerRow(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	// Every GET under /me/partner fails, the list included: the plan only warns.
	e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.PartnerPath, Kind: emulator.FaultStatus, Status: 503, RetryAfter: 3600})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{{
			Config:      webClient("Web", []string{"https://app.example.com/cb"}, []string{"decks:read", "billing:admin"}).String(),
			ExpectError: expectError("Failed to create the OAuth2 client", "FLEXSLOT_INVALID_SCOPE", `"billing:admin"`, "granted"),
		}},
	})
}

func TestAccOAuth2Client_invalidConfiguration(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	uris, scopes := appCallback, cardsRead
	cases := map[string]struct {
		config string
		want   []string
	}{
		"http to a remote host": {
			webClient("Web", []string{"http://app.example.com/cb"}, scopes).String(),
			[]string{"Invalid redirect URI", "redirect_uris", `"http://app.example.com/cb" must use https: http is allowed only for the loopback hosts localhost`, "127.0.0.1 and [::1]"},
		},
		"wildcard": {
			webClient("Web", []string{"https://*.example.com/cb"}, scopes).String(),
			[]string{"Invalid redirect URI", "redirect_uris", `"https://*.example.com/cb" must not contain a wildcard (*) anywhere`},
		},
		"fragment": {
			webClient("Web", []string{"https://app.example.com/cb#x"}, scopes).String(),
			[]string{"Invalid redirect URI", `"https://app.example.com/cb#x" must not contain a fragment (#...)`},
		},
		"custom scheme": {
			webClient("Web", []string{"com.example.app://callback"}, scopes).String(),
			[]string{`"com.example.app://callback" uses the scheme "com.example.app"`, "native apps must use a loopback redirect"},
		},
		"relative": {
			webClient("Web", []string{"/callback"}, scopes).String(),
			[]string{`"/callback" must be an absolute URI with a scheme and a host`},
		},
		"scope syntax": {
			webClient("Web", uris, []string{"Decks Read"}).String(),
			[]string{"Invalid scope", `"Decks Read" must be colon-separated words`},
		},
		"oversize scope": {
			webClient("Web", uris, []string{"decks:" + strings.Repeat("r", 59)}).String(),
			[]string{"Invalid scope", "must be at most 64 characters long"},
		},
		"oversize redirect URI": {
			webClient("Web", []string{"https://app.example.com/" + strings.Repeat("c", 489)}, scopes).String(),
			[]string{"Invalid redirect URI", "must be at most 512 characters long"},
		},
		"port out of range": {
			webClient("Web", []string{"http://localhost:70000/cb"}, scopes).String(),
			[]string{"Invalid redirect URI", "must use a port from 1 to 65535"},
		},
		"empty port": {
			webClient("Web", []string{"https://app.example.com:/cb"}, scopes).String(),
			[]string{"Invalid redirect URI", "must not end its host with a colon"},
		},
		"unknown grant type": {
			webClient("Web", uris, scopes).Set("grant_types", []string{"client_credentials"}).String(),
			[]string{"Invalid grant type", `"client_credentials" must be "authorization_code" or "refresh_token"`},
		},
		"consent URL over http": {
			webClient("Web", uris, scopes).Set("privacy_policy_url", "app.example.com/privacy").String(),
			[]string{"Invalid URL", `"app.example.com/privacy" must be empty or an absolute URI`},
		},
		"empty name": {
			webClient("", uris, scopes).String(),
			[]string{"Invalid application name", `"" must not be empty`},
		},
		"oversize name": {
			webClient(strings.Repeat("ń", 256), uris, scopes).String(),
			[]string{"Invalid application name", "must be at most 255 characters long"},
		},
		"unknown client_type": {
			oauth2Client("web", "private", "Web", appCallback, cardsRead).String(),
			[]string{"client_type value must be one of:", `["confidential" "public"], got: "private"`},
		},
		"rotation_triggers on a public client": {
			oauth2Client("web", "public", "Web", appCallback, cardsRead).Set("rotation_triggers", map[string]string{"v": "1"}).String(),
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

// These tests run the real CLI against the built provider, because
// terraform-plugin-testing cannot see warnings.

// TestAccOAuth2Client_driftWarnings: each change made outside Terraform to a
// client Terraform created shows in the next plan as a warning naming the
// client and what to do, on a workspace and emulator of its own.
func TestAccOAuth2Client_driftWarnings(t *testing.T) {
	t.Parallel()
	// applied returns a workspace holding the confidential client "web",
	// created without warnings.
	applied := func(t *testing.T) (*testEmulator, *acctest.Workspace, string) {
		t.Helper()
		e := newTestEmulator(t)
		w := newCLIWorkspace(t, e)
		w.WriteConfig(cliConfig(webClient("Warn", appCallback, cardsRead)))
		requireNoWarnings(t, w.Apply().RequireSuccess(t))
		return e, w, stateClientID(t, w)
	}

	t.Run("no drift", func(t *testing.T) {
		t.Parallel()
		_, w, _ := applied(t)
		requireNoWarnings(t, w.Plan().RequireSuccess(t))
	})

	t.Run("suspended by Flexslot", func(t *testing.T) {
		t.Parallel()
		e, w, clientID := applied(t)
		if err := e.Server.Suspend(clientID); err != nil {
			t.Fatal(err)
		}
		plan := w.Plan("-detailed-exitcode")
		if plan.ExitCode != 0 {
			t.Fatalf("plan of a suspended client: exit %d, want 0 (no changes)\n%s", plan.ExitCode, plan.Stdout)
		}
		requireWarning(t, plan, "OAuth2 client is suspended", clientID, "counts toward the client limit")
	})

	t.Run("rotated in the dashboard", func(t *testing.T) {
		t.Parallel()
		e, w, clientID := applied(t)
		if _, err := e.Server.RotateAsDashboard(testTokenA, clientID); err != nil {
			t.Fatal(err)
		}
		requireWarning(t, w.Plan(), "Client secret in state is stale", clientID, "Change a value in rotation_triggers")
	})

	t.Run("replacement revokes", func(t *testing.T) {
		t.Parallel()
		_, w, clientID := applied(t)
		w.WriteConfig(cliConfig(oauth2Client("web", "public", "Warn", appCallback, cardsRead)))
		plan := w.Plan()
		requireWarning(t, plan, "Replacing the OAuth2 client revokes it", clientID, "signs out every user who authorized the client")
		if got := plan.Changes()[webAddr]; got != "replace" {
			t.Fatalf("planned action for %s = %q, want replace", webAddr, got)
		}
	})

	// Revoked outside Terraform, the configuration's only client: the list
	// looks the same as to another partner's token, so the refresh is refused,
	// with the way out; followed, the plan creates the client again.
	t.Run("revoked outside Terraform", func(t *testing.T) {
		t.Parallel()
		e, w, clientID := applied(t)
		if err := e.apiClient(t).OAuth2Clients.Revoke(t.Context(), clientID); err != nil {
			t.Fatal(err)
		}
		requireFailure(t, w.Plan(), "OAuth2 client is not in the partner's list", clientID, "another partner", "state rm")
		w.Run("state", "rm", webAddr).RequireSuccess(t)
		if got := w.Plan().Changes()[webAddr]; got != "create" {
			t.Fatalf("planned action for %s after revocation = %q, want create", webAddr, got)
		}
	})
}

func TestAccOAuth2Client_importWarning(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(tfconfig.Import(webAddr, c.ClientID), webClient("Dashboard", appCallback, cardsRead)))
	apply := w.Apply().RequireSuccess(t)
	requireWarning(t, apply, "Imported client has no secret in state", c.ClientID, "change rotation_triggers")

	// Adding a trigger issues a secret that Terraform holds.
	w.WriteConfig(cliConfig(webClient("Dashboard", appCallback, cardsRead).Set("rotation_triggers", map[string]string{"adopted": "1"})))
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	if attrs["client_id"] != c.ClientID || !e.Server.VerifySecret(c.ClientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("after adopting %s the secret in state does not verify", c.ClientID)
	}
}

func TestAccOAuth2Client_clientLimitWarningAtPlan(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	var ids []string
	for i := range 10 {
		c, _, err := e.Server.CreateAsDashboard(testTokenA, fmt.Sprintf("Dashboard %d", i), "public",
			appCallback, cardsRead)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ClientID)
	}
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Eleventh", appCallback, cardsRead), oauth2Client("second", "public", "Twelfth", appCallback, cardsRead)))
	e.Server.ClearRequests()
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Partner is at the client limit", append([]string{"already holds 10 OAuth2 clients"}, ids...)...)

	// One list call for the whole plan, however many clients it creates.
	if lists := e.requestCounts()[emulator.OperationList]; lists != 1 {
		t.Errorf("plan listed the clients %d times, want 1", lists)
	}

	// Below the limit: no warning.
	if err := e.apiClient(t).OAuth2Clients.Revoke(t.Context(), ids[0]); err != nil {
		t.Fatal(err)
	}
	plan = w.Plan().RequireSuccess(t)
	if slices.ContainsFunc(plan.Warnings(), func(d acctest.Diagnostic) bool { return d.Summary == "Partner is at the client limit" }) {
		t.Errorf("limit warning with 9 clients held")
	}
}

func TestAccOAuth2Client_deletionProtectionAgainstReplace(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := func(trigger string) string {
		return cliConfig(tfconfig.Resource("terraform_data", "trigger").Set("input", trigger),
			webClient("Protected", appCallback, cardsRead).Set("deletion_protection", true).Nest(replaceOnTrigger()))
	}
	w.WriteConfig(config("1"))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	revoked := func() bool { return !e.clientListed(clientID) || e.requestCounts()[emulator.OperationRevoke] != 0 }

	// -replace: the plan does not show the provider the replacement, so Delete
	// refuses before any call.
	e.Server.ClearRequests()
	requireFailure(t, w.Apply("-replace="+webAddr), "OAuth2 client is protected from deletion", clientID)
	if revoked() {
		t.Fatalf("-replace revoked the protected client %s", clientID)
	}

	// replace_triggered_by: the same when the referenced object changes.
	w.WriteConfig(config("2"))
	requireFailure(t, w.Apply(), "OAuth2 client is protected from deletion", clientID)
	if revoked() {
		t.Fatalf("replace_triggered_by revoked the protected client %s", clientID)
	}
	if stateClientID(t, w) != clientID {
		t.Fatalf("state no longer holds %s", clientID)
	}
}

// TestAccOAuth2Client_removedBlocks: a removed block with destroy = false
// stops managing a client, protected or not, and leaves it at Flexslot with
// its secret working; one that destroys refuses a protected client and
// revokes an unprotected one.
func TestAccOAuth2Client_removedBlocks(t *testing.T) {
	t.Parallel()
	// OpenTofu has removed blocks with a lifecycle block from 1.10 on.
	acctest.VersionChecks(t, tfversion.SkipBelow(tfversion.Version1_7_0))
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	const cliAddr = "flexslot_oauth2_client.cli"
	web := webClient("Protected", appCallback, cardsRead).Set("deletion_protection", true)
	cli := oauth2Client("cli", "public", "CLI", []string{"http://127.0.0.1:8080/callback"}, cardsRead)
	w.WriteConfig(cliConfig(web, cli))
	w.Apply().RequireSuccess(t)
	ids := map[string]string{}
	var webSecret string
	for _, r := range w.State(t).Values.RootModule.Resources {
		ids[r.Address] = r.AttributeValues["client_id"].(string)
		if r.Address == webAddr {
			webSecret, _ = r.AttributeValues["client_secret"].(string)
		}
	}
	stateHolds := func(addr string) bool {
		state := w.State(t)
		return state.Values != nil &&
			slices.ContainsFunc(state.Values.RootModule.Resources, func(r *tfjson.StateResource) bool { return r.Address == addr })
	}

	// destroy = true on the protected client: refused before any call.
	e.Server.ClearRequests()
	w.WriteConfig(cliConfig(cli, tfconfig.Removed(webAddr, true)))
	requireFailure(t, w.Apply(), "OAuth2 client is protected from deletion", ids[webAddr])
	if !e.clientListed(ids[webAddr]) || e.requestCounts()[emulator.OperationRevoke] != 0 || !stateHolds(webAddr) {
		t.Fatalf("a removed block that destroys revoked or dropped the protected client %s", ids[webAddr])
	}

	// destroy = true on an unprotected client revokes it.
	w.WriteConfig(cliConfig(web, tfconfig.Removed(cliAddr, true)))
	w.Apply().RequireSuccess(t)
	if e.clientListed(ids[cliAddr]) || e.requestCounts()[emulator.OperationRevoke] != 1 || stateHolds(cliAddr) {
		t.Fatalf("a removed block with destroy = true did not revoke %s", ids[cliAddr])
	}

	// destroy = false on the protected client: it leaves state, and stays at
	// Flexslot with its secret working; nothing is written.
	e.Server.ClearRequests()
	w.WriteConfig(cliConfig(tfconfig.Removed(webAddr, false)))
	w.Apply().RequireSuccess(t)
	if err := e.expectWrites(map[string]int{})(nil); err != nil {
		t.Fatalf("removing %s from state: %s", ids[webAddr], err)
	}
	if stateHolds(webAddr) {
		t.Fatalf("%s is still in state after a removed block with destroy = false", webAddr)
	}
	if !e.clientListed(ids[webAddr]) || !e.Server.VerifySecret(ids[webAddr], webSecret) {
		t.Fatalf("a removed block with destroy = false revoked %s or its secret", ids[webAddr])
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after the removal: exit %d, want 0 (no changes)\n%s%s", plan.ExitCode, plan.Stdout, plan.Stderr)
	}
}

func TestAccOAuth2Client_wrongRouteIsNeverGone(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := cliConfig(webClient("Routed", appCallback, cardsRead))
	w.WriteConfig(config)
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)

	// A base_url copied from a curl example, with the API path in it.
	w.SetEnv("FLEXSLOT_BASE_URL", e.URL+"/api/public/v1")
	requireFailure(t, w.Plan(), "Invalid Flexslot base URL", "/api/public/v1", "which the provider adds itself", e.URL)
	requireFailure(t, w.Destroy(), "Invalid Flexslot base URL", "/api/public/v1")
	if !e.clientListed(clientID) || stateClientID(t, w) != clientID {
		t.Fatalf("a wrong base_url dropped %s (listed %t)", clientID, e.clientListed(clientID))
	}
	w.SetEnv("FLEXSLOT_BASE_URL", e.URL)

	// A proxy answers the revoke with an HTML 404 page: destroy must not report success.
	e.Server.AddFault(emulator.Fault{Method: "DELETE", PathPrefix: emulator.BasePath, Kind: emulator.FaultHTMLError, Status: 404})
	destroy := w.Destroy()
	if destroy.ExitCode == 0 || !e.clientListed(clientID) {
		t.Fatalf("destroy through an HTML 404 page: exit %d, client listed %t\n%s", destroy.ExitCode, e.clientListed(clientID), destroy.Stdout)
	}
	requireFailure(t, destroy, "Failed to revoke the OAuth2 client "+clientID, "text/html", "base_url")
	e.Server.ClearFaults()

	// A real revoke outside Terraform is not taken for another partner's
	// token either: the refresh is refused until the user says so.
	if err := e.apiClient(t).OAuth2Clients.Revoke(t.Context(), clientID); err != nil {
		t.Fatal(err)
	}
	requireFailure(t, w.Apply(), "OAuth2 client is not in the partner's list", clientID, "state rm")
	w.Run("state", "rm", webAddr).RequireSuccess(t)
	w.Apply().RequireSuccess(t)
	if again := stateClientID(t, w); again == clientID || !e.clientListed(again) {
		t.Fatalf("after the revoke, state holds %s, want a new listed client", again)
	}
	w.Destroy().RequireSuccess(t)
}

func TestAccOAuth2Client_applyAfterServerChanged(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Planned", appCallback, cardsRead)))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)

	// Renamed outside Terraform, then a rotation applied without a refresh.
	name := "Renamed in the dashboard"
	if err := e.Server.UpdateAsDashboard(testTokenA, clientID, &name, nil, nil); err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(cliConfig(webClient("Planned", appCallback, cardsRead).Set("rotation_triggers", map[string]string{"n": "1"})))
	w.Apply("-refresh=false").RequireSuccess(t)
	attrs := stateAttrs(t, w)
	if !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("the rotated secret in state does not verify")
	}
	// The outside rename is drift for the next refresh to find, and apply to put back.
	plan := w.Plan()
	if got := plan.Changes()[webAddr]; got != "update" {
		t.Fatalf("plan after the outside rename: %q, want update", got)
	}

	// A saved plan applied after the server changed.
	w.Apply().RequireSuccess(t)
	w.WriteConfig(cliConfig(webClient("Planned", appCallback, cardsRead).Set("rotation_triggers", map[string]string{"n": "2"})))
	w.Plan("-out=saved.tfplan").RequireSuccess(t)
	if err := e.Server.Suspend(clientID); err != nil {
		t.Fatal(err)
	}
	if err := e.Server.UpdateAsDashboard(testTokenA, clientID, &name, nil, nil); err != nil {
		t.Fatal(err)
	}
	w.Run("apply", "-input=false", "-json", "saved.tfplan").RequireSuccess(t)
	attrs = stateAttrs(t, w)
	if !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("the secret rotated by the saved plan does not verify")
	}
}

func TestAccOAuth2Client_planChecksBeforeCreate(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := cliConfig(webClient("Lost answer", appCallback, cardsRead))
	w.WriteConfig(config)

	// A 1-hour Retry-After on the list: the plan does not wait for it.
	e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 3600})
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Could not check the partner's clients before creating", "1h0m0s")
	e.Server.ClearFaults()

	// A revoked token fails the plan, not the apply.
	w.SetEnv("FLEXSLOT_PAT", "flx_pat_revoked")
	requireFailure(t, w.Plan(), "Flexslot refused the provider's token", "every resource of this provider")
	w.SetEnv("FLEXSLOT_PAT", testTokenA)

	// A 403 is a token without permission, not a refused token.
	e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Kind: emulator.FaultStatus, Status: 403})
	forbidden := w.Plan()
	requireFailure(t, forbidden, "The provider's token may not manage this partner's clients", "partner application is approved")
	if strings.Contains(forbidden.Stdout, "Flexslot refused the provider's token") {
		t.Errorf("a 403 is reported as a refused token:\n%s", forbidden.Stdout)
	}
	e.Server.ClearFaults()

	// A client left by an apply whose answer never arrived: the plan names it.
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Lost answer", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	plan = w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "A matching OAuth2 client already exists", c.ClientID, "import {", `id = "`+c.ClientID+`"`)
}

func TestAccOAuth2Client_validationAsPublished(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)

	// A scope outside the catalog that the partner holds warns, and Flexslot decides.
	if err := e.Server.GrantScope(testTokenA, "decks:read-all"); err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(cliConfig(webClient("Granted", []string{"https://app.example.com/cb"}, []string{"decks:read-all"})))
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Scope outside Flexslot's published catalog", `"decks:read-all"`)
	w.Apply().RequireSuccess(t)

	// A password in base_url is refused and never repeated, in either form.
	const password = "hunter2-base-url-secret"
	w.SetEnv("FLEXSLOT_BASE_URL", strings.Replace(e.URL, "http://", "http://user:"+password+"@", 1))
	r := w.Plan()
	requireFailure(t, r, "Invalid Flexslot base URL", "holds credentials")
	if strings.Contains(r.Stdout+r.Stderr, password) {
		t.Fatalf("the base_url password appears in the output")
	}
	w.SetEnv("FLEXSLOT_BASE_URL", e.URL)
	w.WriteConfig(cliConfig(tfconfig.Provider{BaseURL: strings.Replace(e.URL, "http://", "http://user:"+password+"@", 1)}.Block(),
		webClient("Granted", appCallback, []string{"decks:read-all"})))
	r = w.Plan()
	requireFailure(t, r, "Invalid Flexslot base URL", "holds credentials")
	if strings.Contains(r.Stdout+r.Stderr, password) {
		t.Fatalf("the base_url password appears in the output")
	}
}

func TestAccOAuth2Client_removingTriggersDoesNotRotate(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Scheduled", appCallback, cardsRead).Set("rotation_triggers", map[string]string{"quarter": "q1"})))
	w.Apply().RequireSuccess(t)
	before := stateAttrs(t, w)["client_secret"]
	for _, triggers := range []string{"{}", "null"} {
		w.WriteConfig(cliConfig(webClient("Scheduled", appCallback, cardsRead).Set("rotation_triggers", tfconfig.Expr(triggers))))
		e.Server.ClearRequests()
		w.Apply().RequireSuccess(t)
		if n := e.requestCounts()[emulator.OperationRotate]; n != 0 {
			t.Fatalf("setting rotation_triggers = %s rotated the secret %d times", triggers, n)
		}
		if after := stateAttrs(t, w)["client_secret"]; after != before {
			t.Fatalf("setting rotation_triggers = %s changed the secret in state", triggers)
		}
	}
}

func TestAccOAuth2Client_withoutUpdateEndpoint(t *testing.T) {
	t.Parallel()
	e := newTestEmulatorWith(t, emulator.Options{WithoutUpdate: true})
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Fixed", appCallback, cardsRead)))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)

	// A rotation needs no update call and still works.
	w.WriteConfig(cliConfig(webClient("Fixed", appCallback, cardsRead).Set("rotation_triggers", map[string]string{"n": "1"})))
	w.Apply().RequireSuccess(t)

	// An in-place change fails at apply, naming the fields and the way out.
	w.WriteConfig(cliConfig(webClient("Renamed", []string{"https://app.example.com/cb"}, []string{"cards:read", "decks:read"}).Set("rotation_triggers", map[string]string{"n": "2"})))
	requireFailure(t, w.Apply(), "Flexslot cannot change this client in place",
		"application_name, allowed_scopes", clientID, "The client secret was rotated in this apply",
		"the previous one no longer works", "terraform apply -replace=", "tofu apply -replace=", "signs out every user")
	// State holds what is true: the old name, and the secret the same apply rotated.
	attrs := stateAttrs(t, w)
	if attrs["application_name"] != "Fixed" || !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("state after the refused update: name %v, secret verifies %t", attrs["application_name"],
			e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])))
	}
	if got := w.Plan().Changes()[webAddr]; got != "update" {
		t.Fatalf("plan after the refused update: %q, want update", got)
	}
}

func TestAccOAuth2Client_listedRevokedIsGone(t *testing.T) {
	t.Parallel()
	e := newTestEmulatorWith(t, emulator.Options{ListRevoked: true})
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Listed", appCallback, cardsRead)))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	if err := e.apiClient(t).OAuth2Clients.Revoke(t.Context(), clientID); err != nil {
		t.Fatalf("revoke with revoked clients still listed: %v", err)
	}
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "OAuth2 client no longer exists", clientID)
	if got := plan.Changes()[webAddr]; got != "create" {
		t.Fatalf("plan after a listed revoke: %q, want create", got)
	}
}

func TestAccOAuth2Client_importPublicWithoutWarning(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "CLI", "public", []string{"http://127.0.0.1/cb"}, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(tfconfig.Import(webAddr, c.ClientID), oauth2Client("web", "public", "CLI", []string{"http://127.0.0.1/cb"}, cardsRead)))
	requireNoWarnings(t, w.Apply().RequireSuccess(t))
	attrs := stateAttrs(t, w)
	if attrs["id"] != c.ClientID || attrs["client_secret"] != nil {
		t.Fatalf("imported public client: id %v, client_secret %v", attrs["id"], attrs["client_secret"])
	}
	requireNoWarnings(t, w.Plan().RequireSuccess(t))
}

func TestAccOAuth2Client_noChangePlanListsOnce(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(oauth2Client("many", "public", "", []string{"http://127.0.0.1/cb"}, cardsRead).
		Set("count", 10).Set("application_name", tfconfig.Expr(`"Client ${count.index}"`))))
	w.Apply().RequireSuccess(t)
	// Creating them lists once for the plan's checks, and once when the apply
	// plans them again: each walk's provider process starts its list when
	// configured, and the creates' checks use it.
	if got := e.requestCounts(); got[emulator.OperationCreate] != 10 || got[emulator.OperationList] < 2 || e.extraLists(2) > 0 {
		t.Fatalf("an apply of 10 creates sent %v, want 10 creates and 2 lists: %+v", got, e.Server.Requests())
	}
	e.Server.ClearRequests()
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 0 {
		t.Fatalf("no-change plan: exit %d\n%s", plan.ExitCode, plan.Stdout)
	}
	if got := e.requestCounts(); got[emulator.OperationList] != len(e.Server.Requests()) || got[emulator.OperationList] < 1 || e.extraLists(1) > 0 {
		t.Fatalf("a no-change plan of 10 clients sent %+v, want one list", e.Server.Requests())
	}
}

func TestAccOAuth2Client_protectedFromTheFirstImport(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, e)
	// The configuration gets client_type wrong: the plan would replace the client it imports.
	w.WriteConfig(cliConfig(tfconfig.Import(webAddr, c.ClientID), oauth2Client("web", "public", "Dashboard", appCallback, cardsRead).Set("deletion_protection", true)))
	requireFailure(t, w.Plan(), "OAuth2 client is protected from deletion", c.ClientID)
	if !e.clientListed(c.ClientID) {
		t.Fatalf("%s was revoked", c.ClientID)
	}
}

func TestAccOAuth2Client_sealedSecret(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	first, _ := age.GenerateX25519Identity()
	second, _ := age.GenerateX25519Identity()

	w.WriteConfig(sealedClientConfig(first.Recipient().String()))
	w.Apply().RequireSuccess(t)
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), first)
	requireNoPlaintext(t, w)
	requireNoWarnings(t, w.Plan("-detailed-exitcode").RequireSuccess(t))

	// Adding a recipient rotates: the plan says so, and each recipient can decrypt the new secret.
	w.WriteConfig(sealedClientConfig(first.Recipient().String(), second.Recipient().String()))
	plan := w.Plan()
	requireWarning(t, plan, "Applying this plan rotates the client secret", "secret_recipients changed", "client_secret_encrypted")
	e.Server.ClearRequests()
	w.Apply().RequireSuccess(t)
	if n := e.requestCounts()[emulator.OperationRotate]; n != 1 {
		t.Fatalf("adding a recipient made %d rotations, want 1", n)
	}
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), first)
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), second)

	// An SSH key works as a recipient too.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(sealedClientConfig(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))))
	w.Apply().RequireSuccess(t)
	sshIdentity, err := agessh.NewEd25519Identity(priv)
	if err != nil {
		t.Fatal(err)
	}
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), sshIdentity)
	requireNoPlaintext(t, w)

	// Turning encryption off rotates, so the secret the recipients hold stops working.
	sealedBefore := stateAttrs(t, w)["client_secret_encrypted"].(string)
	oldSecret, _ := sealedsecret.Open(sealedBefore, sshIdentity)
	w.WriteConfig(cliConfig(webClient("Sealed", appCallback, cardsRead)))
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	clientID := attrs["client_id"].(string)
	if attrs["client_secret_encrypted"] != nil || !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) ||
		e.Server.VerifySecret(clientID, oldSecret) {
		t.Fatalf("after turning encryption off: encrypted %v, new secret verifies %t, old secret verifies %t",
			attrs["client_secret_encrypted"] != nil, e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])),
			e.Server.VerifySecret(clientID, oldSecret))
	}
}

func TestAccOAuth2Client_secretRecipientValidation(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(sealedClientConfig("age1notarecipient"))
	requireFailure(t, w.Plan(), "Invalid secret recipient", `"age1notarecipient"`)
	id, _ := age.GenerateX25519Identity()
	w.WriteConfig(cliConfig(oauth2Client("web", "public", "CLI", []string{"http://127.0.0.1/cb"}, cardsRead).
		Set("secret_recipients", []string{id.Recipient().String()})))
	requireFailure(t, w.Plan(), "secret_recipients set on a public client", "nothing to rotate or encrypt")
	if n := len(e.Server.Requests()); n != 0 {
		t.Fatalf("invalid configurations reached the API %d times", n)
	}
}

func TestAccOAuth2Client_staleSecretInCI(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := func(rotateWhenStale bool) string {
		web := webClient("Stale", appCallback, cardsRead)
		if rotateWhenStale {
			web.Set("rotate_when_stale", true)
		}
		return cliConfig(web, tfconfig.New("check", "secret_current").Nest(tfconfig.New("assert").
			Set("condition", tfconfig.Expr("flexslot_oauth2_client.web.secret_current")).
			Set("error_message", "The client secret in state no longer works.")))
	}
	w.WriteConfig(config(false))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	if stateAttrs(t, w)["secret_current"] != true {
		t.Fatalf("secret_current after create = %v, want true", stateAttrs(t, w)["secret_current"])
	}

	// Rotated in the dashboard: a refresh-only plan reports the drift, with or without rotate_when_stale.
	if _, err := e.Server.RotateAsDashboard(testTokenA, clientID); err != nil {
		t.Fatal(err)
	}
	refresh := w.Plan("-refresh-only", "-detailed-exitcode")
	if refresh.ExitCode != 2 {
		t.Fatalf("plan -refresh-only -detailed-exitcode after a dashboard rotation: exit %d, want 2\n%s", refresh.ExitCode, refresh.Stdout)
	}
	requireWarning(t, refresh, "Client secret in state is stale", clientID, "rotate_when_stale")
	requireCheckWarning(t, refresh, "The client secret in state no longer works.")
	w.Apply("-refresh-only", "-auto-approve").RequireSuccess(t)
	if stateAttrs(t, w)["secret_current"] != false {
		t.Fatalf("secret_current after the refresh = %v, want false", stateAttrs(t, w)["secret_current"])
	}
	// Without rotate_when_stale, the plan proposes nothing: a dashboard rotation may be deliberate.
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan without rotate_when_stale: exit %d, want 0\n%s", plan.ExitCode, plan.Stdout)
	}

	// With rotate_when_stale, the plan rotates (exit 2), and the apply puts a working secret in state.
	w.WriteConfig(config(true))
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 2 || plan.Changes()[webAddr] != "update" {
		t.Fatalf("plan with rotate_when_stale: exit %d, change %q, want 2 and update\n%s", plan.ExitCode, plan.Changes()[webAddr], plan.Stdout)
	}
	requireWarning(t, plan, "Applying this plan rotates the client secret", "rotate_when_stale")
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	if attrs["client_id"] != clientID || attrs["secret_current"] != true || !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("after the stale rotation: client %v, secret_current %v", attrs["client_id"], attrs["secret_current"])
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after the stale rotation: exit %d, want 0\n%s", plan.ExitCode, plan.Stdout)
	}
}

func TestAccOAuth2Client_openTofuStateEncryption(t *testing.T) {
	t.Parallel()
	if !strings.Contains(filepath.Base(acctest.CLI(t)), "tofu") {
		t.Skip("state and plan encryption is an OpenTofu feature; Terraform users encrypt state in their backend")
	}
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	const passphrase = "correct-horse-battery-staple-flexslot"
	w.WriteConfig(`terraform {
  required_providers {
    flexslot = { source = "flexslot/flexslot" }
  }
  encryption {
    key_provider "pbkdf2" "state" {
      passphrase = "` + passphrase + `"
    }
    method "aes_gcm" "state" {
      keys = key_provider.pbkdf2.state
    }
    state {
      method   = method.aes_gcm.state
      enforced = true
    }
    plan {
      method   = method.aes_gcm.state
      enforced = true
    }
  }
}
` + webClient("Encrypted state", appCallback, cardsRead).String())
	w.Plan("-out=encrypted.tfplan").RequireSuccess(t)
	w.Run("apply", "-input=false", "-json", "encrypted.tfplan").RequireSuccess(t)
	attrs := stateAttrs(t, w)
	clientID := attrs["client_id"].(string)
	if !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("the secret in the encrypted state does not verify")
	}
	requireNoPlaintext(t, w, clientID)
}

// driftOutcome is what a CI pipeline sees of one kind of drift.
type driftOutcome struct {
	planExit, refreshOnlyExit int
	// drift and planned are the actions plan -json reports for the client in
	// resource_drift and planned_change lines ("" for none).
	drift, planned string
}

// resourceDrift returns the action of the resource_drift line for addr, if any.
func resourceDrift(r *acctest.Result, addr string) string {
	for _, line := range strings.Split(r.Stdout, "\n") {
		var m struct {
			Type   string `json:"type"`
			Change struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.Type == "resource_drift" && m.Change.Resource.Addr == addr {
			return m.Change.Action
		}
	}
	return ""
}

// TestAccOAuth2Client_driftDetection measures, for each kind of drift, what
// plan -detailed-exitcode, plan -refresh-only -detailed-exitcode and plan -json
// report. docs/guides/drift-detection.md publishes this table; both CLIs
// must agree with it.
func TestAccOAuth2Client_driftDetection(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		drift func(t *testing.T, e *testEmulator, w *acctest.Workspace, clientID string)
		want  driftOutcome
	}{
		// The time_rotating schedule the docs recommend, with no drift.
		"none, beside time_rotating": {
			func(*testing.T, *testEmulator, *acctest.Workspace, string) {},
			driftOutcome{0, 0, "", ""},
		},
		"none": {
			func(*testing.T, *testEmulator, *acctest.Workspace, string) {},
			driftOutcome{0, 0, "", ""},
		},
		"outside edit": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				name := "Edited in the dashboard"
				if err := e.Server.UpdateAsDashboard(testTokenA, id, &name, nil, nil); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{2, 2, "update", "update"},
		},
		"revoke": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if err := e.Server.RevokeAsDashboard(testTokenA, id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{1, 1, "", ""},
		},
		"revoke, beside another client": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if err := e.Server.RevokeAsDashboard(testTokenA, id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{2, 2, "delete", "create"},
		},
		"suspension": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if err := e.Server.Suspend(id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{0, 2, "update", ""},
		},
		"dashboard rotation": {
			func(t *testing.T, e *testEmulator, _ *acctest.Workspace, id string) {
				if _, err := e.Server.RotateAsDashboard(testTokenA, id); err != nil {
					t.Fatal(err)
				}
			},
			driftOutcome{0, 2, "update", ""},
		},
		"bad token": {
			func(_ *testing.T, _ *testEmulator, w *acctest.Workspace, _ string) {
				w.SetEnv("FLEXSLOT_PAT", "flx_pat_revoked")
			},
			driftOutcome{1, 1, "", ""},
		},
		"API down": {
			func(_ *testing.T, e *testEmulator, _ *acctest.Workspace, _ string) {
				e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Kind: emulator.FaultStatus, Status: 503, RetryAfter: 3600})
			},
			driftOutcome{1, 1, "", ""},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTestEmulator(t)
			w := newCLIWorkspace(t, e)
			if strings.Contains(name, "time_rotating") {
				w.WriteConfig(cliConfig(tfconfig.Resource("time_rotating", "secret").Set("rotation_days", 90),
					webClient("Drift", appCallback, cardsRead).Set("rotation_triggers", tfconfig.Expr("{ rotated = time_rotating.secret.id }"))))
				w.Init().RequireSuccess(t)
			} else {
				w.WriteConfig(cliConfig(webClient("Drift", appCallback, cardsRead)))
			}
			w.Apply().RequireSuccess(t)
			clientID := stateClientID(t, w)
			if strings.Contains(name, "beside another client") {
				w.WriteConfig(cliConfig(webClient("Drift", appCallback, cardsRead), oauth2Client("other", "public", "Other", []string{"http://127.0.0.1/cb"}, cardsRead)))
				w.Apply().RequireSuccess(t)
			}
			tc.drift(t, e, w, clientID)

			plan := w.Plan("-detailed-exitcode")
			refresh := w.Plan("-refresh-only", "-detailed-exitcode")
			got := driftOutcome{plan.ExitCode, refresh.ExitCode, resourceDrift(plan, webAddr), plan.Changes()[webAddr]}
			if got != tc.want {
				t.Errorf("%s: got %+v, want %+v\nplan:\n%s\nrefresh-only:\n%s", name, got, tc.want, plan.Stdout, refresh.Stdout)
			}
		})
	}
}

func TestAccOAuth2Client_valuesKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	id, _ := age.GenerateX25519Identity()
	// The client type and the recipients come from another resource, so the
	// plan cannot know which form the secret takes.
	w.WriteConfig(requiredFlexslot + fmt.Sprintf(`
resource "terraform_data" "settings" {
  input = { type = "confidential", recipients = [%s] }
}
resource "flexslot_oauth2_client" "web" {
  application_name  = "Late"
  client_type       = terraform_data.settings.output.type
  redirect_uris     = ["https://app.example.com/cb"]
  allowed_scopes    = ["cards:read"]
  secret_recipients = terraform_data.settings.output.recipients
}
resource "flexslot_oauth2_client" "cli" {
  application_name = "Late CLI"
  client_type      = terraform_data.settings.output.type == "confidential" ? "public" : "confidential"
  redirect_uris    = ["http://127.0.0.1/cb"]
  allowed_scopes   = ["cards:read"]
}
`, tfconfig.Quote(id.Recipient().String())))
	w.Apply().RequireSuccess(t)
	for _, r := range w.State(t).Values.RootModule.Resources {
		switch r.Address {
		case webAddr:
			e.requireSealedSecretVerifies(t, r.AttributeValues, id)
		case "flexslot_oauth2_client.cli":
			if r.AttributeValues["client_secret"] != nil || r.AttributeValues["secret_current"] != nil {
				t.Fatalf("public client: client_secret %v, secret_current %v", r.AttributeValues["client_secret"], r.AttributeValues["secret_current"])
			}
		}
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after apply: exit %d\n%s", plan.ExitCode, plan.Stdout)
	}
}

func TestAccOAuth2Client_emptyValues(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	// No minimum count is published for these lists: the provider refuses none.
	w.WriteConfig(cliConfig(webClient("Empty", []string{}, []string{}).Set("grant_types", []string{})))
	w.Apply().RequireSuccess(t)
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after applying empty lists: exit %d\n%s", plan.ExitCode, plan.Stdout)
	}

	// An empty import ID is refused as such, with no error about the identity the CLI did not send.
	w.WriteConfig(cliConfig(oauth2Client("other", "public", "Other", []string{}, []string{})))
	r := w.Run("import", "-input=false", "-no-color", "flexslot_oauth2_client.other", "")
	if r.ExitCode == 0 || !strings.Contains(r.Stdout+r.Stderr, "Invalid import ID") || strings.Contains(r.Stdout+r.Stderr, "Value Conversion Error") {
		t.Fatalf("import with an empty ID: exit %d\n%s\n%s", r.ExitCode, r.Stdout, r.Stderr)
	}
}

// TestAccOAuth2Client_withoutRevokeEndpoint takes every path to a revoke
// while Flexslot answers DELETE with 405: each fails before anything is
// created, keeps the client in state, and names the dashboard and the removed
// block; once the client is revoked in the dashboard, the same command completes.
func TestAccOAuth2Client_withoutRevokeEndpoint(t *testing.T) {
	t.Parallel()
	trigger := func(v string) *tfconfig.Block {
		return tfconfig.Resource("terraform_data", "trigger").Set("input", v)
	}
	kept := func() *tfconfig.Block { return webClient("Kept", appCallback, cardsRead) }
	for name, tc := range map[string]struct {
		before, after []*tfconfig.Block // configurations before and for the command
		run           func(w *acctest.Workspace) *acctest.Result
		gone          bool // the command leaves no client behind
	}{
		"destroy": {
			before: []*tfconfig.Block{kept()},
			after:  []*tfconfig.Block{kept()},
			run:    func(w *acctest.Workspace) *acctest.Result { return w.Destroy() },
			gone:   true,
		},
		"removed from the configuration": {
			before: []*tfconfig.Block{kept()},
			after:  nil,
			run:    func(w *acctest.Workspace) *acctest.Result { return w.Apply() },
			gone:   true,
		},
		"-replace": {
			before: []*tfconfig.Block{kept()},
			after:  []*tfconfig.Block{kept()},
			run:    func(w *acctest.Workspace) *acctest.Result { return w.Apply("-replace=" + webAddr) },
		},
		"client_type change": {
			before: []*tfconfig.Block{kept()},
			after:  []*tfconfig.Block{oauth2Client("web", "public", "Kept", appCallback, cardsRead)},
			run:    func(w *acctest.Workspace) *acctest.Result { return w.Apply() },
		},
		"replace_triggered_by": {
			before: []*tfconfig.Block{trigger("1"), kept().Nest(replaceOnTrigger())},
			after:  []*tfconfig.Block{trigger("2"), kept().Nest(replaceOnTrigger())},
			run:    func(w *acctest.Workspace) *acctest.Result { return w.Apply() },
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTestEmulatorWith(t, emulator.Options{WithoutDelete: true})
			w := newCLIWorkspace(t, e)
			w.WriteConfig(cliConfig(tc.before...))
			w.Apply().RequireSuccess(t)
			clientID := stateClientID(t, w)
			secret := fmt.Sprint(stateAttrs(t, w)["client_secret"])
			w.WriteConfig(cliConfig(tc.after...))

			e.Server.ClearRequests()
			requireFailure(t, tc.run(w), "Flexslot offers no revoke through its API", clientID,
				"Account → API access", "run the same command again", "refresh sees the client gone",
				"removed {", "destroy = false", "create_before_destroy")
			counts := e.requestCounts()
			if counts[emulator.OperationCreate] != 0 || counts[emulator.OperationRevoke] != 1 {
				t.Fatalf("requests of the refused command: %v, want one revoke and no create", counts)
			}
			if !e.clientListed(clientID) || !e.Server.VerifySecret(clientID, secret) {
				t.Fatalf("after the refused revoke, %s is listed %t", clientID, e.clientListed(clientID))
			}
			if got := stateClientID(t, w); got != clientID {
				t.Fatalf("state holds %s, want %s", got, clientID)
			}

			e.revokeInDashboard(t, clientID)
			e.Server.ClearRequests()
			tc.run(w).RequireSuccess(t)
			counts = e.requestCounts()
			if counts[emulator.OperationRevoke] != 0 {
				t.Errorf("the command after the dashboard revoke sent %d revokes", counts[emulator.OperationRevoke])
			}
			live := e.Server.Clients(testTokenA)
			if tc.gone {
				if st := w.State(t); len(live) != 0 || counts[emulator.OperationCreate] != 0 || (st.Values != nil && len(st.Values.RootModule.Resources) != 0) {
					t.Fatalf("after the dashboard revoke: %d clients live, %d creates", len(live), counts[emulator.OperationCreate])
				}
				return
			}
			replacement := stateClientID(t, w)
			if counts[emulator.OperationCreate] != 1 || len(live) != 1 || live[0].ClientID != replacement || replacement == clientID {
				t.Fatalf("after the dashboard revoke: state holds %s, the emulator %+v, requests %v", replacement, live, counts)
			}
			if attrs := stateAttrs(t, w); attrs["client_type"] == "confidential" && !e.Server.VerifySecret(replacement, fmt.Sprint(attrs["client_secret"])) {
				t.Fatalf("the replacement's secret in state does not verify")
			}
		})
	}
}

// TestAccOAuth2Client_withoutRevokeEndpointCreateBeforeDestroy shows what
// create_before_destroy does without a revoke endpoint: the replacement is
// created before the revoke is refused, and the old client stays in state,
// deposed, until it is revoked in the dashboard; nothing is orphaned.
func TestAccOAuth2Client_withoutRevokeEndpointCreateBeforeDestroy(t *testing.T) {
	t.Parallel()
	e := newTestEmulatorWith(t, emulator.Options{WithoutDelete: true})
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Overlap", appCallback, cardsRead).Nest(tfconfig.New("lifecycle").Set("create_before_destroy", true))))
	w.Apply().RequireSuccess(t)
	old := stateClientID(t, w)

	requireFailure(t, w.Apply("-replace="+webAddr), "Flexslot offers no revoke through its API", old, "deposed")
	var replacement string
	deposed := 0
	for _, r := range w.State(t).Values.RootModule.Resources {
		switch {
		case r.Address == webAddr && r.DeposedKey != "":
			deposed++
			if r.AttributeValues["client_id"] != old {
				t.Fatalf("deposed object holds %v, want %s", r.AttributeValues["client_id"], old)
			}
		case r.Address == webAddr:
			replacement = fmt.Sprint(r.AttributeValues["client_id"])
		}
	}
	if deposed != 1 {
		t.Fatalf("state holds %d deposed objects, want 1 (%s)", deposed, old)
	}
	if replacement == old || !e.clientListed(old) || !e.clientListed(replacement) {
		t.Fatalf("after the refused revoke: state %s, old %s listed %t", replacement, old, e.clientListed(old))
	}
	if !e.Server.VerifySecret(replacement, fmt.Sprint(stateAttrs(t, w)["client_secret"])) {
		t.Fatalf("the replacement's secret in state does not verify")
	}
	// The deposed client is still tracked: the next plan tries to revoke it again.
	if _, _, remove, ok := w.Plan().ChangeSummary(); !ok || remove != 1 {
		t.Fatalf("plan with %s deposed: %d to destroy, want 1", old, remove)
	}

	e.revokeInDashboard(t, old)
	w.Apply().RequireSuccess(t)
	if live := e.Server.Clients(testTokenA); len(live) != 1 || live[0].ClientID != replacement || stateClientID(t, w) != replacement {
		t.Fatalf("after the dashboard revoke: the emulator holds %+v, state %s", live, stateClientID(t, w))
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after the dashboard revoke: exit %d\n%s", plan.ExitCode, plan.Stdout)
	}
}

// TestAccOAuth2Client_rulesAsPublished applies the published rules exactly:
// loopback redirects on any port (localhost written as published), consent
// URLs that are any absolute URI with a warning when not https, and a warning
// for grant types without authorization_code.
func TestAccOAuth2Client_rulesAsPublished(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := func(uri, appURL string, grantTypes ...string) string {
		return cliConfig(webClient("Native", []string{"http://127.0.0.1:54321/cb", "http://[::1]/cb", uri}, cardsRead).
			Set("application_url", appURL).Set("tos_url", "mailto:legal@example.com").Set("grant_types", grantTypes))
	}
	w.WriteConfig(config("http://localhost:3000/cb", "http://decks.example.com", "refresh_token"))
	apply := w.Apply().RequireSuccess(t)
	for _, url := range []string{`"http://decks.example.com"`, `"mailto:legal@example.com"`} {
		if !slices.ContainsFunc(apply.Warnings(), func(d acctest.Diagnostic) bool {
			return d.Summary == "Consent-screen URL is not https" && strings.Contains(d.Detail, url) && strings.Contains(d.Detail, "accepts any absolute URI")
		}) {
			t.Errorf("no warning names the consent-screen URL %s: %v", url, apply.Warnings())
		}
	}
	requireWarning(t, apply, "Client without the authorization_code grant", "holds only refresh_token", "only user-facing grant")
	c, ok := e.Server.Client(stateClientID(t, w))
	if !ok || c.ApplicationURL != "http://decks.example.com" || c.TosURL != "mailto:legal@example.com" || len(c.RedirectURIs) != 3 {
		t.Fatalf("the emulator holds %+v", c)
	}

	// An empty set warns too; with authorization_code, no warning.
	w.WriteConfig(config("http://localhost:3000/cb", "https://decks.example.com"))
	requireWarning(t, w.Plan().RequireSuccess(t), "Client without the authorization_code grant", "is empty")
	w.WriteConfig(config("http://localhost:3000/cb", "https://decks.example.com", "authorization_code"))
	for _, d := range w.Plan().RequireSuccess(t).Warnings() {
		if d.Summary == "Client without the authorization_code grant" {
			t.Errorf("warning with authorization_code: %s", d)
		}
	}

	// localhost is matched as published, in lower case; a consent URL must be absolute.
	w.WriteConfig(config("http://LOCALHOST:3000/cb", "https://decks.example.com", "authorization_code"))
	requireFailure(t, w.Plan(), "Invalid redirect URI", `"http://LOCALHOST:3000/cb"`, "localhost (written exactly so, in lower case)", "http://127.0.0.1/")
	w.WriteConfig(config("http://localhost:3000/cb", "decks.example.com", "authorization_code"))
	requireFailure(t, w.Plan(), "Invalid URL", `"decks.example.com"`, "absolute URI")
}

// TestAccOAuth2Client_opaqueClientIDs looks clients up and imports them by IDs
// of any form: each reaches Flexslot escaped as one path segment, and only an
// empty ID or one with spaces or control characters is refused before it.
func TestAccOAuth2Client_opaqueClientIDs(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(tfconfig.Data("flexslot_oauth2_client", "slash").Set("client_id", "cli_01HX/rotate-secret")))
	e.Server.ClearRequests()
	requireFailure(t, w.Plan(), "OAuth2 client not found", "cli_01HX/rotate-secret")
	if n := e.requestCounts()[emulator.OperationList]; n != 1 {
		t.Errorf("the lookup made %d list calls, want 1", n)
	}
	w.WriteConfig(cliConfig(tfconfig.Import(webAddr, "cli 01"), webClient("Imported", appCallback, cardsRead)))
	e.Server.ClearRequests()
	requireFailure(t, w.Plan(), "Invalid import ID", `"cli 01"`, "spaces or control characters")
	// The one list is the one every configured provider process starts for its reads.
	if counts := e.requestCounts(); len(e.Server.Requests()) > 1 || len(counts) > 0 && counts[emulator.OperationList] != 1 {
		t.Errorf("a refused import ID sent requests: %v", counts)
	}
}
