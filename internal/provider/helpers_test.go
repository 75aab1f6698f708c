package provider

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"filippo.io/age"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/crypto/ssh"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// The emulator each test runs, and what it saw.

const (
	testTokenA = "flx_pat_acc_partner_a"
	testTokenB = "flx_pat_acc_partner_b"
)

var (
	clientIDRegexp = regexp.MustCompile(`^cli_[0-9A-HJKMNP-TV-Z]{26}$`)
	secretRegexp   = regexp.MustCompile(`^flx_cs_[0-9A-Za-z]{58,}$`)
)

// testEmulator is an emulator of the Flexslot API for one test, with two partners.
type testEmulator struct {
	*emulatortest.Instance
}

func newTestEmulator(t *testing.T) *testEmulator {
	t.Helper()
	return newTestEmulatorWith(t, emulator.Options{})
}

// newTestEmulatorWith starts an emulator for partners A and B with the given switches.
func newTestEmulatorWith(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	opts.Tokens = []string{testTokenA, testTokenB}
	return &testEmulator{emulatortest.Start(t, opts)}
}

// env points the provider at this emulator as partner A.
func (e *testEmulator) env() map[string]string {
	return map[string]string{"FLEXSLOT_BASE_URL": e.URL, "FLEXSLOT_PAT": testTokenA}
}

func (e *testEmulator) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return testProviderFactories(e.env())
}

// testProviderFactories serves a provider whose environment fallbacks come from
// env, so that parallel tests each reach their own server.
func testProviderFactories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"flexslot": providerserver.NewProtocol6WithError(New("test", WithEnv(env))()),
	}
}

