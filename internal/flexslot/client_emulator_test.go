package flexslot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

const (
	tokenA = "flx_pat_partnerA0123456789abcdef"
	tokenB = "flx_pat_partnerB0123456789abcdef"
)

type logRecorder struct {
	mu      sync.Mutex
	entries []string
}

func (l *logRecorder) logf(_ context.Context, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, msg+" "+string(b))
}

func startEmulator(t *testing.T) (*emulatortest.Instance, *flexslot.Client, *logRecorder) {
	t.Helper()
	inst := emulatortest.Start(t, emulator.Options{Tokens: []string{tokenA, tokenB}})
	logs := &logRecorder{}
	return inst, newClient(t, inst.URL, tokenA, logs), logs
}

func newClient(t *testing.T, url, token string, logs *logRecorder) *flexslot.Client {
	t.Helper()
	cfg := flexslot.Config{
		BaseURL: url, Token: token, UserAgent: "terraform-provider-flexslot/test",
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
	}
	if logs != nil {
		cfg.Logf = logs.logf
	}
	c, err := flexslot.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func confidential(name string) flexslot.CreateRequest {
	return flexslot.CreateRequest{
		ApplicationName: name, ClientType: flexslot.ClientTypeConfidential,
		RedirectURIs: []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/cb"}, AllowedScopes: []string{"decks:read"},
	}
}

// statuses returns the request log as "METHOD status" entries.
func statuses(srv *emulator.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Method+" "+http.StatusText(r.Status))
	}
	return out
}

func wantRequests(t *testing.T, srv *emulator.Server, want ...string) {
	t.Helper()
	if got := statuses(srv); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("request log = %q, want %q", got, want)
	}
	srv.ClearRequests()
}

