package rules

import (
	"fmt"
	"net/url"
	"slices"
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
// The guide: "HTTPS is required for every non-loopback URI. HTTP is allowed
// only for the loopback hosts localhost, 127.0.0.1, and [::1] (native-app
// loopback per RFC 8252). The port is unconstrained. No wildcards (*) anywhere
// in the URI. No URL fragments (#...). Custom native-app schemes
// (com.example.app://) are not accepted — native apps use a loopback redirect."
// The security guide: "Flexslot performs exact string match on the
// redirect_uri parameter against the URIs registered for your client. There
// is no wildcard support, no path-prefix tolerance, and no port-flexibility
// (except 127.0.0.1 and [::1] for native apps' loopback redirects)."
// So every port may be registered; at /authorize, a registered 127.0.0.1 or
// [::1] URI matches any port, and every other URI, localhost included,
// matches only byte for byte, its port included.
var (
	MsgEmpty       = "must not be empty"
	MsgTooLong     = fmt.Sprintf("must be at most %d characters long", RedirectURIMaxLength)
	MsgWhitespace  = "must not contain spaces or control characters"
	MsgWildcard    = "must not contain a wildcard (*) anywhere"
	MsgFragment    = "must not contain a fragment (#...)"
	MsgNotAbsolute = "must be an absolute URI with a scheme and a host, such as https://app.example.com/oauth/callback"
	MsgHTTPS       = "must use https: http is allowed only for the loopback hosts localhost (written exactly so, in lower case), 127.0.0.1 and [::1]; " +
		"a native app that picks its port at run time should register http://127.0.0.1/ with its path, which matches any port"
	MsgEmptyPort = "must not end its host with a colon and no port: give a port from 1 to 65535 or remove the colon"
	MsgPortRange = "must use a port from 1 to 65535"
)

// msgScheme is the message for a scheme other than https and http. It
// suggests 127.0.0.1, whose registered URIs match any port at /authorize
// [doc: security guide], for native apps that pick a free port at run time.
const msgScheme = "uses the scheme %q, which is not accepted: use https, or http with a loopback host; native apps must use a loopback redirect such as http://127.0.0.1/callback, which matches any port the app listens on"

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

// IsRedirectLoopbackHost reports whether host, as url.URL.Hostname returns
// it, is one of the loopback hosts a redirect URI may reach over plain http,
// exactly as the client-management guide writes them: localhost, 127.0.0.1 and
// ::1. Redirect URIs are matched byte for byte [doc: security guide], and the
// guide names localhost in lower case only; whether Flexslot accepts
// LOCALHOST is not published.
func IsRedirectLoopbackHost(host string) bool { return slices.Contains(loopbackHostnames, host) }

// loopbackHostnames are the loopback hosts as url.URL.Hostname returns them.
var loopbackHostnames = []string{"localhost", "127.0.0.1", "::1"}

// LoopbackHosts returns the loopback hosts as a URL writes them, in the order
// the client-management guide names them: localhost, 127.0.0.1 and [::1].
func LoopbackHosts() []string { return []string{"localhost", "127.0.0.1", "[::1]"} }

// LoopbackMatchesAnyPort reports whether a redirect URI registered with this
// host matches any port at /authorize: 127.0.0.1 and ::1 do, localhost does
// not [doc: security guide, "no port-flexibility (except 127.0.0.1 and [::1]
// for native apps' loopback redirects)"].
func LoopbackMatchesAnyPort(host string) bool { return host == "127.0.0.1" || host == "::1" }

// IsLoopbackHost reports whether host, as url.URL.Hostname returns it, names
// the local machine: localhost in any case (host names are case-insensitive),
// 127.0.0.1 and ::1. It decides where a base URL may use plain http; redirect
// URIs use IsRedirectLoopbackHost.
func IsLoopbackHost(host string) bool {
	return slices.Contains(loopbackHostnames, strings.ToLower(host))
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
	if scheme == "http" && !IsRedirectLoopbackHost(u.Hostname()) {
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
	MsgConsentURLNotAbsolute = "must be empty or an absolute URI with a scheme, such as https://app.example.com/privacy"
	MsgConsentURLSpaces      = "must not contain spaces or control characters"
	// MsgConsentURLNotHTTPS is a warning, not a problem: no https rule is
	// published for these fields.
	MsgConsentURLNotHTTPS = "is not an https URL: users open it from Flexslot's consent screen, so serve it over https"
)

// ConsentURLProblems returns the rules a consent-screen URL (application_url,
// application_logo_url, privacy_policy_url, tos_url) breaks. The API reference
// publishes each as string<uri>, "" when unset [doc: the create example]: an
// absolute URI (RFC 3986: a scheme, then the rest) or "". No https rule is
// published, so another scheme is not a problem; ConsentURLWarnings names it.
func ConsentURLProblems(u string) []string {
	if u == "" {
		return nil
	}
	if strings.IndexFunc(u, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return []string{MsgConsentURLSpaces}
	}
	if parsed, err := url.Parse(u); err != nil || parsed.Scheme == "" {
		return []string{MsgConsentURLNotAbsolute}
	}
	return nil
}

// ConsentURLWarnings returns what is worth a warning about a consent-screen
// URL that breaks no rule: a scheme other than https. The guides ask for
// "HTTPS everywhere" [doc: security guide], but publish no rule for these fields.
func ConsentURLWarnings(u string) []string {
	if u == "" || len(ConsentURLProblems(u)) > 0 {
		return nil
	}
	if parsed, _ := url.Parse(u); !strings.EqualFold(parsed.Scheme, "https") {
		return []string{MsgConsentURLNotHTTPS}
	}
	return nil
}
