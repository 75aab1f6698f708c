package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

func TestOAuth2ClientListResource_protocol(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	alpha, beta, gamma := dashboardClients(t, e)
	// Configuring starts the one list the first query uses.
	e.Server.ClearRequests()
	p := newProtoProvider(t, e)

	ids := func(results []listResult) []string {
		var out []string
		for _, r := range results {
			out = append(out, r.clientID)
		}
		return out
	}

	all := p.list(t, nil, false, 0)
	if want := []string{alpha.ClientID, beta.ClientID, gamma.ClientID}; !slices.Equal(ids(all), want) {
		t.Fatalf("identities = %v, want the partner's clients oldest first %v", ids(all), want)
	}
	if got := e.requestCounts(); got[emulator.OperationList] != 1 || len(e.Server.Requests()) != 1 {
		t.Errorf("requests for configuring and one query: %v, want a single GET", e.Server.Requests())
	}
	for i, name := range []string{"Alpha", "Beta", "Gamma"} {
		if want := fmt.Sprintf("%s (%s)", name, all[i].clientID); all[i].displayName != want {
			t.Errorf("display name = %q, want %q", all[i].displayName, want)
		}
		if all[i].resource != nil {
			t.Errorf("result %d carries a resource object that was not requested", i)
		}
	}

	for name, tc := range map[string]struct {
		filters map[string]string
		want    []string
	}{
		"client_type":       {map[string]string{"client_type": "confidential"}, []string{alpha.ClientID, gamma.ClientID}},
		"status":            {map[string]string{"status": "suspended"}, []string{gamma.ClientID}},
		"application_name":  {map[string]string{"application_name": "Beta"}, []string{beta.ClientID}},
		"no match":          {map[string]string{"client_type": "public", "status": "suspended"}, nil},
		"name is not fuzzy": {map[string]string{"application_name": "beta"}, nil},
	} {
		if got := ids(p.list(t, tc.filters, false, 0)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: identities = %v, want %v", name, got, tc.want)
		}
	}

	if got := ids(p.list(t, nil, false, 2)); !slices.Equal(got, []string{alpha.ClientID, beta.ClientID}) {
		t.Errorf("limit 2: identities = %v, want the two oldest clients", got)
	}

	// With the resource object: what import and a read would hold, never a secret.
	withResource := p.list(t, map[string]string{"status": "suspended"}, true, 0)
	if len(withResource) != 1 || withResource[0].resource == nil {
		t.Fatalf("results = %+v, want the suspended client with its resource object", withResource)
	}
	res := withResource[0].resource
	for attr, want := range map[string]string{
		"client_id": gamma.ClientID, "application_name": "Gamma", "client_type": "confidential", "status": "suspended",
	} {
		var got string
		if err := res[attr].As(&got); err != nil || got != want {
			t.Errorf("resource %s = %v, want %q", attr, res[attr], want)
		}
	}
	for _, attr := range []string{"client_secret", "secret_rotated_at", "rotation_triggers", "timeouts"} {
		if !res[attr].IsNull() {
			t.Errorf("resource %s = %v, want null", attr, res[attr])
		}
	}
	if !res["deletion_protection"].Equal(tftypes.NewValue(tftypes.Bool, false)) {
		t.Errorf("resource deletion_protection = %v, want false", res["deletion_protection"])
	}
	if !res["created_at"].IsKnown() || res["created_at"].IsNull() {
		t.Errorf("resource created_at = %v, want the creation time", res["created_at"])
	}
}

