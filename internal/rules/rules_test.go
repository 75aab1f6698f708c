package rules

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestApplicationNameProblems(t *testing.T) {
	t.Parallel()
	for name, want := range map[string][]string{
		"Deck Builder":                nil,
		"x":                           nil,
		strings.Repeat("é", 255):      nil, // characters, not bytes
		strings.Repeat("a", 255):      nil,
		"":                            {MsgApplicationNameEmpty},
		strings.Repeat("é", 256):      {MsgApplicationNameTooLong},
		strings.Repeat("a", 256):      {MsgApplicationNameTooLong},
		"emoji 🃏 and accents déjà vu": nil,
	} {
		if got := ApplicationNameProblems(name); !slices.Equal(got, want) {
			t.Errorf("ApplicationNameProblems(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestRedirectURIProblems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		uri  string
		want []string
	}{
		// Accepted, from the published rules.
		{"https://app.example.com/oauth/callback", nil},
		{"https://app.example.com/oauth/callback/", nil},
		{"https://app.example.com:8443/cb?x=1", nil},
		{"HTTPS://app.example.com/cb", nil},
		{"http://localhost/callback", nil},
		{"http://localhost:8080/callback", nil},
		{"HTTP://localhost/cb", nil},
		{"https://LOCALHOST/cb", nil}, // https takes any host
		{"http://127.0.0.1:53682/", nil},
		{"http://127.0.0.1:65535/", nil},
		{"http://[::1]:9000/cb", nil},
		{"http://[::1]/cb", nil},
		{"https://[::1]/cb", nil},
		{"https://user@app.example.com/cb", nil},
		{"https://" + strings.Repeat("a", RedirectURIMaxLength-len("https://")), nil},
		{"https://app.example.com/" + strings.Repeat("é", RedirectURIMaxLength-len("https://app.example.com/")), nil},

		// Refused: one rule each.
		{"", []string{MsgEmpty}},
		{"http://app.example.com/callback", []string{MsgHTTPS}},
		{"http://localhost.example.com/cb", []string{MsgHTTPS}},
		// The guide names localhost in lower case; matching is byte for byte.
		{"http://LOCALHOST/cb", []string{MsgHTTPS}},
		{"http://LocalHost:1/cb", []string{MsgHTTPS}},
		{"http://127.0.0.2/cb", []string{MsgHTTPS}},
		{"http://[::2]/cb", []string{MsgHTTPS}},
		{"https://*.example.com/callback", []string{MsgWildcard}},
		{"https://app.example.com/cb/*", []string{MsgWildcard}},
		{"https://app.example.com/cb?x=*", []string{MsgWildcard}},
		{"https://app.example.com/cb#done", []string{MsgFragment}},
		{"https://app.example.com/cb#", []string{MsgFragment}},
		{"com.example.app://callback", []string{SchemeMessage("com.example.app")}},
		{"ftp://example.com/cb", []string{SchemeMessage("ftp")}},
		{"/oauth/callback", []string{MsgNotAbsolute}},
		{"app.example.com/callback", []string{MsgNotAbsolute}},
		{"https:///callback", []string{MsgNotAbsolute}},
		{"https:app.example.com", []string{MsgNotAbsolute}},
		{"https://[::1", []string{MsgNotAbsolute}},
		{"https://app.example.com/a b", []string{MsgWhitespace}},
		{"https://app.example.com/\x00", []string{MsgWhitespace, MsgNotAbsolute}},
		{"https://app.example.com:/cb", []string{MsgEmptyPort}},
		{"http://localhost:/cb", []string{MsgEmptyPort}},
		{"http://[::1]:/cb", []string{MsgEmptyPort}},
		{"https://app.example.com:0/cb", []string{MsgPortRange}},
		{"http://127.0.0.1:65536/cb", []string{MsgPortRange}},
		{"http://127.0.0.1:99999999999999999999/cb", []string{MsgPortRange}},
		{"https://app.example.com:port/cb", []string{MsgNotAbsolute}},
		{"https://" + strings.Repeat("a", RedirectURIMaxLength), []string{MsgTooLong}},
		{"https://app.example.com/" + strings.Repeat("é", RedirectURIMaxLength), []string{MsgTooLong}},

		// Several rules at once are all reported.
		{"http://*.example.com/cb#x", []string{MsgWildcard, MsgFragment, MsgHTTPS}},
		{"http://app.example.com:0/cb", []string{MsgHTTPS, MsgPortRange}},
	}
	for _, tc := range cases {
		got := RedirectURIProblems(tc.uri)
		if !slices.Equal(got, tc.want) {
			t.Errorf("RedirectURIProblems(%q) = %q, want %q", tc.uri, got, tc.want)
		}
		if ValidRedirectURI(tc.uri) != (len(tc.want) == 0) {
			t.Errorf("ValidRedirectURI(%q) = %t, want %t", tc.uri, ValidRedirectURI(tc.uri), len(tc.want) == 0)
		}
	}
	if !strings.Contains(SchemeMessage("x"), "loopback") || !strings.Contains(SchemeMessage("x"), "http://127.0.0.1/callback") {
		t.Error("the scheme message does not point native apps to a 127.0.0.1 loopback redirect")
	}
}

func TestIsRedirectLoopbackHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "::1": true,
		"LOCALHOST": false, "LocalHost": false, "[::1]": false, "127.0.0.2": false, "localhost.": false, "": false,
		"0:0:0:0:0:0:0:1": false,
	} {
		if got := IsRedirectLoopbackHost(host); got != want {
			t.Errorf("IsRedirectLoopbackHost(%q) = %t, want %t", host, got, want)
		}
	}
	for host, want := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": false, "example.com": false} {
		if got := LoopbackMatchesAnyPort(host); got != want {
			t.Errorf("LoopbackMatchesAnyPort(%q) = %t, want %t", host, got, want)
		}
	}
}

