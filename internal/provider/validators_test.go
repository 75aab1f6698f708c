package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

// TestBaseURLDiagnostics checks what the provider says of each base URL that
// flexslot.CheckBaseURL refuses: the rule broken and what to write instead.
func TestBaseURLDiagnostics(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://api.flexslot.gg":                "",
		"https://api.flexslot.gg/":               "",
		"http://127.0.0.1:8484":                  "",
		"http://localhost:8484":                  "",
		"http://[::1]:8484":                      "",
		"http://api.flexslot.gg":                 "plain http to api.flexslot.gg",
		"http://127.0.0.2":                       "plain http to 127.0.0.2",
		"http://localhost.example.gg":            "plain http",
		"ftp://api.flexslot.gg":                  `scheme "ftp"`,
		"api.flexslot.gg":                        "not an absolute",
		"":                                       "not an absolute",
		"https://":                               "not an absolute",
		"https://gw.example.com/flexslot":        "",
		"https://api.flexslot.gg/api/public/v1":  "already holds the API path /api/public/v1",
		"https://api.flexslot.gg/API/Public/":    "already holds the API path",
		"http://127.0.0.1:8484/api/public/v1/me": "write http://127.0.0.1:8484",
		"https://user:hunter2@api.flexslot.gg":   "holds credentials",
		"https://hunter2@api.flexslot.gg":        "remove the user name and password",
		"https://api.flexslot.gg?x=1":            "query or a fragment",
	} {
		_, err := flexslot.CheckBaseURL(raw)
		if want == "" {
			if err != nil {
				t.Errorf("CheckBaseURL(%q) = %v, want nil", raw, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckBaseURL(%q) = nil, want an error", raw)
			continue
		}
		d := invalidBaseURLDiagnostic(path.Root("base_url"), "", err)
		if strings.Contains(d.Detail(), "hunter2") {
			t.Errorf("the diagnostic for %q repeats the password: %s", raw, d.Detail())
		}
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("the diagnostic for %q says %q, want it to contain %q", raw, d.Detail(), want)
		}
	}
}

func TestRulesQuoteTheValue(t *testing.T) {
	t.Parallel()
	var resp validator.StringResponse
	redirectURIRule().ValidateString(t.Context(), validator.StringRequest{
		Path: path.Root("redirect_uris"), ConfigValue: types.StringValue("http://app.example.com/cb#x"),
	}, &resp)
	if n := resp.Diagnostics.ErrorsCount(); n != 2 {
		t.Fatalf("want 2 errors (fragment, http), got %d: %v", n, resp.Diagnostics)
	}
	for _, d := range resp.Diagnostics {
		if !strings.Contains(d.Detail(), `"http://app.example.com/cb#x"`) {
			t.Errorf("message does not quote the value: %s", d.Detail())
		}
	}
	resp = validator.StringResponse{}
	scopeRule().ValidateString(t.Context(), validator.StringRequest{
		Path: path.Root("allowed_scopes"), ConfigValue: types.StringValue("decks:read-all"),
	}, &resp)
	if resp.Diagnostics.HasError() {
		t.Errorf("decks:read-all refused: %v", resp.Diagnostics)
	}
}