func TestOAuth2ClientListResource_invalidFilter(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	p := newProtoProvider(t, e)
	config := p.dynamicValue(t, p.schema.ListResourceSchemas["flexslot_oauth2_client"].ValueType(),
		map[string]tftypes.Value{"client_type": tftypes.NewValue(tftypes.String, "secret")})
	resp, err := p.ProviderServer.(tfprotov6.ListResourceServer).ValidateListResourceConfig(context.Background(),
		&tfprotov6.ValidateListResourceConfigRequest{TypeName: "flexslot_oauth2_client", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || !regexp.MustCompile(`confidential.*public`).MatchString(resp.Diagnostics[0].Detail) {
		t.Errorf("diagnostics = %+v, want one error naming the accepted client types", resp.Diagnostics)
	}
}

// TestAccOAuth2ClientListResource_query runs `terraform query`, which needs
// Terraform 1.14 or later: it runs on Terraform 1.15.9 and skips on Terraform
// 1.5.7 and on OpenTofu 1.12.6, which has no query command; the ListResource
// RPC is also covered by TestOAuth2ClientListResource_protocol.
func TestAccOAuth2ClientListResource_query(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	const listAddr = "flexslot_oauth2_client.all"
	_, beta, _ := dashboardClients(t, e)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			acctest.SkipOnOpenTofu("OpenTofu has no query command or list blocks"),
			tfversion.SkipBelow(tfversion.Version1_14_0),
		},
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: oauth2Client("web", "confidential", "Terraform", appCallback, cardsRead).String(),
			},
			{
				Query: true,
				Config: `
provider "flexslot" {}

list "flexslot_oauth2_client" "all" {
  provider = flexslot
}

list "flexslot_oauth2_client" "public" {
  provider = flexslot
  config {
    client_type = "public"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(listAddr, 4),
					querycheck.ExpectLength("flexslot_oauth2_client.public", 1),
					querycheck.ExpectIdentity("flexslot_oauth2_client.public", map[string]knownvalue.Check{
						"client_id": knownvalue.StringExact(beta.ClientID),
					}),
					querycheck.ExpectResourceDisplayName("flexslot_oauth2_client.public",
						queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile(`^Beta `))),
						knownvalue.StringExact("Beta ("+beta.ClientID+")")),
				},
			},
		},
	})
}

// TestAccOAuth2ClientListResource_queryCLI runs the list resource's example
// with `terraform query`, the provider launched as a plugin as users run it,
// then adopts every client with the configuration that
// -generate-config-out writes: it must be valid, import by identity without
// a change, and plan clean afterwards.
func TestAccOAuth2ClientListResource_queryCLI(t *testing.T) {
	t.Parallel()
	acctest.VersionChecks(t,
		acctest.SkipOnOpenTofu("OpenTofu has no query command or list blocks"),
		tfversion.SkipBelow(tfversion.Version1_14_0))
	e := newTestEmulator(t)
	alpha, beta, gamma := dashboardClients(t, e)
	// Alpha has the optional arguments set outside Terraform, which the
	// generated configuration must carry for the plan to be clean.
	appURL, privacyURL := "https://alpha.example.com", "https://alpha.example.com/privacy"
	if _, err := e.apiClient(t).OAuth2Clients.Update(t.Context(), alpha.ClientID, flexslot.UpdateRequest{
		ApplicationURL:   &appURL,
		PrivacyPolicyURL: &privacyURL,
		RedirectURIs:     []string{"https://alpha.example.com/cb", "http://127.0.0.1:8080/callback"},
		AllowedScopes:    []string{"cards:read", "decks:read"},
		GrantTypes:       []string{rules.GrantTypeAuthorizationCode},
	}); err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, e)
	copyExample(t, w, "list-resources/flexslot_oauth2_client", "main.tf", "list-resource.tfquery.hcl")
	w.Init()

	results := w.Run("query", "-json", "-no-color").RequireSuccess(t).ListResults()
	all, suspended := results["list.flexslot_oauth2_client.all"], results["list.flexslot_oauth2_client.suspended"]
	want := []string{alpha.ClientID, beta.ClientID, gamma.ClientID}
	slices.Sort(want)
	if got := listedIDs(all); !slices.Equal(got, want) {
		t.Fatalf("list.flexslot_oauth2_client.all found %v, want partner A's clients %v", got, want)
	}
	for _, r := range all {
		if r.Resource != nil {
			t.Errorf("%s: resource object without include_resource: %v", r.DisplayName, r.Resource)
		}
		for _, c := range []emulator.Client{alpha, beta, gamma} {
			if r.Identity["client_id"] == c.ClientID && r.DisplayName != c.ApplicationName+" ("+c.ClientID+")" {
				t.Errorf("display name of %s = %q", c.ClientID, r.DisplayName)
			}
		}
	}
	if len(suspended) != 1 || suspended[0].Identity["client_id"] != gamma.ClientID {
		t.Fatalf("list.flexslot_oauth2_client.suspended found %v, want only %s", listedIDs(suspended), gamma.ClientID)
	}
	object := suspended[0].Resource
	for attr, want := range map[string]any{
		"client_id": gamma.ClientID, "application_name": "Gamma", "client_type": "confidential", "status": "suspended",
		"client_secret": nil, "client_secret_encrypted": nil, "deletion_protection": false, "secret_current": false,
	} {
		if got, ok := object[attr]; !ok || got != want {
			t.Errorf("resource object of %s: %s = %#v, want %#v", gamma.ClientID, attr, got, want)
		}
	}

	// The example's two list blocks both find gamma, so the configuration
	// generated from them would import it twice, as its comment warns.
	w.Run("query", "-no-color", "-generate-config-out=both.tf").RequireSuccess(t)
	both, err := os.ReadFile(filepath.Join(w.Dir, "both.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(both), fmt.Sprintf("client_id = %q", gamma.ClientID)); n != 2 {
		t.Fatalf("configuration generated from the example's list blocks imports %s %d times, want 2:\n%s", gamma.ClientID, n, both)
	}

	// Adopting: one list block, as in the guide, so that each client gets one
	// import block.
	if err := os.Remove(filepath.Join(w.Dir, "both.tf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(w.Dir, "list-resource.tfquery.hcl")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.Dir, "clients.tfquery.hcl"),
		[]byte("list \"flexslot_oauth2_client\" \"dashboard\" {\n  provider = flexslot\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.Run("query", "-no-color", "-generate-config-out=adopted.tf").RequireSuccess(t)
	generated, err := os.ReadFile(filepath.Join(w.Dir, "adopted.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range want {
		if n := strings.Count(string(generated), fmt.Sprintf("client_id = %q", id)); n != 1 {
			t.Errorf("adopted.tf names %s in %d identities, want 1:\n%s", id, n, generated)
		}
	}
	for _, line := range []string{`application_url = "https://alpha.example.com"`, `privacy_policy_url = "https://alpha.example.com/privacy"`,
		`grant_types = ["authorization_code"]`} {
		if !expectError(line).Match(generated) {
			t.Errorf("adopted.tf lacks %s:\n%s", line, generated)
		}
	}
	if strings.Contains(string(generated), "client_secret") {
		t.Errorf("adopted.tf mentions the client secret:\n%s", generated)
	}
	w.Run("validate", "-no-color").RequireSuccess(t)

	e.Server.ClearRequests()
	plan := w.Plan().RequireSuccess(t)
	if add, change, remove, _ := plan.ChangeSummary(); add != 0 || change != 0 || remove != 0 || plan.ImportCount() != 3 {
		t.Fatalf("plan of the generated configuration: %d to import, %d to add, %d to change, %d to destroy; want 3 imports only\n%s",
			plan.ImportCount(), add, change, remove, plan.Stdout)
	}
	requireWarning(t, plan, "OAuth2 client is suspended", gamma.ClientID)
	requireWarning(t, plan, "Imported client has no secret in state")
	w.Apply().RequireSuccess(t)
	if err := e.expectWrites(map[string]int{})(nil); err != nil {
		t.Fatalf("adopting the clients: %s", err)
	}
	var adopted []string
	for _, r := range w.State(t).Values.RootModule.Resources {
		adopted = append(adopted, r.AttributeValues["client_id"].(string))
	}
	slices.Sort(adopted)
	if !slices.Equal(adopted, want) {
		t.Fatalf("state holds %v after the apply, want %v", adopted, want)
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after adopting the clients: exit %d, want 0 (no changes)\n%s%s", plan.ExitCode, plan.Stdout, plan.Stderr)
	}

	// A filter value the list resource does not accept fails validate -query
	// and the query, naming the argument and the value.
	if err := os.WriteFile(filepath.Join(w.Dir, "clients.tfquery.hcl"),
		[]byte("list \"flexslot_oauth2_client\" \"dashboard\" {\n  provider = flexslot\n  config {\n    client_type = \"secret\"\n  }\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badFilter := func(d acctest.Diagnostic) bool {
		return strings.Contains(d.Detail, "client_type") && strings.Contains(d.Detail, `"secret"`) && strings.Contains(d.Detail, `"confidential"`)
	}
	for _, args := range [][]string{{"validate", "-query", "-json", "-no-color"}, {"query", "-json", "-no-color"}} {
		r := w.Run(args...)
		if r.ExitCode == 0 || !slices.ContainsFunc(r.Errors(), badFilter) {
			t.Errorf("%s with client_type = \"secret\": exit %d, errors %v", args[0], r.ExitCode, r.Errors())
		}
	}
}
