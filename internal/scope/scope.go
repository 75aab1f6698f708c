// Package scope is a thin alias of the scope rules in internal/rules, kept for
// callers that have not moved to that package. It holds no rule of its own:
// new code uses the scope functions of internal/rules.
package scope

import "github.com/flexslot/terraform-provider-flexslot/internal/rules"

// Syntax describes a valid scope name for messages: rules.ScopeSyntax.
const Syntax = rules.ScopeSyntax

// Valid reports whether s is a syntactically valid scope name: rules.ValidScope.
// Whether the partner may use it is for Flexslot to decide.
func Valid(s string) bool { return rules.ValidScope(s) }
