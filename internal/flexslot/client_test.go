package flexslot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

const (
	testToken  = "flx_pat_01HX2K5V7Q9M3N4P6R8S0T2W4Ytesttoken"
	testSecret = "flx_cs_01HX2K5V7Q9M3N4P6R8S0T2W4Yabcdefghijklmnopqrstuvwxyz012345"
	testUA     = "terraform-provider-flexslot/test (+https://registry.terraform.io/providers/flexslot/flexslot)"
	basePath   = "/api/public/v1/me/partner/oauth2-clients"
)

const clientJSON = `{"client_id":"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y","client_type":"confidential",
"application_name":"My Integration","redirect_uris":["https://app.example.com/oauth/callback"],
"allowed_scopes":["decks:read"],"status":"active","created_at":"2026-06-02T18:00:00Z",
"updated_at":"2026-06-03T18:00:00Z","secret_rotated_at":"2026-06-02T18:00:00Z","future_field":{"x":1}}`

// recorded is one request as the test server saw it.
type recorded struct {
	Method, Path, RawPath, IdempotencyKey string
	Header                                http.Header
	Body                                  string
}

type testServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
}

func (s *testServer) recorded() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}

// newTestServer serves handler and records every request; handler gets the 0-based request index.
func newTestServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		n := len(ts.requests)
		ts.requests = append(ts.requests, recorded{
			Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
			IdempotencyKey: r.Header.Get("Idempotency-Key"), Header: r.Header.Clone(), Body: string(b),
		})
		ts.mu.Unlock()
		w.Header().Set("X-Request-Id", "req_"+string(rune('a'+n%26)))
		handler(w, r, n)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func newTestClient(t *testing.T, url string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, Token: testToken, UserAgent: testUA, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg, "field": field}})
	writeJSON(w, status, string(b))
}

func TestNewClientValidatesBaseURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"", true},
		{"https://api.flexslot.gg", true},
		{"http://127.0.0.1:1234/", true},
		{"https://proxy.example/flexslot", true},
		{"api.flexslot.gg", false},
		{"ftp://api.flexslot.gg", false},
		{"https://", false},
		{"https://api.flexslot.gg?x=1", false},
		{"https://user:pw@api.flexslot.gg", false},
		{"://bad", false},
	} {
		c, err := NewClient(Config{BaseURL: tc.url, Token: testToken})
		if (err == nil) != tc.ok {
			t.Errorf("NewClient(%q) error = %v, want ok=%v", tc.url, err, tc.ok)
		}
		if err == nil && c.OAuth2Clients == nil {
			t.Errorf("NewClient(%q): OAuth2Clients is nil", tc.url)
		}
	}
	c, _ := NewClient(Config{Token: testToken})
	if c.baseURL != DefaultBaseURL+"/api/public/v1" {
		t.Errorf("default base URL = %q", c.baseURL)
	}
}

func TestNewClientDoesNotModifyHTTPClient(t *testing.T) {
	hc := &http.Client{}
	newTestClient(t, "http://127.0.0.1:1", func(c *Config) {
		c.HTTPClient = hc
		c.Logf = func(context.Context, string, map[string]any) {}
	})
	if hc.Transport != nil {
		t.Fatal("the caller's http.Client was modified")
	}
}

