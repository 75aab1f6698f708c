package flexslot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/memnet"
)

const (
	testToken  = "flx_pat_01HX2K5V7Q9M3N4P6R8S0T2W4Ytesttoken"
	testSecret = "flx_cs_01HX2K5V7Q9M3N4P6R8S0T2W4Yabcdefghijklmnopqrstuvwxyz012345"
	testUA     = "terraform-provider-flexslot/test (+https://registry.terraform.io/providers/flexslot/flexslot)"
	basePath   = "/api/public/v1/me/partner/oauth2-clients"
	testID     = "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y"
)

// publishedClient is the client object of the contract, as the guides publish it.
const publishedClient = `{
  "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  "client_id": "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
  "client_type": "confidential",
  "application_name": "Deck Builder",
  "application_url": "https://decks.example.com",
  "application_logo_url": "",
  "privacy_policy_url": "https://decks.example.com/privacy",
  "tos_url": "",
  "redirect_uris": ["https://decks.example.com/oauth/callback"],
  "allowed_scopes": ["decks:read"],
  "grant_types": ["authorization_code", "refresh_token"],
  "require_pkce": true,
  "dpop_bound_access_tokens": false,
  "status": "active",
  "secret_rotated_at": "2026-06-02T18:00:00Z",
  "last_used_at": null,
  "created_at": "2026-06-02T18:00:00Z",
  "updated_at": "2026-06-02T18:00:00Z"
}`

// publishedEnvelope is the one-time-secret envelope of the contract around publishedClient.
const publishedEnvelope = `{ "client": ` + publishedClient + `, "plaintext_client_secret": "` + testSecret + `", "secret_rotated_at": "2026-06-02T18:00:00Z" }`

// recorded is one request as a test server saw it.
type recorded struct {
	Method, Path, RawPath, IdempotencyKey string
	Header                                http.Header
	Body                                  string
}

type testServer struct {
	*memnet.Server
	mu       sync.Mutex
	requests []recorded
}

func (s *testServer) recorded() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}

func (s *testServer) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// newTestServer serves handler and records every request; handler gets the 0-based request index.
func newTestServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = newMemServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	return ts
}

func newTestClient(t *testing.T, url string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, Token: testToken, UserAgent: testUA, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
	if s, ok := memServers.Load(url); ok {
		cfg.HTTPClient = s.(*memnet.Server).Client()
	}
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

func hijackAndClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

func TestNewClientValidatesBaseURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		ok   bool
		want string
	}{
		{"", true, ""},
		{"https://api.flexslot.gg", true, ""},
		{"http://127.0.0.1:1234/", true, ""},
		{"https://proxy.example/flexslot", true, ""},
		{"api.flexslot.gg", false, "not an absolute https URL"},
		{"ftp://api.flexslot.gg", false, `uses the scheme "ftp"`},
		{"http://api.flexslot.gg", false, "plain http"},
		{"https://api.flexslot.gg/api/public/v1", false, "already holds the API path"},
		{"https://", false, "not an absolute https URL"},
		{"https://api.flexslot.gg?x=1", false, "query"},
		{"https://user:hunter2pw@api.flexslot.gg", false, "holds credentials"},
		{"https://hunter2pw@api.flexslot.gg", false, "holds credentials"},
		{"https://user:hunter2pw@api.flexslot.gg:bad/", false, "does not parse"},
		{"://bad", false, "does not parse"},
	} {
		c, err := NewClient(Config{BaseURL: tc.url, Token: testToken})
		if (err == nil) != tc.ok {
			t.Errorf("NewClient(%q) error = %v, want ok=%v", tc.url, err, tc.ok)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewClient(%q) error = %q, want it to say %q", tc.url, err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2pw") {
				t.Errorf("NewClient(%q) error echoes the password: %q", tc.url, err)
			}
			continue
		}
		if c.OAuth2Clients == nil {
			t.Errorf("NewClient(%q): OAuth2Clients is nil", tc.url)
		}
	}
	c, _ := NewClient(Config{Token: testToken})
	if c.baseURL != DefaultBaseURL+"/api/public/v1" {
		t.Errorf("default base URL = %q", c.baseURL)
	}
}

