package flexslot

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flexslot/terraform-provider-flexslot/internal/apispec"
)

func TestDecodePublishedList(t *testing.T) {
	clients, err := decodeList([]byte(apispec.ListExample()))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 11, 7, 5, 31, 56, 0, time.UTC)
	// The published example has neither status nor client_type.
	want := []OAuth2Client{{
		ID:                    "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		ClientID:              "<string>",
		ApplicationName:       "<string>",
		ApplicationURL:        "<string>",
		ApplicationLogoURL:    "<string>",
		PrivacyPolicyURL:      "<string>",
		TosURL:                "<string>",
		RedirectURIs:          []string{"<string>"},
		AllowedScopes:         []string{"<string>"},
		GrantTypes:            []string{"<string>"},
		RequirePKCE:           true,
		DPoPBoundAccessTokens: true,
		SecretRotatedAt:       &at,
		LastUsedAt:            &at,
		CreatedAt:             at,
		UpdatedAt:             at,
	}}
	if diff := cmp.Diff(want, clients); diff != "" {
		t.Errorf("decoded published list (-want +got):\n%s", diff)
	}

	// Unknown fields, at any level, are ignored: more will come.
	withExtra := strings.Replace(`[`+publishedClient+`]`, `"status": "active",`, `"status": "active", "future": {"nested": [1, 2]}, "rate_tier": "premium",`, 1)
	clients, err = decodeList([]byte(withExtra))
	if err != nil || len(clients) != 1 || clients[0].Status != StatusActive || clients[0].ApplicationName != "Deck Builder" {
		t.Errorf("with unknown fields: %+v, %v", clients, err)
	}

	clients, err = decodeList([]byte(" \n[]"))
	if err != nil || clients == nil || len(clients) != 0 {
		t.Errorf("empty list: %#v, %v", clients, err)
	}
	// Absent lists come back empty, never nil.
	clients, err = decodeList([]byte(`[{"client_id":"a"}]`))
	if err != nil || clients[0].RedirectURIs == nil || clients[0].AllowedScopes == nil || clients[0].GrantTypes == nil {
		t.Errorf("minimal client: %#v, %v", clients, err)
	}
}