func TestOperations(t *testing.T) {
	var gotPath string
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		gotPath = r.Method + " " + r.URL.EscapedPath()
		switch gotPath {
		case "GET " + basePath:
			writeJSON(w, 200, `{"clients":[`+clientJSON+`],"next":null}`)
		case "POST " + basePath:
			writeJSON(w, 201, `{"client":`+clientJSON+`,"plaintext_client_secret":"`+testSecret+`","secret_rotated_at":"2026-06-02T18:00:00Z"}`)
		case "GET " + basePath + "/flx_client_1", "PATCH " + basePath + "/flx_client_1":
			writeJSON(w, 200, `{"client":`+clientJSON+`}`)
		case "POST " + basePath + "/flx_client_1/rotate-secret":
			writeJSON(w, 200, `{"client":`+clientJSON+`,"plaintext_client_secret":"`+testSecret+`","secret_rotated_at":"2026-06-04T18:00:00Z"}`)
		case "DELETE " + basePath + "/flx_client_1":
			w.WriteHeader(204)
		default:
			writeError(w, 404, CodeNotFound, "no route "+gotPath, "")
		}
	})
	c := newTestClient(t, ts.URL)
	ctx := context.Background()
	created := time.Date(2026, 6, 2, 18, 0, 0, 0, time.UTC)
	want := OAuth2Client{
		ClientID: "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y", ClientType: ClientTypeConfidential, ApplicationName: "My Integration",
		RedirectURIs: []string{"https://app.example.com/oauth/callback"}, AllowedScopes: []string{"decks:read"},
		Status: StatusActive, CreatedAt: created, UpdatedAt: created.Add(24 * time.Hour), SecretRotatedAt: &created,
	}
	check := func(name string, got OAuth2Client) {
		t.Helper()
		if got.ClientID != want.ClientID || got.ClientType != want.ClientType || got.ApplicationName != want.ApplicationName ||
			got.Status != want.Status || !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
			got.SecretRotatedAt == nil || !got.SecretRotatedAt.Equal(created) ||
			strings.Join(got.RedirectURIs, ",") != strings.Join(want.RedirectURIs, ",") ||
			strings.Join(got.AllowedScopes, ",") != strings.Join(want.AllowedScopes, ",") {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}

	list, err := c.OAuth2Clients.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	check("List", list[0])

	got, err := c.OAuth2Clients.Get(ctx, "flx_client_1")
	if err != nil {
		t.Fatal(err)
	}
	check("Get", *got)

	issued, err := c.OAuth2Clients.Create(ctx, CreateRequest{ApplicationName: "My Integration", ClientType: ClientTypeConfidential,
		RedirectURIs: []string{"https://app.example.com/oauth/callback"}, AllowedScopes: []string{"decks:read"}})
	if err != nil {
		t.Fatal(err)
	}
	check("Create", issued.Client)
	if issued.Secret != testSecret || issued.SecretRotatedAt == nil {
		t.Errorf("Create secret = %q, %v", issued.Secret, issued.SecretRotatedAt)
	}

	name := "Renamed"
	updated, err := c.OAuth2Clients.Update(ctx, "flx_client_1", UpdateRequest{ApplicationName: &name})
	if err != nil {
		t.Fatal(err)
	}
	check("Update", *updated)

	rotated, err := c.OAuth2Clients.RotateSecret(ctx, "flx_client_1")
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Secret != testSecret || !rotated.SecretRotatedAt.Equal(created.Add(48*time.Hour)) {
		t.Errorf("RotateSecret = %q, %v", rotated.Secret, rotated.SecretRotatedAt)
	}

	if err := c.OAuth2Clients.Revoke(ctx, "flx_client_1"); err != nil {
		t.Fatal(err)
	}

	reqs := ts.recorded()
	if len(reqs) != 6 {
		t.Fatalf("got %d requests, want exactly one per operation", len(reqs))
	}
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, r := range reqs {
		if r.Header.Get("Authorization") != "Bearer "+testToken || r.Header.Get("User-Agent") != testUA {
			t.Errorf("%s %s: Authorization/User-Agent = %q/%q", r.Method, r.Path, r.Header.Get("Authorization"), r.Header.Get("User-Agent"))
		}
		if hasBody := r.Body != ""; hasBody != (r.Header.Get("Content-Type") == "application/json") {
			t.Errorf("%s %s: Content-Type %q with body %q", r.Method, r.Path, r.Header.Get("Content-Type"), r.Body)
		}
		if r.Method == http.MethodPost != uuidV4.MatchString(r.IdempotencyKey) {
			t.Errorf("%s %s: Idempotency-Key %q", r.Method, r.Path, r.IdempotencyKey)
		}
	}
	if reqs[2].IdempotencyKey == reqs[4].IdempotencyKey {
		t.Error("two logical calls shared an Idempotency-Key")
	}
	if want := `{"application_name":"My Integration","client_type":"confidential","redirect_uris":["https://app.example.com/oauth/callback"],"allowed_scopes":["decks:read"]}`; reqs[2].Body != want {
		t.Errorf("create body = %s", reqs[2].Body)
	}
	if reqs[3].Body != `{"application_name":"Renamed"}` {
		t.Errorf("update body = %s", reqs[3].Body)
	}
}

