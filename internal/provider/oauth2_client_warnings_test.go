package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
)

// These tests run the real CLI against the built provider, because
// terraform-plugin-testing cannot see warnings.

func newWarningWorkspace(t *testing.T, e *testEmulator) *acctest.Workspace {
	t.Helper()
	w := acctest.NewWorkspace(t)
	w.SetEnv("FLEXSLOT_BASE_URL", e.URL)
	w.SetEnv("FLEXSLOT_PAT", testTokenA)
	return w
}

const requiredFlexslot = `terraform {
  required_providers {
    flexslot = { source = "flexslot/flexslot" }
  }
}
`

// requireWarning fails unless r holds a warning with summary whose detail contains every part.
func requireWarning(t *testing.T, r *acctest.Result, summary string, parts ...string) {
	t.Helper()
	for _, d := range r.Warnings() {
		if d.Summary != summary {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(d.Detail, p) {
				t.Fatalf("warning %q: detail %q does not contain %q", summary, d.Detail, p)
			}
		}
		return
	}
	t.Fatalf("no warning %q in %v\nstdout:\n%s\nstderr:\n%s", summary, r.Warnings(), r.Stdout, r.Stderr)
}

func requireNoWarnings(t *testing.T, r *acctest.Result) {
	t.Helper()
	if w := r.Warnings(); len(w) != 0 {
		t.Fatalf("unexpected warnings: %v", w)
	}
}

func TestAccOAuth2Client_driftWarnings(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Warn", `["https://app.example.com/cb"]`, `["openid"]`, ""))
	requireNoWarnings(t, w.Apply().RequireSuccess(t))
	clientID := w.State(t).Values.RootModule.Resources[0].AttributeValues["client_id"].(string)
	requireNoWarnings(t, w.Plan().RequireSuccess(t))

	// Suspended by Flexslot.
	if err := e.Server.Suspend(clientID); err != nil {
		t.Fatal(err)
	}
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 0 {
		t.Fatalf("plan of a suspended client: exit %d, want 0 (no changes)\n%s", plan.ExitCode, plan.Stdout)
	}
	requireWarning(t, plan, "OAuth2 client is suspended", clientID, "counts toward the client limit")
	if err := e.Server.Unsuspend(clientID); err != nil {
		t.Fatal(err)
	}

	// Rotated in the dashboard: the secret in state is stale.
	if _, err := e.Server.RotateAsDashboard(testTokenA, clientID); err != nil {
		t.Fatal(err)
	}
	plan = w.Plan()
	requireWarning(t, plan, "Client secret in state is stale", clientID, "Change a value in rotation_triggers")

	// Replacement revokes the client.
	w.WriteConfig(requiredFlexslot + clientConfig("web", `
  application_name = "Warn"
  client_type      = "public"
  redirect_uris    = ["https://app.example.com/cb"]
  allowed_scopes   = ["openid"]
`))
	plan = w.Plan()
	requireWarning(t, plan, "Replacing the OAuth2 client revokes it", clientID, "signs out every user who authorized the client")
	if got := plan.Changes()[webAddr]; got != "replace" {
		t.Fatalf("planned action for %s = %q, want replace", webAddr, got)
	}

	// Revoked outside Terraform: removed from state with a warning.
	if err := e.apiClient(t).OAuth2Clients.Revoke(t.Context(), clientID); err != nil {
		t.Fatal(err)
	}
	plan = w.Plan()
	requireWarning(t, plan, "OAuth2 client no longer exists", clientID, "revoked or deleted outside Terraform")
	if got := plan.Changes()[webAddr]; got != "create" {
		t.Fatalf("planned action for %s after revocation = %q, want create", webAddr, got)
	}
}

func TestAccOAuth2Client_importWarning(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard", "confidential", []string{"https://app.example.com/cb"}, []string{"openid"})
	if err != nil {
		t.Fatal(err)
	}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", webAddr, c.ClientID) +
		webClientConfig("Dashboard", `["https://app.example.com/cb"]`, `["openid"]`, ""))
	apply := w.Apply().RequireSuccess(t)
	requireWarning(t, apply, "Imported client has no secret in state", c.ClientID, "change rotation_triggers")

	// Adding a trigger issues a secret that Terraform holds.
	w.WriteConfig(requiredFlexslot + webClientConfig("Dashboard", `["https://app.example.com/cb"]`, `["openid"]`, `  rotation_triggers = { adopted = "1" }`))
	w.Apply().RequireSuccess(t)
	attrs := w.State(t).Values.RootModule.Resources[0].AttributeValues
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
			[]string{"https://app.example.com/cb"}, []string{"openid"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ClientID)
	}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Eleventh", `["https://app.example.com/cb"]`, `["openid"]`, "") +
		clientConfig("second", `
  application_name = "Twelfth"
  client_type      = "public"
  redirect_uris    = ["https://app.example.com/cb"]
  allowed_scopes   = ["openid"]
`))
	e.Server.ClearRequests()
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Partner is at the client limit", append([]string{"already holds 10 OAuth2 clients"}, ids...)...)

	// One list call for the whole plan, however many clients it creates.
	var lists int
	for _, r := range e.Server.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/oauth2-clients") {
			lists++
		}
	}
	if lists != 1 {
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
