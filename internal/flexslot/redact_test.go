package flexslot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"":                                               "",
		"nothing secret":                                 "nothing secret",
		"a bearer token is required":                     "a bearer token is required",
		"secret " + testSecret + ".":                     "secret flx_cs_[REDACTED]",
		`{"plaintext_client_secret":"flx_cs_a"}`:         `{"plaintext_client_secret":"[REDACTED]"}`,
		`{"plaintext_client_secret": "opaque"}`:          `{"plaintext_client_secret": "[REDACTED]"}`,
		`{"client_secret":"a\"b","x":1}`:                 `{"client_secret":"[REDACTED]","x":1}`,
		`{"access_token":"abc","refresh_token":"def"}`:   `{"access_token":"[REDACTED]","refresh_token":"[REDACTED]"}`,
		`{"plaintext_client_secret":"cut sho`:            `{"plaintext_client_secret":"[REDACTED]"`,
		`"Authorization": "Bearer opaque-123456789"`:     `"Authorization": "[REDACTED]"`,
		"Authorization: Basic dXNlcjpwYXNz":              "Authorization: [REDACTED]",
		"Bearer " + testToken:                            "Bearer [REDACTED]",
		"bearer opaque.token-123":                        "bearer [REDACTED]",
		"client_secret=hunter22&grant_type=x":            "client_secret=[REDACTED]&grant_type=x",
		"flx_at_abc,flx_cs_x flx_cs_":                    "flx_at_[REDACTED],flx_cs_[REDACTED] flx_cs_",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y flx_client_01HX": "cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y flx_client_01HX",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
		if got := Redact(Redact(in)); got != Redact(in) {
			t.Errorf("Redact is not idempotent on %q: %q", in, got)
		}
	}
}

// TestClientRedactsByValue checks that opaque tokens and secrets, without any
// documented prefix, are redacted once the client has seen them.
func TestClientRedactsByValue(t *testing.T) {
	const token, secret = "0paqueT0ken", "s3cr3t-without-prefix"
	c := newTestClient(t, "http://127.0.0.1:1", func(c *Config) { c.Token = token })
	if got := c.Redact("token " + token + " twice " + token); got != "token [REDACTED] twice [REDACTED]" {
		t.Errorf("token: %q", got)
	}
	if got := c.Redact("secret " + secret); got != "secret "+secret {
		t.Errorf("an unseen value was redacted: %q", got)
	}
	body := `{"client":{"client_id":"c1","client_type":"confidential"},"plaintext_client_secret":"` + secret + `"}`
	if _, err := c.decodeIssued([]byte(body), ClientTypeConfidential, ""); err != nil {
		t.Fatal(err)
	}
	if got := c.Redact("secret " + secret + "!"); got != "secret [REDACTED]!" {
		t.Errorf("seen secret: %q", got)
	}
	// A secret is remembered even from an answer that was refused.
	bad := `{"client":{"client_id":"c1"},"plaintext_client_secret":"another-secret-value","secret_rotated_at":"nope"}`
	if _, err := c.decodeIssued([]byte(bad), ClientTypeConfidential, ""); err == nil {
		t.Fatal("want an error")
	}
	if got := c.Redact("another-secret-value"); got != redactedMarker {
		t.Errorf("secret of a refused answer: %q", got)
	}
	// Very short values would mangle words and are left alone.
	short := newTestClient(t, "http://127.0.0.1:1", func(c *Config) { c.Token = "abc" })
	if got := short.Redact("abcdef"); got != "abcdef" {
		t.Errorf("short token: %q", got)
	}
}

func TestLoggingRedacts(t *testing.T) {
	const opaqueSecret = "opaque-secret-0123456789"
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Set-Cookie", "session="+opaqueSecret)
		if n == 0 {
			w.Header().Set("Retry-After", "0")
			writeError(w, 503, "FLEXSLOT_UNAVAILABLE", "try again", "")
			return
		}
		writeJSON(w, 201, `{"client":`+publishedClient+`,"plaintext_client_secret":"`+opaqueSecret+`"}`)
	})
	var mu sync.Mutex
	var entries []map[string]any
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.Token = "opaque-pat-value-0123"
		c.Logf = func(_ context.Context, msg string, fields map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			fields["msg"] = msg
			entries = append(entries, fields)
		}
	})
	issued, err := c.OAuth2Clients.Create(context.Background(), CreateRequest{ApplicationName: "App"})
	if err != nil {
		t.Fatal(err)
	}
	if issued.Secret != opaqueSecret {
		t.Fatalf("secret = %q", issued.Secret)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d log entries, want one per attempt: %v", len(entries), entries)
	}
	for i, e := range entries {
		b, _ := json.Marshal(e)
		s := string(b)
		if strings.Contains(s, opaqueSecret) || strings.Contains(s, "opaque-pat-value") {
			t.Errorf("log entry leaks a secret: %s", s)
		}
		if e["method"] != "POST" || e["path"] != basePath || e["attempt"] != i+1 || e["request_id"] == "" || e["duration_ms"] == nil {
			t.Errorf("log entry %d = %s", i, s)
		}
		if hdr := e["request_headers"].(map[string]string); hdr["Authorization"] != redactedMarker || hdr["Idempotency-Key"] == "" {
			t.Errorf("headers = %v", hdr)
		}
	}
	if entries[0]["status"] != 503 || entries[0]["retry_after"] != "0" || entries[1]["status"] != 201 {
		t.Errorf("entries = %v", entries)
	}
}