func TestUpdateSendsOnlyGivenFields(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"client":`+clientJSON+`}`)
	})
	c := newTestClient(t, ts.URL)
	name := ""
	for _, tc := range []struct {
		req  UpdateRequest
		want string
	}{
		{UpdateRequest{}, `{}`},
		{UpdateRequest{RedirectURIs: []string{"https://a.example/cb"}}, `{"redirect_uris":["https://a.example/cb"]}`},
		{UpdateRequest{AllowedScopes: []string{}}, `{"allowed_scopes":[]}`},
		{UpdateRequest{ApplicationName: &name, AllowedScopes: []string{"openid"}}, `{"application_name":"","allowed_scopes":["openid"]}`},
	} {
		ts.mu.Lock()
		ts.requests = nil
		ts.mu.Unlock()
		if _, err := c.OAuth2Clients.Update(context.Background(), "flx_client_1", tc.req); err != nil {
			t.Fatal(err)
		}
		if got := ts.recorded()[0].Body; got != tc.want {
			t.Errorf("Update(%+v) sent %s, want %s", tc.req, got, tc.want)
		}
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeError(w, 404, CodeNotFound, "client not found", "")
	})
	c := newTestClient(t, ts.URL)
	_, err := c.OAuth2Clients.RotateSecret(context.Background(), "../x/y z?q#f")
	if !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	if got, want := ts.recorded()[0].RawPath, basePath+"/..%2Fx%2Fy%20z%3Fq%23f/rotate-secret"; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	if _, err := c.OAuth2Clients.Get(context.Background(), ""); err == nil || len(ts.recorded()) != 1 {
		t.Errorf("empty client ID: err = %v, requests = %d", err, len(ts.recorded()))
	}
}

func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		status               int
		code, message, field string
		notFound, limit      bool
	}{
		{400, CodeInvalidRedirectURI, "redirect URI must use https", "redirect_uris[1]", false, false},
		{400, CodeInvalidScope, "unknown scope", "allowed_scopes[0]", false, false},
		{400, CodeImmutableField, "client_type cannot change", "client_type", false, false},
		{401, "unauthorized", "missing or unknown token", "", false, false},
		{404, CodeNotFound, "client not found", "", true, false},
		{409, CodeClientLimitReached, "revoke an unused client or contact Flexslot", "", false, true},
		{409, CodePublicClientHasNoSecret, "public clients have no secret", "", false, false},
		{422, CodeIdempotencyKeyReused, "different body", "", false, false},
	} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeError(w, tc.status, tc.code, tc.message, tc.field)
		})
		c := newTestClient(t, ts.URL)
		_, err := c.OAuth2Clients.Create(context.Background(), CreateRequest{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: err = %#v, want *APIError", tc.code, err)
		}
		want := APIError{StatusCode: tc.status, Code: tc.code, Message: tc.message, Field: tc.field, RequestID: "req_a"}
		if *apiErr != want {
			t.Errorf("got %+v, want %+v", *apiErr, want)
		}
		if IsNotFound(err) != tc.notFound || errors.Is(err, ErrNotFound) != tc.notFound || IsClientLimitReached(err) != tc.limit {
			t.Errorf("%s: IsNotFound=%v IsClientLimitReached=%v", tc.code, IsNotFound(err), IsClientLimitReached(err))
		}
		for _, part := range []string{tc.code, tc.message, "req_a", http.StatusText(tc.status)} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%q does not mention %q", err, part)
			}
		}
		if n := len(ts.recorded()); n != 1 {
			t.Errorf("%d: %d requests, want no retry", tc.status, n)
		}
	}
}

func TestErrorsNeverContainSecrets(t *testing.T) {
	echo := "bad secret " + testSecret + " for token " + testToken + " and flx_pat_other"
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, `{"client":{"client_id":"x","created_at":"`+testSecret+`"}}`)
			return
		}
		writeError(w, 400, CodeInvalidRequest, echo, "client_secret="+testSecret)
	})
	for _, token := range []string{testToken, "opaque-token-123"} {
		c := newTestClient(t, ts.URL, func(c *Config) { c.Token = token })
		_, createErr := c.OAuth2Clients.Create(context.Background(), CreateRequest{ApplicationName: token})
		_, getErr := c.OAuth2Clients.Get(context.Background(), "x")
		for _, err := range []error{createErr, getErr} {
			if err == nil {
				t.Fatal("want an error")
			}
			msg := err.Error()
			for _, secret := range []string{testSecret, token, "flx_pat_other", "01HX2K"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q contains %q", msg, secret)
				}
			}
		}
		if !strings.Contains(createErr.Error(), "flx_cs_[REDACTED]") {
			t.Errorf("error %q lost the redaction marker", createErr)
		}
	}
}

func TestUnexpectedResponseBodies(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		wantErrFragment         string
	}{
		// A 2xx body that is not JSON is re-sent twice first, so the third answer (req_c) is reported.
		{"truncated", "application/json", `{"client":{"client_id":"x"},"plaintext_client_secret":"` + testSecret[:30], 201, "unexpected response body (status 201, application/json, 85 bytes, request id \"req_c\"): truncated JSON"},
		{"html", "text/html", "<html><body>Bad gateway " + testSecret + "</body></html>", 200, "text/html"},
		{"empty", "application/json", "", 201, "unexpected response body"},
		{"null client", "application/json", `{"client":null}`, 201, "missing client"},
		{"confidential without secret", "application/json", `{"client":` + clientJSON + `,"plaintext_client_secret":""}`, 201, "missing secret"},
		{"wrong type", "application/json", `{"client":{"client_id":42}}`, 201, "client_id"},
		{"html error", "text/html", "<html>oops " + testToken + "</html>", 500, "unexpected response body (text/html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			c := newTestClient(t, ts.URL)
			_, err := c.OAuth2Clients.Create(context.Background(), CreateRequest{})
			if err == nil {
				t.Fatal("want an error")
			}
			msg := err.Error()
			reqID := "req_a"
			if tc.status < 300 && !json.Valid([]byte(tc.body)) {
				reqID = "req_c"
			}
			for _, want := range []string{tc.wantErrFragment, reqID, strconv.Itoa(tc.status)} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if strings.Contains(msg, "flx_cs_01") || strings.Contains(msg, testToken) || strings.Contains(msg, "<html") {
				t.Errorf("error echoes the body: %q", msg)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"":                                       "",
		"nothing secret":                         "nothing secret",
		"secret " + testSecret + ".":             "secret flx_cs_[REDACTED]",
		`{"plaintext_client_secret":"flx_cs_a"}`: `{"plaintext_client_secret":"flx_cs_[REDACTED]"}`,
		"Bearer " + testToken:                    "Bearer flx_pat_[REDACTED]",
		"flx_at_abc,flx_cs_x flx_cs_":            "flx_at_[REDACTED],flx_cs_[REDACTED] flx_cs_",
		"flx_client_01HX":                        "flx_client_01HX",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
		if got := Redact(Redact(in)); got != Redact(in) {
			t.Errorf("Redact is not idempotent on %q", in)
		}
	}
}

func TestLoggingRedacts(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			writeError(w, 503, "unavailable", "try again", "")
			return
		}
		writeJSON(w, 201, `{"client":`+clientJSON+`,"plaintext_client_secret":"`+testSecret+`"}`)
	})
	var mu sync.Mutex
	var entries []map[string]any
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.Logf = func(_ context.Context, msg string, fields map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			fields["msg"] = msg
			entries = append(entries, fields)
		}
	})
	if _, err := c.OAuth2Clients.Create(context.Background(), CreateRequest{ApplicationName: testSecret}); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d log entries, want one per attempt: %v", len(entries), entries)
	}
	for i, e := range entries {
		b, _ := json.Marshal(e)
		s := string(b)
		if strings.Contains(s, testSecret) || strings.Contains(s, testToken) || strings.Contains(s, "01HX2K5V7Q9M3N4P6R8S0T2W4Ytest") {
			t.Errorf("log entry leaks a secret: %s", s)
		}
		if e["method"] != "POST" || e["path"] != basePath || e["attempt"] != i+1 || e["request_id"] == "" || e["duration_ms"] == nil {
			t.Errorf("log entry %d = %s", i, s)
		}
		if hdr := e["request_headers"].(map[string]string); hdr["Authorization"] != redactedMarker || hdr["Idempotency-Key"] == "" {
			t.Errorf("headers = %v", hdr)
		}
	}
	if entries[0]["status"] != 503 || entries[1]["status"] != 201 {
		t.Errorf("statuses = %v, %v", entries[0]["status"], entries[1]["status"])
	}
}

