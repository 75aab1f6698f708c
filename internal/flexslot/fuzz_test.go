package flexslot

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

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
