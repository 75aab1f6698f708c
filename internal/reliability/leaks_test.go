package reliability

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// leakWatch remembers every secret and token value seen so far and every
// output that must not hold them.
type leakWatch struct {
	values  map[string]string // secret value → what it is
	outputs []leakOutput
}

type leakOutput struct{ name, text string }

func (l *leakWatch) secret(what, value string) {
	if value != "" {
		l.values[value] = what
	}
}

func (l *leakWatch) result(r *acctest.Result) *acctest.Result {
	name := strings.Join(r.Args, " ")
	l.outputs = append(l.outputs, leakOutput{name + " (stdout)", r.Stdout}, leakOutput{name + " (stderr)", r.Stderr})
	return r
}

func (l *leakWatch) fromState(h *harness) {
	for addr, c := range h.state() {
		l.secret("client_secret of "+addr, c.secret)
	}
}

// needle is what is searched for: a value without its flx_..._ prefix, so a
// redacted form ("flx_cs_[REDACTED]") is fine but any copy of the random part is not.
func needle(value string) string {
	if i := strings.LastIndex(value[:min(len(value), 12)], "_"); i >= 0 {
		return value[i+1:]
	}
	return value
}

// check reports every output holding a secret.
func (l *leakWatch) check(t *testing.T) (leaks int) {
	t.Helper()
	for value, what := range l.values {
		for _, out := range l.outputs {
			if strings.Contains(out.text, needle(value)) {
				leaks++
				t.Errorf("%s appears in %s", what, out.name)
			}
		}
	}
	return leaks
}

// count returns how many values appear in the outputs.
func (l *leakWatch) count() (n int) {
	for value := range l.values {
		for _, out := range l.outputs {
			if strings.Contains(out.text, needle(value)) {
				n++
			}
		}
	}
	return n
}

