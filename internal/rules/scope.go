package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Scope lengths [doc: allowed_scopes "Maximum string length: 64"; scope
// requests "Required string length: 1 - 64"].
const (
	ScopeMinLength = 1
	ScopeMaxLength = 64
)

// ScopePattern is the syntax of a scope name. The published syntax is "a short,
// colon-separated string" requested as a space-separated list on /authorize
// [doc: scopes guide]: one or more words of letters, digits, '-', '_' or '.',
// joined by colons. It accepts every catalog scope and names outside the
// catalog such as decks:read-all, which a partner may have been granted.
const ScopePattern = `^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$`

// ScopeSyntax describes ScopePattern for messages.
const ScopeSyntax = "colon-separated words of letters, digits, '-', '_' or '.', such as decks:read"

var scopePattern = regexp.MustCompile(ScopePattern)

// catalog is the published scope catalog, in the order the API reference lists it.
var catalog = []string{
	"cards:read",
	"decks:read",
	"decks:write",
	"exports:read",
	"guides:read",
	"guides:write",
	"sideboards:read",
	"sideboards:write",
}

// ScopeCatalog returns the published scope catalog [doc: the create endpoint's
// allowed_scopes enum and the scopes guide]. Partners can be granted more
// scopes [doc: "Request additional scopes"], so a scope outside the catalog is
// not an error for a client: warn, and let Flexslot decide.
func ScopeCatalog() []string { return slices.Clone(catalog) }

// InCatalog reports whether scope is in the published catalog.
func InCatalog(scope string) bool { return slices.Contains(catalog, scope) }

// Scope messages.
var (
	MsgScopeEmpty   = "must not be empty"
	MsgScopeTooLong = fmt.Sprintf("must be at most %d characters long", ScopeMaxLength)
	MsgScopeSyntax  = "must be " + ScopeSyntax
)

// MsgScopeNotInCatalog returns the warning for a scope outside the published catalog.
func MsgScopeNotInCatalog(scope string) string {
	return fmt.Sprintf("%q is not in Flexslot's published scope catalog (%s): Flexslot accepts it only if it granted the scope to your partner account",
		scope, strings.Join(catalog, ", "))
}

// ScopeProblems returns the rules scope breaks. Being outside the catalog is
// not one of them: see InCatalog.
func ScopeProblems(scope string) []string {
	if scope == "" {
		return []string{MsgScopeEmpty}
	}
	var problems []string
	if length(scope) > ScopeMaxLength {
		problems = append(problems, MsgScopeTooLong)
	}
	if !scopePattern.MatchString(scope) {
		problems = append(problems, MsgScopeSyntax)
	}
	return problems
}

// ValidScope reports whether scope breaks no rule.
func ValidScope(scope string) bool { return len(ScopeProblems(scope)) == 0 }
