package reliability

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// invalidInput is a configuration the provider must refuse before calling the API.
type invalidInput struct {
	name string
	attr string // the attribute the error must point at
	want string // text the error must hold
	edit func(*spec)
}

func invalidInputs() []invalidInput {
	uri := func(u string) func(*spec) { return func(s *spec) { s.uris = []string{u} } }
	return []invalidInput{
		{"http to a non-loopback host", "redirect_uris", "must use https", uri("http://app.example.com/cb")},
		{"wildcard", "redirect_uris", "wildcard", uri("https://*.example.com/cb")},
		{"fragment", "redirect_uris", "fragment", uri("https://app.example.com/cb#done")},
		{"custom scheme", "redirect_uris", "loopback redirect", uri("com.example.app://callback")},
		{"relative URI", "redirect_uris", "absolute URI", uri("/oauth/callback")},
		{"no host", "redirect_uris", "absolute URI", uri("https:///callback")},
		{"empty URI", "redirect_uris", "must not be empty", uri("")},
		{"space in URI", "redirect_uris", "spaces", uri("https://app.example.com/a b")},
		{"URI over 2048 bytes", "redirect_uris", "2048", uri("https://app.example.com/" + strings.Repeat("a", 2048))},
		{"empty redirect_uris", "redirect_uris", "at least 1", func(s *spec) { s.uris = []string{} }},
		{"21 redirect URIs", "redirect_uris", "20", func(s *spec) {
			s.uris = nil
			for i := range 21 {
				s.uris = append(s.uris, fmt.Sprintf("https://app.example.com/cb%d", i))
			}
		}},
		{"empty allowed_scopes", "allowed_scopes", "at least 1", func(s *spec) { s.scopes = []string{} }},
		{"malformed scope", "allowed_scopes", "scope", func(s *spec) { s.scopes = []string{"decks read"} }},
		{"name over 100 characters", "application_name", "100", func(s *spec) { s.app = strings.Repeat("n", 101) }},
		{"empty name", "application_name", "1", func(s *spec) { s.app = "" }},
		{"control character in name", "application_name", "control characters", func(s *spec) { s.app = "bad\u0007name" }},
		{"unknown client_type", "client_type", "confidential", func(s *spec) { s.typ = "service" }},
		{"rotation_triggers on a public client", "rotation_triggers", "public client", func(s *spec) {
			s.typ = "public"
			s.uris = []string{"http://localhost:8080/cb"}
			s.triggers = map[string]string{"generation": "1"}
		}},
	}
}

// attrLine returns the 1-based line of attr inside resource name in config.
func attrLine(config, name, attr string) int {
	inside := false
	for i, line := range strings.Split(config, "\n") {
		if strings.HasPrefix(line, "resource ") {
			inside = strings.Contains(line, fmt.Sprintf("%q", name))
			continue
		}
		if inside && strings.HasPrefix(strings.TrimSpace(line), attr+" ") {
			return i + 1
		}
	}
	return -1
}

// lineOf returns the 1-based line of the first line of config holding text.
func lineOf(config, text string) int {
	for i, line := range strings.Split(config, "\n") {
		if strings.Contains(line, text) {
			return i + 1
		}
	}
	return -1
}

