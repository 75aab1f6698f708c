package flexslot

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw  string
		want string // the base URL returned, or ""
		// problem, shown URL, origin and credentials of the error
		problem     BaseURLProblem
		shown       string
		origin      string
		credentials bool
	}{
		{raw: "https://api.flexslot.gg/", want: "https://api.flexslot.gg"},
		{raw: "HTTPS://api.flexslot.gg", want: "https://api.flexslot.gg"},
		{raw: "https://gw.example.com/flexslot/", want: "https://gw.example.com/flexslot"},
		{raw: "http://LocalHost:8484", want: "http://LocalHost:8484"},
		{raw: "http://[::1]:8484", want: "http://[::1]:8484"},
		{raw: "", problem: BaseURLNotAbsolute, shown: `""`},
		{raw: "https://:8080", problem: BaseURLNotAbsolute, shown: `"https://:8080"`, origin: "https://:8080"},
		{raw: "https:api.flexslot.gg", problem: BaseURLNotAbsolute, shown: `"https:api.flexslot.gg"`},
		{raw: "https://user:hunter2@[bad", problem: BaseURLNotAbsolute, shown: "(which does not parse as a URL)", credentials: true},
		{raw: "https://user:hunter2@api.flexslot.gg", problem: BaseURLCredentials,
			shown: `"https://user:xxxxx@api.flexslot.gg"`, origin: "https://api.flexslot.gg", credentials: true},
		{raw: "https://hunter2@api.flexslot.gg", problem: BaseURLCredentials,
			shown: `"https://xxxxx@api.flexslot.gg"`, origin: "https://api.flexslot.gg", credentials: true},
		{raw: "https://api.flexslot.gg?", problem: BaseURLQuery, shown: `"https://api.flexslot.gg?"`, origin: "https://api.flexslot.gg"},
		{raw: "https://api.flexslot.gg#top", problem: BaseURLQuery, shown: `"https://api.flexslot.gg#top"`, origin: "https://api.flexslot.gg"},
		{raw: "http://127.0.0.1:8484/api/public/v1/me", problem: BaseURLAPIPath,
			shown: `"http://127.0.0.1:8484/api/public/v1/me"`, origin: "http://127.0.0.1:8484"},
		{raw: "http://10.0.0.1", problem: BaseURLPlainHTTP, shown: `"http://10.0.0.1"`, origin: "http://10.0.0.1"},
		{raw: "ftp://api.flexslot.gg", problem: BaseURLScheme, shown: `"ftp://api.flexslot.gg"`, origin: "ftp://api.flexslot.gg"},
	} {
		got, err := CheckBaseURL(tc.raw)
		if tc.problem == 0 {
			if err != nil || got != tc.want {
				t.Errorf("CheckBaseURL(%q) = %q, %v; want %q", tc.raw, got, err, tc.want)
			}
			continue
		}
		var bad *BaseURLError
		if !errors.As(err, &bad) {
			t.Errorf("CheckBaseURL(%q) = %q, %v; want a *BaseURLError", tc.raw, got, err)
			continue
		}
		if bad.Problem != tc.problem || bad.URL != tc.shown || bad.Origin != tc.origin || bad.Credentials != tc.credentials {
			t.Errorf("CheckBaseURL(%q) = %+v, want problem %d, URL %s, origin %q, credentials %t",
				tc.raw, *bad, tc.problem, tc.shown, tc.origin, tc.credentials)
		}
		if strings.Contains(err.Error(), "hunter2") || !strings.HasPrefix(err.Error(), "flexslot: the base URL "+tc.shown+" ") {
			t.Errorf("CheckBaseURL(%q) error = %q", tc.raw, err)
		}
	}
}

func TestCheckToken(t *testing.T) {
	t.Parallel()
	for token, want := range map[string]TokenProblem{
		"flx_pat_abc":           0,
		"opaque.token-123_~+/=": 0,
		"":                      TokenEmpty,
		"flx_pat_abc\n":         TokenUntrimmed,
		"bearer flx_pat_abc":    TokenBearer,
		"flx_pat_a bc":          TokenSpace,
		"flx_pat_a\u00a0bc":     TokenSpace,
		"flx_pat_a\x7fbc":       TokenControl,
		"flx_pat_a\xffbc":       TokenControl,
	} {
		err := CheckToken(token)
		var bad *TokenError
		switch {
		case want == 0 && err != nil:
			t.Errorf("CheckToken(%q) = %v, want nil", token, err)
		case want != 0 && (!errors.As(err, &bad) || bad.Problem != want):
			t.Errorf("CheckToken(%q) = %v, want problem %d", token, err, want)
		case err != nil && strings.Contains(err.Error(), "bc"):
			t.Errorf("CheckToken(%q) = %q shows the token", token, err)
		}
	}
}
