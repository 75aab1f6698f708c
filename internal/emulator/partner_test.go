package emulator_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

var (
	clientIDPattern = regexp.MustCompile(`^flx_client_[0-9A-HJKMNP-TV-Z]{26}$`)
	secretPattern   = regexp.MustCompile(`^flx_cs_[0-9A-HJKMNP-TV-Z]{26}[0-9a-zA-Z]{32,}$`)
)

func TestAuthentication(t *testing.T) {
	inst := startTwoPartners(t)
	for name, token := range map[string]string{"missing": "", "unknown": "flx_pat_unknown"} {
		t.Run(name, func(t *testing.T) {
			r := call(t, inst, token, http.MethodGet, emulator.BasePath, "")
			expectError(t, r, http.StatusUnauthorized, "unauthorized", "")
			if r.header.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestListEmpty(t *testing.T) {
	inst := startTwoPartners(t)
	r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
	expectStatus(t, r, http.StatusOK)
	if string(r.body) != `{"clients":[]}` {
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
	if !clientIDPattern.MatchString(c.ClientID) {
		t.Errorf("client_id %q", c.ClientID)
	}
	if !secretPattern.MatchString(created.PlaintextClientSecret) {
		t.Errorf("secret %q", created.PlaintextClientSecret)
	}
	if c.ClientType != "confidential" || c.ApplicationName != "My Integration" || c.Status != "active" ||
		len(c.RedirectURIs) != 2 || len(c.AllowedScopes) != 2 || c.SecretRotatedAt == nil || created.SecretRotatedAt == nil {
		t.Errorf("created %+v", created)
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

	list := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, "")
	if strings.Contains(string(list.body), created.PlaintextClientSecret) {
		t.Errorf("list shows the secret: %s", list.body)
	}
	var clients struct {
		Clients []emulator.Client `json:"clients"`
	}
	list.decode(t, &clients)
	if len(clients.Clients) != 1 || clients.Clients[0].ClientID != c.ClientID {
		t.Errorf("list %s", list.body)
	}
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
	if created.Client.SecretRotatedAt != nil {
		t.Errorf("client.secret_rotated_at = %v, want null", created.Client.SecretRotatedAt)
	}
	if inst.Server.VerifySecret(created.Client.ClientID, "") {
		t.Error("an empty secret verifies for a public client")
	}
}

func TestCreateValidation(t *testing.T) {
	inst := startTwoPartners(t)
	valid := map[string]any{
		"application_name": "App",
		"client_type":      "confidential",
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
	many := func(n int, format string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(format, i)
		}
		return out
	}
	tests := []struct {
		name, body, code, field string
	}{
		{"not an object", `[1]`, "invalid_request", ""},
		{"empty body", ``, "invalid_request", ""},
		{"trailing data", with("application_name", "App") + `{}`, "invalid_request", ""},
		{"unknown field", with("color", "blue"), "invalid_request", "color"},
		{"missing name", with("application_name", nil), "invalid_request", "application_name"},
		{"missing type", with("client_type", nil), "invalid_request", "client_type"},
		{"missing redirect uris", with("redirect_uris", nil), "invalid_request", "redirect_uris"},
		{"missing scopes", with("allowed_scopes", nil), "invalid_request", "allowed_scopes"},
		{"name not a string", with("application_name", 7), "invalid_request", "application_name"},
		{"empty name", with("application_name", ""), "invalid_request", "application_name"},
		{"long name", with("application_name", strings.Repeat("é", 101)), "invalid_request", "application_name"},
		{"control character in name", with("application_name", "a\nb"), "invalid_request", "application_name"},
		{"bad client type", with("client_type", "secret"), "invalid_request", "client_type"},
		{"no redirect uris", with("redirect_uris", []string{}), "invalid_request", "redirect_uris"},
		{"too many redirect uris", with("redirect_uris", many(21, "https://app.example.com/cb%d")), "invalid_request", "redirect_uris"},
		{"redirect uris not strings", with("redirect_uris", []int{1}), "invalid_request", "redirect_uris"},
		{"http non-loopback", with("redirect_uris", []string{"https://a.example/cb", "http://a.example/cb"}), "invalid_redirect_uri", "redirect_uris[1]"},
		{"custom scheme", with("redirect_uris", []string{"com.example.app://cb"}), "invalid_redirect_uri", "redirect_uris[0]"},
		{"wildcard", with("redirect_uris", []string{"https://*.example.com/cb"}), "invalid_redirect_uri", "redirect_uris[0]"},
		{"fragment", with("redirect_uris", []string{"https://a.example/cb#x"}), "invalid_redirect_uri", "redirect_uris[0]"},
		{"relative", with("redirect_uris", []string{"/cb"}), "invalid_redirect_uri", "redirect_uris[0]"},
		{"too long", with("redirect_uris", []string{"https://a.example/" + strings.Repeat("a", 2031)}), "invalid_redirect_uri", "redirect_uris[0]"},
		{"duplicate", with("redirect_uris", []string{"https://a.example/cb", "https://b.example/cb", "https://a.example/cb"}), "invalid_redirect_uri", "redirect_uris[2]"},
		{"no scopes", with("allowed_scopes", []string{}), "invalid_request", "allowed_scopes"},
		{"too many scopes", with("allowed_scopes", many(51, "s%d")), "invalid_request", "allowed_scopes"},
		{"scope syntax", with("allowed_scopes", []string{"decks:read", "Decks Read"}), "invalid_scope", "allowed_scopes[1]"},
		{"unknown scope", with("allowed_scopes", []string{"admin:all"}), "invalid_scope", "allowed_scopes[0]"},
		{"duplicate scope", with("allowed_scopes", []string{"openid", "openid"}), "invalid_scope", "allowed_scopes[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, inst, tokenA, http.MethodPost, emulator.BasePath, tt.body)
			expectError(t, r, http.StatusBadRequest, tt.code, tt.field)
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
		uris := []string{"http://localhost/cb", "http://127.0.0.1:9999/cb", "http://[::1]:8080/cb", "https://a.example/cb", "https://a.example/cb/"}
		expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, with("redirect_uris", uris)), http.StatusCreated)
	})
}

func TestUpdate(t *testing.T) {
	inst := startTwoPartners(t)
	created := create(t, inst, tokenA, "confidential").Client
	path := clientPath(created.ClientID)

	r := call(t, inst, tokenA, http.MethodPatch, path, `{"application_name":"Renamed","allowed_scopes":["profile"]}`)
	expectStatus(t, r, http.StatusOK)
	var got struct {
		Client emulator.Client `json:"client"`
	}
	r.decode(t, &got)
	c := got.Client
	if c.ApplicationName != "Renamed" || len(c.AllowedScopes) != 1 || c.AllowedScopes[0] != "profile" ||
		len(c.RedirectURIs) != 2 || c.ClientType != "confidential" || c.UpdatedAt.Before(created.UpdatedAt) {
		t.Errorf("after PATCH: %+v", c)
	}

	r = call(t, inst, tokenA, http.MethodPatch, path, `{"redirect_uris":["https://new.example/cb"]}`)
	expectStatus(t, r, http.StatusOK)
	r.decode(t, &got)
	if len(got.Client.RedirectURIs) != 1 || got.Client.RedirectURIs[0] != "https://new.example/cb" {
		t.Errorf("redirect_uris not replaced: %v", got.Client.RedirectURIs)
	}

	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"client_type":"public"}`), http.StatusBadRequest, "immutable_field", "client_type")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"secret":"x"}`), http.StatusBadRequest, "invalid_request", "secret")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"application_name":null}`), http.StatusBadRequest, "invalid_request", "application_name")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"redirect_uris":["https://a.example/cb","http://a.example/cb"]}`), http.StatusBadRequest, "invalid_redirect_uri", "redirect_uris[1]")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, path, `{"allowed_scopes":["nope"]}`), http.StatusBadRequest, "invalid_scope", "allowed_scopes[0]")
	expectError(t, call(t, inst, tokenA, http.MethodPatch, clientPath("flx_client_unknown"), `{"application_name":"x"}`), http.StatusNotFound, "not_found", "")

	if c, _ := inst.Server.Client(created.ClientID); c.ApplicationName != "Renamed" || c.RedirectURIs[0] != "https://new.example/cb" {
		t.Errorf("rejected PATCHes changed the client: %+v", c)
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
	if rotated.Client.SecretRotatedAt == nil || rotated.SecretRotatedAt == nil {
		t.Error("secret_rotated_at not set")
	}

	public := create(t, inst, tokenA, "public")
	expectError(t, call(t, inst, tokenA, http.MethodPost, clientPath(public.Client.ClientID)+"/rotate-secret", ""),
		http.StatusConflict, "public_client_has_no_secret", "")
	expectError(t, call(t, inst, tokenA, http.MethodPost, clientPath("flx_client_unknown")+"/rotate-secret", ""),
		http.StatusNotFound, "not_found", "")
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
		expectError(t, call(t, inst, tokenA, req.method, req.path, req.body), http.StatusNotFound, "not_found", "")
	}
	if r := call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""); string(r.body) != `{"clients":[]}` {
		t.Errorf("list after revocation: %s", r.body)
	}
	if c, ok := inst.Server.Client(id); !ok || c.Status != emulator.StatusRevoked {
		t.Errorf("revoked client not kept for audit: %+v %v", c, ok)
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
		http.StatusConflict, "client_limit_reached", "")
	if !strings.Contains(e.Message, "revoke") || !strings.Contains(e.Message, "contact Flexslot") {
		t.Errorf("message %q does not say to revoke an unused client or contact Flexslot", e.Message)
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

	unknown := call(t, inst, tokenB, http.MethodGet, clientPath("flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y"), "").apiError(t)
	for _, req := range []struct{ method, path, body string }{
		{http.MethodGet, clientPath(id), ""},
		{http.MethodPatch, clientPath(id), `{"application_name":"hijacked"}`},
		{http.MethodPost, clientPath(id) + "/rotate-secret", ""},
		{http.MethodDelete, clientPath(id), ""},
	} {
		r := call(t, inst, tokenB, req.method, req.path, req.body)
		if e := expectError(t, r, http.StatusNotFound, "not_found", ""); e != unknown {
			t.Errorf("%s %s: %+v differs from an unknown id's %+v", req.method, req.path, e, unknown)
		}
	}
	if r := call(t, inst, tokenB, http.MethodGet, emulator.BasePath, ""); string(r.body) != `{"clients":[]}` {
		t.Errorf("partner B sees %s", r.body)
	}
	c, _ := inst.Server.Client(id)
	if c.Status != emulator.StatusActive || c.ApplicationName != "My Integration" || !inst.Server.VerifySecret(id, created.PlaintextClientSecret) {
		t.Errorf("partner B changed partner A's client: %+v", c)
	}
	if err := inst.Server.UpdateAsDashboard(tokenB, id, nil, nil, []string{"openid"}); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("dashboard update across partners: %v", err)
	}
}

