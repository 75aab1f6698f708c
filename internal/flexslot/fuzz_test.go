package flexslot

import (
	"net/http"
	"regexp"
	"testing"
)

// FuzzDecodeResponse checks that no answer makes decoding panic and that no
// error built from an answer quotes a secret.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `{"clients":[` + clientJSON + `]}`},
		{200, `{"client":` + clientJSON + `}`},
		{201, `{"client":` + clientJSON + `,"plaintext_client_secret":"` + testSecret + `","secret_rotated_at":null}`},
		{201, `{"client":{"client_id":"x","client_type":"public"},"plaintext_client_secret":""}`},
		{201, `{"client":` + clientJSON[:40]},
		{200, `{"clients":[{"client_id":""}]}`},
		{200, `{"client":{"created_at":"` + testSecret + `"}}`},
		{200, `<html>` + testSecret + `</html>`},
		{400, `{"error":{"code":"invalid_redirect_uri","message":"bad ` + testSecret + `","field":"redirect_uris[0]"}}`},
		{404, `{"error":null}`},
		{502, `<html><body>Bad Gateway</body></html>`},
		{409, `{"error":{"code":42}}`},
		{200, ``},
	} {
		f.Add(seed.status, []byte(seed.body), "req_1")
	}
	f.Add(200, []byte(`{`), "req_"+testSecret)
	f.Add(503, []byte(`<html>`), testToken)
	leak := regexp.MustCompile(`flx_(cs|pat|at)_[A-Za-z0-9._~+/=-]`)
	c, err := NewClient(Config{Token: testToken})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID string) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{"X-Request-Id": {requestID}, "Content-Type": {"application/json"}}}
		check := func(err error) {
			if err != nil && leak.MatchString(err.Error()) {
				t.Fatalf("error quotes a secret: %q", err)
			}
		}
		check(c.parseAPIError(resp, body))
		check(c.decodeBody(resp, body, &wireList{}))
		var one wireClientEnvelope
		if err := c.decodeBody(resp, body, &one); err == nil {
			_ = one.Client.toClient()
		} else {
			check(err)
		}
		var issued wireSecretEnvelope
		if err := c.decodeBody(resp, body, &issued); err == nil {
			if got := issued.toIssuedSecret(); got.Client.ClientType == ClientTypeConfidential && got.Secret == "" {
				t.Fatal("a confidential client decoded without its secret")
			}
		} else {
			check(err)
		}
	})
}
