package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// schemeProblem is the message for a custom native-app scheme.
const schemeProblem = `uses the scheme "com.example.app", which is not accepted: use https, or http with a loopback host; ` +
	`native apps must use a loopback redirect such as http://127.0.0.1/callback, which matches any port the app listens on`

// Provider functions need Terraform 1.8 or later; OpenTofu 1.12 runs them,
// Terraform 1.5 skips this test.
func TestAccRedirectURIProblemsFunction(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: `
output "valid" {
  value = provider::flexslot::redirect_uri_problems("https://app.example.com/oauth/callback")
}
output "loopback" {
  value = provider::flexslot::redirect_uri_problems("http://[::1]:8080/callback")
}
output "loopback_any_port" {
  value = provider::flexslot::redirect_uri_problems("http://127.0.0.1:54321/callback")
}
output "localhost_written_exactly" {
  value = provider::flexslot::redirect_uri_problems("http://localhost:3000/callback")
}
output "localhost_in_capitals" {
  value = provider::flexslot::redirect_uri_problems("http://LOCALHOST:3000/callback")
}
output "plain_http_with_fragment" {
  value = provider::flexslot::redirect_uri_problems("http://app.example.com/cb#done")
}
output "wildcard" {
  value = provider::flexslot::redirect_uri_problems("https://*.example.com/cb")
}
output "native_scheme" {
  value = provider::flexslot::redirect_uri_problems("com.example.app://callback")
}
output "empty" {
  value = provider::flexslot::redirect_uri_problems("")
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("valid", stringsExact()),
					statecheck.ExpectKnownOutputValue("loopback", stringsExact()),
					statecheck.ExpectKnownOutputValue("loopback_any_port", stringsExact()),
					statecheck.ExpectKnownOutputValue("localhost_written_exactly", stringsExact()),
					statecheck.ExpectKnownOutputValue("localhost_in_capitals", stringsExact(rules.MsgHTTPS)),
					statecheck.ExpectKnownOutputValue("plain_http_with_fragment",
						stringsExact(rules.MsgFragment, rules.MsgHTTPS)),
					statecheck.ExpectKnownOutputValue("wildcard", stringsExact(rules.MsgWildcard)),
					statecheck.ExpectKnownOutputValue("native_scheme", stringsExact(schemeProblem)),
					statecheck.ExpectKnownOutputValue("empty", stringsExact(rules.MsgEmpty)),
				},
			},
			{
				// The use the function is for: validating a module's input variable.
				Config: `
variable "redirect_uri" {
  type    = string
  default = "http://app.example.com/callback"

  validation {
    condition     = length(provider::flexslot::redirect_uri_problems(var.redirect_uri)) == 0
    error_message = "Invalid redirect URI: ${join("; ", provider::flexslot::redirect_uri_problems(var.redirect_uri))}."
  }
}
`,
				ExpectError: expectError("Invalid redirect URI: " + rules.MsgHTTPS),
			},
		},
	})
}

// TestRedirectURIProblemsFunction_call calls the function over the plugin
// protocol, so it is covered even where the CLI cannot run provider functions.
func TestRedirectURIProblemsFunction_call(t *testing.T) {
	t.Parallel()
	server, err := testProviderFactories(nil)["flexslot"]()
	if err != nil {
		t.Fatal(err)
	}
	for _, uri := range []string{
		"https://app.example.com/cb",
		"http://localhost/cb",
		"http://app.example.com/cb#x",
		"https://app.example.com/cb ",
		"com.example.app://callback",
		"/relative/path",
		"",
	} {
		arg, err := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String, uri))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := server.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{
			Name: "redirect_uri_problems", Arguments: []*tfprotov6.DynamicValue{&arg},
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Error != nil {
			t.Fatalf("%q: %s", uri, resp.Error.Text)
		}
		listType := tftypes.List{ElementType: tftypes.String}
		v, err := resp.Result.Unmarshal(listType)
		if err != nil {
			t.Fatal(err)
		}
		if v.IsNull() {
			t.Errorf("%q: result is null, want a list", uri)
			continue
		}
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			t.Fatal(err)
		}
		got := make([]string, 0, len(elems))
		for _, e := range elems {
			var s string
			if err := e.As(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		if want := rules.RedirectURIProblems(uri); !slices.Equal(got, want) {
			t.Errorf("%q: problems = %s, want %s", uri, fmt.Sprint(got), fmt.Sprint(want))
		}
	}
}

// TestAccRedirectURIProblemsFunction_module uses the function's example as a
// module, as users do, with the provider launched as a plugin: a bad URI
// written in the module block fails validate, one that reaches the module
// through each.value passes validate and fails plan, and a good one applies
// with the example's outputs.
func TestAccRedirectURIProblemsFunction_module(t *testing.T) {
	t.Parallel()
	// OpenTofu has provider functions from 1.7 on.
	acctest.VersionChecks(t, tfversion.SkipBelow(tfversion.Version1_8_0))
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	if err := os.MkdirAll(filepath.Join(w.Dir, "app"), 0o700); err != nil {
		t.Fatal(err)
	}
	copyExample(t, w, "functions/redirect_uri_problems", "function.tf")
	if err := os.Rename(filepath.Join(w.Dir, "function.tf"), filepath.Join(w.Dir, "app", "main.tf")); err != nil {
		t.Fatal(err)
	}
	const bad = "http://decks.example.com/oauth/callback"
	problem := fmt.Sprintf("The redirect URI %q %s.", bad, rules.MsgHTTPS)

	w.WriteConfig(tfconfig.New("module", "literal").Set("source", "./app").
		Set("redirect_uris", []string{"https://decks.example.com/cb", bad}).String())
	w.Init()
	validate := w.Run("validate", "-json", "-no-color")
	if validate.ExitCode == 0 || !slices.ContainsFunc(validate.Errors(), func(d acctest.Diagnostic) bool { return strings.Contains(d.Detail, problem) }) {
		t.Fatalf("validate of a bad URI written in the module block: exit %d, errors %v; want %q", validate.ExitCode, validate.Errors(), problem)
	}

	forEach := func(uri string) string {
		return fmt.Sprintf(`module "apps" {
  source        = "./app"
  for_each      = { deck = %s }
  redirect_uris = [each.value]
}

output "valid" {
  value = module.apps["deck"].valid
}

output "plain_http" {
  value = module.apps["deck"].plain_http
}
`, tfconfig.Quote(uri))
	}
	w.WriteConfig(forEach(bad))
	w.Init()
	w.Run("validate", "-no-color").RequireSuccess(t)
	plan := w.Plan()
	if plan.ExitCode == 0 || !slices.ContainsFunc(plan.Errors(), func(d acctest.Diagnostic) bool { return strings.Contains(d.Detail, problem) }) {
		t.Fatalf("plan of a bad URI passed through each.value: exit %d, errors %v; want %q", plan.ExitCode, plan.Errors(), problem)
	}

	w.WriteConfig(forEach("http://127.0.0.1:8080/callback"))
	w.Apply().RequireSuccess(t)
	outputs := w.State(t).Values.Outputs
	if v := outputs["valid"]; v == nil || fmt.Sprint(v.Value) != "[]" {
		t.Errorf("output valid = %+v, want an empty list", v)
	}
	if v := outputs["plain_http"]; v == nil || fmt.Sprint(v.Value) != fmt.Sprint([]any{rules.MsgHTTPS}) {
		t.Errorf("output plain_http = %+v, want [%q]", v, rules.MsgHTTPS)
	}
}
