package flexslot

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// TokenProblem names the rule a token breaks.
type TokenProblem int

// The rules CheckToken applies, in the order it applies them.
const (
	TokenEmpty TokenProblem = iota + 1
	// TokenUntrimmed starts or ends with white space or a line break.
	TokenUntrimmed
	// TokenBearer starts with the "Bearer " scheme.
	TokenBearer
	// TokenSpace holds white space.
	TokenSpace
	// TokenControl holds control characters or invalid UTF-8.
	TokenControl
)

// TokenError is why a token cannot be sent. It holds no part of the token.
type TokenError struct {
	Problem TokenProblem
}

// What says what is wrong with the token, reading after "the token", such as
// "contains white space".
func (e *TokenError) What() string {
	switch e.Problem {
	case TokenEmpty:
		return "is empty"
	case TokenUntrimmed:
		return "starts or ends with white space or a line break"
	case TokenBearer:
		return `starts with "Bearer "`
	case TokenSpace:
		return "contains white space"
	default:
		return "contains control characters or invalid UTF-8"
	}
}

func (e *TokenError) Error() string {
	if e.Problem == TokenEmpty {
		return "flexslot: the API token is empty"
	}
	return "flexslot: the API token is malformed: it " + e.What() + " (the token is not shown)"
}

// CheckToken returns a *TokenError when token cannot be sent as a bearer
// token: it is empty, or holds what no token and no HTTP header value holds.
// Tokens are otherwise opaque.
func CheckToken(token string) error {
	var p TokenProblem
	switch {
	case token == "":
		p = TokenEmpty
	case strings.TrimSpace(token) != token:
		p = TokenUntrimmed
	case strings.HasPrefix(strings.ToLower(token), "bearer "):
		p = TokenBearer
	case strings.ContainsFunc(token, unicode.IsSpace):
		p = TokenSpace
	case strings.ContainsFunc(token, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }):
		p = TokenControl
	default:
		return nil
	}
	return &TokenError{Problem: p}
}

// BaseURLProblem names the rule a base URL breaks.
type BaseURLProblem int

// The rules CheckBaseURL applies, in the order it applies them.
const (
	// BaseURLNotAbsolute does not parse, or has no scheme or host.
	BaseURLNotAbsolute BaseURLProblem = iota + 1
	// BaseURLCredentials holds a user name or password.
	BaseURLCredentials
	// BaseURLQuery has a query or a fragment.
	BaseURLQuery
	// BaseURLAPIPath already holds the API path, /api/public/...
	BaseURLAPIPath
	// BaseURLPlainHTTP uses http to a host other than a loopback one.
	BaseURLPlainHTTP
	// BaseURLScheme uses a scheme other than https and http.
	BaseURLScheme
)

// BaseURLError is why a URL cannot be the API base URL. It never holds a
// password or a user name the URL may carry.
type BaseURLError struct {
	Problem BaseURLProblem
	// URL quotes the base URL with its user name and password masked, or
	// says that it does not parse, since it may then hold a password.
	URL string
	// Origin is the scheme and host of the URL, when it has both: for
	// BaseURLAPIPath, the base URL meant.
	Origin string
	// Credentials reports that the URL holds, or may hold, a user name or
	// password, so that it must not be echoed anywhere.
	Credentials bool

	what string
}

// What says what is wrong with the URL, reading after it, such as "uses
// plain http to api.example.com: ...".
func (e *BaseURLError) What() string { return e.what }

func (e *BaseURLError) Error() string { return "flexslot: the base URL " + e.URL + " " + e.what }

// CheckBaseURL returns raw without a trailing slash when it can be the base
// URL of the API: an absolute https URL, or http to localhost, 127.0.0.1 or
// [::1] (rules.IsLoopbackHost), so that the token never travels in
// plaintext; without credentials, query or fragment; with any path prefix
// but the API path, which the client adds itself. Otherwise it returns a
// *BaseURLError.
func CheckBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", &BaseURLError{Problem: BaseURLNotAbsolute, URL: "(which does not parse as a URL)",
			Credentials: strings.Contains(raw, "@"), what: "is not an absolute https URL"}
	}
	fail := func(p BaseURLProblem, format string, args ...any) (string, error) {
		e := &BaseURLError{Problem: p, URL: displayURL(raw, u), Credentials: u.User != nil, what: fmt.Sprintf(format, args...)}
		if u.Scheme != "" && u.Host != "" {
			e.Origin = (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
		}
		return "", e
	}
	switch {
	case !u.IsAbs() || u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return fail(BaseURLNotAbsolute, "is not an absolute https URL")
	case u.User != nil:
		return fail(BaseURLCredentials, "holds credentials")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fail(BaseURLQuery, "has a query or a fragment")
	case strings.HasPrefix(strings.ToLower(u.EscapedPath()), "/api/public"):
		return fail(BaseURLAPIPath, "already holds the API path %s", u.EscapedPath())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !rules.IsLoopbackHost(u.Hostname()) {
			return fail(BaseURLPlainHTTP, "uses plain http to %s: a personal access token must never travel in plaintext",
				u.Hostname())
		}
	default:
		return fail(BaseURLScheme, "uses the scheme %q", u.Scheme)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// displayURL quotes raw, parsed as u, for a message: a password is masked,
// and so is a user name without one, which may be a token.
func displayURL(raw string, u *url.URL) string {
	if u.User == nil {
		return strconv.Quote(raw)
	}
	if _, ok := u.User.Password(); ok {
		return strconv.Quote(u.Redacted())
	}
	masked := *u
	masked.User = url.User("xxxxx")
	return strconv.Quote(masked.String())
}
