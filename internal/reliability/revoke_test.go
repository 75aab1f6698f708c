package reliability

import (
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// revokeSummary is the error a revoke meets when Flexslot offers none through its API.
const revokeSummary = "Flexslot offers no revoke through its API"

// TestAccRevocation runs the destroy and replacement cases with and without
// DELETE, which Flexslot does not publish: a client removed from the
// configuration, a client_type change, a -replace, then a destroy. With DELETE
// each converges in one command. Without it each command fails before
// anything is created, with state and Flexslot unchanged; once the clients are
// revoked in the dashboard, the same command converges. Nothing is orphaned
// and no client is lost either way.
func TestAccRevocation(t *testing.T) {
	acctest.CLI(t)
	for _, withoutDelete := range []bool{false, true} {
		name := "with DELETE"
		if withoutDelete {
			name = "without DELETE"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarnessWith(t, func(_ *harness, o *emulator.Options) { o.WithoutDelete = withoutDelete })
			removed, retyped, replaced := confidential("removed"), confidential("retyped"), confidential("replaced")
			h.w.WriteConfig(render(nil, removed, retyped, replaced))
			h.w.Apply().RequireSuccess(t)
			before := h.state()
			addr := func(s spec) string { return "flexslot_oauth2_client." + s.name }
			old := []string{before[addr(removed)].id, before[addr(retyped)].id, before[addr(replaced)].id}

			retyped.typ = "public"
			h.w.WriteConfig(render(nil, retyped, replaced))
			replace := func() *acctest.Result { return h.w.Apply("-replace=" + addr(replaced)) }
			h.runRevoking(withoutDelete, replace, old, 2)
			after := h.state()
			if len(after) != 2 || after[addr(retyped)].typ != "public" || after[addr(retyped)].id == old[1] || after[addr(replaced)].id == old[2] {
				t.Fatalf("after the replacements, state holds %+v", after)
			}
			h.requireConverged()

			remaining := []string{after[addr(retyped)].id, after[addr(replaced)].id}
			h.runRevoking(withoutDelete, func() *acctest.Result { return h.w.Destroy() }, remaining, 0)
			if len(h.state()) != 0 || len(h.srv.Clients(h.tokenA)) != 0 {
				t.Fatalf("after destroy, state holds %d clients and the emulator %d", len(h.state()), len(h.srv.Clients(h.tokenA)))
			}
		})
	}
}

// runRevoking runs a command that revokes the clients ids and creates
// creates new ones. With DELETE it must succeed. Without DELETE it must fail
// for each of ids before any create, leaving state and Flexslot as they were;
// the clients are then revoked in the dashboard and the command run again.
// Either way it must end with state and Flexslot in agreement.
func (h *harness) runRevoking(withoutDelete bool, run func() *acctest.Result, ids []string, creates int) {
	h.t.Helper()
	before := h.state()
	h.srv.ClearRequests()
	first := run()
	if !withoutDelete {
		first.RequireSuccess(h.t)
	} else {
		if first.ExitCode == 0 {
			h.t.Fatalf("the command succeeded without DELETE")
		}
		for _, id := range ids {
			diags := errorsFor(first, "", id)
			if len(diags) == 0 || !strings.Contains(diagText(diags), revokeSummary) || !strings.Contains(diagText(diags), "Account → API access") {
				h.t.Fatalf("the failed command reports for %s: %s\nall errors: %s", id, diagText(diags), diagText(first.Errors()))
			}
		}
		counts := operationCounts(h.srv.Requests())
		if counts[emulator.OperationCreate] != 0 {
			h.t.Fatalf("the refused command created %d clients before the refused revokes", counts[emulator.OperationCreate])
		}
		if after := h.state(); len(after) != len(before) {
			h.t.Fatalf("the refused command changed state: %d clients, was %d", len(after), len(before))
		}
		h.requireMatchesState(h.tokenA, before)
		for _, id := range ids {
			if _, err := h.srv.Revoke(id); err != nil {
				h.t.Fatalf("revoking %s in the dashboard: %v", id, err)
			}
		}
		h.srv.ClearRequests()
		run().RequireSuccess(h.t)
	}
	counts := operationCounts(h.srv.Requests())
	if counts[emulator.OperationCreate] != creates {
		h.t.Errorf("%d creates, want %d", counts[emulator.OperationCreate], creates)
	}
	for _, id := range ids {
		if c, ok := h.srv.Client(id); !ok || c.Status != emulator.StatusRevoked {
			h.t.Errorf("%s is not revoked: %+v", id, c)
		}
	}
	h.requireMatchesState(h.tokenA, h.state())
}

func operationCounts(log []emulator.RequestRecord) map[string]int {
	counts := map[string]int{}
	for _, r := range log {
		counts[r.Operation]++
	}
	return counts
}
