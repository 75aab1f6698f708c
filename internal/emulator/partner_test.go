package emulator_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flexslot/terraform-provider-flexslot/internal/apispec"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

var (
	uuidPattern     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	clientIDPattern = regexp.MustCompile(`^cli_[0-9A-HJKMNP-TV-Z]{26}$`)
	secretPattern   = regexp.MustCompile(`^flx_cs_[0-9A-HJKMNP-TV-Z]{26}[0-9a-zA-Z]{32}$`)
)

func TestAuthentication(t *testing.T) {
	inst := startTwoPartners(t)
	for name, token := range map[string]string{"missing": "", "unknown": "flx_pat_unknown"} {
		t.Run(name, func(t *testing.T) {
			r := call(t, inst, token, http.MethodGet, emulator.BasePath, "")
			expectError(t, r, http.StatusUnauthorized, emulator.CodeUnauthorized, "")
			if r.header.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestListEmptyIsABareArray(t *testing.T) {
	inst := startTwoPartners(t)
	r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
	expectStatus(t, r, http.StatusOK)
	if string(r.body) != `[]` {
		t.Fatalf("body %s", r.body)
	}
}

func TestCreateConfidential(t *testing.T) {
	inst := startTwoPartners(t)
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("My Integration", "confidential"))
	expectStatus(t, r, http.StatusCreated)
	var created oneTimeSecret
	r.decode(t, &created)
	c := created.Client
	if !uuidPattern.MatchString(c.ID) {
		t.Errorf("id %q is not a UUID", c.ID)
	}
	if !clientIDPattern.MatchString(c.ClientID) || !rules.ValidClientID(c.ClientID) {
		t.Errorf("client_id %q", c.ClientID)
	}
	if !secretPattern.MatchString(created.PlaintextClientSecret) {
		t.Errorf("secret %q", created.PlaintextClientSecret)
	}
	want := emulator.Client{
		ClientType:      "confidential",
		ApplicationName: "My Integration",
		Status:          "active",
		RedirectURIs:    []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/cb"},
		AllowedScopes:   []string{"decks:read", "cards:read"},
		// The published defaults: no consent-screen URLs, never used.
		GrantTypes:  []string{"authorization_code", "refresh_token"},
		RequirePKCE: true,
	}
	generated := cmpopts.IgnoreFields(emulator.Client{}, "ID", "ClientID", "SecretRotatedAt", "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, c, generated); diff != "" {
		t.Errorf("created client (-want +got):\n%s", diff)
	}
	if c.SecretRotatedAt == nil || created.SecretRotatedAt == nil || !c.SecretRotatedAt.Equal(*created.SecretRotatedAt) {
		t.Errorf("secret_rotated_at: client %v, envelope %v", c.SecretRotatedAt, created.SecretRotatedAt)
	}
	var raw struct {
		Client map[string]json.RawMessage `json:"client"`
	}
	r.decode(t, &raw)
	for field, want := range map[string]string{"application_url": `""`, "tos_url": `""`, "last_used_at": "null", "require_pkce": "true", "dpop_bound_access_tokens": "false"} {
		if got := string(raw.Client[field]); got != want {
			t.Errorf("%s = %s, want %s", field, got, want)
		}
	}
	if !inst.Server.VerifySecret(c.ClientID, created.PlaintextClientSecret) {
		t.Error("the issued secret does not verify")
	}

	got := call(t, inst, tokenA, http.MethodGet, clientPath(c.ClientID), "")
	expectStatus(t, got, http.StatusOK)
	if strings.Contains(string(got.body), created.PlaintextClientSecret) || strings.Contains(string(got.body), "plaintext_client_secret") {
		t.Errorf("GET shows the secret: %s", got.body)
	}
	var envelope struct {
		Client emulator.Client `json:"client"`
	}
	got.decode(t, &envelope)
	if envelope.Client.ClientID != c.ClientID {
		t.Errorf("GET returned %+v", envelope.Client)
	}

	listed := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
	if strings.Contains(string(listed.body), created.PlaintextClientSecret) {
		t.Errorf("list shows the secret: %s", listed.body)
	}
	// The same client, but for last_used_at, which verifying the secret set.
	if diff := cmp.Diff([]emulator.Client{c}, list(t, inst, tokenA), cmpopts.IgnoreFields(emulator.Client{}, "LastUsedAt")); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
}

func TestCreateWithEveryPublishedField(t *testing.T) {
	inst := startTwoPartners(t)
	body := `{"application_name":"Deck Builder","redirect_uris":["https://decks.example.com/oauth/callback"],"allowed_scopes":["decks:read"],
		"client_type":"public","grant_types":["authorization_code"],"application_url":"https://decks.example.com",
		"application_logo_url":"https://decks.example.com/logo.png","privacy_policy_url":"https://decks.example.com/privacy",
		"tos_url":"https://decks.example.com/tos"}`
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body)
	expectStatus(t, r, http.StatusCreated)
	var created oneTimeSecret
	r.decode(t, &created)
	want := emulator.Client{
		ClientType:         "public",
		ApplicationName:    "Deck Builder",
		ApplicationURL:     "https://decks.example.com",
		ApplicationLogoURL: "https://decks.example.com/logo.png",
		PrivacyPolicyURL:   "https://decks.example.com/privacy",
		TosURL:             "https://decks.example.com/tos",
		RedirectURIs:       []string{"https://decks.example.com/oauth/callback"},
		AllowedScopes:      []string{"decks:read"},
		GrantTypes:         []string{"authorization_code"},
		RequirePKCE:        true,
		Status:             "active",
	}
	if diff := cmp.Diff(want, created.Client, cmpopts.IgnoreFields(emulator.Client{}, "ID", "ClientID", "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("created client (-want +got):\n%s", diff)
	}
	// The published example sends an empty scope list.
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath,
		`{"application_name":"No scopes","redirect_uris":["https://a.example/cb"],"allowed_scopes":[]}`), http.StatusCreated)
}

// publishedSchemaOnly are the fields the published schema lists that its example leaves out.
var publishedSchemaOnly = []string{"client_type", "status"}

// publishedNullable are the fields the published schema allows to be null ("string<date-time> | null").
var publishedNullable = []string{"secret_rotated_at", "last_used_at"}

// sameShape reports how got differs in shape from the published example want:
// a missing key, an unexpected key, or another JSON type.
func sameShape(path string, want, got any, extra []string) []string {
	kind := func(v any) string { return fmt.Sprintf("%T", v) }
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an object", path, kind(got))}
		}
		var diffs []string
		for key, wv := range w {
			gv, ok := g[key]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, key))
				continue
			}
			if gv == nil && slices.Contains(publishedNullable, key) {
				continue
			}
			diffs = append(diffs, sameShape(path+"."+key, wv, gv, extra)...)
		}
		for key := range g {
			if _, ok := w[key]; !ok && !slices.Contains(extra, key) {
				diffs = append(diffs, fmt.Sprintf("%s.%s: not published", path, key))
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) == 0 {
			return []string{fmt.Sprintf("%s: %v, want a non-empty array", path, got)}
		}
		var diffs []string
		for i, gv := range g {
			diffs = append(diffs, sameShape(fmt.Sprintf("%s[%d]", path, i), w[0], gv, extra)...)
		}
		return diffs
	}
	if kind(want) != kind(got) {
		return []string{fmt.Sprintf("%s: %s, want %s", path, kind(got), kind(want))}
	}
	return nil
}

