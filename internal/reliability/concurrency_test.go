package reliability

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// TestAccConcurrency_clientLimit creates 12 clients at once on an empty
// partner: exactly 10 (rules.MaxClients) are created and in state, the other 2
// fail naming the limit and what to do, a plan for them then warns about the
// limit, and trimming the configuration to the 10 converges with nothing orphaned.
func TestAccConcurrency_clientLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	specs := make([]spec, 12)
	for i := range specs {
		specs[i] = confidential(fmt.Sprintf("c%02d", i))
	}
	h.w.WriteConfig(render(nil, specs...))

	first := h.w.Apply("-parallelism=12")
	if first.ExitCode == 0 {
		t.Fatal("applying 12 clients on a partner limited to 10 succeeded")
	}
	errs := first.Errors()
	if len(errs) != 2 {
		t.Errorf("want exactly 2 errors, got %d:\n%s", len(errs), diagText(errs))
	}
	for _, d := range errs {
		if !strings.Contains(d.Detail, flexslot.CodeClientLimitReached) ||
			!strings.Contains(d.Detail, fmt.Sprintf("Each partner may hold %d active or suspended clients", rules.MaxClients)) ||
			!strings.Contains(d.Detail, "Revoke a client you no longer use") {
			t.Errorf("the error does not name the client limit and what to do: %s", d)
		}
	}
	st := h.state()
	if len(st) != rules.MaxClients {
		t.Fatalf("state holds %d clients, want %d", len(st), rules.MaxClients)
	}
	h.requireMatchesState(h.tokenA, st)

	// Planning the 2 left over warns beforehand, naming the limit.
	plan := h.w.Plan()
	if plan.ExitCode != 0 {
		t.Errorf("plan at the client limit failed: %s", diagText(plan.Errors()))
	}
	warned := false
	for _, d := range plan.Warnings() {
		if d.Summary == "Partner is at the client limit" && strings.Contains(d.Detail, fmt.Sprintf("Flexslot allows %d", rules.MaxClients)) {
			warned = true
		}
	}
	if !warned {
		t.Errorf("a plan creating clients at the limit does not warn about it: %s", diagText(plan.Warnings()))
	}

	// Keep the 10 that exist.
	var kept []spec
	for _, s := range specs {
		if _, ok := st["flexslot_oauth2_client."+s.name]; ok {
			kept = append(kept, s)
		}
	}
	h.w.WriteConfig(render(nil, kept...))
	apply := h.w.Apply("-parallelism=12").RequireSuccess(t)
	if add, change, remove, ok := apply.ChangeSummary(); !ok || add+change+remove != 0 {
		t.Errorf("trimming to the 10 created clients changed something: +%d ~%d -%d", add, change, remove)
	}
	h.requireConverged()
	h.requireMatchesState(h.tokenA, h.state())
	if n := len(h.srv.Clients(h.tokenA)); n != rules.MaxClients {
		t.Errorf("the emulator holds %d clients, want %d", n, rules.MaxClients)
	}

	figures.Update(func(f *Figures) {
		f.ConcurrentCreates = len(specs)
		f.CreatedAtLimit = len(st)
		f.RefusedAtLimit = len(errs)
	})
}

// TestAccConcurrency_twoPartners manages two partners in one configuration
// through two provider aliases with their own tokens: each partner holds
// exactly its own clients, and can neither list, read, rotate, revoke nor
// import the other's.
func TestAccConcurrency_twoPartners(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The configured tokens win over FLEXSLOT_PAT, which names partner A.
	providers := []*tfconfig.Block{
		tfconfig.Provider{Alias: "a", APIToken: h.tokenA}.Block(),
		tfconfig.Provider{Alias: "b", APIToken: h.tokenB}.Block(),
	}
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

	// Neither token can see, rotate or revoke the other partner's clients.
	ctx := context.Background()
	for own, other := range map[string]string{"a": "b", "b": "a"} {
		token := map[string]string{"a": h.tokenA, "b": h.tokenB}[own]
		c, err := flexslot.NewClient(flexslot.Config{BaseURL: h.emu.URL, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		listed, err := c.OAuth2Clients.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range listed {
			if _, mine := byPartner[own]["flexslot_oauth2_client."+strings.TrimPrefix(l.ApplicationName, "Reliability ")]; !mine {
				t.Errorf("partner %s lists %s (%q), which is not its own", own, l.ClientID, l.ApplicationName)
			}
		}
		for _, addr := range slices.Sorted(maps.Keys(byPartner[other])) {
			id := byPartner[other][addr].id
			if _, err := c.OAuth2Clients.Get(ctx, id); !flexslot.IsNotFound(err) {
				t.Errorf("partner %s reading %s of partner %s: %v, want not found", own, addr, other, err)
			}
			if _, err := c.OAuth2Clients.RotateSecret(ctx, id); !flexslot.IsNotFound(err) {
				t.Errorf("partner %s rotating the secret of %s of partner %s: %v, want not found", own, addr, other, err)
			}
			// Revoke reports a client its partner cannot list as gone; the other partner's client must stay.
			_ = c.OAuth2Clients.Revoke(ctx, id)
		}
	}
	// Partner a's configuration importing one of partner b's clients finds nothing.
	foreign := byPartner["b"]["flexslot_oauth2_client.b0"].id
	stolen := confidential("stolen")
	stolen.provider = "flexslot.a"
	h.w.WriteConfig(render(append(slices.Clip(providers), tfconfig.Import("flexslot_oauth2_client.stolen", foreign)), append(slices.Clip(specs), stolen)...))
	imp := h.w.Plan()
	if imp.ExitCode == 0 || !strings.Contains(diagText(imp.Errors()), "non-existent") {
		t.Errorf("partner a imported partner b's client %s: %s", foreign, diagText(imp.Errors()))
	}
	// Every client is untouched: still there, each secret still the one in state.
	h.requireMatchesState(h.tokenA, byPartner["a"])
	h.requireMatchesState(h.tokenB, byPartner["b"])
	h.w.WriteConfig(render(providers, specs...))
	h.requireConverged()

	h.w.WriteConfig(render(providers))
	h.w.Apply().RequireSuccess(t)
	for _, token := range []string{h.tokenA, h.tokenB} {
		if n := len(h.srv.Clients(token)); n != 0 {
			t.Errorf("%d clients left after removing them all", n)
		}
	}
	figures.Update(func(f *Figures) { f.IsolatedPartners = 2 })
}
