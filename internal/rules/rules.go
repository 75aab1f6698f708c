// Package rules is the one home of every rule and limit Flexslot publishes for
// its partner OAuth2 client management API: lengths, enumerations, the scope
// catalog, the redirect URI rules, the consent-screen URL rule, the shape of a
// client ID and the client limit. The emulator enforces them and the provider
// checks them at plan time, so the two always agree; a test checks each of
// them against internal/apispec/openapi.yaml.
//
// Every check that can fail returns problems: messages that name the rule
// broken and read after the name of the value, such as
// "redirect_uris[1] must use https: ...". An empty result means the value
// breaks no rule. Lengths count characters (Unicode code points), as the
// published "string length" and JSON Schema's maxLength do.
//
// Sources: docs.flexslot.gg API reference ("Create a new OAuth2 client",
// "List the calling partner's OAuth2 clients"), the client-management and
// scopes guides. Rules that are not published say so.
package rules

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// length counts characters, as the published string lengths do.
func length(s string) int { return utf8.RuneCountInString(s) }

// Client types [doc].
const (
	ClientTypeConfidential = "confidential"
	ClientTypePublic       = "public"
	// DefaultClientType is used when a create request has no client_type [doc: the create example].
	DefaultClientType = ClientTypeConfidential
)

// ClientTypes returns the published client types.
func ClientTypes() []string { return []string{ClientTypeConfidential, ClientTypePublic} }

// ClientTypeProblems returns the rules t breaks.
func ClientTypeProblems(t string) []string {
	if slices.Contains(ClientTypes(), t) {
		return nil
	}
	return []string{fmt.Sprintf("must be %q or %q", ClientTypeConfidential, ClientTypePublic)}
}

// Client statuses [doc].
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusRevoked   = "revoked"
)

// Statuses returns the published client statuses.
func Statuses() []string { return []string{StatusActive, StatusSuspended, StatusRevoked} }

// MaxClients is how many clients a partner may hold whose status counts toward
// the limit (active or suspended; revoked ones do not). Not published: only the
// copy of the client-management guide in seed/ states it [seed]; the published
// guide and API reference give no limit. The provider only warns about it.
const MaxClients = 10

// CountsTowardLimit reports whether a client with this status takes one of the
// partner's MaxClients slots.
func CountsTowardLimit(status string) bool {
	return status == StatusActive || status == StatusSuspended
}

// Application name [doc: "Required string length: 1 - 255"].
const (
	ApplicationNameMinLength = 1
	ApplicationNameMaxLength = 255
)

// Application name messages.
var (
	MsgApplicationNameEmpty   = "must not be empty"
	MsgApplicationNameTooLong = fmt.Sprintf("must be at most %d characters long", ApplicationNameMaxLength)
)

// ApplicationNameProblems returns the rules name breaks.
func ApplicationNameProblems(name string) []string {
	switch n := length(name); {
	case n < ApplicationNameMinLength:
		return []string{MsgApplicationNameEmpty}
	case n > ApplicationNameMaxLength:
		return []string{MsgApplicationNameTooLong}
	}
	return nil
}

// Grant types [doc]: each at most 32 characters; the create endpoint takes
// these two and defaults to both.
const (
	GrantTypeAuthorizationCode = "authorization_code"
	GrantTypeRefreshToken      = "refresh_token"
	GrantTypeMaxLength         = 32
)

// GrantTypes returns the published grant types.
func GrantTypes() []string { return []string{GrantTypeAuthorizationCode, GrantTypeRefreshToken} }

// DefaultGrantTypes returns the grant types a client gets when a create request
// has none [doc: the create example].
func DefaultGrantTypes() []string { return GrantTypes() }

// Grant type messages.
var (
	MsgGrantTypeTooLong = fmt.Sprintf("must be at most %d characters long", GrantTypeMaxLength)
	MsgGrantTypeUnknown = fmt.Sprintf("must be %q or %q", GrantTypeAuthorizationCode, GrantTypeRefreshToken)
)

// GrantTypeProblems returns the rules grantType breaks.
func GrantTypeProblems(grantType string) []string {
	if slices.Contains(GrantTypes(), grantType) {
		return nil
	}
	if length(grantType) > GrantTypeMaxLength {
		return []string{MsgGrantTypeTooLong, MsgGrantTypeUnknown}
	}
	return []string{MsgGrantTypeUnknown}
}

// The consent-screen URL fields of a client [doc: string<uri>, "" when unset].
const (
	FieldApplicationURL     = "application_url"
	FieldApplicationLogoURL = "application_logo_url"
	FieldPrivacyPolicyURL   = "privacy_policy_url"
	FieldTosURL             = "tos_url"
)

// ConsentURLFields returns the names of the consent-screen URL fields, in the
// order the API shows them.
func ConsentURLFields() []string {
	return []string{FieldApplicationURL, FieldApplicationLogoURL, FieldPrivacyPolicyURL, FieldTosURL}
}

// Client IDs are opaque [doc: the client object publishes client_id as a
// string]: the guides show cli_01HX2K… and the seed flx_client_01HX2K…. Any
// non-empty string without whitespace or control characters is accepted, and
// travels escaped as one path segment; no length or alphabet is published.
// ClientIDPattern is that rule as a regular expression (White_Space is \p{Z}
// and the controls \p{Cc}), as the OpenAPI document states it.
const ClientIDPattern = `^[^\p{Z}\p{Cc}]+$`

// Client ID messages.
const (
	MsgClientIDEmpty  = "must not be empty"
	MsgClientIDSpaces = "must not contain spaces or control characters"
)

// ClientIDProblems returns the rules id breaks.
func ClientIDProblems(id string) []string {
	if id == "" {
		return []string{MsgClientIDEmpty}
	}
	if strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return []string{MsgClientIDSpaces}
	}
	return nil
}

// ValidClientID reports whether id breaks no rule.
func ValidClientID(id string) bool { return len(ClientIDProblems(id)) == 0 }