// TestLoopbackHosts checks that the hosts the descriptions name are the ones
// a redirect URI and a base URL may reach over plain http.
func TestLoopbackHosts(t *testing.T) {
	t.Parallel()
	for _, host := range LoopbackHosts() {
		u, err := url.Parse("http://" + host + ":8080/cb")
		if err != nil || !IsRedirectLoopbackHost(u.Hostname()) || !IsLoopbackHost(u.Hostname()) ||
			!ValidRedirectURI(u.String()) {
			t.Errorf("LoopbackHosts() holds %q, which is not a loopback host (%v)", host, err)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "LocalHost": true, "127.0.0.1": true, "::1": true,
		"[::1]": false, "127.0.0.2": false, "localhost.": false, "example.com": false, "": false, "0:0:0:0:0:0:0:1": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %t, want %t", host, got, want)
		}
	}
}

func FuzzProblems(f *testing.F) {
	for _, seed := range []string{
		"https://app.example.com/oauth/callback", "http://localhost:8080/cb", "http://[::1]:1/",
		"com.example.app://cb", "https://*.example.com", "https://a#b", "", "http://", "https://[::1",
		"HTTP://LOCALHOST/", "https://user:pass@host/", "http://127.0.0.1:99999/", "https://host:/cb",
		"http://127.0.0.1:0/", "https://h:65535/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		problems := RedirectURIProblems(uri)
		if len(problems) == 0 {
			// Whatever is accepted must satisfy every published rule.
			if strings.ContainsAny(uri, "*#") || utf8.RuneCountInString(uri) > RedirectURIMaxLength || uri == "" {
				t.Fatalf("accepted %q", uri)
			}
			lower := strings.ToLower(uri)
			switch {
			case strings.HasPrefix(lower, "https://"):
			case strings.HasPrefix(lower, "http://"):
				host := uri[len("http://"):]
				if i := strings.IndexAny(host, "/?"); i >= 0 {
					host = host[:i]
				}
				if i := strings.LastIndex(host, "@"); i >= 0 {
					host = host[i+1:]
				}
				if !strings.HasPrefix(host, "localhost") && !strings.HasPrefix(host, "127.0.0.1") && !strings.HasPrefix(host, "[::1]") {
					t.Fatalf("accepted http with a host that is not loopback: %q", uri)
				}
			default:
				t.Fatalf("accepted non-http(s) URI %q", uri)
			}
		}
		for _, p := range problems {
			if p == "" || !utf8.ValidString(p) {
				t.Fatalf("empty or invalid message for %q", uri)
			}
		}
		if !slices.Equal(problems, RedirectURIProblems(uri)) {
			t.Fatalf("RedirectURIProblems(%q) is not deterministic", uri)
		}
	})
}