// apiClient is a Flexslot client acting for partner A outside Terraform, as the dashboard would.
func (e *testEmulator) apiClient(t *testing.T) *flexslot.Client {
	t.Helper()
	c, err := flexslot.NewClient(flexslot.Config{BaseURL: e.URL, Token: testTokenA, UserAgent: "acceptance-test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dashboardClients creates clients for partner A as the dashboard would, in
// this order: a confidential "Alpha", a public "Beta" and a confidential
// "Gamma" that Flexslot suspends. Partner B gets a client of its own that
// partner A must never see.
func dashboardClients(t *testing.T, e *testEmulator) (alpha, beta, gamma emulator.Client) {
	t.Helper()
	create := func(token, name, clientType string) emulator.Client {
		c, _, err := e.Server.CreateAsDashboard(token, name, clientType,
			[]string{"https://app.example.com/" + strings.ReplaceAll(name, " ", "-") + "/cb"}, cardsRead)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	alpha = create(testTokenA, "Alpha", "confidential")
	beta = create(testTokenA, "Beta", "public")
	gamma = create(testTokenA, "Gamma", "confidential")
	create(testTokenB, "Other partner", "confidential")
	if err := e.Server.Suspend(gamma.ClientID); err != nil {
		t.Fatal(err)
	}
	return alpha, beta, gamma
}

// revokeInDashboard revokes a client through the emulator's control API, as
// the dashboard's Revoke under Account → API access does.
func (e *testEmulator) revokeInDashboard(t *testing.T, clientID string) {
	t.Helper()
	resp, err := http.Post(e.URL+"/_emulator/clients/"+url.PathEscape(clientID)+"/revoke", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Client emulator.Client `json:"client"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Client.Status != emulator.StatusRevoked {
		t.Fatalf("revoking %s in the dashboard: %d %+v %v", clientID, resp.StatusCode, out.Client, err)
	}
}

// skewedClock is an emulator clock that a test can move, to date a client
// made by "another configuration" before or after this one's request.
type skewedClock struct{ offset atomic.Int64 }

func (c *skewedClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// createAt makes the client another configuration creates, dated offset from now.
func (e *testEmulator) createAt(t *testing.T, clock *skewedClock, offset time.Duration, name string) string {
	t.Helper()
	clock.offset.Store(int64(offset))
	defer clock.offset.Store(0)
	c, _, err := e.Server.CreateAsDashboard(testTokenA, name, "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	return c.ClientID
}

// checkNoClientsLeft is a CheckDestroy: every partner's client list is empty.
func (e *testEmulator) checkNoClientsLeft(*terraform.State) error {
	for _, token := range []string{testTokenA, testTokenB} {
		if clients := e.Server.Clients(token); len(clients) != 0 {
			return fmt.Errorf("%d clients left at the emulator after destroy, first %s", len(clients), clients[0].ClientID)
		}
	}
	return nil
}

// clientListed reports whether the emulator lists clientID as active or suspended for partner A.
func (e *testEmulator) clientListed(clientID string) bool {
	return slices.ContainsFunc(e.Server.Clients(testTokenA), func(c emulator.Client) bool { return c.ClientID == clientID })
}

// requestCounts counts the partner API requests since the log was last cleared,
// by operation: list, get, create, update, rotate, revoke.
func (e *testEmulator) requestCounts() map[string]int {
	counts := map[string]int{}
	for _, r := range e.Server.Requests() {
		counts[r.Operation]++
	}
	return counts
}

// extraLists counts the lists in the log beyond want that no reuse window
// explains: a read that starts more than a second after a list came back
// lists again, as it should, which the CLI makes happen on a loaded machine
// when it reads that much later than it configured the provider. A list that
// arrived less than a second after the one before it is never explained.
func (e *testEmulator) extraLists(want int) int {
	var lists []time.Time
	for _, r := range e.Server.Requests() {
		if r.Operation == emulator.OperationList {
			lists = append(lists, r.At)
		}
	}
	slices.SortFunc(lists, time.Time.Compare)
	late := 0
	for i := 1; i < len(lists); i++ {
		if lists[i].Sub(lists[i-1]) > time.Second {
			late++
		}
	}
	return max(len(lists)-want-late, 0)
}

// expectWrites checks that the step made exactly these writes (reads are not counted).
func (e *testEmulator) expectWrites(want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := e.requestCounts()
		for _, kind := range []string{emulator.OperationCreate, emulator.OperationRotate, emulator.OperationUpdate, emulator.OperationRevoke} {
			if got[kind] != want[kind] {
				return fmt.Errorf("%s requests: got %d, want %d (all: %v)", kind, got[kind], want[kind], got)
			}
		}
		return nil
	}
}

func sameCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// checkSecretVerifies checks that the secret in state is the client's current secret.
func (e *testEmulator) checkSecretVerifies(addr string, want bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		id, secret := rs.Primary.Attributes["client_id"], rs.Primary.Attributes["client_secret"]
		if got := e.Server.VerifySecret(id, secret); got != want {
			return fmt.Errorf("secret of %s verifies = %t, want %t", id, got, want)
		}
		return nil
	}
}

// openSealed decrypts client_secret_encrypted and checks the result at the emulator.
func (e *testEmulator) requireSealedSecretVerifies(t *testing.T, attrs map[string]any, id age.Identity) {
	t.Helper()
	if attrs["client_secret"] != nil {
		t.Fatalf("client_secret is %v, want null while secret_recipients is set", attrs["client_secret"])
	}
	sealed, _ := attrs["client_secret_encrypted"].(string)
	secret, err := sealedsecret.Open(sealed, id)
	if err != nil {
		t.Fatalf("decrypting client_secret_encrypted: %v", err)
	}
	if clientID := attrs["client_id"].(string); !e.Server.VerifySecret(clientID, secret) {
		t.Fatalf("the decrypted secret of %s does not verify", clientID)
	}
}

// Configurations, written with internal/tfconfig.

const webAddr = "flexslot_oauth2_client.web"

// The redirect URI and the scope most test clients have.
var (
	appCallback = []string{"https://app.example.com/cb"}
	cardsRead   = []string{"cards:read"}
)

// webClient is the confidential client "web" most tests declare; set further
// attributes on the block it returns.
func webClient(app string, uris, scopes []string) *tfconfig.Block {
	return oauth2Client("web", "confidential", app, uris, scopes)
}

// oauth2Client is a flexslot_oauth2_client named name; set further
// attributes on the block it returns.
func oauth2Client(name, clientType, app string, uris, scopes []string) *tfconfig.Block {
	return tfconfig.OAuth2Client{ApplicationName: app, ClientType: clientType, RedirectURIs: uris, AllowedScopes: scopes}.Resource(name)
}

// replaceOnTrigger is a lifecycle block replacing the resource when
// terraform_data.trigger changes.
func replaceOnTrigger() *tfconfig.Block {
	return tfconfig.New("lifecycle").Set("replace_triggered_by", tfconfig.Expr("[terraform_data.trigger]"))
}

func sealedClientConfig(recipients ...string) string {
	return cliConfig(webClient("Sealed", appCallback, cardsRead).Set("secret_recipients", recipients))
}

const clientDataAddr = "data.flexslot_oauth2_client.this"

// clientData is the flexslot_oauth2_client data source named name, looking
// up clientID.
func clientData(name string, clientID any) *tfconfig.Block {
	return tfconfig.Data("flexslot_oauth2_client", name).Set("client_id", clientID)
}

func clientDataConfig(clientID string) string {
	return clientData("this", clientID).String()
}

// apiKeyConfig is a configuration of the flexslot_partner_api_key "this"
// with attrs.
func apiKeyConfig(attrs map[string]any) string {
	key := tfconfig.Resource("flexslot_partner_api_key", "this")
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		key.Set(name, attrs[name])
	}
	return cliConfig(key)
}

// providerTestConfig is a client planned through the provider configured
// as p: its defaults, environment variables included, when p is empty.
func providerTestConfig(p tfconfig.Provider) string {
	web := webClient("Web", []string{"https://app.example.com/oauth/callback"}, []string{"decks:read"})
	if p == (tfconfig.Provider{}) {
		return tfconfig.File(web)
	}
	return tfconfig.File(p.Block(), web)
}

// requiredFlexslot is the terraform block of a CLI workspace's configuration,
// for the configurations written out as HCL.
var requiredFlexslot = tfconfig.Terraform(tfconfig.Flexslot).String()

// cliConfig is a configuration for a CLI workspace: the provider required,
// then blocks.
func cliConfig(blocks ...*tfconfig.Block) string {
	return tfconfig.File(append([]*tfconfig.Block{tfconfig.Terraform(tfconfig.Flexslot)}, blocks...)...)
}

// copyExample copies files of an example directory under examples/ into the
// workspace, as a user copies them.
func copyExample(t *testing.T, w *acctest.Workspace, dir string, names ...string) {
	t.Helper()
	root, err := devcli.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(root, "examples", filepath.FromSlash(dir), name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(w.Dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// CLI workspaces and their diagnostics.

func newCLIWorkspace(t *testing.T, e *testEmulator) *acctest.Workspace {
	t.Helper()
	w := acctest.NewWorkspace(t)
	w.SetEnv("FLEXSLOT_BASE_URL", e.URL)
	w.SetEnv("FLEXSLOT_PAT", testTokenA)
	return w
}

// expectError matches a CLI error holding each part in order, wherever the
// CLI wrapped its lines.
func expectError(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// requireWarning fails unless r holds a warning with summary whose detail contains every part.
func requireWarning(t *testing.T, r *acctest.Result, summary string, parts ...string) {
	t.Helper()
	requireDiagnostic(t, r, "warning", r.Warnings(), summary, parts)
}

// requireFailure fails unless r failed with an error whose summary is summary
// and whose detail holds every part.
func requireFailure(t *testing.T, r *acctest.Result, summary string, parts ...string) {
	t.Helper()
	if r.ExitCode == 0 {
		t.Fatalf("command succeeded, want error %q\nstdout:\n%s", summary, r.Stdout)
	}
	requireDiagnostic(t, r, "error", r.Errors(), summary, parts)
}

// requireDiagnostic fails unless diags hold one with summary whose detail contains every part.
func requireDiagnostic(t *testing.T, r *acctest.Result, severity string, diags []acctest.Diagnostic, summary string, parts []string) {
	t.Helper()
	for _, d := range diags {
		if d.Summary != summary {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(d.Detail, p) {
				t.Fatalf("%s %q: detail %q does not contain %q", severity, summary, d.Detail, p)
			}
		}
		return
	}
	t.Fatalf("no %s %q in %v\nstdout:\n%s\nstderr:\n%s", severity, summary, diags, r.Stdout, r.Stderr)
}

func requireNoWarnings(t *testing.T, r *acctest.Result) {
	t.Helper()
	if w := r.Warnings(); len(w) != 0 {
		t.Fatalf("unexpected warnings: %v", w)
	}
}

// requireCheckWarning fails unless a check block's assertion failed with message.
func requireCheckWarning(t *testing.T, r *acctest.Result, message string) {
	t.Helper()
	for _, d := range r.Warnings() {
		if strings.Contains(d.Detail, message) {
			return
		}
	}
	t.Fatalf("no check warning %q in %v", message, r.Warnings())
}

// requireNoKeyMaterial fails if the output holds any line of key, or any part
// of it 16 characters long.
func requireNoKeyMaterial(t *testing.T, r *acctest.Result, key string) {
	t.Helper()
	out := r.Stdout + r.Stderr
	for _, line := range strings.Split(key, "\n") {
		if strings.HasPrefix(line, "-----") {
			continue
		}
		for i := 0; i+16 <= len(line); i += 8 {
			if strings.Contains(out, line[i:i+16]) {
				t.Fatalf("%v printed part of the private key:\n%s", r.Args, out)
			}
		}
	}
}

// requireNoPlaintext fails if any file of the workspace holds a secret or the token.
func requireNoPlaintext(t *testing.T, w *acctest.Workspace, extra ...string) {
	t.Helper()
	err := filepath.WalkDir(w.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+".terraform"+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range append([]string{emulator.SecretPrefix, testTokenA}, extra...) {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// State and plans of a CLI workspace.

func stateClientID(t *testing.T, w *acctest.Workspace) string {
	t.Helper()
	return w.State(t).Values.RootModule.Resources[0].AttributeValues["client_id"].(string)
}

func stateAttrs(t *testing.T, w *acctest.Workspace) map[string]any {
	t.Helper()
	return w.State(t).Values.RootModule.Resources[0].AttributeValues
}

// stateClients returns the client_id and client_secret of every client in state, by address.
func stateClients(t *testing.T, w *acctest.Workspace) map[string][2]string {
	t.Helper()
	out := map[string][2]string{}
	state := w.State(t)
	if state.Values == nil {
		return out
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type != "flexslot_oauth2_client" {
			continue
		}
		secret, _ := r.AttributeValues["client_secret"].(string)
		out[r.Address] = [2]string{r.AttributeValues["client_id"].(string), secret}
	}
	return out
}

func mapsEqual(a, b map[string][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// apiKeyAddr is the address of the partner API key the tests declare.
const apiKeyAddr = "flexslot_partner_api_key.this"

// apiKeyAttrs returns the flexslot_partner_api_key's attributes in state.
func apiKeyAttrs(t *testing.T, w *acctest.Workspace) map[string]any {
	t.Helper()
	for _, r := range w.State(t).Values.RootModule.Resources {
		if r.Address == apiKeyAddr {
			return r.AttributeValues
		}
	}
	t.Fatal(apiKeyAddr + " is not in state")
	return nil
}

// plannedValue saves a plan of w and returns the value it plans for attribute of webAddr.
func plannedValue(t *testing.T, w *acctest.Workspace, attribute string) any {
	t.Helper()
	return plannedValueOf(t, w, webAddr, attribute)
}

// plannedValueOf is the value a saved plan gives attribute of addr.
func plannedValueOf(t *testing.T, w *acctest.Workspace, addr, attribute string) any {
	t.Helper()
	w.Run("plan", "-input=false", "-no-color", "-out=tfplan").RequireSuccess(t)
	var plan tfjson.Plan
	if err := json.Unmarshal([]byte(w.Run("show", "-json", "-no-color", "tfplan").RequireSuccess(t).Stdout), &plan); err != nil {
		t.Fatal(err)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address == addr {
			if after, ok := rc.Change.After.(map[string]any); ok {
				return after[attribute]
			}
		}
	}
	t.Fatalf("the plan has no change for %s", addr)
	return nil
}

func requireNoChanges(t *testing.T, w *acctest.Workspace, when string) {
	t.Helper()
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan %s: exit %d, want 0 (no changes)\n%s", when, plan.ExitCode, plan.Stdout)
	}
}

func requireSecretVersion(t *testing.T, w *acctest.Workspace, want float64) {
	t.Helper()
	if got := stateAttrs(t, w)["secret_version"]; got != want {
		t.Fatalf("secret_version = %v, want %v", got, want)
	}
}

// stripNewAttributes rewrites the local state as the previous provider version
// wrote it: without secret_version, rotation_period and private state.
func stripNewAttributes(t *testing.T, w *acctest.Workspace) {
	t.Helper()
	editStateInstances(t, w, func(inst map[string]any) {
		attrs := inst["attributes"].(map[string]any)
		if _, ok := attrs["secret_version"]; !ok {
			t.Fatalf("state has no secret_version to strip: %v", attrs)
		}
		delete(attrs, "secret_version")
		delete(attrs, "rotation_period")
		delete(inst, "private")
	})
}

// stripStateAttribute removes attribute from every resource instance in w's
// state, as a state written before the attribute existed lacks it.
func stripStateAttribute(t *testing.T, w *acctest.Workspace, attribute string) {
	t.Helper()
	editStateInstances(t, w, func(inst map[string]any) {
		attrs := inst["attributes"].(map[string]any)
		if _, ok := attrs[attribute]; !ok {
			t.Fatalf("state has no %s to strip: %v", attribute, attrs)
		}
		delete(attrs, attribute)
	})
}

// editStateInstances rewrites w's state file, calling edit on every resource
// instance, and bumps its serial.
func editStateInstances(t *testing.T, w *acctest.Workspace, edit func(inst map[string]any)) {
	t.Helper()
	path := filepath.Join(w.Dir, "terraform.tfstate")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state["resources"].([]any) {
		for _, inst := range r.(map[string]any)["instances"].([]any) {
			edit(inst.(map[string]any))
		}
	}
	state["serial"] = state["serial"].(float64) + 1
	out, _ := json.MarshalIndent(state, "", "  ")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// terraform-plugin-testing checks.

var rfc3339Regexp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)

// checkNoValueEquals fails when any attribute of addr holds secret.
func checkNoValueEquals(addr, secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		for k, v := range rs.Primary.Attributes {
			if v == secret {
				return fmt.Errorf("%s.%s holds the client secret", addr, k)
			}
		}
		return nil
	}
}

func clientIDsAre(addr string, ids ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.StringExact(id))
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_ids"), knownvalue.ListExact(checks))
}

func stringsExact(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}

// The provider served in-process, over the plugin protocol.

// protoProvider is the provider server as the CLI sees it over the plugin
// protocol, configured against an emulator.
type protoProvider struct {
	tfprotov6.ProviderServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// newProtoProvider starts the provider server and configures it as partner A of e.
func newProtoProvider(t *testing.T, e *testEmulator) *protoProvider {
	t.Helper()
	return newProtoProviderWithEnv(t, e.env())
}

// newProtoProviderWithEnv starts the provider server and configures it from env.
func newProtoProviderWithEnv(t *testing.T, env map[string]string) *protoProvider {
	t.Helper()
	ctx := context.Background()
	// Every list the provider starts, its prefetch included, ends with the test.
	closeClients := func(p *flexslotProvider) {
		p.configured = func(c *flexslot.Client) { t.Cleanup(c.Close) }
	}
	server, err := providerserver.NewProtocol6WithError(New("test", WithEnv(env), closeClients)())()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	checkNoDiagnostics(t, "GetProviderSchema", schema.Diagnostics)
	p := &protoProvider{ProviderServer: server, schema: schema}

	config := p.dynamicValue(t, schema.Provider.ValueType(), nil)
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config, TerraformVersion: "1.14.0"})
	if err != nil {
		t.Fatal(err)
	}
	checkNoDiagnostics(t, "ConfigureProvider", resp.Diagnostics)
	return p
}

// dynamicValue encodes an object of type typ whose attributes are null except those in set.
func (p *protoProvider) dynamicValue(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %s is not an object", typ)
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range object.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := set[name]; ok {
			values[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

// listResult is one decoded ListResource result.
type listResult struct {
	displayName string
	clientID    string
	resource    map[string]tftypes.Value // nil unless the resource was requested
}

// list calls the ListResource RPC for flexslot_oauth2_client and decodes its results.
func (p *protoProvider) list(t *testing.T, filters map[string]string, includeResource bool, limit int64) []listResult {
	t.Helper()
	const typeName = "flexslot_oauth2_client"
	set := map[string]tftypes.Value{}
	for k, v := range filters {
		set[k] = tftypes.NewValue(tftypes.String, v)
	}
	config := p.dynamicValue(t, p.schema.ListResourceSchemas[typeName].ValueType(), set)
	stream, err := p.ProviderServer.(tfprotov6.ListResourceServer).ListResource(context.Background(),
		&tfprotov6.ListResourceRequest{TypeName: typeName, Config: &config, IncludeResource: includeResource, Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	identityType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"client_id": tftypes.String}}
	var results []listResult
	for r := range stream.Results {
		checkNoDiagnostics(t, "ListResource", r.Diagnostics)
		var got listResult
		got.displayName = r.DisplayName
		identity, err := r.Identity.IdentityData.Unmarshal(identityType)
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		if err := identity.As(&attrs); err != nil {
			t.Fatal(err)
		}
		if err := attrs["client_id"].As(&got.clientID); err != nil {
			t.Fatal(err)
		}
		if r.Resource != nil {
			v, err := r.Resource.Unmarshal(p.schema.ResourceSchemas[typeName].ValueType())
			if err != nil {
				t.Fatal(err)
			}
			if err := v.As(&got.resource); err != nil {
				t.Fatal(err)
			}
		}
		results = append(results, got)
	}
	return results
}

func checkNoDiagnostics(t *testing.T, rpc string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		t.Errorf("%s: %s diagnostic: %s: %s", rpc, d.Severity, d.Summary, d.Detail)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// listedIDs returns the client IDs of a list block's results, sorted.
func listedIDs(results []acctest.ListResult) []string {
	ids := make([]string, 0, len(results))
	for _, r := range results {
		id, _ := r.Identity["client_id"].(string)
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// recordingServer answers the client list with an empty list and records
// the headers the provider sent.
type recordingServer struct {
	*httptest.Server
	mu      sync.Mutex
	headers []http.Header
}

func newRecordingServer(t *testing.T) *recordingServer {
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.headers = append(rs.headers, r.Header.Clone())
		rs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_test")
		fmt.Fprint(w, `{"clients":[]}`)
	}))
	t.Cleanup(rs.Close)
	return rs
}

// Models, private state and keys for unit tests.

func baseModel() oauth2ClientModel {
	return oauth2ClientModel{
		ApplicationName:  types.StringValue("Web"),
		ClientType:       types.StringValue("confidential"),
		RedirectURIs:     stringSetOf("https://b.example/cb", "https://a.example/cb"),
		AllowedScopes:    stringSetOf("cards:read"),
		GrantTypes:       stringSetOf("authorization_code", "refresh_token"),
		ApplicationURL:   types.StringValue(""),
		RotationTriggers: types.MapNull(types.StringType),
		SecretRecipients: types.SetNull(types.StringType),
		SecretCurrent:    types.BoolValue(true),
	}
}

func stringSetOf(values ...string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// isClientID is an independent statement of what an import ID may be: client
// IDs are opaque strings, so anything non-empty without a space or a control
// character (Unicode White_Space, category Cc).
func isClientID(id string) bool {
	return id != "" && !strings.ContainsFunc(id, func(r rune) bool {
		return unicode.In(r, unicode.White_Space, unicode.Cc)
	})
}

// mapPrivate is private state in memory.
type mapPrivate map[string][]byte

func (p mapPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p mapPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
	} else {
		p[key] = value
	}
	return nil
}

// memoryPrivate is private state in memory that counts its writes.
type memoryPrivate struct {
	keys   map[string][]byte
	writes int
}

func (m *memoryPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m.keys[key], nil
}

func (m *memoryPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if m.keys == nil {
		m.keys = map[string][]byte{}
	}
	m.writes++
	m.keys[key] = value
	return nil
}

func pathOf(attribute string) path.Path { return path.Root(attribute) }

// sshPrivateKey returns an OpenSSH ed25519 key pair, the private key
// protected by passphrase unless it is empty.
func sshPrivateKey(t *testing.T, passphrase string) (recipient, private string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), string(pem.EncodeToMemory(block))
}
