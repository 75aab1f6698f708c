// Package scope holds the syntax of Flexslot OAuth2 scope names, shared by the
// emulator and the provider's plan-time validation.
package scope

import "regexp"

// Syntax describes a valid scope name for messages.
const Syntax = "a single lowercase word such as openid, or resource:action such as decks:read"

var pattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)?$`)

// Valid reports whether s is a syntactically valid scope name. Whether the
// scope exists is for the server to decide.
func Valid(s string) bool { return len(s) <= 100 && pattern.MatchString(s) }
