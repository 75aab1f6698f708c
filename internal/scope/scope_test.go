package scope

import "testing"

func TestValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"openid": true, "decks:read": true, "offline_access": true, "collections:write": true,
		"": false, "Decks:read": false, "decks:": false, ":read": false, "decks:read:all": false,
		"decks read": false, "decks:*": false, "1decks": false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %t, want %t", s, got, want)
		}
	}
}