func TestScopes(t *testing.T) {
	t.Parallel()
	for scope, want := range map[string][]string{
		"decks:read": nil, "sideboards:write": nil, "decks:read-all": nil, "openid": nil, "offline_access": nil,
		"a:b:c": nil, "Games:MTG": nil, "api.v2:read": nil, strings.Repeat("a", ScopeMaxLength): nil,
		"":                                    {MsgScopeEmpty},
		"decks read":                          {MsgScopeSyntax},
		"decks:read,cards:read":               {MsgScopeSyntax},
		"decks:":                              {MsgScopeSyntax},
		":read":                               {MsgScopeSyntax},
		"decks::read":                         {MsgScopeSyntax},
		"decks:*":                             {MsgScopeSyntax},
		"dé:read":                             {MsgScopeSyntax},
		strings.Repeat("a", ScopeMaxLength+1): {MsgScopeTooLong},
		strings.Repeat("é", ScopeMaxLength+1): {MsgScopeTooLong, MsgScopeSyntax},
	} {
		if got := ScopeProblems(scope); !slices.Equal(got, want) {
			t.Errorf("ScopeProblems(%q) = %q, want %q", scope, got, want)
		}
		if ValidScope(scope) != (len(want) == 0) {
			t.Errorf("ValidScope(%q) = %t", scope, ValidScope(scope))
		}
	}
	want := []string{"cards:read", "decks:read", "decks:write", "exports:read", "guides:read", "guides:write", "sideboards:read", "sideboards:write"}
	if got := ScopeCatalog(); !slices.Equal(got, want) {
		t.Errorf("ScopeCatalog() = %q", got)
	}
	ScopeCatalog()[0] = "changed"
	for _, s := range want {
		if !InCatalog(s) || !ValidScope(s) {
			t.Errorf("catalog scope %q: InCatalog %t, ValidScope %t", s, InCatalog(s), ValidScope(s))
		}
	}
	for _, s := range []string{"decks:read-all", "openid", "changed", "", "DECKS:READ"} {
		if InCatalog(s) {
			t.Errorf("InCatalog(%q) = true", s)
		}
	}
	if m := MsgScopeNotInCatalog("decks:read-all"); !strings.Contains(m, "decks:read-all") || !strings.Contains(m, "sideboards:write") {
		t.Errorf("MsgScopeNotInCatalog: %q", m)
	}
}

func TestGrantTypes(t *testing.T) {
	t.Parallel()
	if got := DefaultGrantTypes(); !slices.Equal(got, []string{"authorization_code", "refresh_token"}) {
		t.Errorf("DefaultGrantTypes() = %q", got)
	}
	for gt, want := range map[string][]string{
		"authorization_code": nil, "refresh_token": nil,
		"client_credentials":    {MsgGrantTypeUnknown},
		"":                      {MsgGrantTypeUnknown},
		"AUTHORIZATION_CODE":    {MsgGrantTypeUnknown},
		strings.Repeat("a", 33): {MsgGrantTypeTooLong, MsgGrantTypeUnknown},
	} {
		if got := GrantTypeProblems(gt); !slices.Equal(got, want) {
			t.Errorf("GrantTypeProblems(%q) = %q, want %q", gt, got, want)
		}
	}
	for _, gt := range GrantTypes() {
		if len(gt) > GrantTypeMaxLength {
			t.Errorf("%q is longer than %d", gt, GrantTypeMaxLength)
		}
	}
}

func TestClientTypesAndStatuses(t *testing.T) {
	t.Parallel()
	if DefaultClientType != "confidential" || !slices.Equal(ClientTypes(), []string{"confidential", "public"}) {
		t.Error("client types")
	}
	if ClientTypeProblems("public") != nil || ClientTypeProblems("Public") == nil || ClientTypeProblems("") == nil {
		t.Error("ClientTypeProblems")
	}
	if !slices.Equal(Statuses(), []string{"active", "suspended", "revoked"}) {
		t.Error("statuses")
	}
	if !CountsTowardLimit(StatusActive) || !CountsTowardLimit(StatusSuspended) || CountsTowardLimit(StatusRevoked) || CountsTowardLimit("") {
		t.Error("CountsTowardLimit")
	}
	if MaxClients != 10 {
		t.Error("MaxClients")
	}
}

