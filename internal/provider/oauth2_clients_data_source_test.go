package provider

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// clientsDataConfig reads the list with each filter, alone and together.
var clientsDataConfig = tfconfig.File(
	tfconfig.Data("flexslot_oauth2_clients", "all"),
	tfconfig.Data("flexslot_oauth2_clients", "confidential").Set("client_type", "confidential"),
	tfconfig.Data("flexslot_oauth2_clients", "suspended").Set("status", "suspended"),
	tfconfig.Data("flexslot_oauth2_clients", "beta").Set("application_name", "Beta"),
	tfconfig.Data("flexslot_oauth2_clients", "none").Set("client_type", "public").Set("status", "suspended"),
)

func TestAccOAuth2ClientsDataSource_filtersAndRevocation(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	alpha, beta, gamma := dashboardClients(t, e)
	const all = "data.flexslot_oauth2_clients.all"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: clientsDataConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					// Oldest first; partner B's client never shows.
					clientIDsAre(all, alpha.ClientID, beta.ClientID, gamma.ClientID),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("clients"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"client_id":         knownvalue.StringExact(alpha.ClientID),
							"application_name":  knownvalue.StringExact("Alpha"),
							"client_type":       knownvalue.StringExact("confidential"),
							"redirect_uris":     knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("https://app.example.com/Alpha/cb")}),
							"allowed_scopes":    knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("cards:read")}),
							"status":            knownvalue.StringExact("active"),
							"secret_rotated_at": knownvalue.StringRegexp(rfc3339Regexp),
							"created_at":        knownvalue.StringRegexp(rfc3339Regexp),
							"updated_at":        knownvalue.StringRegexp(rfc3339Regexp),
							"last_used_at":      knownvalue.Null(),
							"uuid":              knownvalue.StringExact(alpha.ID),
							"grant_types": knownvalue.SetExact([]knownvalue.Check{
								knownvalue.StringExact("authorization_code"), knownvalue.StringExact("refresh_token"),
							}),
							"require_pkce":             knownvalue.Bool(true),
							"dpop_bound_access_tokens": knownvalue.Bool(false),
							"application_url":          knownvalue.StringExact(""),
							"application_logo_url":     knownvalue.StringExact(""),
							"privacy_policy_url":       knownvalue.StringExact(""),
							"tos_url":                  knownvalue.StringExact(""),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"client_id":         knownvalue.StringExact(beta.ClientID),
							"client_type":       knownvalue.StringExact("public"),
							"secret_rotated_at": knownvalue.Null(),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"client_id": knownvalue.StringExact(gamma.ClientID),
							"status":    knownvalue.StringExact("suspended"),
						}),
					})),
					clientIDsAre("data.flexslot_oauth2_clients.confidential", alpha.ClientID, gamma.ClientID),
					clientIDsAre("data.flexslot_oauth2_clients.suspended", gamma.ClientID),
					clientIDsAre("data.flexslot_oauth2_clients.beta", beta.ClientID),
					clientIDsAre("data.flexslot_oauth2_clients.none"),
					statecheck.ExpectKnownValue("data.flexslot_oauth2_clients.none", tfjsonpath.New("clients"), knownvalue.ListSizeExact(0)),
				},
				Check: e.expectWrites(map[string]int{}),
			},
			{
				// Revoked outside Terraform: gone from every list, no error.
				PreConfig: func() {
					if err := e.apiClient(t).OAuth2Clients.Revoke(context.Background(), alpha.ClientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: clientsDataConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					clientIDsAre(all, beta.ClientID, gamma.ClientID),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("clients"), knownvalue.ListSizeExact(2)),
					clientIDsAre("data.flexslot_oauth2_clients.confidential", gamma.ClientID),
				},
			},
		},
	})
}

func TestAccOAuth2ClientsDataSource_invalidFilters(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:      "data \"flexslot_oauth2_clients\" \"x\" {\n  client_type = \"secret\"\n}\n",
				ExpectError: expectError("client_type", `value must be one of: ["confidential" "public"]`),
			},
			{
				Config:      "data \"flexslot_oauth2_clients\" \"x\" {\n  status = \"revoked\"\n}\n",
				ExpectError: expectError("status", `value must be one of: ["active" "suspended"]`),
			},
		},
	})
}

// TestOAuth2ClientsDataSource_oneRequestPerRead checks over the plugin protocol
// that configuring the provider and a read of the plural data source cost
// exactly one list call, whatever the filters: the read uses the list
// Configure started.
func TestOAuth2ClientsDataSource_oneRequestPerRead(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	dashboardClients(t, e)
	e.Server.ClearRequests()
	p := newProtoProvider(t, e)
	config := p.dynamicValue(t, p.schema.DataSourceSchemas["flexslot_oauth2_clients"].ValueType(), nil)

	resp, err := p.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "flexslot_oauth2_clients", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	checkNoDiagnostics(t, "ReadDataSource", resp.Diagnostics)
	var got []string
	for _, r := range e.Server.Requests() {
		got = append(got, r.Method+" "+r.Path)
	}
	if diff := cmp.Diff([]string{"GET /api/public/v1/me/partner/oauth2-clients"}, got); diff != "" {
		t.Errorf("requests, want one GET of the client list (-want +got):\n%s", diff)
	}
}