func TestEmulatorEndpoints(t *testing.T) {
	inst, c, _ := startEmulator(t)
	srv, ctx := inst.Server, context.Background()

	conf, err := c.OAuth2Clients.Create(ctx, confidential("Backend"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(conf.Secret, "flx_cs_") || !srv.VerifySecret(conf.Client.ClientID, conf.Secret) ||
		conf.SecretRotatedAt == nil || conf.Client.Status != flexslot.StatusActive || conf.Client.CreatedAt.IsZero() {
		t.Errorf("Create = %+v", conf)
	}
	pub, err := c.OAuth2Clients.Create(ctx, flexslot.CreateRequest{
		ApplicationName: "CLI", ClientType: flexslot.ClientTypePublic,
		RedirectURIs: []string{"http://localhost/cb"}, AllowedScopes: []string{"openid", "decks:write"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Secret != "" || pub.SecretRotatedAt != nil || pub.Client.SecretRotatedAt != nil || pub.Client.ClientType != flexslot.ClientTypePublic {
		t.Errorf("public Create = %+v", pub)
	}
	wantRequests(t, srv, "POST Created", "POST Created")

	list, err := c.OAuth2Clients.List(ctx)
	if err != nil || len(list) != 2 || list[0].ClientID != conf.Client.ClientID || list[1].ClientID != pub.Client.ClientID {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if err := srv.Suspend(pub.Client.ClientID); err != nil {
		t.Fatal(err)
	}
	got, err := c.OAuth2Clients.Get(ctx, pub.Client.ClientID)
	if err != nil || got.Status != flexslot.StatusSuspended || strings.Join(got.AllowedScopes, ",") != "openid,decks:write" {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	name := "Backend v2"
	updated, err := c.OAuth2Clients.Update(ctx, conf.Client.ClientID, flexslot.UpdateRequest{ApplicationName: &name})
	if err != nil || updated.ApplicationName != name || len(updated.RedirectURIs) != 2 || updated.AllowedScopes[0] != "decks:read" {
		t.Fatalf("Update(name) = %+v, %v", updated, err)
	}
	updated, err = c.OAuth2Clients.Update(ctx, conf.Client.ClientID, flexslot.UpdateRequest{
		RedirectURIs: []string{"https://app.example.com/cb/"}, AllowedScopes: []string{"openid", "decks:read"},
	})
	if err != nil || updated.ApplicationName != name || updated.RedirectURIs[0] != "https://app.example.com/cb/" || len(updated.AllowedScopes) != 2 {
		t.Fatalf("Update(lists) = %+v, %v", updated, err)
	}
	wantRequests(t, srv, "GET OK", "GET OK", "PATCH OK", "PATCH OK")

	rotated, err := c.OAuth2Clients.RotateSecret(ctx, conf.Client.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Secret == conf.Secret || !srv.VerifySecret(conf.Client.ClientID, rotated.Secret) || srv.VerifySecret(conf.Client.ClientID, conf.Secret) {
		t.Error("rotation did not replace the secret")
	}
	if err := c.OAuth2Clients.Revoke(ctx, conf.Client.ClientID); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, srv, "POST OK", "DELETE No Content")

	if _, err := c.OAuth2Clients.Get(ctx, conf.Client.ClientID); !flexslot.IsNotFound(err) {
		t.Errorf("Get(revoked) = %v", err)
	}
	if list, err := c.OAuth2Clients.List(ctx); err != nil || len(list) != 1 {
		t.Errorf("List after revoke = %+v, %v", list, err)
	}
}

func TestEmulatorErrorCodes(t *testing.T) {
	inst, c, _ := startEmulator(t)
	ctx := context.Background()
	pub, err := c.OAuth2Clients.Create(ctx, flexslot.CreateRequest{ApplicationName: "SPA", ClientType: flexslot.ClientTypePublic,
		RedirectURIs: []string{"https://spa.example/cb"}, AllowedScopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	id := pub.Client.ClientID
	bad := func(mod func(*flexslot.CreateRequest)) error {
		req := confidential("App")
		mod(&req)
		_, err := c.OAuth2Clients.Create(ctx, req)
		return err
	}
	check := func(name string, err error, status int, code, field string) {
		t.Helper()
		var apiErr *flexslot.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Code != code || apiErr.Field != field ||
			apiErr.Message == "" || apiErr.RequestID == "" || !strings.Contains(err.Error(), apiErr.RequestID) {
			t.Errorf("%s: err = %#v, want %d %s field %q", name, err, status, code, field)
		}
	}

	check("empty name", bad(func(r *flexslot.CreateRequest) { r.ApplicationName = "" }), 400, flexslot.CodeInvalidRequest, "application_name")
	check("missing scopes", bad(func(r *flexslot.CreateRequest) { r.AllowedScopes = nil }), 400, flexslot.CodeInvalidRequest, "allowed_scopes")
	check("custom scheme", bad(func(r *flexslot.CreateRequest) { r.RedirectURIs = append(r.RedirectURIs, "com.example.app://cb") }),
		400, flexslot.CodeInvalidRedirectURI, "redirect_uris[2]")
	check("unknown scope", bad(func(r *flexslot.CreateRequest) { r.AllowedScopes = []string{"decks:read", "vaults:open"} }),
		400, flexslot.CodeInvalidScope, "allowed_scopes[1]")
	_, err = c.OAuth2Clients.Update(ctx, id, flexslot.UpdateRequest{RedirectURIs: []string{"http://app.example.com/cb"}})
	check("update redirect", err, 400, flexslot.CodeInvalidRedirectURI, "redirect_uris[0]")

	// UpdateRequest cannot carry client_type, so this one is sent by hand.
	req, _ := http.NewRequest(http.MethodPatch, inst.URL+emulator.BasePath+"/"+id, strings.NewReader(`{"client_type":"confidential"}`))
	req.Header.Set("Authorization", "Bearer "+tokenA)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Error struct{ Code, Field string } }
	json.NewDecoder(resp.Body).Decode(&env)
	resp.Body.Close()
	if resp.StatusCode != 400 || env.Error.Code != flexslot.CodeImmutableField || env.Error.Field != "client_type" {
		t.Errorf("PATCH client_type = %d %+v", resp.StatusCode, env)
	}

	// The client never reuses a key, so key reuse is sent by hand too.
	for i, body := range []string{`{"application_name":"A","client_type":"public","redirect_uris":["https://a.example/cb"],"allowed_scopes":["openid"]}`,
		`{"application_name":"B","client_type":"public","redirect_uris":["https://a.example/cb"],"allowed_scopes":["openid"]}`} {
		req, _ := http.NewRequest(http.MethodPost, inst.URL+emulator.BasePath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokenA)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "reused-key")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		if i == 1 && (resp.StatusCode != 422 || env.Error.Code != flexslot.CodeIdempotencyKeyReused) {
			t.Errorf("reused key = %d %+v", resp.StatusCode, env)
		}
	}

	_, err = newClient(t, inst.URL, "flx_pat_unknown0123456789", nil).OAuth2Clients.List(ctx)
	check("unknown token", err, 401, "unauthorized", "")

	_, err = c.OAuth2Clients.Get(ctx, "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y")
	check("unknown id", err, 404, flexslot.CodeNotFound, "")
	other := newClient(t, inst.URL, tokenB, nil)
	_, err = other.OAuth2Clients.Get(ctx, id)
	check("other partner's client", err, 404, flexslot.CodeNotFound, "")
	if err := other.OAuth2Clients.Revoke(ctx, id); !errors.Is(err, flexslot.ErrNotFound) {
		t.Errorf("Revoke of another partner's client = %v", err)
	}

	_, err = c.OAuth2Clients.RotateSecret(ctx, id)
	check("rotate public", err, 409, flexslot.CodePublicClientHasNoSecret, "")

	for len(inst.Server.Clients(tokenA)) < emulator.MaxClients {
		if _, err := c.OAuth2Clients.Create(ctx, confidential("Filler")); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.OAuth2Clients.Create(ctx, confidential("One too many"))
	check("limit", err, 409, flexslot.CodeClientLimitReached, "")
	if !flexslot.IsClientLimitReached(err) || flexslot.IsNotFound(err) {
		t.Errorf("IsClientLimitReached(%v) = false", err)
	}
}

func TestEmulatorRetries(t *testing.T) {
	inst, c, logs := startEmulator(t)
	srv, ctx := inst.Server, context.Background()

	srv.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Times: 1, Kind: "status", Status: 429, RetryAfter: 1})
	start := time.Now()
	if _, err := c.OAuth2Clients.List(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second || d > 1500*time.Millisecond {
		t.Errorf("Retry-After 1 took %s", d)
	}
	wantRequests(t, srv, "GET Too Many Requests", "GET OK")

	srv.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 3, Kind: "status", Status: 503})
	created, err := c.OAuth2Clients.Create(ctx, confidential("App"))
	if err != nil {
		t.Fatal(err)
	}
	wantRequests(t, srv, "POST Service Unavailable", "POST Service Unavailable", "POST Service Unavailable", "POST Created")
	id := created.Client.ClientID

	srv.AddFault(emulator.Fault{Method: "PATCH", PathPrefix: emulator.BasePath, Times: 1, Kind: "drop_after_commit"})
	name := "Renamed"
	if u, err := c.OAuth2Clients.Update(ctx, id, flexslot.UpdateRequest{ApplicationName: &name}); err != nil || u.ApplicationName != name {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	wantRequests(t, srv, "PATCH OK", "PATCH OK")

	srv.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.BasePath, Times: 2, Kind: "html_error", Status: 502})
	if _, err := c.OAuth2Clients.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, srv, "GET Bad Gateway", "GET Bad Gateway", "GET OK")

	srv.AddFault(emulator.Fault{Method: "DELETE", PathPrefix: emulator.BasePath, Times: 1, Kind: "drop_after_commit"})
	if err := c.OAuth2Clients.Revoke(ctx, id); err != nil {
		t.Fatalf("Revoke whose answer was lost = %v", err)
	}
	wantRequests(t, srv, "DELETE No Content", "DELETE Not Found")

	// Exhausted retries say how many attempts were made and what came last.
	limited, err := flexslot.NewClient(flexslot.Config{BaseURL: inst.URL, Token: tokenA, RetryMax: 2, RetryWaitMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddFault(emulator.Fault{Method: "GET", Kind: "status", Status: 503, PathPrefix: emulator.BasePath})
	_, err = limited.OAuth2Clients.List(ctx)
	var apiErr *flexslot.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Code != "injected_fault" ||
		!strings.Contains(err.Error(), "giving up after 3 attempts, last status 503") {
		t.Errorf("exhausted retries: %v", err)
	}
	srv.ClearFaults()
	srv.ClearRequests()

	// A deadline stops retrying even when retries remain.
	srv.AddFault(emulator.Fault{Method: "GET", Kind: "status", Status: 504, PathPrefix: emulator.BasePath})
	dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = c.OAuth2Clients.List(dctx)
	if err == nil || !strings.Contains(err.Error(), "last status 504") {
		t.Errorf("deadline: %v", err)
	}
	srv.ClearFaults()

	// Broken bodies are reported plainly and never quoted.
	srv.AddFault(emulator.Fault{Method: "GET", Kind: "html_error", Status: 500, Times: 1, PathPrefix: emulator.BasePath})
	_, err = c.OAuth2Clients.List(ctx)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.Contains(err.Error(), "unexpected response body (text/html") {
		t.Errorf("HTML 500: %v", err)
	}
	// A truncated answer to a create is re-sent with the same Idempotency-Key:
	// the replay returns the client and its secret, and nothing is created twice.
	srv.AddFault(emulator.Fault{Method: "POST", Kind: "malformed_body", Times: 1, PathPrefix: emulator.BasePath})
	before := len(srv.Clients(tokenA))
	truncated, err := c.OAuth2Clients.Create(ctx, confidential("Truncated"))
	if err != nil || !srv.VerifySecret(truncated.Client.ClientID, truncated.Secret) || len(srv.Clients(tokenA)) != before+1 {
		t.Errorf("truncated create: %v", err)
	}
	// When every answer is truncated, the error is reported plainly and never quotes the body.
	srv.AddFault(emulator.Fault{Method: "POST", Kind: "malformed_body", Times: 3, PathPrefix: emulator.BasePath})
	_, err = c.OAuth2Clients.Create(ctx, confidential("Truncated again"))
	if err == nil || !strings.Contains(err.Error(), "unexpected response body (status 201") || strings.Contains(err.Error(), "flx_cs_0") {
		t.Errorf("truncated create: %v", err)
	}
	checkLogs(t, logs, tokenA)
}

func TestEmulatorLostCreateIsReplayed(t *testing.T) {
	inst, c, logs := startEmulator(t)
	srv := inst.Server
	srv.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 1, Kind: "drop_after_commit"})

	issued, err := c.OAuth2Clients.Create(context.Background(), confidential("Lost"))
	if err != nil {
		t.Fatal(err)
	}
	clients := srv.Clients(tokenA)
	if len(clients) != 1 || clients[0].ClientID != issued.Client.ClientID {
		t.Fatalf("after a lost create the partner holds %+v, want exactly the returned client", clients)
	}
	if !srv.VerifySecret(issued.Client.ClientID, issued.Secret) {
		t.Error("the replayed secret does not verify")
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].IdempotencyKey == "" || reqs[0].IdempotencyKey != reqs[1].IdempotencyKey {
		t.Errorf("requests = %+v, want two POSTs with one Idempotency-Key", reqs)
	}
	checkLogs(t, logs, tokenA, issued.Secret)
}

func TestEmulatorLostRotateIsReplayed(t *testing.T) {
	inst, c, logs := startEmulator(t)
	srv, ctx := inst.Server, context.Background()
	created, err := c.OAuth2Clients.Create(ctx, confidential("Rotating"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.Client.ClientID
	srv.ClearRequests()
	srv.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath + "/" + id + "/rotate-secret", Times: 1, Kind: "drop_after_commit"})

	rotated, err := c.OAuth2Clients.RotateSecret(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// A second rotation would have invalidated the secret the first one issued.
	if !srv.VerifySecret(id, rotated.Secret) || srv.VerifySecret(id, created.Secret) {
		t.Error("the returned secret is not the current one")
	}
	if stored, _ := srv.Client(id); stored.SecretRotatedAt == nil || !stored.SecretRotatedAt.Equal(*rotated.SecretRotatedAt) {
		t.Errorf("secret_rotated_at = %v, returned %v", stored.SecretRotatedAt, rotated.SecretRotatedAt)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].IdempotencyKey == "" || reqs[0].IdempotencyKey != reqs[1].IdempotencyKey {
		t.Errorf("requests = %+v, want two POSTs with one Idempotency-Key", reqs)
	}
	checkLogs(t, logs, tokenA, created.Secret, rotated.Secret)
}

func TestEmulatorRedactsSecrets(t *testing.T) {
	inst, c, logs := startEmulator(t)
	ctx := context.Background()
	issued, err := c.OAuth2Clients.Create(ctx, confidential("App"))
	if err != nil {
		t.Fatal(err)
	}
	// Values the server may quote back in its messages.
	for _, uri := range []string{"http://evil.example/cb?s=" + issued.Secret, "https://evil.example/*" + tokenA, "x-" + tokenA + "://cb"} {
		_, err := c.OAuth2Clients.Update(ctx, issued.Client.ClientID, flexslot.UpdateRequest{RedirectURIs: []string{uri}})
		if err == nil {
			t.Fatalf("Update(%q) succeeded", uri)
		}
		if msg := err.Error(); strings.Contains(msg, issued.Secret) || strings.Contains(msg, tokenA) {
			t.Errorf("error leaks a secret: %s", msg)
		}
	}
	_, err = newClient(t, inst.URL, "opaque-token-"+tokenB[8:], logs).OAuth2Clients.List(ctx)
	if err == nil || strings.Contains(err.Error(), tokenB[8:]) {
		t.Errorf("401 error: %v", err)
	}
	checkLogs(t, logs, tokenA, issued.Secret, tokenB[8:])
}

// checkLogs asserts that logging happened and that no entry holds a secret.
func checkLogs(t *testing.T, logs *logRecorder, secrets ...string) {
	t.Helper()
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if len(logs.entries) == 0 {
		t.Error("nothing was logged")
	}
	for _, e := range logs.entries {
		for _, s := range secrets {
			if s != "" && bytes.Contains([]byte(e), []byte(s)) {
				t.Errorf("log entry leaks %q: %s", s[:10], e)
			}
		}
		if !strings.Contains(e, `"attempt":`) || !strings.Contains(e, `"Authorization":"[REDACTED]"`) {
			t.Errorf("log entry lacks the attempt or a redacted Authorization: %s", e)
		}
	}
}
