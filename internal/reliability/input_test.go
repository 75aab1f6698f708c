package reliability

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"filippo.io/age"
	"github.com/google/uuid"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// Values at the published limits of internal/rules, which count characters.
var (
	// uri512 is a redirect URI of exactly rules.RedirectURIMaxLength characters.
	uri512 = "https://app.example.com/" + strings.Repeat("a", rules.RedirectURIMaxLength-len("https://app.example.com/"))
	// scope64 is a scope of exactly rules.ScopeMaxLength characters, outside the catalog.
	scope64 = "decks:" + strings.Repeat("x", rules.ScopeMaxLength-len("decks:"))
	// name255 and name255Runes are names of exactly rules.ApplicationNameMaxLength
	// characters; each "é" is two bytes.
	name255      = strings.Repeat("n", rules.ApplicationNameMaxLength)
	name255Runes = strings.Repeat("é", rules.ApplicationNameMaxLength)
	// escape is a terminal control sequence that retitles the window.
	escape = "\x1b]0;owned\x07"
)

// invalidInput is a configuration the provider must refuse before calling the API.
type invalidInput struct {
	name string
	attr string // the attribute the error must point at
	want string // text the error must hold
	// value, when not empty, is the value at fault: the error must quote it
	// as Go's %q does, naming it with every control character escaped.
	value string
	edit  func(*spec)
}