func TestAnswersHaveThePublishedShape(t *testing.T) {
	inst := startTwoPartners(t)
	decode := func(data []byte) any {
		t.Helper()
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		return v
	}
	check := func(what, published string, answer []byte) {
		t.Helper()
		for _, diff := range sameShape(what, decode([]byte(published)), decode(answer), publishedSchemaOnly) {
			t.Error(diff)
		}
	}

	created := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Shape", "confidential"))
	expectStatus(t, created, http.StatusCreated)
	check("create", apispec.CreateExample(), created.body)
	var c oneTimeSecret
	created.decode(t, &c)

	// last_used_at is null until the client is used; the example shows a used client.
	if _, err := inst.Server.Grant(c.Client.ClientID); err != nil {
		t.Fatal(err)
	}
	listed := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
	check("list", apispec.ListExample(), listed.body)
	if !strings.Contains(string(listed.body), `"last_used_at":"20`) {
		t.Errorf("last_used_at not set after a grant: %s", listed.body)
	}
	rotated := call(t, inst, tokenA, http.MethodPost, clientPath(c.Client.ClientID)+"/rotate-secret", "")
	expectStatus(t, rotated, http.StatusOK)
	check("rotate", apispec.CreateExample(), rotated.body)
}

func TestCreatePublicHasNoSecret(t *testing.T) {
	inst := startTwoPartners(t)
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("CLI", "public"))
	expectStatus(t, r, http.StatusCreated)
	var raw map[string]json.RawMessage
	r.decode(t, &raw)
	if string(raw["plaintext_client_secret"]) != `""` || string(raw["secret_rotated_at"]) != "null" {
		t.Errorf("public client envelope %s", r.body)
	}
	var created oneTimeSecret
	r.decode(t, &created)
	if created.Client.SecretRotatedAt != nil || !created.Client.RequirePKCE {
		t.Errorf("public client %+v", created.Client)
	}
	if inst.Server.VerifySecret(created.Client.ClientID, "") {
		t.Error("an empty secret verifies for a public client")
	}
}