func TestConsentURLProblems(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]struct{ problems, warnings []string }{
		"":                                  {},
		"https://decks.example.com":         {},
		"https://decks.example.com/privacy": {},
		"HTTPS://decks.example.com/logo.png?v=2#top": {},
		// string<uri>: any absolute URI; no https rule is published, so other schemes only warn.
		"http://decks.example.com":          {warnings: []string{MsgConsentURLNotHTTPS}},
		"http://localhost/privacy":          {warnings: []string{MsgConsentURLNotHTTPS}},
		"mailto:a@example.com":              {warnings: []string{MsgConsentURLNotHTTPS}},
		"https:decks.example.com":           {},
		"https://decks.example.com:70000/x": {},
		"decks.example.com":                 {problems: []string{MsgConsentURLNotAbsolute}},
		"/privacy":                          {problems: []string{MsgConsentURLNotAbsolute}},
		"//decks.example.com/privacy":       {problems: []string{MsgConsentURLNotAbsolute}},
		"https://decks.example.com:port/x":  {problems: []string{MsgConsentURLNotAbsolute}},
		"https://decks.example.com/a b":     {problems: []string{MsgConsentURLSpaces}},
		"http://decks.example.com/\n":       {problems: []string{MsgConsentURLSpaces}},
	} {
		if got := ConsentURLProblems(u); !slices.Equal(got, want.problems) {
			t.Errorf("ConsentURLProblems(%q) = %q, want %q", u, got, want.problems)
		}
		if got := ConsentURLWarnings(u); !slices.Equal(got, want.warnings) {
			t.Errorf("ConsentURLWarnings(%q) = %q, want %q", u, got, want.warnings)
		}
	}
	if !slices.Equal(ConsentURLFields(), []string{"application_url", "application_logo_url", "privacy_policy_url", "tos_url"}) {
		t.Error("ConsentURLFields")
	}
}

func TestClientIDProblems(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(ClientIDPattern)
	for id, want := range map[string][]string{
		// Opaque: anything but empty, whitespace and control characters.
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y":        nil,
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y": nil,
		"a":                                     nil,
		"A.b-c_d~e":                             nil,
		"cli/01":                                nil,
		"cli%2F01":                              nil,
		"..?":                                   nil,
		".":                                     nil,
		"clé":                                   nil,
		strings.Repeat("x", 1000):               nil,
		"":                                      {MsgClientIDEmpty},
		"cli 01":                                {MsgClientIDSpaces},
		" cli_01":                               {MsgClientIDSpaces},
		"cli_01\n":                              {MsgClientIDSpaces},
		"cli\t01":                               {MsgClientIDSpaces},
		"cli\u00a001":                           {MsgClientIDSpaces},
		"cli\u200001":                           {MsgClientIDSpaces},
		"cli\x1b]0;x\x07":                       {MsgClientIDSpaces},
		"cli\u008501":                           {MsgClientIDSpaces},
		"cli\x7f":                               {MsgClientIDSpaces},
	} {
		if got := ClientIDProblems(id); !slices.Equal(got, want) {
			t.Errorf("ClientIDProblems(%q) = %q, want %q", id, got, want)
		}
		if ValidClientID(id) != (len(want) == 0) {
			t.Errorf("ValidClientID(%q) = %t", id, ValidClientID(id))
		}
		if pattern.MatchString(id) != (len(want) == 0) {
			t.Errorf("ClientIDPattern matches %q: %t, want %t", id, pattern.MatchString(id), len(want) == 0)
		}
	}
}

// FuzzClientIDPattern checks that the pattern the OpenAPI document states is the rule ClientIDProblems applies.
func FuzzClientIDPattern(f *testing.F) {
	for _, seed := range []string{"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "", " ", "a b", "\u3000", "\ufeff", "é"} {
		f.Add(seed)
	}
	pattern := regexp.MustCompile(ClientIDPattern)
	f.Fuzz(func(t *testing.T, id string) {
		if !utf8.ValidString(id) {
			return
		}
		if pattern.MatchString(id) != ValidClientID(id) {
			t.Fatalf("ClientIDPattern matches %q: %t, ValidClientID: %t", id, pattern.MatchString(id), ValidClientID(id))
		}
	})
}