func TestRoutingErrors(t *testing.T) {
	inst := startTwoPartners(t)
	expectError(t, call(t, inst, tokenA, http.MethodPut, emulator.BasePath, ""), http.StatusMethodNotAllowed, "method_not_allowed", "")
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath+"/x/y", ""), http.StatusNotFound, "not_found", "")
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath+"x", ""), http.StatusNotFound, "not_found", "")
}

func TestDashboardHelpers(t *testing.T) {
	inst := startTwoPartners(t)
	s := inst.Server
	c, secret, err := s.CreateAsDashboard(tokenA, "Dashboard app", "confidential", []string{"https://a.example/cb"}, []string{"openid"})
	if err != nil || !s.VerifySecret(c.ClientID, secret) {
		t.Fatalf("CreateAsDashboard: %+v %v", c, err)
	}
	name := "Renamed in the dashboard"
	if err := s.UpdateAsDashboard(tokenA, c.ClientID, &name, nil, nil); err != nil {
		t.Fatal(err)
	}
	var e *emulator.Error
	if err := s.UpdateAsDashboard(tokenA, c.ClientID, nil, []string{"http://a.example/cb"}, nil); !errors.As(err, &e) || e.Code != "invalid_redirect_uri" {
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
	if _, _, err := s.CreateAsDashboard("flx_pat_nobody", "x", "public", []string{"https://a.example/cb"}, []string{"openid"}); err == nil {
		t.Error("CreateAsDashboard accepted an unknown partner")
	}
}