func TestCreateValidation(t *testing.T) {
	inst := startTwoPartners(t)
	valid := map[string]any{
		"application_name": "App",
		"redirect_uris":    []string{"https://app.example.com/cb"},
		"allowed_scopes":   []string{"decks:read"},
	}
	with := func(key string, value any) string {
		body := map[string]any{}
		for k, v := range valid {
			body[k] = v
		}
		if value == nil {
			delete(body, key)
		} else {
			body[key] = value
		}
		data, _ := json.Marshal(body)
		return string(data)
	}
	const (
		validation = emulator.CodeValidationError
		badURI     = emulator.CodeInvalidRedirectURI
		badScope   = emulator.CodeInvalidScope
	)
	tests := []struct {
		name, body, code, field string
	}{
		{"not an object", `[1]`, validation, ""},
		{"empty body", ``, validation, ""},
		{"trailing data", with("application_name", "App") + `{}`, validation, ""},
		{"unknown field", with("color", "blue"), validation, "color"},
		{"read-only field", with("require_pkce", false), validation, "require_pkce"},
		{"missing name", with("application_name", nil), validation, "application_name"},
		{"missing redirect uris", with("redirect_uris", nil), validation, "redirect_uris"},
		{"missing scopes", with("allowed_scopes", nil), validation, "allowed_scopes"},
		{"name not a string", with("application_name", 7), validation, "application_name"},
		{"empty name", with("application_name", ""), validation, "application_name"},
		{"name of 256 characters", with("application_name", strings.Repeat("é", 256)), validation, "application_name"},
		{"bad client type", with("client_type", "secret"), validation, "client_type"},
		{"null client type", with("client_type", json.RawMessage("null")), validation, "client_type"},
		{"redirect uris not strings", with("redirect_uris", []int{1}), validation, "redirect_uris"},
		{"http non-loopback", with("redirect_uris", []string{"https://a.example/cb", "http://a.example/cb"}), badURI, "redirect_uris[1]"},
		{"custom scheme", with("redirect_uris", []string{"com.example.app://cb"}), badURI, "redirect_uris[0]"},
		{"wildcard", with("redirect_uris", []string{"https://*.example.com/cb"}), badURI, "redirect_uris[0]"},
		{"fragment", with("redirect_uris", []string{"https://a.example/cb#x"}), badURI, "redirect_uris[0]"},
		{"relative", with("redirect_uris", []string{"/cb"}), badURI, "redirect_uris[0]"},
		{"http to LOCALHOST", with("redirect_uris", []string{"http://LOCALHOST:3000/cb"}), badURI, "redirect_uris[0]"},
		{"empty port", with("redirect_uris", []string{"https://a.example:/cb"}), badURI, "redirect_uris[0]"},
		{"port 0", with("redirect_uris", []string{"http://127.0.0.1:0/cb"}), badURI, "redirect_uris[0]"},
		{"513 characters", with("redirect_uris", []string{"https://a.example/" + strings.Repeat("a", 513-len("https://a.example/"))}), badURI, "redirect_uris[0]"},
		{"duplicate", with("redirect_uris", []string{"https://a.example/cb", "https://b.example/cb", "https://a.example/cb"}), badURI, "redirect_uris[2]"},
		{"scope syntax", with("allowed_scopes", []string{"decks:read", "Decks Read"}), badScope, "allowed_scopes[1]"},
		{"scope of 65 characters", with("allowed_scopes", []string{strings.Repeat("a", 65)}), badScope, "allowed_scopes[0]"},
		{"scope outside the catalog", with("allowed_scopes", []string{"decks:read-all"}), badScope, "allowed_scopes[0]"},
		{"duplicate scope", with("allowed_scopes", []string{"decks:read", "decks:read"}), badScope, "allowed_scopes[1]"},
		{"unknown grant type", with("grant_types", []string{"authorization_code", "client_credentials"}), validation, "grant_types[1]"},
		{"duplicate grant type", with("grant_types", []string{"refresh_token", "refresh_token"}), validation, "grant_types[1]"},
		{"relative application url", with("application_url", "/about"), validation, "application_url"},
		{"application url without a scheme", with("application_url", "a.example"), validation, "application_url"},
		{"relative logo url", with("application_logo_url", "/logo.png"), validation, "application_logo_url"},
		{"null privacy policy url", with("privacy_policy_url", json.RawMessage("null")), validation, "privacy_policy_url"},
		{"tos url with spaces", with("tos_url", "https://a.example/terms of use"), validation, "tos_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, tt.body)
			e := expectError(t, r, http.StatusBadRequest, tt.code, tt.field)
			if tt.field != "" && !strings.Contains(e.Message, tt.field) {
				t.Errorf("message %q does not name %s", e.Message, tt.field)
			}
		})
	}
	if n := len(inst.Server.Clients(tokenA)); n != 0 {
		t.Fatalf("%d clients created by invalid requests", n)
	}

	t.Run("redirect rule message", func(t *testing.T) {
		r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, with("redirect_uris", []string{"com.example.app://cb"}))
		if e := r.apiError(t); !strings.Contains(e.Message, "loopback") {
			t.Errorf("message %q does not point native apps to a loopback redirect", e.Message)
		}
	})
	t.Run("loopback accepted", func(t *testing.T) {
		uris := []string{"http://localhost/cb", "http://localhost:3000/cb", "http://127.0.0.1:9999/cb", "http://[::1]:8080/cb",
			"https://a.example/cb", "https://a.example/cb/", "https://a.example/" + strings.Repeat("é", 512-len("https://a.example/"))}
		expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, with("redirect_uris", uris)), http.StatusCreated)
	})
	t.Run("name of 255 characters accepted", func(t *testing.T) {
		expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, with("application_name", strings.Repeat("é", 255))), http.StatusCreated)
	})
	t.Run("every catalog scope accepted", func(t *testing.T) {
		expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, with("allowed_scopes", rules.ScopeCatalog())), http.StatusCreated)
	})
}