func invalidInputs(t *testing.T) []invalidInput {
	t.Helper()
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	uri := func(name, want, u string) invalidInput {
		return invalidInput{name, "redirect_uris", want, u, func(s *spec) { s.uris = []string{u} }}
	}
	scope := func(name, want, sc string) invalidInput {
		return invalidInput{name, "allowed_scopes", want, sc, func(s *spec) { s.scopes = []string{"cards:read", sc} }}
	}
	appName := func(name, want, n string) invalidInput {
		return invalidInput{name, "application_name", want, n, func(s *spec) { s.app = n }}
	}
	attr := func(name, key, want, value string, v any) invalidInput {
		return invalidInput{name, key, want, value, func(s *spec) { s.attrs = map[string]any{key: v} }}
	}
	public := func(name, key string, v any) invalidInput {
		return invalidInput{name, key, "set on a public client", "", func(s *spec) {
			s.typ = "public"
			s.uris = []string{"http://localhost:8080/cb"}
			if key == "rotation_triggers" {
				s.triggers = map[string]string{"generation": "1"}
				return
			}
			s.attrs = map[string]any{key: v}
		}}
	}
	return []invalidInput{
		uri("http to a non-loopback host", rules.MsgHTTPS, "http://app.example.com/cb"),
		uri("http to a host named like localhost", rules.MsgHTTPS, "http://localhost.example.com/cb"),
		uri("http to LOCALHOST, which the guide writes in lower case", rules.MsgHTTPS, "http://LOCALHOST/cb"),
		uri("wildcard", rules.MsgWildcard, "https://*.example.com/cb"),
		uri("fragment", rules.MsgFragment, "https://app.example.com/cb#done"),
		uri("custom scheme", rules.SchemeMessage("com.example.app"), "com.example.app://callback"),
		uri("relative URI", rules.MsgNotAbsolute, "/oauth/callback"),
		uri("no host", rules.MsgNotAbsolute, "https:///callback"),
		uri("empty URI", rules.MsgEmpty, ""),
		uri("space in URI", rules.MsgWhitespace, "https://app.example.com/a b"),
		uri("terminal escape in URI", rules.MsgWhitespace, "https://app.example.com/cb"+escape),
		uri("URI of 513 characters", rules.MsgTooLong, uri512+"a"),
		uri("port 0", rules.MsgPortRange, "https://app.example.com:0/cb"),
		uri("port 65536", rules.MsgPortRange, "http://127.0.0.1:65536/cb"),
		uri("empty port", rules.MsgEmptyPort, "https://app.example.com:/cb"),
		scope("empty scope", rules.MsgScopeEmpty, ""),
		scope("space in scope", rules.MsgScopeSyntax, "decks read"),
		scope("empty word in scope", rules.MsgScopeSyntax, "decks::read"),
		scope("scope of 65 characters", rules.MsgScopeTooLong, scope64+"x"),
		appName("empty name", rules.MsgApplicationNameEmpty, ""),
		appName("name of 256 characters", rules.MsgApplicationNameTooLong, name255+"n"),
		appName("name of 256 two-byte characters", rules.MsgApplicationNameTooLong, name255Runes+"é"),
		appName("name of 256 characters with a terminal escape", rules.MsgApplicationNameTooLong,
			escape+name255[len(escape)-1:]),
		{"unknown client_type", "client_type", `"confidential"`, "service", func(s *spec) { s.typ = "service" }},
		attr("unknown grant type", "grant_types", rules.MsgGrantTypeUnknown, "implicit", []string{"implicit"}),
		attr("consent-screen URL without a scheme", "privacy_policy_url", rules.MsgConsentURLNotAbsolute,
			"app.example.com/privacy", "app.example.com/privacy"),
		attr("malformed secret recipient", "secret_recipients", "is not a valid age X25519 recipient", "age1notakey",
			[]string{"age1notakey"}),
		public("rotation_triggers on a public client", "rotation_triggers", nil),
		public("secret_recipients on a public client", "secret_recipients", []string{identity.Recipient().String()}),
		public("rotate_when_stale on a public client", "rotate_when_stale", true),
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

// blockLines returns the 1-based first and last lines of the top-level block
// of config whose header starts with header.
func blockLines(config, header string) (first, last int) {
	first = -1
	for i, line := range strings.Split(config, "\n") {
		switch {
		case first < 0 && strings.HasPrefix(line, header):
			first = i + 1
		case first > 0 && line == "}":
			return first, i + 1
		}
	}
	return first, -1
}

// invalidDataSources are flexslot_oauth2_client data sources the provider must
// refuse at validate, each with the text its error must hold.
var invalidDataSources = []struct {
	name  string
	attrs map[string]string
	want  string
}{
	{"both", map[string]string{"client_id": "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "application_name": "Deck Builder"}, "client_id"},
	{"neither", nil, "application_name"},
	{"space", map[string]string{"client_id": "cli 01HX2K5V7Q9M3N4P6R8S0T2W4Y"}, strconv.Quote("cli 01HX2K5V7Q9M3N4P6R8S0T2W4Y")},
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

// hasControl reports whether s holds a control character other than a newline.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0
}

// requireNoRequest fails if the emulator received any request.
func (h *harness) requireNoRequest(what string) {
	h.t.Helper()
	for _, req := range h.srv.Requests() {
		h.t.Errorf("%s reached the API: %s %s", what, req.Method, req.Path)
	}
}

// requireOnlyThePrefetch fails if the emulator received any request but the
// one list the configured provider process starts for its reads.
func (h *harness) requireOnlyThePrefetch(what string) {
	h.t.Helper()
	lists := 0
	for _, req := range h.srv.Requests() {
		if req.Operation == emulator.OperationList && lists == 0 {
			lists++
			continue
		}
		h.t.Errorf("%s reached the API beyond the list the provider starts when configured: %s %s", what, req.Method, req.Path)
	}
}

// requireNoWrite fails if the emulator received any request but lists.
func (h *harness) requireNoWrite(what string) {
	h.t.Helper()
	// Reads are allowed: the list, the partner row and the token's metadata.
	for _, req := range h.srv.Requests() {
		if req.Method != http.MethodGet {
			h.t.Errorf("%s wrote to the API: %s %s", what, req.Method, req.Path)
		}
	}
}

// TestAccHostileInput_validate refuses every invalid configuration at
// validate, each with an error pointing at the attribute at fault and quoting
// the value with its control characters escaped, before any API call, while a
// duplicate entry in a set is collapsed by the CLI before the provider sees it.
func TestAccHostileInput_validate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := invalidInputs(t)
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
	var data []*tfconfig.Block
	for _, d := range invalidDataSources {
		b := tfconfig.Data("flexslot_oauth2_client", d.name)
		for _, k := range slices.Sorted(maps.Keys(d.attrs)) {
			b.Set(k, d.attrs[k])
		}
		data = append(data, b)
	}
	config := render(data, specs...)
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
			if strings.Contains(d.Summary+" "+d.Detail, c.want) && (c.value == "" || strings.Contains(d.Detail, strconv.Quote(c.value))) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s (%s): no error at %s line %d holding %q and quoting %q; errors there: %v", c.name, name, c.attr, line, c.want, c.value, hits)
			continue
		}
		refused++
	}
	for _, ds := range invalidDataSources {
		first, last := blockLines(config, fmt.Sprintf("data \"flexslot_oauth2_client\" %q", ds.name))
		var hits []string
		ok := false
		for _, d := range diags {
			if d.Severity != "error" || d.Range == nil || d.Range.Start.Line < first || d.Range.Start.Line > last {
				continue
			}
			hits = append(hits, d.String())
			ok = ok || strings.Contains(d.Summary+" "+d.Detail, ds.want)
		}
		if !ok {
			t.Errorf("data source %q: no error in lines %d-%d holding %q; errors there: %v", ds.name, first, last, ds.want, hits)
			continue
		}
		refused++
	}
	for _, d := range diags {
		if d.Severity == "error" && d.Range != nil && d.Range.Start.Line >= lineOf(config, `"duplicates"`) {
			t.Errorf("duplicate set entries were refused, yet the CLI collapses them: %s", d)
		}
		if hasControl(d.Summary + d.Detail) {
			t.Errorf("a diagnostic holds a control character: %q", d.Summary+": "+d.Detail)
		}
	}
	// The human-readable output names the values too, and never sends a
	// terminal a control character.
	human := h.w.Run("validate", "-no-color")
	if out := human.Stdout + human.Stderr; hasControl(out) || !strings.Contains(out, strconv.Quote(escape)[1:len(strconv.Quote(escape))-1]) {
		t.Errorf("validate's output holds a control character, or does not name the escaped value:\n%q", out)
	}
	h.requireNoRequest("validate")
	figures.Update(func(f *Figures) { f.InputsRefused += refused })
}

// TestAccHostileInput_edgesAccepted plans and applies the values at the edge of
// each published rule that the rules accept: plan-time checks and the API agree
// on them, a scope outside the catalog only warns, and every value is stored as
// written.
func TestAccHostileInput_edgesAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	edges := confidential("edges")
	edges.app = name255Runes
	edges.uris = []string{uri512, "http://localhost:3000/cb", "https://app.example.com:1/cb", "http://127.0.0.1:65535/cb", "http://[::1]:8080/cb"}
	// string<uri>: any absolute URI; http and other schemes only warn.
	edges.attrs = map[string]any{"privacy_policy_url": "http://app.example.com/privacy", "tos_url": "mailto:legal@example.com"}
	for i := range 25 { // there is no limit on how many
		edges.uris = append(edges.uris, fmt.Sprintf("https://app.example.com/many/%02d", i))
	}
	nonCatalog := []string{"decks:read-all", scope64}
	edges.scopes = append([]string{"cards:read"}, nonCatalog...)
	long := confidential("long")
	long.app = name255
	long.scopes = []string{}
	accepted := 13 // the 5 URIs above, 30 URIs on one client, the 2 scopes, the 2 names, no scope at all, the 2 URLs
	config := render(nil, edges, long)
	h.w.WriteConfig(config)
	// Flexslot granted the partner both scopes: the plan checks them against the partner row.
	for _, scope := range nonCatalog {
		if err := h.srv.GrantScope(h.tokenA, scope); err != nil {
			t.Fatal(err)
		}
	}

	// Plan: no error, one warning per scope outside the catalog, no write.
	plan := h.w.Plan()
	if plan.ExitCode != 0 {
		t.Fatalf("plan refused values the rules accept: %s\n%s", diagText(plan.Errors()), plan.Stderr)
	}
	for _, scope := range nonCatalog {
		warned := false
		for _, d := range plan.Warnings() {
			if d.Summary == "Scope outside Flexslot's published catalog" && strings.Contains(d.Detail, strconv.Quote(scope)) {
				warned = true
			}
		}
		if !warned {
			t.Errorf("no warning names the scope %q outside the catalog: %s", scope, diagText(plan.Warnings()))
		}
	}
	h.requireNoWrite("plan")

	// The apply creates both clients with every value byte for byte.
	h.w.Apply().RequireSuccess(t)
	h.requireConverged()
	st := h.state()
	h.requireMatchesState(h.tokenA, st)
	for _, s := range []spec{edges, long} {
		c, ok := h.srv.Client(st["flexslot_oauth2_client."+s.name].id)
		if !ok {
			t.Errorf("%s is not at the emulator", s.name)
			continue
		}
		if c.ApplicationName != s.app || !sameSet(c.RedirectURIs, s.uris) || !sameSet(c.AllowedScopes, s.scopes) {
			t.Errorf("%s stored as %q %q %q, want %q %q %q", s.name, c.ApplicationName, c.RedirectURIs, c.AllowedScopes, s.app, s.uris, s.scopes)
		}
	}
	figures.Update(func(f *Figures) { f.EdgesAccepted += accepted })
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
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

// seededClientID is a client ID in the seed's form, which Flexslot's guides
// show as flx_client_01HX2K...: client IDs are opaque.
const seededClientID = "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y"

// seededClient is the client the emulator starts with in TestAccHostileInput_importIDs.
func seededClient() spec {
	s := confidential("seeded")
	s.app = "Seeded app"
	return s
}

// seedState writes an emulator state file holding seededClient for the
// partner token, under seededClientID, and returns its path.
func seedState(t *testing.T, token string) string {
	t.Helper()
	s := seededClient()
	now := time.Now().UTC().Truncate(time.Millisecond)
	client := emulator.Client{
		ID: uuid.NewString(), ClientID: seededClientID, ClientType: s.typ, ApplicationName: s.app,
		RedirectURIs: s.uris, AllowedScopes: s.scopes, GrantTypes: rules.DefaultGrantTypes(),
		RequirePKCE: true, Status: emulator.StatusActive, SecretRotatedAt: &now, CreatedAt: now, UpdatedAt: now,
	}
	b, err := json.Marshal(client)
	if err != nil {
		t.Fatal(err)
	}
	var record map[string]any
	if err := json.Unmarshal(b, &record); err != nil {
		t.Fatal(err)
	}
	record["partner"] = token
	b, err = json.Marshal(map[string]any{"clients": []any{record}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "emulator-state.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func importBlocks(ids map[string]string) []*tfconfig.Block {
	var blocks []*tfconfig.Block
	for _, name := range slices.Sorted(maps.Keys(ids)) {
		blocks = append(blocks, tfconfig.Import("flexslot_oauth2_client."+name, ids[name]))
	}
	return blocks
}

// TestAccHostileInput_importIDs refuses import IDs that are empty or hold
// spaces or control characters, naming client_id and quoting the ID, without
// sending them to the API (the configured provider process costs only its one
// list). Client IDs are published as opaque strings, so any other ID is
// accepted: it is looked up in the partner's list, never sent to another
// route, and one that is not there fails as a missing client. IDs of any
// form, such as cli_... and the seed's flx_client_..., are imported.
func TestAccHostileInput_importIDs(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(h *harness, o *emulator.Options) { o.StatePath = seedState(t, h.tokenA) })
	ids := []string{
		" cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",  // leading space
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y\n", // trailing newline
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y\u00a0",
		"cli_" + escape,
	}
	blocks := map[string]string{}
	var specs []spec
	for i, id := range ids {
		s := confidential(fmt.Sprintf("imp%02d", i))
		specs = append(specs, s)
		blocks[s.name] = id
	}
	h.w.WriteConfig(render(importBlocks(blocks), specs...))
	r := h.w.Plan()
	if r.ExitCode == 0 {
		t.Fatal("plan imported malformed ids")
	}
	refused := 0
	errs := r.Errors()
	for _, id := range ids {
		ok := false
		for _, d := range errs {
			if d.Summary == "Invalid import ID" && strings.Contains(d.Detail, strconv.Quote(id)) && !hasControl(d.Detail) {
				ok = true
			}
		}
		if ok {
			refused++
		} else {
			t.Errorf("import id %q was not refused as an invalid import ID quoting it: %s", id, diagText(errs))
		}
	}
	// The import itself sends nothing: the one list is the one every
	// configured provider process starts for its reads.
	h.requireOnlyThePrefetch("a malformed import id")

	// Opaque IDs of any other form reach only the list, which does not hold them.
	opaque := []string{
		"../../etc/passwd",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y/rotate-secret", // another route
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y?expand=secret", // a query
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y#x",
		"cli_%2e%2e", // an escaped path
		".",
		"..",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Ÿ", // not ASCII
	}
	blocks, specs = map[string]string{}, nil
	for i, id := range opaque {
		s := confidential(fmt.Sprintf("opq%02d", i))
		specs = append(specs, s)
		blocks[s.name] = id
	}
	h.w.WriteConfig(render(importBlocks(blocks), specs...))
	r = h.w.Plan()
	if text := diagText(r.Errors()); r.ExitCode == 0 || strings.Contains(text, "Invalid import ID") || !strings.Contains(text, "non-existent") {
		t.Errorf("importing opaque IDs of no client did not fail as missing clients: %s", text)
	}
	h.requireNoWrite("an opaque import id")

	// Opaque IDs of either form are accepted: the seeded flx_client_... and a
	// cli_... made in the dashboard are imported, and converge.
	dash, _, err := h.srv.CreateAsDashboard(h.tokenA, "Dashboard app", "confidential",
		[]string{"https://dash.example.com/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	dashSpec := confidential("dash")
	dashSpec.app, dashSpec.uris, dashSpec.scopes = dash.ApplicationName, dash.RedirectURIs, dash.AllowedScopes
	h.w.WriteConfig(render(importBlocks(map[string]string{"seeded": seededClientID, "dash": dash.ClientID}), seededClient(), dashSpec))
	h.w.Apply().RequireSuccess(t)
	st := h.state()
	if got := st["flexslot_oauth2_client.seeded"].id; got != seededClientID {
		t.Errorf("the client imported as %s has client_id %q in state", seededClientID, got)
	}
	if got := st["flexslot_oauth2_client.dash"].id; got != dash.ClientID {
		t.Errorf("the client imported as %s has client_id %q in state", dash.ClientID, got)
	}
	h.requireConverged()

	// A well-formed ID of no client of this partner reaches the API, which finds nothing.
	missing := confidential("missing")
	h.w.WriteConfig(render(importBlocks(map[string]string{"missing": "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y"}), seededClient(), dashSpec, missing))
	r = h.w.Plan()
	if text := diagText(r.Errors()); r.ExitCode == 0 || strings.Contains(text, "Invalid import ID") || !strings.Contains(text, "non-existent") {
		t.Errorf("importing a well-formed ID of no client did not fail as a missing client: %s", text)
	}
	figures.Update(func(f *Figures) {
		f.InputsRefused += refused
		f.EdgesAccepted += 2 + len(opaque)
	})
}

// TestAccHostileInput_baseURL refuses, before any request, a base_url that
// uses plain http to another host, holds the API path or holds credentials,
// from the configuration (at validate) and from FLEXSLOT_BASE_URL (at plan);
// a password in it is never repeated, not even in a TF_LOG=trace log.
func TestAccHostileInput_baseURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	password := "pw" + randomHex(8)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	h.w.SetEnv("TF_LOG", "trace")
	h.w.SetEnv("TF_LOG_PATH", logPath)
	withPassword := strings.Replace(h.emu.URL, "://", "://flexuser:"+password+"@", 1)
	// The error points at base_url, but for a password: the CLI would print the
	// line holding it, so the error points at the provider block instead.
	cases := []struct {
		name, url string
		want      []string
		atBlock   bool
	}{
		{"plain http to another host", "http://api.example.com", []string{"plain http"}, false},
		{"no scheme", "api.flexslot.gg", []string{"is not an absolute https URL"}, false},
		{"a query", h.emu.URL + "?region=eu", []string{"has a query or a fragment"}, false},
		{"a fragment", h.emu.URL + "#api", []string{"has a query or a fragment"}, false},
		{"credentials", withPassword, []string{"holds credentials", "flexuser:xxxxx@"}, true},
		{"the API path", h.emu.URL + "/api/public/v1", []string{"already holds the API path /api/public/v1", "write " + h.emu.URL}, false},
		{"the API path and a slash", h.emu.URL + "/api/public/v1/", []string{"already holds the API path", "write " + h.emu.URL}, false},
	}
	refused := 0
	var outputs []string
	for _, c := range cases {
		// From the configuration: a provider configuration error stops
		// validation before the resources, so each runs alone.
		config := render([]*tfconfig.Block{tfconfig.Provider{BaseURL: c.url}.Block()}, confidential("c"))
		h.w.WriteConfig(config)
		r := h.w.Run("validate", "-json", "-no-color")
		human := h.w.Run("validate", "-no-color")
		outputs = append(outputs, r.Stdout, r.Stderr, human.Stdout, human.Stderr)
		ok := r.ExitCode != 0
		for _, d := range validateDiagnostics(t, r) {
			text := d.Summary + ": " + d.Detail
			if d.Severity != "error" || d.Summary != "Invalid Flexslot base URL" {
				continue
			}
			for _, w := range c.want {
				ok = ok && strings.Contains(text, w)
			}
			want := lineOf(config, "base_url")
			if c.atBlock {
				want = lineOf(config, `provider "flexslot"`)
			}
			if d.Range == nil || d.Range.Start.Line != want || d.Range.End.Line != want {
				t.Errorf("base_url with %s: the error points at %v, want line %d", c.name, d.Range, want)
			}
		}
		if !ok {
			t.Errorf("base_url with %s was not refused at validate naming %q: %s", c.name, c.want, r.Stdout)
		} else {
			refused++
		}

		// From the environment.
		h.w.WriteConfig(render(nil, confidential("c")))
		h.w.SetEnv("FLEXSLOT_BASE_URL", c.url)
		r = h.w.Plan()
		outputs = append(outputs, r.Stdout, r.Stderr)
		text := diagText(r.Errors())
		ok = r.ExitCode != 0 && strings.Contains(text, "Invalid Flexslot base URL") && strings.Contains(text, "FLEXSLOT_BASE_URL")
		for _, w := range c.want {
			ok = ok && strings.Contains(text, w)
		}
		if !ok {
			t.Errorf("FLEXSLOT_BASE_URL with %s was not refused at plan naming %q: %s", c.name, c.want, text)
		} else {
			refused++
		}
		h.w.SetEnv("FLEXSLOT_BASE_URL", h.emu.URL)
	}
	if n := len(h.srv.Requests()); n != 0 {
		t.Errorf("an invalid base URL sent %d requests to the emulator", n)
	}
	trace, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(trace))
	leaks := 0
	for i, out := range outputs {
		if strings.Contains(out, password) {
			leaks++
			t.Errorf("the base_url password appears in output %d", i)
		}
	}
	figures.Update(func(f *Figures) {
		f.InputsRefused += refused
		f.LeakScans += len(outputs)
		f.LeakSecrets++
		f.LeaksFound += leaks
	})
}

// TestAccTransport_plaintextBaseURL refuses a plain http base URL to a
// non-loopback host given through the environment, before sending anything.
func TestAccTransport_plaintextBaseURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.w.SetEnv("FLEXSLOT_BASE_URL", "http://api.flexslot.gg")
	h.w.WriteConfig(render(nil, confidential("c")))
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
	h.w.WriteConfig(render(nil, confidential("c")))
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
	h.w.WriteConfig(render(nil, confidential("c")))
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