// TestAccHostileInput_validate refuses every invalid configuration at
// validate, each with an error pointing at the attribute at fault, while a
// duplicate entry in a set is collapsed by the CLI before the provider sees it.
func TestAccHostileInput_validate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := invalidInputs()
	var specs []spec
	for i, c := range cases {
		s := confidential(fmt.Sprintf("bad%02d", i))
		c.edit(&s)
		specs = append(specs, s)
	}
	dup := confidential("duplicates")
	dup.uris = []string{"https://app.example.com/cb", "https://app.example.com/cb"}
	dup.scopes = []string{"cards:read", "cards:read"}
	specs = append(specs, dup)
	config := render("", specs...)
	h.w.WriteConfig(config)
	r := h.w.Run("validate", "-json", "-no-color")
	if r.ExitCode == 0 {
		t.Fatalf("validate accepted every invalid input:\n%s", r.Stdout)
	}
	diags := validateDiagnostics(t, r)

	refused := 0
	for i, c := range cases {
		name := specs[i].name
		line := attrLine(config, name, c.attr)
		var hits []string
		ok := false
		for _, d := range diags {
			if d.Severity != "error" || d.Range == nil || d.Range.Start.Line != line {
				continue
			}
			hits = append(hits, d.String())
			if strings.Contains(d.Summary+" "+d.Detail, c.want) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s (%s): no error at %s line %d holding %q; errors there: %v", c.name, name, c.attr, line, c.want, hits)
			continue
		}
		refused++
	}
	for _, d := range diags {
		if d.Severity == "error" && d.Range != nil && d.Range.Start.Line >= lineOf(config, `"duplicates"`) {
			t.Errorf("duplicate set entries were refused, yet the CLI collapses them: %s", d)
		}
	}
	// The provider block: plain http to a non-loopback host. A provider
	// configuration error stops validation before the resources, so it runs alone.
	config = render(`
provider "flexslot" {
  base_url = "http://api.example.com"
}
`, confidential("c"))
	h.w.WriteConfig(config)
	r = h.w.Run("validate", "-json", "-no-color")
	diags = validateDiagnostics(t, r)
	baseURLLine := lineOf(config, `base_url = "http://api.example.com"`)
	found := false
	for _, d := range diags {
		if d.Severity == "error" && d.Range != nil && d.Range.Start.Line == baseURLLine && strings.Contains(d.Detail, "plain http") {
			found = true
		}
	}
	if !found {
		t.Errorf("base_url = \"http://api.example.com\" was not refused at line %d: %v", baseURLLine, diags)
	} else {
		refused++
	}
	figures.Update(func(f *Figures) { f.InputsRefused += refused })
}

// validateDiagnostics parses validate -json, whose output is one document.
func validateDiagnostics(t *testing.T, r *acctest.Result) []acctest.Diagnostic {
	t.Helper()
	var out struct {
		Diagnostics []acctest.Diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("parsing validate -json: %v\n%s\n%s", err, r.Stdout, r.Stderr)
	}
	return out.Diagnostics
}

// TestAccHostileInput_importIDs refuses malformed import ids, naming client_id.
func TestAccHostileInput_importIDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := []string{
		"not-an-id",
		"flx_client_",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4",    // 25 characters
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4YZ",  // 27 characters
		"flx_client_01hx2k5v7q9m3n4p6r8s0t2w4y",   // lower case
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4I",   // I is not Crockford base32
		"flx_cs_01HX2K5V7Q9M3N4P6R8S0T2W4Y",       // a secret prefix
		" flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y",  // leading space
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y/x", // trailing path
		"../../etc/passwd",
	}
	var b strings.Builder
	var specs []spec
	for i, id := range ids {
		s := confidential(fmt.Sprintf("imp%02d", i))
		specs = append(specs, s)
		fmt.Fprintf(&b, "\nimport {\n  to = flexslot_oauth2_client.%s\n  id = %q\n}\n", s.name, id)
	}
	h.w.WriteConfig(render(b.String(), specs...))
	r := h.w.Plan()
	if r.ExitCode == 0 {
		t.Fatal("plan imported malformed ids")
	}
	refused := 0
	errs := r.Errors()
	for _, id := range ids {
		ok := false
		for _, d := range errs {
			if d.Summary == "Invalid import ID" && strings.Contains(d.Detail, fmt.Sprintf("%q", id)) {
				ok = true
			}
		}
		if ok {
			refused++
		} else {
			t.Errorf("import id %q was not refused as an invalid import ID: %s", id, diagText(errs))
		}
	}
	if got := h.srv.Requests(); len(got) != 0 {
		for _, req := range got {
			if req.Operation != emulator.OperationList {
				t.Errorf("a malformed import id reached the API: %s %s", req.Method, req.Path)
			}
		}
	}
	figures.Update(func(f *Figures) { f.InputsRefused += refused })
}