func TestIdempotencyKeyIsReusedAcrossRetries(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		switch n {
		case 0:
			writeError(w, 503, "unavailable", "", "")
		case 1:
			hijackAndClose(t, w)
		case 2:
			writeError(w, 429, "rate_limited", "", "")
		default:
			writeJSON(w, 200, `{"client":`+clientJSON+`,"plaintext_client_secret":"`+testSecret+`"}`)
		}
	})
	c := newTestClient(t, ts.URL)
	for _, call := range []func() (*IssuedSecret, error){
		func() (*IssuedSecret, error) { return c.OAuth2Clients.Create(context.Background(), CreateRequest{}) },
		func() (*IssuedSecret, error) {
			return c.OAuth2Clients.RotateSecret(context.Background(), "flx_client_1")
		},
	} {
		ts.mu.Lock()
		ts.requests = nil
		ts.mu.Unlock()
		if _, err := call(); err != nil {
			t.Fatal(err)
		}
		reqs := ts.recorded()
		if len(reqs) < 4 {
			t.Fatalf("got %d requests, want 4", len(reqs))
		}
		if _, err := uuid.Parse(reqs[0].IdempotencyKey); err != nil {
			t.Fatalf("Idempotency-Key %q: %v", reqs[0].IdempotencyKey, err)
		}
		for _, r := range reqs {
			if r.IdempotencyKey != reqs[0].IdempotencyKey || r.Body != reqs[0].Body {
				t.Errorf("retry sent key %q body %q, first attempt %q %q", r.IdempotencyKey, r.Body, reqs[0].IdempotencyKey, reqs[0].Body)
			}
		}
	}
}

func hijackAndClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}