// TestListIsABareArray checks that nothing but the published bare array is
// taken for a list: a wrong shape must never read as "no clients".
func TestListIsABareArray(t *testing.T) {
	for body, want := range map[string]string{
		`{"clients":[` + publishedClient + `]}`: "JSON object, not the array",
		`{}`:                                    "JSON object, not the array",
		`null`:                                  "not the array",
		`"[]"`:                                  "not the array",
		``:                                      "empty body",
		`[{"client_id":""}]`:                    "missing client_id",
		`[{"application_name":"x"}]`:            "missing client_id",
		`[` + publishedClient:                   "unexpected end",
		`<html>`:                                "invalid character",
	} {
		if _, err := decodeList([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("decodeList(%.40q) = %v, want an error saying %q", body, err, want)
		}
	}

	// Through the client: the old envelope is an error after re-sends, not an empty list.
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"clients":[]}`)
	})
	c := newTestClient(t, ts.URL)
	_, err := c.OAuth2Clients.Get(context.Background(), testID)
	if err == nil || IsNotFound(err) || !strings.Contains(err.Error(), "not the array of clients") {
		t.Errorf("Get with an object for a list = %v", err)
	}
	if n := len(ts.recorded()); n != 1+maxBodyResends {
		t.Errorf("%d requests, want %d", n, 1+maxBodyResends)
	}
}

func TestDecodeIssued(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	issued, err := c.decodeIssued([]byte(publishedEnvelope), ClientTypeConfidential, "")
	if err != nil || issued.Secret != testSecret || issued.Client.ClientID != testID || issued.SecretRotatedAt == nil {
		t.Fatalf("published envelope: %+v, %v", issued, err)
	}
	// The seed's client_id shape is as valid as the guides' one: IDs are opaque.
	seed := `{"client":{"client_id":"flx_client_01HX2K","client_type":"confidential","application_name":"My Integration",
"redirect_uris":["https://app.example.com/oauth/callback"],"allowed_scopes":["decks:read"],"status":"active"},
"plaintext_client_secret":"flx_cs_01HX2K","secret_rotated_at":"2026-06-02T18:00:00Z"}`
	if issued, err := c.decodeIssued([]byte(seed), ClientTypeConfidential, ""); err != nil || issued.Client.ClientID != "flx_client_01HX2K" {
		t.Errorf("seed envelope: %+v, %v", issued, err)
	}
	public := `{"client":{"client_id":"p","client_type":"public","secret_rotated_at":null},"plaintext_client_secret":"","secret_rotated_at":null}`
	if issued, err := c.decodeIssued([]byte(public), ClientTypePublic, ""); err != nil || issued.Secret != "" || issued.SecretRotatedAt != nil {
		t.Errorf("public envelope: %+v, %v", issued, err)
	}
	for body, want := range map[string]string{
		`{"client":null,"plaintext_client_secret":"x"}`:                                          "missing client",
		`{"plaintext_client_secret":"x"}`:                                                        "missing client",
		`{"client":{"client_id":"a","client_type":"confidential"}}`:                              "missing plaintext_client_secret",
		`{"client":{"client_id":"a","client_type":"confidential"},"plaintext_client_secret":""}`: "missing secret",
		`{"client":{"client_id":"a"},"plaintext_client_secret":""}`:                              "missing secret",
		`[]`: "cannot unmarshal",
	} {
		if _, err := c.decodeIssued([]byte(body), ClientTypeConfidential, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("decodeIssued(%s) = %v, want %q", body, err, want)
		}
	}
	if _, err := c.decodeIssued([]byte(publishedEnvelope), ClientTypeConfidential, "cli_other"); err == nil {
		t.Error("an answer about another client was accepted")
	}
}

func TestDecodeClientAnswer(t *testing.T) {
	for _, body := range []string{`{"client":` + publishedClient + `}`, publishedClient} {
		got, err := decodeClientAnswer([]byte(body), testID)
		if err != nil || got.ClientID != testID || got.ApplicationName != "Deck Builder" {
			t.Errorf("decodeClientAnswer(%.30s) = %+v, %v", body, got, err)
		}
	}
	for _, body := range []string{`{}`, `null`, `{"client":null}`, `{"client":{"client_id":"other"}}`, `[]`} {
		if _, err := decodeClientAnswer([]byte(body), testID); err == nil {
			t.Errorf("decodeClientAnswer(%s) succeeded", body)
		}
	}
}

// TestAnySuccessStatus checks that an unpublished 2xx is accepted.
func TestAnySuccessStatus(t *testing.T) {
	for _, status := range []int{200, 201, 202, 203} {
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			switch r.Method {
			case http.MethodGet:
				writeJSON(w, status, `[]`)
			case http.MethodDelete:
				w.WriteHeader(status)
			case http.MethodPatch:
				writeJSON(w, status, publishedClient)
			default:
				writeJSON(w, status, publishedEnvelope)
			}
		})
		c := newTestClient(t, ts.URL)
		ctx := context.Background()
		if _, err := c.OAuth2Clients.List(ctx); err != nil {
			t.Errorf("%d list: %v", status, err)
		}
		if _, err := c.OAuth2Clients.Create(ctx, CreateRequest{ApplicationName: "A"}); err != nil {
			t.Errorf("%d create: %v", status, err)
		}
		if _, err := c.OAuth2Clients.RotateSecret(ctx, testID); err != nil {
			t.Errorf("%d rotate: %v", status, err)
		}
		if _, err := c.OAuth2Clients.Update(ctx, testID, UpdateRequest{}); err != nil {
			t.Errorf("%d update: %v", status, err)
		}
		if err := c.OAuth2Clients.Revoke(ctx, testID); err != nil {
			t.Errorf("%d revoke: %v", status, err)
		}
	}
}

func TestUnreadableSuccessBodies(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		want                    string
	}{
		{"truncated", "application/json", `[{"client_id":"x","application_name":"` + testSecret[:30], "truncated JSON"},
		{"html", "text/html", "<html><body>OK " + testSecret + "</body></html>", "text/html"},
		{"empty", "application/json", "", "empty body"},
		{"wrong type", "application/json", `[{"client_id":42}]`, `field "client_id" has the wrong type`},
		{"bad time", "application/json", `[{"client_id":"a","created_at":"` + testSecret + `"}]`, "RFC 3339"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(200)
				w.Write([]byte(tc.body))
			})
			c := newTestClient(t, ts.URL)
			_, err := c.OAuth2Clients.List(context.Background())
			if err == nil {
				t.Fatal("want an error")
			}
			msg := err.Error()
			// Re-sent twice, so the third answer (req_c) is reported.
			for _, want := range []string{tc.want, `request id "req_c"`, "status 200", "unexpected response body"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if strings.Contains(msg, "flx_cs_01") || strings.Contains(msg, "<html") || IsNotFound(err) {
				t.Errorf("error %q", msg)
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				t.Errorf("a 2xx answer became an APIError: %v", err)
			}
		})
	}
}

