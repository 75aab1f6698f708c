// Package redirecturi holds Flexslot's redirect URI rules. The emulator enforces
// them and the provider checks them at plan time, so both always agree.
package redirecturi

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// MaxLength is the longest redirect URI Flexslot accepts, in bytes.
const MaxLength = 2048

// Rule messages. Each names the rule a URI breaks and, where useful, what to use instead.
const (
	MsgEmpty       = "must not be empty"
	MsgTooLong     = "must be at most 2048 bytes long"
	MsgWhitespace  = "must not contain spaces or control characters"
	MsgWildcard    = "must not contain a wildcard (*) anywhere"
	MsgFragment    = "must not contain a fragment (#...)"
	MsgNotAbsolute = "must be an absolute URI with a scheme and a host, such as https://app.example.com/oauth/callback"
	MsgHTTPS       = "must use https: http is allowed only for the loopback hosts localhost, 127.0.0.1 and [::1]"
	msgScheme      = "uses the scheme %q, which is not accepted: use https, or http with a loopback host; native apps must use a loopback redirect such as http://127.0.0.1:8080/callback"
)

// loopbackHosts are the hosts for which plain http is allowed (RFC 8252), as url.URL.Hostname returns them.
var loopbackHosts = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}

// Problems returns every rule uri breaks, in a fixed order; it is empty when uri is valid.
func Problems(uri string) []string {
	if uri == "" {
		return []string{MsgEmpty}
	}
	var problems []string
	if len(uri) > MaxLength {
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
	if p := schemeAndHostProblem(uri); p != "" {
		problems = append(problems, p)
	}
	return problems
}

// Valid reports whether uri breaks no rule.
func Valid(uri string) bool { return len(Problems(uri)) == 0 }

// IsLoopbackHost reports whether host (as url.URL.Hostname returns it) is one
// of the loopback hosts that may be reached over plain http.
func IsLoopbackHost(host string) bool { return loopbackHosts[host] }

func schemeAndHostProblem(uri string) string {
	u, err := url.Parse(strings.SplitN(uri, "#", 2)[0])
	if err != nil || u.Scheme == "" {
		return MsgNotAbsolute
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return fmt.Sprintf(msgScheme, u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return MsgNotAbsolute
	}
	if scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return MsgHTTPS
	}
	return ""
}