func TestGrantedScopes(t *testing.T) {
	inst := startTwoPartners(t)
	body := `{"application_name":"App","redirect_uris":["https://a.example/cb"],"allowed_scopes":["decks:read","decks:read-all"]}`
	e := expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body), http.StatusBadRequest, emulator.CodeInvalidScope, "allowed_scopes[1]")
	if !strings.Contains(e.Message, "decks:read-all") || !strings.Contains(e.Message, "sideboards:write") {
		t.Errorf("message %q does not name the scope and the catalog", e.Message)
	}

	// Granted to partner A through the control API: A may use it, B may not.
	control(t, inst, http.MethodPost, "/scopes", `{"token":"`+tokenA+`","scope":"decks:read-all"}`, http.StatusNoContent, nil)
	r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body)
	expectStatus(t, r, http.StatusCreated)
	var created oneTimeSecret
	r.decode(t, &created)
	if !slices.Equal(created.Client.AllowedScopes, []string{"decks:read", "decks:read-all"}) {
		t.Errorf("allowed_scopes %v", created.Client.AllowedScopes)
	}
	expectError(t, call(t, inst, tokenB, http.MethodPost, emulator.BasePath, body), http.StatusBadRequest, emulator.CodeInvalidScope, "allowed_scopes[1]")
	if !inst.Server.ScopeAllowed(tokenA, "decks:read-all") || inst.Server.ScopeAllowed(tokenB, "decks:read-all") ||
		!inst.Server.ScopeAllowed(tokenB, "decks:read") || inst.Server.ScopeAllowed("flx_pat_nobody", "decks:read") {
		t.Error("ScopeAllowed")
	}

	// Without a token, every partner; invalid requests are refused.
	control(t, inst, http.MethodPost, "/scopes", `{"scope":"decks:read-all"}`, http.StatusNoContent, nil)
	expectStatus(t, call(t, inst, tokenB, http.MethodPost, emulator.BasePath, body), http.StatusCreated)
	control(t, inst, http.MethodPost, "/scopes", `{"scope":"not a scope"}`, http.StatusBadRequest, nil)
	control(t, inst, http.MethodPost, "/scopes", `{"token":"flx_pat_nobody","scope":"x:y"}`, http.StatusNotFound, nil)
	control(t, inst, http.MethodPost, "/scopes", `{"scope":"x:y","extra":1}`, http.StatusBadRequest, nil)

	// Reset forgets scopes granted through the control API.
	control(t, inst, http.MethodPost, "/reset", "", http.StatusNoContent, nil)
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body), http.StatusBadRequest)
}

func TestGrantedScopesOption(t *testing.T) {
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA}, GrantedScopes: []string{"decks:read-all"}})
	body := `{"application_name":"App","redirect_uris":["https://a.example/cb"],"allowed_scopes":["decks:read-all"]}`
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body), http.StatusCreated)
	control(t, inst, http.MethodPost, "/reset", "", http.StatusNoContent, nil)
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body), http.StatusCreated)
	if _, err := emulator.New(emulator.Options{GrantedScopes: []string{"not a scope"}}); err == nil {
		t.Error("New accepted an invalid granted scope")
	}
}

