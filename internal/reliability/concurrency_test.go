package reliability

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

// TestAccConcurrency_clientLimit creates 12 clients at once on an empty
// partner: exactly 10 are created and in state, the other 2 fail naming the
// limit, and trimming the configuration to the 10 converges with nothing orphaned.
func TestAccConcurrency_clientLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	specs := make([]spec, 12)
	for i := range specs {
		specs[i] = confidential(fmt.Sprintf("c%02d", i))
	}
	h.w.WriteConfig(render("", specs...))

	first := h.w.Apply("-parallelism=12")
	if first.ExitCode == 0 {
		t.Fatal("applying 12 clients on a partner limited to 10 succeeded")
	}
	errs := first.Errors()
	if len(errs) != 2 {
		t.Errorf("want exactly 2 errors, got %d:\n%s", len(errs), diagText(errs))
	}
	for _, d := range errs {
		if !strings.Contains(d.Detail, "client_limit_reached") || !strings.Contains(d.Detail, "10") {
			t.Errorf("the error does not name the client limit: %s", d)
		}
	}
	st := h.state()
	if len(st) != 10 {
		t.Fatalf("state holds %d clients, want 10", len(st))
	}
	h.requireMatchesState(h.tokenA, st)

	// Keep the 10 that exist.
	var kept []spec
	for _, s := range specs {
		if _, ok := st["flexslot_oauth2_client."+s.name]; ok {
			kept = append(kept, s)
		}
	}
	h.w.WriteConfig(render("", kept...))
	apply := h.w.Apply("-parallelism=12").RequireSuccess(t)
	if add, change, remove, ok := apply.ChangeSummary(); !ok || add+change+remove != 0 {
		t.Errorf("trimming to the 10 created clients changed something: +%d ~%d -%d", add, change, remove)
	}
	h.requireConverged()
	h.requireMatchesState(h.tokenA, h.state())
	if n := len(h.srv.Clients(h.tokenA)); n != 10 {
		t.Errorf("the emulator holds %d clients, want 10", n)
	}

	figures.Update(func(f *Figures) {
		f.ConcurrentCreates = len(specs)
		f.CreatedAtLimit = len(st)
		f.RefusedAtLimit = len(errs)
	})
}

// TestAccConcurrency_twoPartners manages two partners in one configuration
// through two provider aliases with their own tokens: each partner holds
// exactly its own clients and cannot see the other's.
func TestAccConcurrency_twoPartners(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The configured tokens win over FLEXSLOT_PAT, which names partner A.
	providers := fmt.Sprintf(`
provider "flexslot" {
  alias     = "a"
  api_token = %q
}

provider "flexslot" {
  alias     = "b"
  api_token = %q
}
`, h.tokenA, h.tokenB)
	var specs []spec
	for _, p := range []string{"a", "b"} {
		for i := range 3 {
			s := confidential(fmt.Sprintf("%s%d", p, i))
			s.provider = "flexslot." + p
			specs = append(specs, s)
		}
	}
	h.w.WriteConfig(render(providers, specs...))
	h.w.Apply("-parallelism=12").RequireSuccess(t)
	h.requireConverged()

	st := h.state()
	byPartner := map[string]map[string]stateClient{"a": {}, "b": {}}
	for addr, c := range st {
		p := strings.TrimPrefix(addr, "flexslot_oauth2_client.")[:1]
		byPartner[p][addr] = c
	}
	h.requireMatchesState(h.tokenA, byPartner["a"])
	h.requireMatchesState(h.tokenB, byPartner["b"])

	// Neither token can see the other partner's clients.
	for own, other := range map[string]string{"a": "b", "b": "a"} {
		token := map[string]string{"a": h.tokenA, "b": h.tokenB}[own]
		c, err := flexslot.NewClient(flexslot.Config{BaseURL: h.emu.URL, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, addr := range slices.Sorted(maps.Keys(byPartner[other])) {
			if _, err := c.OAuth2Clients.Get(context.Background(), byPartner[other][addr].id); !flexslot.IsNotFound(err) {
				t.Errorf("partner %s reading %s of partner %s: %v, want not found", own, addr, other, err)
			}
		}
	}

	h.w.WriteConfig(render(providers))
	h.w.Apply().RequireSuccess(t)
	for _, token := range []string{h.tokenA, h.tokenB} {
		if n := len(h.srv.Clients(token)); n != 0 {
			t.Errorf("%d clients left after removing them all", n)
		}
	}
	figures.Update(func(f *Figures) { f.IsolatedPartners = 2 })
}
