// Package redirecturi is a thin alias of the redirect URI rules in
// internal/rules, kept for callers that have not moved to that package. It
// holds no rule of its own: new code uses the redirect URI functions of
// internal/rules.
package redirecturi

import "github.com/flexslot/terraform-provider-flexslot/internal/rules"

// MaxLength is the longest redirect URI Flexslot accepts, in characters.
const MaxLength = rules.RedirectURIMaxLength

// Rule messages: see internal/rules.
var (
	MsgEmpty       = rules.MsgEmpty
	MsgTooLong     = rules.MsgTooLong
	MsgWhitespace  = rules.MsgWhitespace
	MsgWildcard    = rules.MsgWildcard
	MsgFragment    = rules.MsgFragment
	MsgNotAbsolute = rules.MsgNotAbsolute
	MsgHTTPS       = rules.MsgHTTPS
	MsgEmptyPort   = rules.MsgEmptyPort
	MsgPortRange   = rules.MsgPortRange
)

// Problems returns every rule uri breaks: rules.RedirectURIProblems.
func Problems(uri string) []string { return rules.RedirectURIProblems(uri) }

// Valid reports whether uri breaks no rule: rules.ValidRedirectURI.
func Valid(uri string) bool { return rules.ValidRedirectURI(uri) }

// IsLoopbackHost reports whether host may be reached over plain http: rules.IsLoopbackHost.
func IsLoopbackHost(host string) bool { return rules.IsLoopbackHost(host) }
