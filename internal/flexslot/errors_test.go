package flexslot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorShapes(t *testing.T) {
	long := strings.Repeat("a long proxy message ", 40)
	for _, tc := range []struct {
		name, contentType, body string
		code, message, field    string
		parsed                  bool
	}{
		{"flexslot envelope", "application/json", `{"error":{"code":"FLEXSLOT_INVALID_REDIRECT_URI","message":"must use https","field":"redirect_uris[1]"}}`,
			"FLEXSLOT_INVALID_REDIRECT_URI", "must use https", "redirect_uris[1]", true},
		{"rfc 6749", "application/json", `{"error":"invalid_request","error_description":"redirect_uris is required","error_uri":"https://flexslot.gg/docs"}`,
			"invalid_request", "redirect_uris is required", "", true},
		{"rfc 6749 with an error_uri that is not a web page", "application/json", `{"error":"invalid_request","error_description":"x","error_uri":"javascript:alert(1)"}`,
			"invalid_request", "x", "", true},
		{"rfc 6749 with credentials in error_uri", "application/json", `{"error":"invalid_request","error_description":"x","error_uri":"https://u:p@flexslot.gg/docs"}`,
			"invalid_request", "x", "", true},
		{"code and message", "application/json", `{"code":"FLEXSLOT_NOT_FOUND","message":"not found","field":"client_id"}`,
			"FLEXSLOT_NOT_FOUND", "not found", "client_id", true},
		{"numeric code", "application/json", `{"code":42,"message":"odd"}`, "42", "odd", "", true},
		{"message only", "application/json", `{"message":"Internal error"}`, "", "Internal error", "", true},
		{"detail string", "application/problem+json", `{"detail":"Authentication credentials were not provided."}`,
			"", "Authentication credentials were not provided.", "", true},
		{"detail object", "application/json", `{"detail":{"code":"FLEXSLOT_THROTTLED","message":"slow down"}}`, "FLEXSLOT_THROTTLED", "slow down", "", true},
		{"detail list", "application/json", `{"detail":[{"loc":["body","redirect_uris",0],"msg":"invalid url","type":"value_error"}]}`,
			"", "invalid url", "body.redirect_uris.0", true},
		{"errors list", "application/json", `{"errors":[{"code":"E1","message":"first"},{"code":"E2"}]}`, "E1", "first", "", true},
		{"null error", "application/json", `{"error":null}`, "", `unexpected response body (application/json, 14 bytes): "{\"error\":null}"`, "", false},
		{"unknown json", "application/json", `{"status":"fail","client_secret":"opaque-sekrit-value"}`,
			"", `unexpected response body (application/json, 55 bytes): "{\"client_secret\":\"[REDACTED]\",\"status\":\"fail\"}"`, "", false},
		{"json array", "application/json", `["x"]`, "", `unexpected response body (application/json, 5 bytes): "[\"x\"]"`, "", false},
		{"html page", "text/html", "<html>\n<head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>",
			"", `unexpected response body (text/html, 76 bytes): "502 Bad Gateway"`, "", false},
		{"html without title", "text/html", "<p>Upstream <b>down</b></p>", "", `unexpected response body (text/html, 27 bytes): "Upstream down"`, "", false},
		{"plain text", "text/plain", "upstream connect error or disconnect/reset before headers",
			"", `unexpected response body (text/plain, 57 bytes): "upstream connect error or disconnect/reset before headers"`, "", false},
		{"long text", "", long, "", `unexpected response body (no content type, 840 bytes): "` + strings.TrimSpace(long)[:120] + `…"`, "", false},
		{"empty", "", "", "", "empty response body", "", false},
		{"control characters", "application/json", `{"error":{"code":"X\u001b[2J","message":"line1\nline2\u202e"}}`, "X[2J", "line1 line2", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, "http://127.0.0.1:1")
			h := http.Header{"X-Request-Id": {"req_1"}}
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType+"; charset=utf-8")
			}
			e := c.parseAPIError(http.MethodGet, oauth2ClientsPath, 400, h, []byte(tc.body))
			want := APIError{StatusCode: 400, Code: tc.code, Message: tc.message, Field: tc.field, RequestID: "req_1", ContentType: tc.contentType,
				method: http.MethodGet, path: oauth2ClientsPath, parsed: tc.parsed,
				ErrorURI: map[string]string{"rfc 6749": "https://flexslot.gg/docs"}[tc.name]}
			if *e != want {
				t.Errorf("got  %#v\nwant %#v", *e, want)
			}
		})
	}
}

func TestErrorURIIsShown(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	e := c.parseAPIError(http.MethodPost, oauth2ClientsPath, 400, http.Header{"Content-Type": {"application/json"}},
		[]byte(`{"error":"invalid_scope","error_description":"unknown scope","error_uri":"https://docs.flexslot.gg/oauth/errors#invalid_scope"}`))
	if want := "400 Bad Request: invalid_scope: unknown scope; see https://docs.flexslot.gg/oauth/errors#invalid_scope"; e.Error() != want {
		t.Errorf("error %q, want %q", e.Error(), want)
	}
}