// FuzzDecodeResponse checks that no answer makes decoding panic and that no
// error built from an answer shows a secret: one with a documented prefix,
// the token, or a secret without a prefix that the client has seen.
func FuzzDecodeResponse(f *testing.F) {
	const opaqueSecret = "opaque-known-secret-value"
	// Seeds are short: the fuzzer minimizes every input that finds new
	// code, in time growing with the square of its length. The published
	// examples themselves are decoded in wire_test.go.
	const client = `{"id":"u","client_id":"c","client_type":"confidential","application_name":"A","application_url":"",` +
		`"redirect_uris":["https://a/cb"],"allowed_scopes":["decks:read"],"grant_types":["refresh_token"],"require_pkce":true,` +
		`"status":"active","secret_rotated_at":"2026-06-02T18:00:00Z","last_used_at":null,"created_at":"2026-06-02T18:00:00Z"}`
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `[` + client + `]`},
		{200, `{"clients":[` + client + `]}`},
		{200, `{"client":` + client + `}`},
		{200, client},
		{201, `{"client":` + client + `,"plaintext_client_secret":"` + testSecret + `","secret_rotated_at":"2026-06-02T18:00:00Z"}`},
		{201, `{"client":` + client + `,"plaintext_client_secret":"` + opaqueSecret + `","secret_rotated_at":null}`},
		{201, `{"client":{"client_id":"x","client_type":"public"},"plaintext_client_secret":""}`},
		{201, `{"client":` + client[:60]},
		{200, `[{"client_id":""}]`},
		{200, `[{"client_id":"a","created_at":"` + testSecret + `"}]`},
		{200, `<html>` + testSecret + `</html>`},
		{400, `{"error":{"code":"FLEXSLOT_INVALID_REDIRECT_URI","message":"bad ` + testSecret + `","field":"redirect_uris[0]"}}`},
		{400, `{"error":"invalid_request","error_description":"` + opaqueSecret + `"}`},
		{401, `{"detail":"Bearer ` + testToken + `"}`},
		{422, `{"detail":[{"loc":["body","client_secret"],"msg":"` + opaqueSecret + `"}]}`},
		{404, `{"error":null}`},
		{409, `{"code":"FLEXSLOT_CLIENT_LIMIT_REACHED","message":"limit"}`},
		{500, `{"plaintext_client_secret":"` + opaqueSecret[:10]},
		{502, `<html><head><title>502 ` + opaqueSecret + `</title></head><body>Bad Gateway</body></html>`},
		{301, ``},
		{200, ``},
	} {
		f.Add(seed.status, []byte(seed.body), "req_1")
	}
	f.Add(200, []byte(`{`), "req_"+testSecret)
	f.Add(503, []byte(`<html>`), testToken)
	leak := regexp.MustCompile(`flx_(cs|pat|at)_[A-Za-z0-9._~+/=-]`)
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID string) {
		// A client per input: decoding remembers every secret it sees.
		c := &Client{baseURL: DefaultBaseURL + apiPrefix, token: testToken}
		c.secrets.add(testToken, opaqueSecret)
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		h := http.Header{"X-Request-Id": {requestID}, "Content-Type": {"application/json"}, "Location": {"https://" + requestID + "/x"}}
		a := &answer{status: status, header: h, body: body}
		check := func(err error) {
			t.Helper()
			if err == nil {
				return
			}
			msg := err.Error()
			if leak.MatchString(msg) || strings.Contains(msg, opaqueSecret) || strings.Contains(msg, testToken) {
				t.Fatalf("error shows a secret: %q", msg)
			}
		}
		if status < 200 || status > 299 {
			check(c.parseAPIError(http.MethodPost, oauth2ClientsPath, status, h, body))
			return
		}
		if _, err := decodeList(body); err != nil {
			check(c.decodeError(a, err))
		}
		if got, err := decodeClientAnswer(body, testID); err == nil {
			_ = cloneClient(*got)
		} else {
			check(c.decodeError(a, err))
		}
		typ := ClientTypeConfidential
		if status%2 == 1 {
			typ = ClientTypePublic
		}
		issued, err := c.decodeIssued(body, typ, "")
		if err != nil {
			check(c.decodeError(a, err))
			return
		}
		effective := issued.Client.ClientType
		if effective == "" {
			effective = typ
		}
		if effective != ClientTypePublic && issued.Secret == "" {
			t.Fatal("a confidential client decoded without its secret")
		}
	})
}
