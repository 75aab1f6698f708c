package reliability

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// figures collects what the suite exercised; TestMain writes it when FiguresEnv is set.
var figures Recorder

func TestMain(m *testing.M) {
	code := m.Run()
	if path := os.Getenv(FiguresEnv); path != "" && code == 0 && os.Getenv("TF_ACC") != "" {
		figures.Update(func(f *Figures) {
			f.CLI = cliVersion()
			f.Date = time.Now().UTC().Format("2006-01-02")
		})
		if err := figures.Write(path); err != nil {
			fmt.Fprintf(os.Stderr, "writing %s: %v\n", path, err)
			code = 1
		}
	}
	os.Exit(code)
}

// cliVersion is the first line of the CLI's version output, such as "OpenTofu v1.12.6".
func cliVersion() string {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	version, err := devcli.CLIVersion(context.Background(), path)
	if err != nil {
		return path
	}
	return version
}

// newToken returns a partner token unique to the test, so that a leak cannot
// be confused with another test's output.
func newToken() string {
	return "flx_pat_rel" + randomHex(16)
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// harness is one emulator with two partners and one CLI workspace pointed at
// it as partner A through FLEXSLOT_BASE_URL and FLEXSLOT_PAT.
type harness struct {
	t      *testing.T
	emu    *emulatortest.Instance
	srv    *emulator.Server
	w      *acctest.Workspace
	tokenA string
	tokenB string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith is newHarness with the emulator options changed by opts, whose
// Tokens already hold the two partners' tokens.
func newHarnessWith(t *testing.T, opts func(h *harness, o *emulator.Options)) *harness {
	t.Helper()
	h := &harness{t: t, tokenA: newToken(), tokenB: newToken()}
	h.w = acctest.NewWorkspace(t)
	o := emulator.Options{Tokens: []string{h.tokenA, h.tokenB}}
	if opts != nil {
		opts(h, &o)
	}
	h.emu = emulatortest.Start(t, o)
	h.srv = h.emu.Server
	h.w.SetEnv("FLEXSLOT_BASE_URL", h.emu.URL)
	h.w.SetEnv("FLEXSLOT_PAT", h.tokenA)
	return h
}

// spec is one flexslot_oauth2_client resource block.
type spec struct {
	name     string
	app      string
	typ      string
	uris     []string
	scopes   []string
	triggers map[string]string
	timeouts map[string]string
	provider string
	// attrs are further attributes, as tfconfig values: Go values, or
	// tfconfig.Expr for references.
	attrs map[string]any
}

func confidential(name string) spec {
	return spec{
		name:   name,
		app:    "Reliability " + name,
		typ:    "confidential",
		uris:   []string{"https://app.example.com/" + name + "/callback"},
		scopes: []string{"cards:read", "decks:read"},
	}
}

func (s spec) block() *tfconfig.Block {
	b := tfconfig.OAuth2Client{
		Provider:         s.provider,
		ApplicationName:  s.app,
		ClientType:       s.typ,
		RedirectURIs:     s.uris,
		AllowedScopes:    s.scopes,
		RotationTriggers: s.triggers,
		Timeouts:         s.timeouts,
	}.Resource(s.name)
	for _, k := range slices.Sorted(maps.Keys(s.attrs)) {
		b.Set(k, s.attrs[k])
	}
	return b
}

// render is a configuration requiring the provider, then the blocks extra,
// then a client per spec.
func render(extra []*tfconfig.Block, specs ...spec) string {
	blocks := append([]*tfconfig.Block{tfconfig.Terraform(tfconfig.Flexslot)}, extra...)
	for _, s := range specs {
		blocks = append(blocks, s.block())
	}
	return tfconfig.File(blocks...)
}

// stateClient is a flexslot_oauth2_client as show -json reports it.
type stateClient struct {
	addr, id, secret, encrypted, app, typ string
}

// state returns the clients in state keyed by address.
func (h *harness) state() map[string]stateClient {
	h.t.Helper()
	st := h.w.State(h.t)
	out := map[string]stateClient{}
	if st.Values == nil || st.Values.RootModule == nil {
		return out
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Type != "flexslot_oauth2_client" || r.Mode != "managed" {
			continue
		}
		str := func(k string) string { s, _ := r.AttributeValues[k].(string); return s }
		out[r.Address] = stateClient{addr: r.Address, id: str("client_id"), secret: str("client_secret"), encrypted: str("client_secret_encrypted"), app: str("application_name"), typ: str("client_type")}
	}
	return out
}

// requireConverged fails unless a plan shows no changes.
func (h *harness) requireConverged() {
	h.t.Helper()
	plan := h.w.Plan("-detailed-exitcode")
	if plan.ExitCode != 0 {
		h.t.Fatalf("plan after the last apply exited %d, want 0 (no changes); changes %v\n%s\n%s", plan.ExitCode, plan.Changes(), plan.Stdout, plan.Stderr)
	}
}

// requireMatchesState fails unless partner token holds exactly the clients of
// the given state entries, and every confidential client's secret in state
// is its current secret at the emulator (a secret sealed to recipients is
// checked by the test that holds the identity).
func (h *harness) requireMatchesState(token string, clients map[string]stateClient) {
	h.t.Helper()
	want := map[string]string{}
	for addr, c := range clients {
		if c.id == "" {
			h.t.Errorf("%s has no client_id in state", addr)
			continue
		}
		want[c.id] = addr
	}
	got := h.srv.Clients(token)
	gotIDs := map[string]bool{}
	for _, c := range got {
		if gotIDs[c.ClientID] {
			h.t.Errorf("emulator lists %s twice", c.ClientID)
		}
		gotIDs[c.ClientID] = true
		if _, ok := want[c.ClientID]; !ok {
			h.t.Errorf("orphan: the emulator holds %s (%q), which is not in state", c.ClientID, c.ApplicationName)
		}
	}
	for id, addr := range want {
		if !gotIDs[id] {
			h.t.Errorf("%s in state (%s) does not exist at the emulator", addr, id)
		}
	}
	for addr, c := range clients {
		if c.typ == "confidential" && c.encrypted == "" && !h.srv.VerifySecret(c.id, c.secret) {
			h.t.Errorf("the client_secret of %s (%s) in state does not verify at the emulator", addr, c.id)
		}
	}
}

// errorsFor returns the error diagnostics of r about the resource at addr or client id.
func errorsFor(r *acctest.Result, addr, id string) []acctest.Diagnostic {
	var out []acctest.Diagnostic
	for _, d := range r.Errors() {
		if d.Address == addr || (id != "" && strings.Contains(d.Summary+d.Detail, id)) {
			out = append(out, d)
		}
	}
	return out
}

func diagText(diags []acctest.Diagnostic) string {
	parts := make([]string, len(diags))
	for i, d := range diags {
		parts[i] = d.String()
	}
	return strings.Join(parts, "\n")
}

// requests returns the log entries for method on exactly path.
func requests(log []emulator.RequestRecord, method, path string) []emulator.RequestRecord {
	var out []emulator.RequestRecord
	for _, r := range log {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// performed counts the logical writes the emulator carried out among reqs:
// answers with status ok, counting a replay of the same Idempotency-Key once.
func performed(reqs []emulator.RequestRecord, ok int) int {
	keys := map[string]bool{}
	n := 0
	for _, r := range reqs {
		if r.Status != ok {
			continue
		}
		if r.IdempotencyKey == "" {
			n++
			continue
		}
		if !keys[r.IdempotencyKey] {
			keys[r.IdempotencyKey] = true
			n++
		}
	}
	return n
}

// settledLog returns the emulator's request log once done accepts it. A
// request held by a latency fault is logged only when it ends: when the
// provider gave up on it, once the emulator notices the closed connection,
// which can be just after the CLI exits. A log that never settles fails the
// test shortly before its deadline.
func (h *harness) settledLog(done func([]emulator.RequestRecord) bool) []emulator.RequestRecord {
	h.t.Helper()
	log, err := h.srv.AwaitRequests(acctest.WaitContext(h.t), done)
	if err != nil {
		h.t.Fatalf("the request log never settled (%v): %+v", err, log)
	}
	return log
}

func faulted(reqs []emulator.RequestRecord) int {
	n := 0
	for _, r := range reqs {
		if r.Fault != "" {
			n++
		}
	}
	return n
}
