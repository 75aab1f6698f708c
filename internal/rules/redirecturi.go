package rules

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Redirect URI lengths [doc: "Required string length: 1 - 512"]. How many
// redirect URIs a client may have is not published: there is no count limit.
const (
	RedirectURIMinLength = 1
	RedirectURIMaxLength = 512
)

// Redirect URI messages [doc: client-management guide, "Redirect URI rules"],
// each naming the rule a URI breaks and, where useful, what to use instead.
var (
	MsgEmpty       = "must not be empty"
	MsgTooLong     = fmt.Sprintf("must be at most %d characters long", RedirectURIMaxLength)
	MsgWhitespace  = "must not contain spaces or control characters"
	MsgWildcard    = "must not contain a wildcard (*) anywhere"
	MsgFragment    = "must not contain a fragment (#...)"
	MsgNotAbsolute = "must be an absolute URI with a scheme and a host, such as https://app.example.com/oauth/callback"
	MsgHTTPS       = "must use https: http is allowed only for the loopback hosts localhost, 127.0.0.1 and [::1]"
	MsgEmptyPort   = "must not end its host with a colon and no port: give a port from 1 to 65535 or remove the colon"
	MsgPortRange   = "must use a port from 1 to 65535"
)

// msgScheme is the message for a scheme other than https and http.
const msgScheme = "uses the scheme %q, which is not accepted: use https, or http with a loopback host; native apps must use a loopback redirect such as http://127.0.0.1:8080/callback"

// SchemeMessage returns the message for a URI whose scheme is neither https nor http.
func SchemeMessage(scheme string) string { return fmt.Sprintf(msgScheme, scheme) }

// RedirectURIProblems returns every rule uri breaks, in a fixed order; it is
// empty when uri is valid. Redirect URIs are never normalised: Flexslot stores
// them and matches them at /authorize byte for byte [doc: security guide].
func RedirectURIProblems(uri string) []string {
	if uri == "" {
		return []string{MsgEmpty}
	}
	var problems []string
	if length(uri) > RedirectURIMaxLength {
		problems = append(problems, MsgTooLong)
	}
	if strings.IndexFunc(uri, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		problems = append(problems, MsgWhitespace)
	}
	if strings.Contains(uri, "*") {
		problems = append(problems, MsgWildcard)
	}
	if strings.Contains(uri, "#") {
		problems = append(problems, MsgFragment)
	}
	return append(problems, schemeHostPortProblems(uri)...)
}

// ValidRedirectURI reports whether uri breaks no rule.
func ValidRedirectURI(uri string) bool { return len(RedirectURIProblems(uri)) == 0 }

// IsLoopbackHost reports whether host, as url.URL.Hostname returns it, is one
// of the loopback hosts that may be reached over plain http: localhost (in any
// case, as host names are case-insensitive), 127.0.0.1 and ::1.
func IsLoopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

func schemeHostPortProblems(uri string) []string {
	u, err := url.Parse(strings.SplitN(uri, "#", 2)[0])
	if err != nil || u.Scheme == "" {
		return []string{MsgNotAbsolute}
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return []string{SchemeMessage(u.Scheme)}
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return []string{MsgNotAbsolute}
	}
	var problems []string
	if scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		problems = append(problems, MsgHTTPS)
	}
	if p := portProblem(u); p != "" {
		problems = append(problems, p)
	}
	return problems
}

// portProblem checks the port of a parsed http(s) URL: url.Parse already
// refuses ports that are not digits.
func portProblem(u *url.URL) string {
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return MsgEmptyPort
		}
		return ""
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return MsgPortRange
	}
	return ""
}

// Consent-screen URL messages.
const (
	MsgConsentURLNotHTTPS = "must be empty or an absolute https URL, such as https://app.example.com/privacy"
	MsgConsentURLSpaces   = "must not contain spaces or control characters"
)

// ConsentURLProblems returns the rules a consent-screen URL (application_url,
// application_logo_url, privacy_policy_url, tos_url) breaks: each is "" when
// unset [doc: the create example] or an absolute https URL. The https rule is
// not published for these fields [assumed]; they are shown to users on the
// consent screen, where the published guides require https everywhere.
func ConsentURLProblems(u string) []string {
	if u == "" {
		return nil
	}
	var problems []string
	if strings.IndexFunc(u, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		problems = append(problems, MsgConsentURLSpaces)
	}
	parsed, err := url.Parse(u)
	if err != nil || !strings.EqualFold(parsed.Scheme, "https") || parsed.Opaque != "" || parsed.Hostname() == "" {
		return append(problems, MsgConsentURLNotHTTPS)
	}
	if p := portProblem(parsed); p != "" {
		problems = append(problems, p)
	}
	return problems
}