func TestErrorBodiesAreRedacted(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(c *Config) { c.Token = "opaque-token-value" })
	c.secrets.add("opaque-secret-value")
	for _, body := range []string{
		`{"error":{"code":"X","message":"bad secret opaque-secret-value for opaque-token-value","field":"` + testSecret + `"}}`,
		`{"access_token":"abcdefgh12345678","refresh_token":"zyxw","nested":{"Authorization":"Bearer abc"}}`,
		`<html><title>Bearer abcdefghijklmn opaque-secret-value</title></html>`,
		`{"plaintext_client_secret":"opaque-secret-va`, // cut short inside the secret
		`client_secret=hunter22&x=1 ` + "flx_at_token123",
	} {
		e := c.parseAPIError(http.MethodPost, oauth2ClientsPath, 500, http.Header{}, []byte(body))
		msg := e.Error()
		for _, secret := range []string{"opaque-secret", "opaque-token", "01HX2K", "abcdefgh", "zyxw", "Bearer abc", "hunter22", "token123"} {
			if strings.Contains(msg, secret) {
				t.Errorf("error %q shows %q", msg, secret)
			}
		}
		if !strings.Contains(msg, redactedMarker) {
			t.Errorf("error %q lost the redaction marker", msg)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		method, code            string
		status                  int
		unauthorized, limit     bool
		forbidden               bool
		redirect, notFound      bool
		wantText, location, ctp string
	}{
		{method: "create", status: 400, code: "FLEXSLOT_INVALID_SCOPE"},
		{method: "create", status: 401, code: "FLEXSLOT_UNAUTHORIZED", unauthorized: true},
		{method: "create", status: 403, code: "FLEXSLOT_FORBIDDEN", forbidden: true},
		{method: "create", status: 404, code: CodeNotFound},
		{method: "create", status: 409, code: CodeClientLimitReached, limit: true},
		{method: "create", status: 409, code: "", limit: true},
		{method: "create", status: 422, code: CodeClientLimitReached, limit: true},
		{method: "create", status: 405, code: "FLEXSLOT_METHOD_NOT_ALLOWED"},
		{method: "rotate", status: 409, code: "FLEXSLOT_PUBLIC_CLIENT"},
		{method: "create", status: 301, redirect: true, wantText: "a redirect to host login.example.net, which is never followed", location: "https://login.example.net/sso?next=/api"},
		{method: "create", status: 308, redirect: true, wantText: "a redirect to host 127.0.0.1", location: "/elsewhere"},
		{method: "create", status: 302, redirect: true, wantText: "a redirect without a Location header"},
	} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			if tc.location != "" {
				w.Header().Set("Location", tc.location)
			}
			if tc.status >= 300 && tc.status < 400 {
				w.WriteHeader(tc.status)
				return
			}
			writeError(w, tc.status, tc.code, "message for "+tc.code, "")
		})
		c := newTestClient(t, ts.URL)
		var err error
		if tc.method == "create" {
			_, err = c.OAuth2Clients.Create(context.Background(), CreateRequest{ApplicationName: "A"})
		} else {
			_, err = c.OAuth2Clients.RotateSecret(context.Background(), testID)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%d %s: err = %#v, want an *APIError", tc.status, tc.code, err)
		}
		type answer struct {
			StatusCode      int
			Code, RequestID string
		}
		if diff := cmp.Diff(answer{tc.status, tc.code, "req_a"}, answer{apiErr.StatusCode, apiErr.Code, apiErr.RequestID}); diff != "" {
			t.Fatalf("%s %d %s: the error (-want +got):\n%s", tc.method, tc.status, tc.code, diff)
		}
		type kinds struct{ Unauthorized, Forbidden, ClientLimitReached, Redirect, NotFound bool }
		want := kinds{Unauthorized: tc.unauthorized, Forbidden: tc.forbidden, ClientLimitReached: tc.limit, Redirect: tc.redirect}
		got := kinds{IsUnauthorized(err), IsForbidden(err), IsClientLimitReached(err), IsRedirect(err), IsNotFound(err)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %d %s: what the error is (-want +got):\n%s", tc.method, tc.status, tc.code, diff)
		}
		for _, part := range []string{tc.code, "req_a", http.StatusText(tc.status), tc.wantText} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%q does not mention %q", err, part)
			}
		}
		if n := len(ts.recorded()); n != 1 && tc.method == "create" {
			t.Errorf("%d: %d requests, want no retry", tc.status, n)
		}
	}
}

// TestUnexpectedStatusesAreNotRetried checks that 500 and other statuses are
// final, and that nothing calls them throttling or a retry.
func TestUnexpectedStatusesAreNotRetried(t *testing.T) {
	for _, status := range []int{500, 501, 418, 400, 408} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeError(w, status, "FLEXSLOT_INTERNAL", "boom", "")
		})
		c := newTestClient(t, ts.URL)
		_, createErr := c.OAuth2Clients.Create(context.Background(), CreateRequest{ApplicationName: "A"})
		_, listErr := c.OAuth2Clients.List(context.Background())
		for _, err := range []error{createErr, listErr} {
			msg := strings.ToLower(err.Error())
			for _, word := range []string{"throttl", "rate limit", "retry", "attempts", "giving up"} {
				if strings.Contains(msg, word) {
					t.Errorf("%d: %q mentions %q", status, msg, word)
				}
			}
			if !strings.Contains(err.Error(), http.StatusText(status)) {
				t.Errorf("%d: %q", status, err)
			}
		}
		if n := len(ts.recorded()); n != 2 {
			t.Errorf("%d: %d requests, want one per call", status, n)
		}
	}
}
