package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
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
	w.WriteConfig(requiredFlexslot + webClientConfig("Warn", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
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
  allowed_scopes   = ["cards:read"]
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
	requireWarning(t, plan, "OAuth2 client no longer exists", clientID, "revoked outside Terraform")
	if got := plan.Changes()[webAddr]; got != "create" {
		t.Fatalf("planned action for %s after revocation = %q, want create", webAddr, got)
	}
}

func TestAccOAuth2Client_importWarning(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard", "confidential", []string{"https://app.example.com/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", webAddr, c.ClientID) +
		webClientConfig("Dashboard", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
	apply := w.Apply().RequireSuccess(t)
	requireWarning(t, apply, "Imported client has no secret in state", c.ClientID, "change rotation_triggers")

	// Adding a trigger issues a secret that Terraform holds.
	w.WriteConfig(requiredFlexslot + webClientConfig("Dashboard", `["https://app.example.com/cb"]`, `["cards:read"]`, `  rotation_triggers = { adopted = "1" }`))
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
			[]string{"https://app.example.com/cb"}, []string{"cards:read"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ClientID)
	}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Eleventh", `["https://app.example.com/cb"]`, `["cards:read"]`, "") +
		clientConfig("second", `
  application_name = "Twelfth"
  client_type      = "public"
  redirect_uris    = ["https://app.example.com/cb"]
  allowed_scopes   = ["cards:read"]
`))
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

// clientListed reports whether the emulator lists clientID as active or suspended for partner A.
func (e *testEmulator) clientListed(clientID string) bool {
	return slices.ContainsFunc(e.Server.Clients(testTokenA), func(c emulator.Client) bool { return c.ClientID == clientID })
}

func stateClientID(t *testing.T, w *acctest.Workspace) string {
	t.Helper()
	return w.State(t).Values.RootModule.Resources[0].AttributeValues["client_id"].(string)
}

func TestAccOAuth2Client_deletionProtectionAgainstReplace(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	config := func(trigger string) string {
		return requiredFlexslot + fmt.Sprintf("resource \"terraform_data\" \"trigger\" {\n  input = %q\n}\n", trigger) +
			webClientConfig("Protected", `["https://app.example.com/cb"]`, `["cards:read"]`,
				"  deletion_protection = true\n  lifecycle {\n    replace_triggered_by = [terraform_data.trigger]\n  }")
	}
	w.WriteConfig(config("1"))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	revoked := func() bool { return !e.clientListed(clientID) || e.requestCounts()["revoke"] != 0 }

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

	// A removed block with destroy = false stops managing the client and keeps it.
	if !cliAtLeast(t, w, "1.7.0") {
		return // removed blocks came with Terraform 1.7
	}
	w.WriteConfig(requiredFlexslot + "removed {\n  from = " + webAddr + "\n  lifecycle {\n    destroy = false\n  }\n}\n")
	w.Apply().RequireSuccess(t)
	if revoked() {
		t.Fatalf("a removed block revoked %s", clientID)
	}
}

// cliAtLeast reports whether the CLI under test is at least version v.
func cliAtLeast(t *testing.T, w *acctest.Workspace, v string) bool {
	t.Helper()
	var out struct {
		Version string `json:"terraform_version"`
	}
	r := w.Run("version", "-json").RequireSuccess(t)
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("version -json: %v\n%s", err, r.Stdout)
	}
	return version.Must(version.NewVersion(out.Version)).GreaterThanOrEqual(version.Must(version.NewVersion(v)))
}

// requireFailure fails unless r failed with an error whose summary is summary
// and whose detail holds every part.
func requireFailure(t *testing.T, r *acctest.Result, summary string, parts ...string) {
	t.Helper()
	if r.ExitCode == 0 {
		t.Fatalf("command succeeded, want error %q\nstdout:\n%s", summary, r.Stdout)
	}
	for _, d := range r.Errors() {
		if d.Summary != summary {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(d.Detail, p) {
				t.Fatalf("error %q: detail %q does not contain %q", summary, d.Detail, p)
			}
		}
		return
	}
	t.Fatalf("no error %q in %v\nstdout:\n%s\nstderr:\n%s", summary, r.Errors(), r.Stdout, r.Stderr)
}