// TestAccTransport_plaintextBaseURL refuses a plain http base URL to a
// non-loopback host given through the environment, before sending anything.
func TestAccTransport_plaintextBaseURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.w.SetEnv("FLEXSLOT_BASE_URL", "http://api.flexslot.gg")
	h.w.WriteConfig(render("", confidential("c")))
	r := h.w.Plan()
	text := diagText(r.Errors())
	if r.ExitCode == 0 || !strings.Contains(text, "Invalid Flexslot base URL") || !strings.Contains(text, "plain http") ||
		!strings.Contains(text, "FLEXSLOT_BASE_URL") {
		t.Errorf("a plain http base URL was not refused clearly: %s", text)
	}
	figures.Update(func(f *Figures) { f.TransportChecks++ })
}

// recordingServer counts requests and the Authorization headers it receives.
type recordingServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
	auth     []string
}

func (s *recordingServer) record(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	if a := r.Header.Get("Authorization"); a != "" {
		s.auth = append(s.auth, a)
	}
}

func (s *recordingServer) seen() (requests, auth []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...), append([]string(nil), s.auth...)
}

func newRecordingServer(t *testing.T, tls bool, next http.HandlerFunc) *recordingServer {
	s := &recordingServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		next(w, r)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS handshake failures are expected
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// TestAccTransport_tlsVerification keeps TLS verification on: against a
// server with a self-signed certificate, the provider fails with a
// certificate error and the server never receives a request, so no token.
func TestAccTransport_tlsVerification(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	srv := newRecordingServer(t, true, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	h.w.SetEnv("FLEXSLOT_BASE_URL", srv.URL)
	h.w.WriteConfig(render("", confidential("c")))
	r := h.w.Apply()
	text := diagText(r.Errors())
	if r.ExitCode == 0 || !strings.Contains(text, "certificate") {
		t.Errorf("the provider did not fail with a certificate error: %s\n%s", text, r.Stderr)
	}
	if reqs, auth := srv.seen(); len(reqs) != 0 || len(auth) != 0 {
		t.Errorf("the server with an untrusted certificate received %v", reqs)
	}
	if strings.Contains(r.Stdout+r.Stderr, h.tokenA[len("flx_pat_"):]) {
		t.Error("the token appears in the output")
	}
	figures.Update(func(f *Figures) { f.TransportChecks++ })
}

// TestAccTransport_noTokenOnRedirect never follows a redirect: server A
// redirects every request to server B, which must never be reached.
func TestAccTransport_noTokenOnRedirect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := newRecordingServer(t, false, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	a := newRecordingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusTemporaryRedirect
		if r.Method == http.MethodGet {
			status = http.StatusFound
		}
		http.Redirect(w, r, b.URL+r.URL.Path, status)
	})
	h.w.SetEnv("FLEXSLOT_BASE_URL", a.URL)
	h.w.WriteConfig(render("", confidential("c")))
	r := h.w.Apply()
	text := diagText(r.Errors())
	if r.ExitCode == 0 || !strings.Contains(text, "307") {
		t.Errorf("the apply did not fail on the redirect: %s\n%s", text, r.Stderr)
	}
	if reqs, auth := a.seen(); len(reqs) == 0 || len(auth) == 0 {
		t.Errorf("server A, the configured host, received no authenticated request: %v", reqs)
	}
	if reqs, auth := b.seen(); len(reqs) != 0 || len(auth) != 0 {
		t.Errorf("the redirect target received %v with %d Authorization headers", reqs, len(auth))
	}
	figures.Update(func(f *Figures) { f.TransportChecks++ })
}
