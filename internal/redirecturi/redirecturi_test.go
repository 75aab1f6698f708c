package redirecturi

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestProblems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		uri  string
		want []string
	}{
		// Accepted, from the public document's rules.
		{"https://app.example.com/oauth/callback", nil},
		{"https://app.example.com/oauth/callback/", nil},
		{"https://app.example.com:8443/cb?x=1", nil},
		{"http://localhost/callback", nil},
		{"http://localhost:8080/callback", nil},
		{"http://127.0.0.1:53682/", nil},
		{"http://[::1]:9000/cb", nil},
		{"https://[::1]/cb", nil},
		{"https://" + strings.Repeat("a", MaxLength-len("https://")), nil},

		// Refused: one rule each.
		{"", []string{MsgEmpty}},
		{"http://app.example.com/callback", []string{MsgHTTPS}},
		{"http://localhost.example.com/cb", []string{MsgHTTPS}},
		{"http://127.0.0.2/cb", []string{MsgHTTPS}},
		{"https://*.example.com/callback", []string{MsgWildcard}},
		{"https://app.example.com/cb/*", []string{MsgWildcard}},
		{"https://app.example.com/cb#done", []string{MsgFragment}},
		{"https://app.example.com/cb#", []string{MsgFragment}},
		{"com.example.app://callback", []string{`uses the scheme "com.example.app", which is not accepted: use https, or http with a loopback host; native apps must use a loopback redirect such as http://127.0.0.1:8080/callback`}},
		{"ftp://example.com/cb", []string{`uses the scheme "ftp", which is not accepted: use https, or http with a loopback host; native apps must use a loopback redirect such as http://127.0.0.1:8080/callback`}},
		{"/oauth/callback", []string{MsgNotAbsolute}},
		{"app.example.com/callback", []string{MsgNotAbsolute}},
		{"https:///callback", []string{MsgNotAbsolute}},
		{"https:app.example.com", []string{MsgNotAbsolute}},
		{"https://app.example.com/a b", []string{MsgWhitespace}},
		{"https://app.example.com/\x00", []string{MsgWhitespace, MsgNotAbsolute}},
		{"https://" + strings.Repeat("a", MaxLength), []string{MsgTooLong}},

		// Several rules at once are all reported.
		{"http://*.example.com/cb#x", []string{MsgWildcard, MsgFragment, MsgHTTPS}},
	}
	for _, tc := range cases {
		got := Problems(tc.uri)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Problems(%q) = %q, want %q", tc.uri, got, tc.want)
		}
		if Valid(tc.uri) != (len(tc.want) == 0) {
			t.Errorf("Valid(%q) = %t, want %t", tc.uri, Valid(tc.uri), len(tc.want) == 0)
		}
	}
}

func FuzzProblems(f *testing.F) {
	for _, seed := range []string{
		"https://app.example.com/oauth/callback", "http://localhost:8080/cb", "http://[::1]:1/",
		"com.example.app://cb", "https://*.example.com", "https://a#b", "", "http://", "https://[::1",
		"HTTP://LOCALHOST/", "https://user:pass@host/", "http://127.0.0.1:99999/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		problems := Problems(uri)
		if len(problems) == 0 {
			// Whatever is accepted must satisfy every rule of the public document.
			if strings.ContainsAny(uri, "*#") || len(uri) > MaxLength {
				t.Fatalf("accepted %q", uri)
			}
			if !strings.HasPrefix(strings.ToLower(uri), "https://") && !strings.HasPrefix(strings.ToLower(uri), "http://") {
				t.Fatalf("accepted non-http(s) URI %q", uri)
			}
		}
		for _, p := range problems {
			if p == "" || !utf8.ValidString(p) {
				t.Fatalf("empty or invalid message for %q", uri)
			}
		}
		if !slices.Equal(problems, Problems(uri)) {
			t.Fatalf("Problems(%q) is not deterministic", uri)
		}
	})
}
