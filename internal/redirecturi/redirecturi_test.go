package redirecturi

import (
	"slices"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// The rules themselves are tested in internal/rules; this checks the delegation.
func TestDelegatesToRules(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{"https://app.example.com/cb", "http://LOCALHOST/cb", "http://a.example/cb#x", "", "com.example.app://cb"} {
		if got, want := Problems(uri), rules.RedirectURIProblems(uri); !slices.Equal(got, want) {
			t.Errorf("Problems(%q) = %q, want %q", uri, got, want)
		}
		if Valid(uri) != rules.ValidRedirectURI(uri) {
			t.Errorf("Valid(%q) differs from rules", uri)
		}
	}
	if !IsLoopbackHost("localhost") || IsLoopbackHost("example.com") || MaxLength != 512 {
		t.Error("IsLoopbackHost or MaxLength")
	}
}