func TestNewClientRefusesMalformedTokens(t *testing.T) {
	for token, want := range map[string]string{
		"":                          "empty",
		"flx_pat_abc\n":             "line break",
		" flx_pat_abc":              "white space",
		"Bearer flx_pat_abc":        "Bearer",
		"flx_pat_a bc":              "white space",
		"flx_pat_a\x00bc":           "control characters",
		"flx_pat_a\x1b[31mbc":       "control characters",
		"flx_pat_a\u200bbc\xffdefg": "control characters or invalid UTF-8",
	} {
		_, err := NewClient(Config{Token: token})
		if err == nil {
			t.Errorf("NewClient accepted token %q", token)
			continue
		}
		if !strings.Contains(err.Error(), want) || (token != "" && !strings.Contains(err.Error(), "malformed")) {
			t.Errorf("token %q: error %q does not say %q", token, err, want)
		}
		if token != "" && strings.Contains(err.Error(), "abc") {
			t.Errorf("token %q: error echoes the token: %q", token, err)
		}
	}
	for _, token := range []string{"flx_pat_abc", "opaque.token-123_~+/=", "x"} {
		if _, err := NewClient(Config{Token: token}); err != nil {
			t.Errorf("NewClient refused well-formed token: %v", err)
		}
	}
}

func TestNewClientDoesNotModifyHTTPClient(t *testing.T) {
	hc := &http.Client{}
	newTestClient(t, "http://127.0.0.1:1", func(c *Config) {
		c.HTTPClient = hc
		c.Logf = func(context.Context, string, map[string]any) {}
	})
	if hc.Transport != nil || hc.CheckRedirect != nil {
		t.Fatal("the caller's http.Client was modified")
	}
}

func TestDefaultUserAgent(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `[]`) })
	c := newTestClient(t, ts.URL, func(c *Config) { c.UserAgent = "" })
	if _, err := c.OAuth2Clients.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := ts.recorded()[0].Header.Get("User-Agent"); got != defaultUserAgent {
		t.Errorf("User-Agent = %q", got)
	}
}

