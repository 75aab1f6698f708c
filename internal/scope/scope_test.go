package scope

import (
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// The rules themselves are tested in internal/rules; this checks the delegation.
func TestValidDelegatesToRules(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"decks:read", "decks:read-all", "openid", "", "decks read", "decks:*"} {
		if Valid(s) != rules.ValidScope(s) {
			t.Errorf("Valid(%q) = %t differs from rules", s, Valid(s))
		}
	}
}