func TestUpdate(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential").Client
	path := clientPath(created.ClientID)

	r := call(t, inst, tokenA, http.MethodPatch, path, `{"application_name":"Renamed","allowed_scopes":["guides:read"]}`)
	expectStatus(t, r, http.StatusOK)
	var got struct {
		Client emulator.Client `json:"client"`
	}
	r.decode(t, &got)
	// A PATCH changes the fields it sends, and the update time, only.
	unchangedBut := func(want emulator.Client, step string) {
		t.Helper()
		if diff := cmp.Diff(want, got.Client, cmpopts.IgnoreFields(emulator.Client{}, "UpdatedAt")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", step, diff)
		}
		if got.Client.UpdatedAt.Before(created.UpdatedAt) {
			t.Errorf("%s: updated_at %v is before the create's %v", step, got.Client.UpdatedAt, created.UpdatedAt)
		}
	}
	want := created
	want.ApplicationName, want.AllowedScopes = "Renamed", []string{"guides:read"}
	unchangedBut(want, "after renaming")

	r = call(t, inst, tokenA, http.MethodPatch, path, `{"redirect_uris":["https://new.example/cb"],"grant_types":["authorization_code"],
		"application_url":"https://new.example","tos_url":"https://new.example/tos"}`)
	expectStatus(t, r, http.StatusOK)
	r.decode(t, &got)
	want.RedirectURIs, want.GrantTypes = []string{"https://new.example/cb"}, []string{"authorization_code"}
	want.ApplicationURL, want.TosURL = "https://new.example", "https://new.example/tos"
	unchangedBut(want, "after replacing the lists and URLs")
	// "" unsets a URL.
	r = call(t, inst, tokenA, http.MethodPatch, path, `{"tos_url":""}`)
	expectStatus(t, r, http.StatusOK)
	r.decode(t, &got)
	want.TosURL = ""
	unchangedBut(want, "after unsetting tos_url")
	// A PATCH that changes nothing keeps updated_at.
	before := got.Client.UpdatedAt
	expectStatus(t, call(t, inst, tokenA, http.MethodPatch, path, `{"tos_url":""}`), http.StatusOK)
	if c, _ := inst.Server.Client(created.ClientID); !c.UpdatedAt.Equal(before) {
		t.Errorf("updated_at moved without a change: %v → %v", before, c.UpdatedAt)
	}

	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"client_type":"public"}`), http.StatusBadRequest, emulator.CodeImmutableField, "client_type")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"client_type":"confidential"}`), http.StatusBadRequest, emulator.CodeImmutableField, "client_type")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"secret":"x"}`), http.StatusBadRequest, emulator.CodeValidationError, "secret")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"status":"active"}`), http.StatusBadRequest, emulator.CodeValidationError, "status")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"application_name":null}`), http.StatusBadRequest, emulator.CodeValidationError, "application_name")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"redirect_uris":["https://a.example/cb","http://a.example/cb"]}`), http.StatusBadRequest, emulator.CodeInvalidRedirectURI, "redirect_uris[1]")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"allowed_scopes":["nope"]}`), http.StatusBadRequest, emulator.CodeInvalidScope, "allowed_scopes[0]")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"grant_types":["implicit"]}`), http.StatusBadRequest, emulator.CodeValidationError, "grant_types[0]")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"application_logo_url":"a.example/logo"}`), http.StatusBadRequest, emulator.CodeValidationError, "application_logo_url")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, clientPath("cli_unknown"), `{"application_name":"x"}`), http.StatusNotFound, emulator.CodeNotFound, "")

	if c, _ := inst.Server.Client(created.ClientID); c.ApplicationName != "Renamed" || c.RedirectURIs[0] != "https://new.example/cb" {
		t.Errorf("rejected PATCHes changed the client: %+v", c)
	}
}

func TestWithoutUpdate(t *testing.T) {
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA}, WithoutUpdate: true})
	created := create(t, inst, tokenA, "confidential").Client
	r := call(t, inst, tokenA, http.MethodPatch, clientPath(created.ClientID), `{"application_name":"Renamed"}`)
	expectError(t, r, http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed, "")
	if allow := r.header.Get("Allow"); allow != "GET, DELETE" {
		t.Errorf("Allow = %q", allow)
	}
	if c, _ := inst.Server.Client(created.ClientID); c.ApplicationName != "My Integration" {
		t.Errorf("a refused PATCH changed the client: %+v", c)
	}
	// Everything else still works.
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, clientPath(created.ClientID)+"/rotate-secret", ""), http.StatusOK)
	expectStatus(t, call(t, inst, tokenA, http.MethodDelete, clientPath(created.ClientID), ""), http.StatusNoContent)
}

func TestWithoutDelete(t *testing.T) {
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA}, WithoutDelete: true})
	created := create(t, inst, tokenA, "confidential")
	id := created.Client.ClientID
	r := call(t, inst, tokenA, http.MethodDelete, clientPath(id), "")
	expectError(t, r, http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed, "")
	if allow := r.header.Get("Allow"); allow != "GET, PATCH" {
		t.Errorf("Allow = %q", allow)
	}
	if c, _ := inst.Server.Client(id); c.Status != emulator.StatusActive || !inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
		t.Errorf("a refused DELETE changed the client: %+v", c)
	}
	// Everything else still works.
	expectStatus(t, call(t, inst, tokenA, http.MethodPatch, clientPath(id), `{"application_name":"Renamed"}`), http.StatusOK)
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, clientPath(id)+"/rotate-secret", ""), http.StatusOK)
	if got := list(t, inst, tokenA); len(got) != 1 || got[0].ClientID != id {
		t.Errorf("list after the refused DELETE: %+v", got)
	}
	// With both switches, a client path serves only GET.
	both := startWith(t, emulator.Options{Tokens: []string{tokenA}, WithoutDelete: true, WithoutUpdate: true})
	other := create(t, both, tokenA, "public").Client.ClientID
	if allow := call(t, both, tokenA, http.MethodDelete, clientPath(other), "").header.Get("Allow"); allow != "GET" {
		t.Errorf("Allow with both switches = %q", allow)
	}
}

func TestRotateSecret(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential")
	id := created.Client.ClientID

	r := call(t, inst, tokenA, http.MethodPost, clientPath(id)+"/rotate-secret", "")
	expectStatus(t, r, http.StatusOK)
	var rotated oneTimeSecret
	r.decode(t, &rotated)
	if !secretPattern.MatchString(rotated.PlaintextClientSecret) || rotated.PlaintextClientSecret == created.PlaintextClientSecret {
		t.Fatalf("rotated secret %q", rotated.PlaintextClientSecret)
	}
	if inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
		t.Error("the old secret still verifies after rotation")
	}
	if !inst.Server.VerifySecret(id, rotated.PlaintextClientSecret) {
		t.Error("the new secret does not verify")
	}
	if rotated.Client.SecretRotatedAt == nil || rotated.SecretRotatedAt == nil || !rotated.SecretRotatedAt.Equal(*rotated.Client.SecretRotatedAt) {
		t.Error("secret_rotated_at not set")
	}

	public := create(t, inst, tokenA, "public")
	expectError(t, call(t, inst, tokenA, http.MethodPost, clientPath(public.Client.ClientID)+"/rotate-secret", ""),
		http.StatusConflict, emulator.CodePublicClientHasNoSecret, "")
	expectError(t, call(t, inst, tokenA, http.MethodPost, clientPath("cli_unknown")+"/rotate-secret", ""),
		http.StatusNotFound, emulator.CodeNotFound, "")
}

func TestLastUsedAt(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential")
	id := created.Client.ClientID
	lastUsed := func() string {
		t.Helper()
		clients := list(t, inst, tokenA)
		if len(clients) != 1 {
			t.Fatalf("%d clients", len(clients))
		}
		if clients[0].LastUsedAt == nil {
			return "null"
		}
		return clients[0].LastUsedAt.String()
	}
	if got := lastUsed(); got != "null" {
		t.Fatalf("last_used_at %s before any use", got)
	}
	if inst.Server.VerifySecret(id, "flx_cs_wrong") || lastUsed() != "null" {
		t.Fatal("a wrong secret counted as a use")
	}
	body, _ := json.Marshal(map[string]string{"client_id": id, "client_secret": created.PlaintextClientSecret})
	control(t, inst, http.MethodPost, "/verify-secret", string(body), http.StatusOK, nil)
	if lastUsed() == "null" {
		t.Fatal("a verified secret did not set last_used_at")
	}

	public := create(t, inst, tokenB, "public").Client.ClientID
	if _, err := inst.Server.Grant(public); err != nil {
		t.Fatal(err)
	}
	if c, _ := inst.Server.Client(public); c.LastUsedAt == nil || c.UpdatedAt.After(*c.LastUsedAt) {
		t.Errorf("a grant did not set last_used_at: %+v", c)
	}
}

func TestRevocationCascade(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential")
	id := created.Client.ClientID
	token, err := inst.Server.Grant(id)
	if err != nil {
		t.Fatal(err)
	}
	if !inst.Server.TokenActive(token) {
		t.Fatal("a fresh access token is inactive")
	}

	expectStatus(t, call(t, inst, tokenA, http.MethodDelete, clientPath(id), ""), http.StatusNoContent)

	if inst.Server.TokenActive(token) {
		t.Error("the access token still works after revocation")
	}
	if inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
		t.Error("the secret still verifies after revocation")
	}
	if _, err := inst.Server.Grant(id); err == nil {
		t.Error("a revoked client can still be authorized")
	}
	for _, req := range []struct{ method, path, body string }{
		{http.MethodGet, clientPath(id), ""},
		{http.MethodPatch, clientPath(id), `{"application_name":"x"}`},
		{http.MethodPost, clientPath(id) + "/rotate-secret", ""},
		{http.MethodDelete, clientPath(id), ""},
	} {
		expectError(t, call(t, inst, tokenA, req.method, req.path, req.body), http.StatusNotFound, emulator.CodeNotFound, "")
	}
	if r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""); string(r.body) != `[]` {
		t.Errorf("list after revocation: %s", r.body)
	}
	if c, ok := inst.Server.Client(id); !ok || c.Status != emulator.StatusRevoked {
		t.Errorf("revoked client not kept for audit: %+v %v", c, ok)
	}
}

func TestListRevoked(t *testing.T) {
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA}, ListRevoked: true})
	kept := create(t, inst, tokenA, "confidential").Client.ClientID
	revoked := create(t, inst, tokenA, "public").Client.ClientID
	expectStatus(t, call(t, inst, tokenA, http.MethodDelete, clientPath(revoked), ""), http.StatusNoContent)
	if diff := cmp.Diff([]string{kept + " " + emulator.StatusActive, revoked + " " + emulator.StatusRevoked}, idsAndStatuses(list(t, inst, tokenA))); diff != "" {
		t.Fatalf("list (-want +got):\n%s", diff)
	}
	// Listed or not, a revoked client is gone for every other call and frees its slot.
	expectError(t, call(t, inst, tokenA, http.MethodGet, clientPath(revoked), ""), http.StatusNotFound, emulator.CodeNotFound, "")
	if n := len(inst.Server.Clients(tokenA)); n != 1 {
		t.Errorf("Clients returns %d clients, want the 1 active", n)
	}
}

func TestClientLimitIsAtomic(t *testing.T) {
	inst := startTwoPartners(t)
	statuses := make([]int, emulator.MaxClients+1)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody(fmt.Sprintf("App %d", i), "public")).status
		})
	}
	wg.Wait()
	created, refused := 0, 0
	for _, status := range statuses {
		switch status {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			refused++
		}
	}
	if created != emulator.MaxClients || refused != 1 {
		t.Fatalf("statuses %v: want exactly %d created and 1 refused", statuses, emulator.MaxClients)
	}

	e := expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Eleventh", "public")),
		http.StatusConflict, emulator.CodeClientLimitReached, "")
	if !strings.Contains(e.Message, "revoke") || !strings.Contains(e.Message, "contact Flexslot") || !strings.Contains(e.Message, "10") {
		t.Errorf("message %q does not give the limit and say to revoke an unused client or contact Flexslot", e.Message)
	}

	// Suspended clients count; revoked ones do not; other partners are unaffected.
	clients := inst.Server.Clients(tokenA)
	if err := inst.Server.Suspend(clients[0].ClientID); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Eleventh", "public")), http.StatusConflict)
	expectStatus(t, call(t, inst, tokenB, http.MethodPost, emulator.BasePath, createBody("Other", "public")), http.StatusCreated)
	expectStatus(t, call(t, inst, tokenA, http.MethodDelete, clientPath(clients[1].ClientID), ""), http.StatusNoContent)
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("Eleventh", "public")), http.StatusCreated)
}

func TestCrossPartnerIsolation(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential")
	id := created.Client.ClientID

	unknown := call(t, inst, tokenB, http.MethodGet, clientPath("cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y"), "").apiError(t)
	for _, req := range []struct{ method, path, body string }{
		{http.MethodGet, clientPath(id), ""},
		{http.MethodPatch, clientPath(id), `{"application_name":"hijacked"}`},
		{http.MethodPost, clientPath(id) + "/rotate-secret", ""},
		{http.MethodDelete, clientPath(id), ""},
	} {
		r := call(t, inst, tokenB, req.method, req.path, req.body)
		if e := expectError(t, r, http.StatusNotFound, emulator.CodeNotFound, ""); e != unknown {
			t.Errorf("%s %s: %+v differs from an unknown id's %+v", req.method, req.path, e, unknown)
		}
	}
	if r := call(t, inst, tokenB, http.MethodGet, emulator.BasePath, ""); string(r.body) != `[]` {
		t.Errorf("partner B sees %s", r.body)
	}
	c, _ := inst.Server.Client(id)
	if c.Status != emulator.StatusActive || c.ApplicationName != "My Integration" || !inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
		t.Errorf("partner B changed partner A's client: %+v", c)
	}
	if err := inst.Server.UpdateAsDashboard(tokenB, id, nil, nil, []string{"decks:write"}); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("dashboard update across partners: %v", err)
	}
	if err := inst.Server.RevokeAsDashboard(tokenB, id); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("dashboard revoke across partners: %v", err)
	}
}

func TestRoutingErrors(t *testing.T) {
	inst := startTwoPartners(t)
	r := call(t, inst, tokenA, http.MethodPut, emulator.BasePath, "")
	expectError(t, r, http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed, "")
	if r.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	r = call(t, inst, tokenA, http.MethodPost, clientPath("cli_x"), "")
	if expectError(t, r, http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed, ""); r.header.Get("Allow") != "GET, PATCH, DELETE" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath+"/x/y", ""), http.StatusNotFound, emulator.CodeNotFound, "")
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath+"/", ""), http.StatusNotFound, emulator.CodeNotFound, "")
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath+"x", ""), http.StatusNotFound, emulator.CodeNotFound, "")
}

func TestOperationOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ method, path, want string }{
		{"GET", emulator.BasePath, emulator.OperationList},
		{"POST", emulator.BasePath, emulator.OperationCreate},
		{"GET", clientPath("cli_1"), emulator.OperationGet},
		{"PATCH", clientPath("cli_1"), emulator.OperationUpdate},
		{"DELETE", clientPath("cli_1"), emulator.OperationRevoke},
		{"POST", clientPath("cli_1") + "/rotate-secret", emulator.OperationRotate},
		{"PUT", emulator.BasePath, emulator.OperationUnknown},
		{"GET", clientPath("cli_1") + "/rotate-secret", emulator.OperationUnknown},
		{"POST", clientPath("cli_1") + "/other", emulator.OperationUnknown},
		{"GET", emulator.BasePath + "/", emulator.OperationUnknown},
		{"GET", emulator.BasePath + "x", emulator.OperationUnknown},
		{"GET", "/other", emulator.OperationUnknown},
		{"GET", emulator.PartnerPath, emulator.OperationPartner},
		{"POST", emulator.RotateAPIKeyPath, emulator.OperationRotateAPIKey},
		{"GET", emulator.AccessTokensPath, emulator.OperationAccessToken},
		{"GET", emulator.RotateAPIKeyPath, emulator.OperationUnknown},
		{"GET", strings.TrimSuffix(emulator.AccessTokensPath, "/"), emulator.OperationUnknown},
	} {
		if got := emulator.OperationOf(tt.method, tt.path); got != tt.want {
			t.Errorf("OperationOf(%s, %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
	if len(emulator.Operations()) != 9 || slices.Contains(emulator.Operations(), emulator.OperationUnknown) {
		t.Errorf("Operations() = %v", emulator.Operations())
	}
}

func TestErrorCodesAreUpperCase(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(`^FLEXSLOT_[A-Z0-9_]+$`)
	for _, code := range emulator.Codes() {
		if !pattern.MatchString(code) {
			t.Errorf("code %q", code)
		}
	}
}

func TestDashboardHelpers(t *testing.T) {
	inst := startTwoPartners(t)
	s := inst.Server
	c, secret, err := s.CreateAsDashboard(tokenA, "Dashboard app", "confidential", []string{"https://a.example/cb"}, []string{"decks:read"})
	if err != nil || !s.VerifySecret(c.ClientID, secret) || !slices.Equal(c.GrantTypes, rules.DefaultGrantTypes()) {
		t.Fatalf("CreateAsDashboard: %+v %v", c, err)
	}
	name := "Renamed in the dashboard"
	if err := s.UpdateAsDashboard(tokenA, c.ClientID, &name, nil, nil); err != nil {
		t.Fatal(err)
	}
	var e *emulator.Error
	if err := s.UpdateAsDashboard(tokenA, c.ClientID, nil, []string{"http://a.example/cb"}, nil); !errors.As(err, &e) || e.Code != emulator.CodeInvalidRedirectURI {
		t.Errorf("invalid dashboard update: %v", err)
	}
	rotated, err := s.RotateAsDashboard(tokenA, c.ClientID)
	if err != nil || s.VerifySecret(c.ClientID, secret) || !s.VerifySecret(c.ClientID, rotated) {
		t.Errorf("RotateAsDashboard: %v", err)
	}
	got := call(t, inst, tokenA, http.MethodGet, clientPath(c.ClientID), "")
	if !strings.Contains(string(got.body), name) {
		t.Errorf("API does not show the dashboard change: %s", got.body)
	}
	if _, _, err := s.CreateAsDashboard("flx_pat_nobody", "x", "public", []string{"https://a.example/cb"}, []string{"decks:read"}); err == nil {
		t.Error("CreateAsDashboard accepted an unknown partner")
	}
	if _, _, err := s.CreateAsDashboard(tokenA, "x", "public", []string{"https://a.example/cb"}, []string{"openid"}); !errors.As(err, &e) || e.Code != emulator.CodeInvalidScope {
		t.Errorf("CreateAsDashboard with a scope outside the catalog: %v", err)
	}

	spec := emulator.ClientSpec{
		ApplicationName: "Spec", RedirectURIs: []string{"https://a.example/cb"}, AllowedScopes: []string{"cards:read"},
		GrantTypes: []string{"authorization_code"}, PrivacyPolicyURL: "https://a.example/privacy",
	}
	full, secret, err := s.CreateAsDashboardSpec(tokenA, spec)
	if err != nil || full.ClientType != emulator.ClientTypeConfidential || secret == "" ||
		!slices.Equal(full.GrantTypes, []string{"authorization_code"}) || full.PrivacyPolicyURL != "https://a.example/privacy" || full.TosURL != "" {
		t.Errorf("CreateAsDashboardSpec: %+v %v", full, err)
	}
	if err := s.RevokeAsDashboard(tokenA, full.ClientID); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Client(full.ClientID); c.Status != emulator.StatusRevoked || s.VerifySecret(full.ClientID, secret) {
		t.Errorf("RevokeAsDashboard: %+v", c)
	}
}

// No minimum count is published for redirect URIs or grant types, so empty
// lists are not refused.
func TestCreateAcceptsEmptyLists(t *testing.T) {
	inst := startTwoPartners(t)
	body := `{"application_name":"App","redirect_uris":[],"allowed_scopes":[],"grant_types":[]}`
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, body), http.StatusCreated)
}