func TestAccOAuth2Client_wrongRouteIsNeverGone(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	config := webClientConfig("Routed", `["https://app.example.com/cb"]`, `["cards:read"]`, "")
	w.WriteConfig(requiredFlexslot + config)
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

	// A real revoke outside Terraform is still detected, and the client created again.
	if err := e.apiClient(t).OAuth2Clients.Revoke(t.Context(), clientID); err != nil {
		t.Fatal(err)
	}
	apply := w.Apply().RequireSuccess(t)
	requireWarning(t, apply, "OAuth2 client no longer exists", clientID)
	if again := stateClientID(t, w); again == clientID || !e.clientListed(again) {
		t.Fatalf("after the revoke, state holds %s, want a new listed client", again)
	}
	w.Destroy().RequireSuccess(t)
}

func TestAccOAuth2Client_applyAfterServerChanged(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Planned", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)

	// Renamed outside Terraform, then a rotation applied without a refresh.
	name := "Renamed in the dashboard"
	if err := e.Server.UpdateAsDashboard(testTokenA, clientID, &name, nil, nil); err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(requiredFlexslot + webClientConfig("Planned", `["https://app.example.com/cb"]`, `["cards:read"]`,
		`  rotation_triggers = { n = "1" }`))
	w.Apply("-refresh=false").RequireSuccess(t)
	attrs := w.State(t).Values.RootModule.Resources[0].AttributeValues
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
	w.WriteConfig(requiredFlexslot + webClientConfig("Planned", `["https://app.example.com/cb"]`, `["cards:read"]`,
		`  rotation_triggers = { n = "2" }`))
	w.Plan("-out=saved.tfplan").RequireSuccess(t)
	if err := e.Server.Suspend(clientID); err != nil {
		t.Fatal(err)
	}
	if err := e.Server.UpdateAsDashboard(testTokenA, clientID, &name, nil, nil); err != nil {
		t.Fatal(err)
	}
	w.Run("apply", "-input=false", "-json", "saved.tfplan").RequireSuccess(t)
	attrs = w.State(t).Values.RootModule.Resources[0].AttributeValues
	if !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("the secret rotated by the saved plan does not verify")
	}
}

func TestAccOAuth2Client_planChecksBeforeCreate(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	config := webClientConfig("Lost answer", `["https://app.example.com/cb"]`, `["cards:read"]`, "")
	w.WriteConfig(requiredFlexslot + config)

	// A 1-hour Retry-After on the list: the plan does not wait for it.
	e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 3600})
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Could not check the partner's clients before creating", "1h0m0s")
	e.Server.ClearFaults()

	// A revoked token fails the plan, not the apply.
	w.SetEnv("FLEXSLOT_PAT", "flx_pat_revoked")
	requireFailure(t, w.Plan(), "Flexslot refused the provider's token", "every resource of this provider")
	w.SetEnv("FLEXSLOT_PAT", testTokenA)

	// A client left by an apply whose answer never arrived: the plan names it.
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Lost answer", "confidential", []string{"https://app.example.com/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	plan = w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "A matching OAuth2 client already exists", c.ClientID, "import {", `id = "`+c.ClientID+`"`)
}

func TestAccOAuth2Client_validationAsPublished(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)

	// A scope outside the catalog warns, and Flexslot decides.
	w.WriteConfig(requiredFlexslot + webClientConfig("Granted", `["https://app.example.com/cb"]`, `["decks:read-all"]`, ""))
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Scope outside Flexslot's published catalog", `"decks:read-all"`)
	if err := e.Server.GrantScope(testTokenA, "decks:read-all"); err != nil {
		t.Fatal(err)
	}
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
	w.WriteConfig(requiredFlexslot + fmt.Sprintf("provider \"flexslot\" {\n  base_url = %q\n}\n",
		strings.Replace(e.URL, "http://", "http://user:"+password+"@", 1)) +
		webClientConfig("Granted", `["https://app.example.com/cb"]`, `["decks:read-all"]`, ""))
	r = w.Plan()
	requireFailure(t, r, "Invalid Flexslot base URL", "holds credentials")
	if strings.Contains(r.Stdout+r.Stderr, password) {
		t.Fatalf("the base_url password appears in the output")
	}
}

