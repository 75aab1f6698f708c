package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

func TestAccOAuth2ClientDataSource_dashboardClient(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	confidential, secret, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard app", "confidential",
		[]string{"https://app.example.com/cb", "http://127.0.0.1:8080/cb"}, []string{"cards:read", "decks:read"})
	if err != nil {
		t.Fatal(err)
	}
	public, _, err := e.Server.CreateAsDashboard(testTokenA, "CLI", "public",
		[]string{"http://localhost/cb"}, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Server.Suspend(public.ClientID); err != nil {
		t.Fatal(err)
	}
	const publicAddr = "data.flexslot_oauth2_client.public"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: tfconfig.File(clientData("this", confidential.ClientID), clientData("public", public.ClientID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(confidential.ClientID)),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("application_name"), knownvalue.StringExact("Dashboard app")),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("client_type"), knownvalue.StringExact("confidential")),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("redirect_uris"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("https://app.example.com/cb"),
					knownvalue.StringExact("http://127.0.0.1:8080/cb"),
				})),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("allowed_scopes"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("cards:read"),
					knownvalue.StringExact("decks:read"),
				})),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("secret_rotated_at"), knownvalue.StringRegexp(rfc3339Regexp)),
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Regexp)),

				statecheck.ExpectKnownValue(publicAddr, tfjsonpath.New("client_type"), knownvalue.StringExact("public")),
				statecheck.ExpectKnownValue(publicAddr, tfjsonpath.New("status"), knownvalue.StringExact("suspended")),
				statecheck.ExpectKnownValue(publicAddr, tfjsonpath.New("secret_rotated_at"), knownvalue.Null()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkNoValueEquals(clientDataAddr, secret),
				e.expectWrites(map[string]int{}),
			),
		}},
	})
}

func TestAccOAuth2ClientDataSource_managedClient(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	sameID := statecheck.CompareValuePairs(webAddr, tfjsonpath.New("client_id"), clientDataAddr, tfjsonpath.New("client_id"), compare.ValuesSame())
	sameCreated := statecheck.CompareValuePairs(webAddr, tfjsonpath.New("created_at"), clientDataAddr, tfjsonpath.New("created_at"), compare.ValuesSame())
	sameRotated := statecheck.CompareValuePairs(webAddr, tfjsonpath.New("secret_rotated_at"), clientDataAddr, tfjsonpath.New("secret_rotated_at"), compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.checkNoClientsLeft,
		Steps: []resource.TestStep{{
			// The data source reads a client created in the same apply.
			Config: tfconfig.File(webClient("Web", appCallback, []string{"decks:read"}),
				clientData("this", tfconfig.Ref("flexslot_oauth2_client.web.client_id"))),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID, sameCreated, sameRotated,
				statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("application_name"), knownvalue.StringExact("Web")),
			},
			Check: func(s *terraform.State) error {
				return checkNoValueEquals(clientDataAddr, s.RootModule().Resources[webAddr].Primary.Attributes["client_secret"])(s)
			},
		}},
	})
}

func TestAccOAuth2ClientDataSource_notFound(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	other, _, err := e.Server.CreateAsDashboard(testTokenB, "Partner B", "public", []string{"http://localhost/cb"}, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	const unknownID = "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:      clientDataConfig(unknownID),
				ExpectError: expectError("OAuth2 client not found", "No active or suspended OAuth2 client "+unknownID+" is in the partner's list"),
			},
			{
				// Another partner's client is indistinguishable from an unknown one.
				Config:      clientDataConfig(other.ClientID),
				ExpectError: expectError("OAuth2 client not found", "No active or suspended OAuth2 client "+other.ClientID+" is in the partner's list"),
			},
			{
				Config:      clientDataConfig("cli 01HX"),
				ExpectError: expectError("Invalid client ID", `"cli 01HX" must not contain spaces or control characters`),
			},
		},
	})
}

func TestAccOAuth2ClientDataSource_revokedBetweenSteps(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Short-lived", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: clientDataConfig(c.ClientID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			{
				PreConfig: func() {
					if err := e.apiClient(t).OAuth2Clients.Revoke(context.Background(), c.ClientID); err != nil {
						t.Fatal(err)
					}
				},
				Config:      clientDataConfig(c.ClientID),
				ExpectError: expectError("OAuth2 client not found", "No active or suspended OAuth2 client "+c.ClientID+" is in the partner's list"),
			},
		},
	})
}

// TestOAuth2ClientDataSource_oneRequestPerRead reads the data source over the
// plugin protocol and checks that configuring the provider and a read cost
// exactly one list call, the only published read: the read uses the list
// Configure started.
func TestOAuth2ClientDataSource_oneRequestPerRead(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "App", "public", []string{"http://localhost/cb"}, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	e.Server.ClearRequests()
	p := newProtoProvider(t, e)
	typ := p.schema.DataSourceSchemas["flexslot_oauth2_client"].ValueType()
	config := p.dynamicValue(t, typ, map[string]tftypes.Value{"client_id": tftypes.NewValue(tftypes.String, c.ClientID)})

	resp, err := p.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "flexslot_oauth2_client", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	checkNoDiagnostics(t, "ReadDataSource", resp.Diagnostics)
	requests := e.Server.Requests()
	if len(requests) != 1 || requests[0].Operation != emulator.OperationList {
		t.Errorf("requests = %+v, want one list", requests)
	}
	state, err := resp.State.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs["client_secret"]; ok {
		t.Error("the data source has a client_secret attribute")
	}
	if !attrs["application_name"].Equal(tftypes.NewValue(tftypes.String, "App")) {
		t.Errorf("application_name = %v, want App", attrs["application_name"])
	}
}

func TestAccOAuth2ClientDataSource_byApplicationName(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Unique", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	var twins []string
	for range 2 {
		twin, _, err := e.Server.CreateAsDashboard(testTokenA, "Twin", "public", []string{"http://localhost/cb"}, cardsRead)
		if err != nil {
			t.Fatal(err)
		}
		twins = append(twins, twin.ClientID)
	}
	byName := func(name string) string {
		return tfconfig.Data("flexslot_oauth2_client", "this").Set("application_name", name).
			Nest(tfconfig.New("timeouts").Set("read", "30s")).String()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: byName("Twin"), ExpectError: expectError("Several OAuth2 clients have this name", twins[0], twins[1])},
			{Config: byName("Nobody"), ExpectError: expectError("No OAuth2 client has this name", `"Nobody"`)},
			{
				Config:      clientData("this", c.ClientID).Set("application_name", "Unique").String(),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				Config: byName("Unique"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(c.ClientID)),
					statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("uuid"), knownvalue.StringExact(c.ID)),
					statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("grant_types"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("require_pkce"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(clientDataAddr, tfjsonpath.New("last_used_at"), knownvalue.Null()),
				},
			},
		},
	})
}
