package provider

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// TestDescriptionsNameTheRules checks that the schema and validator
// descriptions state the limits, values and hosts of internal/rules, so that
// the docs follow a rule when it changes.
func TestDescriptionsNameTheRules(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var res resource.SchemaResponse
	NewOAuth2ClientResource().Schema(ctx, resource.SchemaRequest{}, &res)
	var one, many, partner datasource.SchemaResponse
	NewOAuth2ClientDataSource().Schema(ctx, datasource.SchemaRequest{}, &one)
	NewOAuth2ClientsDataSource().Schema(ctx, datasource.SchemaRequest{}, &many)
	NewPartnerDataSource().Schema(ctx, datasource.SchemaRequest{}, &partner)
	var prov provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &prov)

	quoted := func(values ...string) []string {
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = "`" + v + "`"
		}
		return out
	}
	itoa := strconv.Itoa
	activeOrSuspended := quoted(rules.StatusActive, rules.StatusSuspended)
	for _, tc := range []struct {
		what, description string
		want              []string
	}{
		{"resource application_name", res.Schema.Attributes["application_name"].GetDescription(),
			[]string{itoa(rules.ApplicationNameMinLength) + " to " + itoa(rules.ApplicationNameMaxLength) + " characters"}},
		{"resource client_type", res.Schema.Attributes["client_type"].GetDescription(), quoted(rules.ClientTypes()...)},
		{"resource redirect_uris", res.Schema.Attributes["redirect_uris"].GetDescription(),
			append(quoted(rules.LoopbackHosts()...), "at most "+itoa(rules.RedirectURIMaxLength)+" characters")},
		{"resource allowed_scopes", res.Schema.Attributes["allowed_scopes"].GetDescription(),
			append(quoted(rules.ScopeCatalog()...), "at most "+itoa(rules.ScopeMaxLength)+" characters")},
		{"resource grant_types", res.Schema.Attributes["grant_types"].GetDescription(), quoted(rules.GrantTypes()...)},
		{"resource status", res.Schema.Attributes["status"].GetDescription(), activeOrSuspended},
		{"data source client_type", one.Schema.Attributes["client_type"].GetDescription(), quoted(rules.ClientTypes()...)},
		{"data source status", one.Schema.Attributes["status"].GetDescription(), activeOrSuspended},
		{"client_type filter", many.Schema.Attributes["client_type"].GetDescription(), quoted(rules.ClientTypes()...)},
		{"status filter", many.Schema.Attributes["status"].GetDescription(), activeOrSuspended},
		{"partner status", partner.Schema.Attributes["status"].GetDescription(), quoted(rules.Statuses()...)},
		{"provider base_url", prov.Schema.Attributes["base_url"].GetDescription(), quoted(rules.LoopbackHosts()...)},
		{"application name rule", applicationNameRule().Description(ctx),
			[]string{itoa(rules.ApplicationNameMinLength) + " to " + itoa(rules.ApplicationNameMaxLength) + " characters"}},
		{"redirect URI rule", redirectURIRule().Description(ctx),
			append(rules.LoopbackHosts(), "at most "+itoa(rules.RedirectURIMaxLength)+" characters")},
		{"scope rule", scopeRule().Description(ctx), []string{"at most " + itoa(rules.ScopeMaxLength) + " characters", rules.ScopeSyntax}},
		{"grant type rule", grantTypeRule().Description(ctx), rules.GrantTypes()},
		{"base URL rule", baseURLRule{}.Description(ctx), rules.LoopbackHosts()},
	} {
		for _, w := range tc.want {
			if !strings.Contains(tc.description, w) {
				t.Errorf("the %s description does not say %q: %s", tc.what, w, tc.description)
			}
		}
	}
}

func TestCodeList(t *testing.T) {
	t.Parallel()
	for want, values := range map[string][]string{
		"":                nil,
		"`a`":             {"a"},
		"`a` or `b`":      {"a", "b"},
		"`a`, `b` or `c`": {"a", "b", "c"},
	} {
		if got := codeList("or", values...); got != want {
			t.Errorf("codeList(or, %q) = %q, want %q", values, got, want)
		}
	}
}