// TestOperations drives every operation against answers copied from the
// published examples, and checks exactly what is sent. Each case has a
// Client of its own on the one server.
func TestOperations(t *testing.T) {
	var revoked atomic.Bool
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.Method + " " + r.URL.EscapedPath() {
		case "GET " + basePath:
			if revoked.Load() {
				writeJSON(w, 200, `[]`)
				return
			}
			writeJSON(w, 200, `[`+publishedClient+`]`)
		case "POST " + basePath:
			writeJSON(w, 201, publishedEnvelope)
		case "PATCH " + basePath + "/" + testID:
			writeJSON(w, 200, `{"client":`+publishedClient+`}`)
		case "POST " + basePath + "/" + testID + "/rotate-secret":
			writeJSON(w, 200, strings.Replace(publishedEnvelope, `"secret_rotated_at": "2026-06-02T18:00:00Z" }`, `"secret_rotated_at": "2026-06-04T18:00:00Z" }`, 1))
		case "DELETE " + basePath + "/" + testID:
			revoked.Store(true)
			w.WriteHeader(204)
		default:
			writeError(w, 404, CodeNotFound, "no route", "")
		}
	})
	// fresh returns a new Client, with the server's log cleared and the client not revoked.
	fresh := func(t *testing.T) *Client {
		ts.reset()
		revoked.Store(false)
		return newTestClient(t, ts.URL)
	}
	ctx := context.Background()
	at := time.Date(2026, 6, 2, 18, 0, 0, 0, time.UTC)
	check := func(t *testing.T, name string, got OAuth2Client) {
		t.Helper()
		if got.ID != "3c90c3cc-0d44-4b50-8888-8dd25736052a" || got.ClientID != testID || got.ClientType != ClientTypeConfidential ||
			got.ApplicationName != "Deck Builder" || got.ApplicationURL != "https://decks.example.com" || got.ApplicationLogoURL != "" ||
			got.PrivacyPolicyURL != "https://decks.example.com/privacy" || got.TosURL != "" ||
			strings.Join(got.RedirectURIs, ",") != "https://decks.example.com/oauth/callback" ||
			strings.Join(got.AllowedScopes, ",") != "decks:read" || strings.Join(got.GrantTypes, ",") != "authorization_code,refresh_token" ||
			!got.RequirePKCE || got.DPoPBoundAccessTokens || got.Status != StatusActive ||
			got.SecretRotatedAt == nil || !got.SecretRotatedAt.Equal(at) || got.LastUsedAt != nil ||
			!got.CreatedAt.Equal(at) || !got.UpdatedAt.Equal(at) {
			t.Errorf("%s: got %+v", name, got)
		}
	}
	// sent checks the methods of the requests sent, then the headers, body
	// type and Idempotency-Key of each, and returns them.
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	sent := func(t *testing.T, want string) []recorded {
		t.Helper()
		reqs := ts.recorded()
		var methods []string
		for _, r := range reqs {
			methods = append(methods, r.Method)
		}
		if strings.Join(methods, " ") != want {
			t.Fatalf("requests = %s, want %s", strings.Join(methods, " "), want)
		}
		for _, r := range reqs {
			if r.Header.Get("Authorization") != "Bearer "+testToken || r.Header.Get("User-Agent") != testUA || r.Header.Get("Accept") != "application/json" {
				t.Errorf("%s %s: headers %v", r.Method, r.Path, r.Header)
			}
			if hasBody := r.Body != ""; hasBody != (r.Header.Get("Content-Type") == "application/json") {
				t.Errorf("%s %s: Content-Type %q with body %q", r.Method, r.Path, r.Header.Get("Content-Type"), r.Body)
			}
			if r.Method == http.MethodPost != uuidV4.MatchString(r.IdempotencyKey) {
				t.Errorf("%s %s: Idempotency-Key %q", r.Method, r.Path, r.IdempotencyKey)
			}
		}
		return reqs
	}

	t.Run("List decodes the published client", func(t *testing.T) {
		list, err := fresh(t).OAuth2Clients.List(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("List = %v, %v", list, err)
		}
		check(t, "List", list[0])
		sent(t, "GET")
	})

	t.Run("Get shares the list's call", func(t *testing.T) {
		c := fresh(t)
		if _, err := c.OAuth2Clients.List(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := c.OAuth2Clients.Get(ctx, testID)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "Get", *got)
		sent(t, "GET")
	})

	t.Run("Create sends every field and returns the one-time secret", func(t *testing.T) {
		issued, err := fresh(t).OAuth2Clients.Create(ctx, CreateRequest{ApplicationName: "Deck Builder", ClientType: ClientTypeConfidential,
			RedirectURIs: []string{"https://decks.example.com/oauth/callback"}, AllowedScopes: []string{"decks:read"},
			ApplicationURL: "https://decks.example.com", PrivacyPolicyURL: "https://decks.example.com/privacy"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "Create", issued.Client)
		if issued.Secret != testSecret || issued.SecretRotatedAt == nil || !issued.SecretRotatedAt.Equal(at) || issued.Adopted {
			t.Errorf("Create = %q, %v, adopted %v", issued.Secret, issued.SecretRotatedAt, issued.Adopted)
		}
		reqs := sent(t, "POST")
		if want := `{"application_name":"Deck Builder","client_type":"confidential","redirect_uris":["https://decks.example.com/oauth/callback"],` +
			`"allowed_scopes":["decks:read"],"application_url":"https://decks.example.com","application_logo_url":"",` +
			`"privacy_policy_url":"https://decks.example.com/privacy","tos_url":""}`; reqs[0].Body != want {
			t.Errorf("create body = %s\nwant          %s", reqs[0].Body, want)
		}
	})

	t.Run("Update sends the given fields only", func(t *testing.T) {
		name := "Deck Builder"
		updated, err := fresh(t).OAuth2Clients.Update(ctx, testID, UpdateRequest{ApplicationName: &name})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "Update", *updated)
		if reqs := sent(t, "PATCH"); reqs[0].Body != `{"application_name":"Deck Builder"}` {
			t.Errorf("update body = %s", reqs[0].Body)
		}
	})

	t.Run("RotateSecret sends no body and returns the new secret", func(t *testing.T) {
		rotated, err := fresh(t).OAuth2Clients.RotateSecret(ctx, testID)
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Secret != testSecret || !rotated.SecretRotatedAt.Equal(at.Add(48*time.Hour)) {
			t.Errorf("RotateSecret = %q, %v", rotated.Secret, rotated.SecretRotatedAt)
		}
		if reqs := sent(t, "POST"); reqs[0].Body != "" {
			t.Errorf("rotate sent a body: %q", reqs[0].Body)
		}
	})

	t.Run("Revoke is confirmed by a list started after DELETE returned", func(t *testing.T) {
		if err := fresh(t).OAuth2Clients.Revoke(ctx, testID); err != nil {
			t.Fatal(err)
		}
		if reqs := sent(t, "DELETE GET"); reqs[0].Body != "" {
			t.Errorf("delete sent a body: %q", reqs[0].Body)
		}
	})

	t.Run("two logical calls never share an Idempotency-Key", func(t *testing.T) {
		c := fresh(t)
		if _, err := c.OAuth2Clients.Create(ctx, CreateRequest{ApplicationName: "Deck Builder"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.OAuth2Clients.RotateSecret(ctx, testID); err != nil {
			t.Fatal(err)
		}
		if reqs := sent(t, "POST POST"); reqs[0].IdempotencyKey == reqs[1].IdempotencyKey {
			t.Error("two logical calls shared an Idempotency-Key")
		}
	})
}

func TestCreateRequestBody(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 201, `{"client":{"client_id":"x","client_type":"public"},"plaintext_client_secret":"","secret_rotated_at":null}`)
	})
	c := newTestClient(t, ts.URL)
	for _, tc := range []struct {
		req  CreateRequest
		want string
	}{
		{CreateRequest{ApplicationName: "A"},
			`{"application_name":"A","redirect_uris":[],"allowed_scopes":[],"application_url":"","application_logo_url":"","privacy_policy_url":"","tos_url":""}`},
		{CreateRequest{ApplicationName: "A", ClientType: ClientTypePublic, GrantTypes: []string{}},
			`{"application_name":"A","client_type":"public","redirect_uris":[],"allowed_scopes":[],"grant_types":[],"application_url":"","application_logo_url":"","privacy_policy_url":"","tos_url":""}`},
		{CreateRequest{ApplicationName: "A", ClientType: ClientTypePublic, GrantTypes: []string{"authorization_code"}, TosURL: "https://t.example/tos"},
			`{"application_name":"A","client_type":"public","redirect_uris":[],"allowed_scopes":[],"grant_types":["authorization_code"],"application_url":"","application_logo_url":"","privacy_policy_url":"","tos_url":"https://t.example/tos"}`},
	} {
		ts.reset()
		issued, err := c.OAuth2Clients.Create(context.Background(), tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if issued.Secret != "" || issued.SecretRotatedAt != nil {
			t.Errorf("public client = %+v", issued)
		}
		if got := ts.recorded()[0].Body; got != tc.want {
			t.Errorf("Create(%+v) sent\n%s\nwant\n%s", tc.req, got, tc.want)
		}
	}
}