// openSealed decrypts client_secret_encrypted with identity, as `age -d -i` does.
func openSealed(t *testing.T, armored string, identity age.Identity) string {
	t.Helper()
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(armored)), identity)
	if err != nil {
		t.Fatalf("decrypting client_secret_encrypted: %v\n%s", err, armored)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAccSecretsNeverLeak runs create, rotate, import, error and destroy
// scenarios with TF_LOG=trace: no client secret, no token and no base_url
// password may appear in the CLI's output, its diagnostics or the log file;
// only the state holds client secrets, and not even the state holds the
// secret of a client with secret_recipients.
func TestAccSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	h.w.SetEnv("TF_LOG", "trace")
	h.w.SetEnv("TF_LOG_PATH", logPath)
	l := &leakWatch{values: map[string]string{}}
	l.secret("the partner token", h.tokenA)
	l.secret("the other partner's token", h.tokenB)

	conf := confidential("conf")
	conf.triggers = map[string]string{"generation": "1"}
	pub := confidential("pub")
	pub.typ = "public"
	pub.uris = []string{"http://127.0.0.1:8400/callback"}
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	sealed := confidential("sealed")
	sealed.attrs = map[string]any{"secret_recipients": []string{identity.Recipient().String()}}
	// sealedSecret decrypts the sealed client's secret from state, checks it
	// at the emulator and watches it, but not in the state file, where it must
	// not be either.
	var sealedSecrets []string
	sealedSecret := func() {
		t.Helper()
		c := h.state()["flexslot_oauth2_client.sealed"]
		if c.secret != "" || c.encrypted == "" {
			t.Fatalf("the client with secret_recipients has client_secret %q and client_secret_encrypted %q, want null and ciphertext",
				c.secret, c.encrypted)
		}
		secret := openSealed(t, c.encrypted, identity)
		if !h.srv.VerifySecret(c.id, secret) {
			t.Errorf("the decrypted secret of %s does not verify at the emulator", c.id)
		}
		sealedSecrets = append(sealedSecrets, secret)
	}
	stateFile := func() string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(h.w.Dir, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Create.
	h.w.WriteConfig(render(nil, conf, pub, sealed))
	l.result(h.w.Apply()).RequireSuccess(t)
	l.fromState(h)
	sealedSecret()
	if len(l.values) < 3 {
		t.Fatalf("no client secret in state to look for: %v", h.state())
	}
	// The state file is the one place a secret may be; finding it there shows
	// the search below would find a leak.
	if control := (&leakWatch{values: l.values, outputs: []leakOutput{{"state", stateFile()}}}); control.count() == 0 {
		t.Fatal("the search finds no secret even in the state file")
	}

	// A plan that rotates shows the secret only as "(sensitive value)".
	conf.triggers["generation"] = "2"
	h.w.WriteConfig(render(nil, conf, pub, sealed))
	plan := l.result(h.w.Run("plan", "-input=false", "-no-color"))
	if plan.ExitCode != 0 || !strings.Contains(plan.Stdout, "client_secret") || !strings.Contains(plan.Stdout, "(sensitive value)") {
		t.Errorf("the human-readable plan does not show client_secret as (sensitive value):\n%s\n%s", plan.Stdout, plan.Stderr)
	}

	// Rotate: both the old and the new secret are watched. A second recipient
	// rotates the sealed client's secret too.
	second, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	sealed.attrs["secret_recipients"] = []string{identity.Recipient().String(), second.Recipient().String()}
	h.w.WriteConfig(render(nil, conf, pub, sealed))
	l.result(h.w.Apply()).RequireSuccess(t)
	l.fromState(h)
	sealedSecret()
	if sealedSecrets[0] == sealedSecrets[1] {
		t.Error("changing secret_recipients did not rotate the sealed client's secret")
	}
	if got := openSealed(t, h.state()["flexslot_oauth2_client.sealed"].encrypted, second); got != sealedSecrets[1] {
		t.Error("the second recipient does not decrypt the same secret")
	}

	// Import a client created in the dashboard, whose secret Terraform never sees.
	dash, dashSecret, err := h.srv.CreateAsDashboard(h.tokenA, "Dashboard app", "confidential",
		[]string{"https://dash.example.com/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	l.secret("the dashboard client's secret", dashSecret)
	imported := confidential("imported")
	imported.app, imported.uris, imported.scopes = "Dashboard app", []string{"https://dash.example.com/cb"}, []string{"cards:read"}
	h.w.WriteConfig(render(nil, conf, pub, sealed, imported))
	l.result(h.w.Run("import", "-input=false", "-no-color", "flexslot_oauth2_client.imported", dash.ClientID)).RequireSuccess(t)
	// Rotating the imported client gives Terraform a secret of its own.
	imported.triggers = map[string]string{"generation": "1"}
	h.w.WriteConfig(render(nil, conf, pub, sealed, imported))
	l.result(h.w.Apply()).RequireSuccess(t)
	l.fromState(h)

	// Error paths: a refused scope from the API, and a server error in the
	// middle of a rotation followed by a failing PATCH.
	// The plan refuses a scope the partner row does not hold, so the row is
	// made unreadable (and the refresh skipped, since the fault covers the
	// list too): the plan only warns and the API refuses.
	bad := conf
	bad.scopes = []string{"cards:read", "tournaments:admin"}
	h.w.WriteConfig(render(nil, bad, pub, sealed, imported))
	h.srv.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.PartnerPath, Kind: emulator.FaultStatus, Status: 503, RetryAfter: 3600})
	if r := l.result(h.w.Apply("-refresh=false")); r.ExitCode == 0 || !strings.Contains(diagText(r.Errors()), emulator.CodeInvalidScope) {
		t.Errorf("an unknown scope was not refused by the API: %s", diagText(r.Errors()))
	}
	h.srv.ClearFaults()
	conf.triggers["generation"] = "3"
	conf.app += " renamed"
	h.w.WriteConfig(render(nil, conf, pub, sealed, imported))
	confID := h.state()["flexslot_oauth2_client.conf"].id
	h.srv.AddFault(emulator.Fault{Method: http.MethodPatch, PathPrefix: emulator.BasePath + "/" + confID, Times: 1, Kind: emulator.FaultStatus, Status: 500})
	if r := l.result(h.w.Apply()); r.ExitCode == 0 {
		t.Error("the apply meeting a 500 on PATCH succeeded")
	}
	l.fromState(h)
	// A wrong token is refused without being echoed.
	wrong := newToken()
	l.secret("a wrong token", wrong)
	h.w.SetEnv("FLEXSLOT_PAT", wrong)
	if r := l.result(h.w.Plan()); r.ExitCode == 0 || !strings.Contains(diagText(r.Errors()), "401") {
		t.Errorf("a plan with a wrong token did not fail with 401: %s", diagText(r.Errors()))
	}
	h.w.SetEnv("FLEXSLOT_PAT", h.tokenA)
	// A base_url holding a password is refused without repeating it, and
	// without a request to the server it names.
	password := "pw" + randomHex(8)
	l.secret("the password in FLEXSLOT_BASE_URL", password)
	withPassword := strings.Replace(h.emu.URL, "://", "://relay:"+password+"@", 1)
	h.w.SetEnv("FLEXSLOT_BASE_URL", withPassword)
	before := len(h.srv.Requests())
	if r := l.result(h.w.Plan()); r.ExitCode == 0 || !strings.Contains(diagText(r.Errors()), "holds credentials") ||
		!strings.Contains(diagText(r.Errors()), "relay:xxxxx@") {
		t.Errorf("a FLEXSLOT_BASE_URL holding a password was not refused with the password masked: %s", diagText(r.Errors()))
	}
	if n := len(h.srv.Requests()) - before; n != 0 {
		t.Errorf("a FLEXSLOT_BASE_URL holding a password sent %d requests", n)
	}
	h.w.SetEnv("FLEXSLOT_BASE_URL", h.emu.URL)

	// The sealed client's secrets are nowhere in the state file.
	for i, secret := range sealedSecrets {
		if strings.Contains(stateFile(), needle(secret)) {
			t.Errorf("the sealed client's secret #%d is in the state file", i+1)
		}
		l.secret(fmt.Sprintf("the sealed client's secret #%d", i+1), secret)
	}

	// Destroy.
	l.result(h.w.Destroy()).RequireSuccess(t)
	if n := len(h.srv.Clients(h.tokenA)); n != 0 {
		t.Errorf("%d clients left after destroy", n)
	}

	trace, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(trace), "flexslot API request") {
		t.Errorf("the trace log holds no provider request entries, so it proves nothing")
	}
	l.outputs = append(l.outputs, leakOutput{"the TF_LOG_PATH file", string(trace)})
	leaks := l.check(t)
	figures.Update(func(f *Figures) {
		f.LeakScans += len(l.outputs)
		f.LeakSecrets += len(l.values)
		f.LeaksFound += leaks
	})
}