func TestAccOAuth2Client_removingTriggersDoesNotRotate(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Scheduled", `["https://app.example.com/cb"]`, `["cards:read"]`,
		`  rotation_triggers = { quarter = "q1" }`))
	w.Apply().RequireSuccess(t)
	before := w.State(t).Values.RootModule.Resources[0].AttributeValues["client_secret"]
	for _, triggers := range []string{`  rotation_triggers = {}`, ""} {
		w.WriteConfig(requiredFlexslot + webClientConfig("Scheduled", `["https://app.example.com/cb"]`, `["cards:read"]`, triggers))
		e.Server.ClearRequests()
		w.Apply().RequireSuccess(t)
		if n := e.requestCounts()["rotate"]; n != 0 {
			t.Fatalf("setting %q rotated the secret %d times", triggers, n)
		}
		if after := w.State(t).Values.RootModule.Resources[0].AttributeValues["client_secret"]; after != before {
			t.Fatalf("setting %q changed the secret in state", triggers)
		}
	}
}

func TestAccOAuth2Client_withoutUpdateEndpoint(t *testing.T) {
	t.Parallel()
	e := &testEmulator{emulatortest.Start(t, emulator.Options{Tokens: []string{testTokenA}, WithoutUpdate: true})}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Fixed", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)

	// A rotation needs no update call and still works.
	w.WriteConfig(requiredFlexslot + webClientConfig("Fixed", `["https://app.example.com/cb"]`, `["cards:read"]`,
		`  rotation_triggers = { n = "1" }`))
	w.Apply().RequireSuccess(t)

	// An in-place change fails at apply, naming the fields and the way out.
	w.WriteConfig(requiredFlexslot + webClientConfig("Renamed", `["https://app.example.com/cb"]`, `["cards:read", "decks:read"]`,
		`  rotation_triggers = { n = "2" }`))
	requireFailure(t, w.Apply(), "Flexslot cannot change this client in place",
		"application_name, allowed_scopes", clientID, "-replace", "signs out every user")
	// State holds what is true: the old name, and the secret the same apply rotated.
	attrs := w.State(t).Values.RootModule.Resources[0].AttributeValues
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
	e := &testEmulator{emulatortest.Start(t, emulator.Options{Tokens: []string{testTokenA}, ListRevoked: true})}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + webClientConfig("Listed", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
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
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "CLI", "public", []string{"http://127.0.0.1/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", webAddr, c.ClientID) +
		clientConfig("web", `
  application_name = "CLI"
  client_type      = "public"
  redirect_uris    = ["http://127.0.0.1/cb"]
  allowed_scopes   = ["cards:read"]
`))
	requireNoWarnings(t, w.Apply().RequireSuccess(t))
	attrs := w.State(t).Values.RootModule.Resources[0].AttributeValues
	if attrs["id"] != c.ClientID || attrs["client_secret"] != nil {
		t.Fatalf("imported public client: id %v, client_secret %v", attrs["id"], attrs["client_secret"])
	}
	requireNoWarnings(t, w.Plan().RequireSuccess(t))
}

func TestAccOAuth2Client_noChangePlanListsOnce(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	w.WriteConfig(requiredFlexslot + `
resource "flexslot_oauth2_client" "many" {
  count            = 10
  application_name = "Client ${count.index}"
  client_type      = "public"
  redirect_uris    = ["http://127.0.0.1/cb"]
  allowed_scopes   = ["cards:read"]
}
`)
	w.Apply().RequireSuccess(t)
	e.Server.ClearRequests()
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 0 {
		t.Fatalf("no-change plan: exit %d\n%s", plan.ExitCode, plan.Stdout)
	}
	if got := e.Server.Requests(); len(got) != 1 || got[0].Operation != emulator.OperationList {
		t.Fatalf("a no-change plan of 10 clients sent %d requests, want one list: %+v", len(got), got)
	}
}

func TestAccOAuth2Client_protectedFromTheFirstImport(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, "Dashboard", "confidential", []string{"https://app.example.com/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	w := newWarningWorkspace(t, e)
	// The configuration gets client_type wrong: the plan would replace the client it imports.
	w.WriteConfig(requiredFlexslot + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", webAddr, c.ClientID) + clientConfig("web", `
  application_name    = "Dashboard"
  client_type         = "public"
  redirect_uris       = ["https://app.example.com/cb"]
  allowed_scopes      = ["cards:read"]
  deletion_protection = true
`))
	requireFailure(t, w.Plan(), "OAuth2 client is protected from deletion", c.ClientID)
	if !e.clientListed(c.ClientID) {
		t.Fatalf("%s was revoked", c.ClientID)
	}
}