func TestUpdateSendsOnlyGivenFields(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"client":`+publishedClient+`}`)
	})
	c := newTestClient(t, ts.URL)
	empty, name, url := "", "N", "https://a.example"
	for _, tc := range []struct {
		req  UpdateRequest
		want string
	}{
		{UpdateRequest{}, `{}`},
		{UpdateRequest{RedirectURIs: []string{"https://a.example/cb"}}, `{"redirect_uris":["https://a.example/cb"]}`},
		{UpdateRequest{AllowedScopes: []string{}}, `{"allowed_scopes":[]}`},
		{UpdateRequest{GrantTypes: []string{"authorization_code"}}, `{"grant_types":["authorization_code"]}`},
		{UpdateRequest{ApplicationName: &name, TosURL: &empty, ApplicationURL: &url, ApplicationLogoURL: &empty, PrivacyPolicyURL: &url},
			`{"application_name":"N","application_url":"https://a.example","application_logo_url":"","privacy_policy_url":"https://a.example","tos_url":""}`},
	} {
		ts.reset()
		// The canned answer need not show the update: only the request body matters here.
		var notApplied *UpdateNotAppliedError
		if _, err := c.OAuth2Clients.Update(context.Background(), testID, tc.req); err != nil && !errors.As(err, &notApplied) {
			t.Fatal(err)
		}
		if got := ts.recorded()[0].Body; got != tc.want {
			t.Errorf("Update(%+v) sent %s, want %s", tc.req, got, tc.want)
		}
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, `[]`)
			return
		}
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
	n := len(ts.recorded())
	ctx := context.Background()
	_, getErr := c.OAuth2Clients.Get(ctx, "")
	_, rotErr := c.OAuth2Clients.RotateSecret(ctx, "")
	_, updErr := c.OAuth2Clients.Update(ctx, "", UpdateRequest{})
	revErr := c.OAuth2Clients.Revoke(ctx, "")
	for _, err := range []error{getErr, rotErr, updErr, revErr} {
		if err == nil || !strings.Contains(err.Error(), "must not be empty") {
			t.Errorf("empty client ID: err = %v", err)
		}
	}
	if len(ts.recorded()) != n {
		t.Error("an empty client ID was sent")
	}
}

// TestCorroboration: a client the list omits is gone only when the list holds
// another client this Client was asked about, by a read that arrived before
// none had for the settle time; otherwise the token may be another partner's.
func TestCorroboration(t *testing.T) {
	listed := &listResult{clients: []OAuth2Client{{ClientID: "cli_other"}, {ClientID: "cli_mine"}}}
	// claim is a read of another client, arriving after the one before it.
	type claim struct {
		after time.Duration
		id    string
	}
	for _, tc := range []struct {
		name    string
		claims  []claim  // in the background, after the read started waiting
		claimed []string // before the read
		want    bool
	}{
		{"no other read", nil, nil, false},
		{"another read of a listed client came first", nil, []string{"cli_mine"}, true},
		{"another read of a missing client only", nil, []string{"cli_missing_too"}, false},
		{"a listed client's read arrives while waiting",
			[]claim{{corroborationSettle / 2, "cli_missing_too"}, {corroborationSettle / 2, "cli_mine"}}, nil, true},
		{"a listed client's read arrives after the settle time",
			[]claim{{corroborationSettle + time.Millisecond, "cli_mine"}}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := newTestClient(t, "http://127.0.0.1:1")
				c.Claim(tc.claimed...)
				c.Claim("cli_gone")
				done := make(chan struct{})
				go func() {
					defer close(done)
					for _, cl := range tc.claims {
						time.Sleep(cl.after)
						c.Claim(cl.id)
					}
				}()
				if got := c.awaitCorroboration(t.Context(), listed, "cli_gone"); got != tc.want {
					t.Errorf("corroborated = %v, want %v", got, tc.want)
				}
				<-done
			})
		})
	}
}

func TestAwaitClaim(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newTestClient(t, "http://127.0.0.1:1")
		go func() {
			time.Sleep(corroborationSettle / 2)
			c.Claim("cli_a")
		}()
		if !c.AwaitClaim(t.Context(), "cli_a") {
			t.Error("a claim that arrived within the settle time was missed")
		}
		start := time.Now()
		if c.AwaitClaim(t.Context(), "cli_b") {
			t.Error("cli_b was never claimed")
		}
		if waited := time.Since(start); waited != corroborationSettle {
			t.Errorf("waited %v for an unclaimed client, want %v", waited, corroborationSettle)
		}
	})
}
