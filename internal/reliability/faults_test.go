package reliability

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

// faultCase is a fault injected into one operation of one client.
type faultCase struct {
	name   string
	faults []emulator.Fault // Method and PathPrefix are set per operation
	// timeout sets the operation's timeout to 2s; the fault's latency exceeds it.
	timeout bool
	// wantErr is "" when the apply meeting the fault must succeed; otherwise
	// the apply must fail with an error about the client holding wantErr, and
	// the next apply must converge.
	wantErr string
	// partial applies only to update: the secret rotation succeeds and the
	// PATCH that follows fails.
	partial bool
}

func statusFault(status, times int) emulator.Fault {
	return emulator.Fault{Kind: emulator.FaultStatus, Status: status, Times: times}
}

func faultCases() []faultCase {
	return []faultCase{
		{name: "drop_after_commit", faults: []emulator.Fault{{Kind: emulator.FaultDropAfterCommit, Times: 1}}},
		{name: "502 once", faults: []emulator.Fault{statusFault(502, 1)}},
		{name: "503 once", faults: []emulator.Fault{statusFault(503, 1)}},
		{name: "504 once", faults: []emulator.Fault{statusFault(504, 1)}},
		{name: "502 503 504 in a row", faults: []emulator.Fault{statusFault(502, 1), statusFault(503, 1), statusFault(504, 1)}},
		{name: "503 three times", faults: []emulator.Fault{statusFault(503, 3)}},
		{name: "429 with Retry-After", faults: []emulator.Fault{{Kind: emulator.FaultStatus, Status: 429, RetryAfter: 1, Times: 1}}},
		{name: "truncated body", faults: []emulator.Fault{{Kind: emulator.FaultMalformedBody, Times: 1}}},
		{name: "HTML proxy page", faults: []emulator.Fault{{Kind: emulator.FaultHTMLError, Times: 1}}},
		{name: "latency past the timeout", faults: []emulator.Fault{{Kind: emulator.FaultLatency, LatencyMS: 4000, Times: 1}},
			timeout: true, wantErr: "did not finish within its timeout"},
		{name: "unexpected 500", faults: []emulator.Fault{statusFault(500, 1)}, wantErr: "500 Internal Server Error"},
		{name: "unexpected 418", faults: []emulator.Fault{statusFault(418, 1)}, wantErr: "418"},
	}
}

// operation describes how a configuration change reaches one API call.
type operation struct {
	name       string
	method     string
	suffix     string // after /{client_id}
	timeoutKey string
	// change edits a client's spec so that the next apply performs the operation;
	// nil removes the client (delete) or leaves it alone (read).
	change func(*spec)
	remove bool
}

var operations = []operation{
	{name: "create", method: http.MethodPost, timeoutKey: "create"},
	{name: "rotate", method: http.MethodPost, suffix: "/rotate-secret", timeoutKey: "update",
		change: func(s *spec) { s.triggers = map[string]string{"generation": "2"} }},
	{name: "update", method: http.MethodPatch, timeoutKey: "update",
		change: func(s *spec) { s.app += " v2"; s.uris = append(s.uris, "http://127.0.0.1:8765/cb") }},
	// Reads come from the list of the partner's clients, which one call serves for every client.
	{name: "read", method: http.MethodGet, timeoutKey: "read"},
	{name: "delete", method: http.MethodDelete, timeoutKey: "delete", remove: true},
}

// idempotencyMode is whether the emulator honours Idempotency-Key, which
// Flexslot does not publish: the outcome must be the same either way.
type idempotencyMode struct {
	name   string
	ignore bool
}

var idempotencyModes = []idempotencyMode{{name: "key honoured"}, {name: "key ignored", ignore: true}}

// faultName is how a case appears in the figures.
func (m idempotencyMode) faultName(c faultCase) string {
	name := c.name
	if c.partial {
		name = "rotation then failed PATCH"
	}
	if m.ignore {
		name += IgnoredSuffix
	}
	return name
}

// newFaultHarness is newHarness with the emulator honouring or ignoring Idempotency-Key.
func newFaultHarness(t *testing.T, mode idempotencyMode) *harness {
	t.Helper()
	h := &harness{t: t, tokenA: newToken(), tokenB: newToken()}
	h.w = acctest.NewWorkspace(t)
	h.emu = emulatortest.Start(t, emulator.Options{Tokens: []string{h.tokenA, h.tokenB}, IgnoreIdempotencyKey: mode.ignore})
	h.srv = h.emu.Server
	h.w.SetEnv("FLEXSLOT_BASE_URL", h.emu.URL)
	h.w.SetEnv("FLEXSLOT_PAT", h.tokenA)
	return h
}

// TestAccFaults injects every fault into every operation through the real CLI
// and checks that each apply converges or fails clearly and converges on the
// next apply, with no duplicate, no orphan, a working secret in state and no
// wasted rotation. Create and rotate, whose answers carry a secret, run with
// the emulator honouring and ignoring Idempotency-Key.
func TestAccFaults(t *testing.T) {
	acctest.CLI(t)
	for _, op := range operations {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			modes := idempotencyModes[:1]
			if op.name == "create" || op.name == "rotate" {
				modes = idempotencyModes
			}
			for _, mode := range modes {
				t.Run(mode.name, func(t *testing.T) {
					t.Parallel()
					runOperation(t, op, mode)
				})
			}
		})
	}
}

func runOperation(t *testing.T, op operation, mode idempotencyMode) {
	switch op.name {
	case "create":
		for _, c := range faultCases() {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				runCreateCase(t, c, mode)
			})
		}
		return
	case "read":
		for _, c := range faultCases() {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				runReadCase(t, c, mode)
			})
		}
		return
	}
	var recovering, failing []faultCase
	for _, c := range faultCases() {
		if c.wantErr == "" {
			recovering = append(recovering, c)
		} else {
			failing = append(failing, c)
		}
	}
	if op.name == "update" {
		failing = append(failing, faultCase{name: "rotation then failed PATCH", partial: true,
			faults: []emulator.Fault{statusFault(500, 1)}, wantErr: "500 Internal Server Error"})
	}
	t.Run("recovering", func(t *testing.T) {
		t.Parallel()
		runGroup(t, op, recovering, mode)
	})
	t.Run("failing", func(t *testing.T) {
		t.Parallel()
		runGroup(t, op, failing, mode)
	})
}

// runCreateCase creates one client while the fault hits the create request.
func runCreateCase(t *testing.T, c faultCase, mode idempotencyMode) {
	h := newFaultHarness(t, mode)
	s := confidential("c")
	if c.timeout {
		s.timeouts = map[string]string{"create": "2s"}
	}
	h.w.WriteConfig(render(nil, s))
	for _, f := range c.faults {
		f.Method, f.PathPrefix = http.MethodPost, emulator.BasePath
		h.srv.AddFault(f)
	}

	first := h.w.Apply()
	log := requests(h.settledLog(func(log []emulator.RequestRecord) bool {
		return faulted(requests(log, http.MethodPost, emulator.BasePath)) > 0
	}), http.MethodPost, emulator.BasePath)
	failed := checkFirstApply(t, first, c, "flexslot_oauth2_client.c", "")
	if c.wantErr == "" && first.ExitCode != 0 {
		t.Errorf("the apply meeting %q exited %d:\n%s\n%s", c.name, first.ExitCode, diagText(first.Errors()), first.Stderr)
	}
	h.srv.ClearFaults()
	if failed {
		h.w.Apply().RequireSuccess(t)
	}
	h.requireConverged()
	st := h.state()
	h.requireMatchesState(h.tokenA, st)
	all := h.srv.Requests()
	// Every create the emulator carried out counts, replays of one
	// Idempotency-Key once: one client for one resource, whether or not
	// the key was honoured.
	if n := performed(requests(all, http.MethodPost, emulator.BasePath), http.StatusCreated); n != 1 {
		t.Errorf("the emulator created %d clients for one resource; requests %+v", n, all)
	}
	// The answer of a create the emulator carried out is recovered by
	// adopting the client and rotating its secret, once; nothing else rotates.
	if id := st["flexslot_oauth2_client.c"].id; id != "" {
		rotations := performed(requests(all, http.MethodPost, emulator.BasePath+"/"+id+"/rotate-secret"), http.StatusOK)
		want := 0
		if kind := c.faults[0].Kind; kind == emulator.FaultDropAfterCommit || kind == emulator.FaultMalformedBody {
			want = 1
		}
		if rotations != want {
			t.Errorf("%d rotations after the create, want %d", rotations, want)
		}
	}
	record(t, "create", mode.faultName(c), log, failed)
}

// runReadCase refreshes one client while the fault hits the list of the
// partner's clients, which serves every read.
func runReadCase(t *testing.T, c faultCase, mode idempotencyMode) {
	h := newFaultHarness(t, mode)
	s := confidential("c")
	if c.timeout {
		s.timeouts = map[string]string{"read": "2s"}
	}
	h.w.WriteConfig(render(nil, s))
	h.w.Apply().RequireSuccess(t)
	before := h.state()
	id := before["flexslot_oauth2_client.c"].id
	for _, f := range c.faults {
		f.Method, f.PathPrefix = http.MethodGet, emulator.BasePath
		h.srv.AddFault(f)
	}
	h.srv.ClearRequests()

	first := h.w.Apply()
	log := requests(h.settledLog(func(log []emulator.RequestRecord) bool {
		return faulted(requests(log, http.MethodGet, emulator.BasePath)) > 0
	}), http.MethodGet, emulator.BasePath)
	failed := checkFirstApply(t, first, c, "flexslot_oauth2_client.c", id)
	if c.wantErr == "" && first.ExitCode != 0 {
		t.Errorf("the apply meeting %q exited %d:\n%s\n%s", c.name, first.ExitCode, diagText(first.Errors()), first.Stderr)
	}
	// A failed read is an error, never a client gone: state keeps it.
	afterFirst := h.state()
	if afterFirst["flexslot_oauth2_client.c"].id != id {
		t.Errorf("after a read meeting %q, state holds %+v, want client %s", c.name, afterFirst, id)
	}
	h.requireMatchesState(h.tokenA, afterFirst)

	h.srv.ClearFaults()
	if failed {
		h.w.Apply().RequireSuccess(t)
	}
	h.requireConverged()
	after := h.state()
	h.requireMatchesState(h.tokenA, after)
	if after["flexslot_oauth2_client.c"] != before["flexslot_oauth2_client.c"] {
		t.Errorf("state changed from %+v to %+v", before, after)
	}
	if n := performed(requests(h.srv.Requests(), http.MethodPost, emulator.BasePath+"/"+id+"/rotate-secret"), http.StatusOK); n != 0 {
		t.Errorf("%d rotations for a read", n)
	}
	record(t, "read", mode.faultName(c), log, failed)
}

// checkFirstApply checks the apply that met the fault and reports whether it failed.
func checkFirstApply(t *testing.T, r *acctest.Result, c faultCase, addr, id string) bool {
	t.Helper()
	errs := errorsFor(r, addr, id)
	if c.wantErr == "" {
		if len(errs) != 0 {
			t.Errorf("%s: the apply meeting %q failed:\n%s", addr, c.name, diagText(errs))
		}
		return false
	}
	if r.ExitCode == 0 {
		t.Errorf("%s: the apply meeting %q succeeded, want a failure holding %q", addr, c.name, c.wantErr)
		return false
	}
	if len(errs) == 0 || !strings.Contains(diagText(errs), c.wantErr) {
		t.Errorf("%s: the apply meeting %q failed without a clear error holding %q; errors:\n%s", addr, c.name, c.wantErr, diagText(r.Errors()))
	}
	return true
}

// runGroup runs cases on one client each in one workspace: the faults target
// each client's own path, so one apply exercises every case of the group.
func runGroup(t *testing.T, op operation, cases []faultCase, mode idempotencyMode) {
	h := newFaultHarness(t, mode)
	specs := make([]spec, len(cases))
	for i, c := range cases {
		specs[i] = confidential(fmt.Sprintf("c%02d", i))
		if c.timeout {
			specs[i].timeouts = map[string]string{op.timeoutKey: "2s"}
		}
		if c.partial {
			specs[i].triggers = map[string]string{"generation": "1"}
		}
	}
	h.w.WriteConfig(render(nil, specs...))
	h.w.Apply().RequireSuccess(t)
	before := h.state()
	addr := func(i int) string { return "flexslot_oauth2_client." + specs[i].name }

	paths := make([]string, len(cases))
	for i, c := range cases {
		id := before[addr(i)].id
		method := op.method
		paths[i] = emulator.BasePath + "/" + id + op.suffix
		if c.partial {
			method, paths[i] = http.MethodPatch, emulator.BasePath+"/"+id
		}
		for _, f := range c.faults {
			f.Method, f.PathPrefix = method, paths[i]
			h.srv.AddFault(f)
		}
	}
	h.srv.ClearRequests()

	var next []spec
	for i := range specs {
		s := specs[i]
		switch {
		case op.remove:
			continue
		case cases[i].partial:
			s.triggers = map[string]string{"generation": "2"}
			s.app += " v2"
		case op.change != nil:
			op.change(&s)
		}
		next = append(next, s)
	}
	h.w.WriteConfig(render(nil, next...))
	first := h.w.Apply()
	log := h.settledLog(func(log []emulator.RequestRecord) bool {
		for i, c := range cases {
			method := op.method
			if c.partial {
				method = http.MethodPatch
			}
			if faulted(requests(log, method, paths[i])) == 0 {
				return false
			}
		}
		return true
	})
	afterFirst := h.state()

	failed := make([]bool, len(cases))
	for i, c := range cases {
		failed[i] = checkFirstApply(t, first, c, addr(i), before[addr(i)].id)
		if c.partial {
			got := afterFirst[addr(i)]
			if got.secret == before[addr(i)].secret {
				t.Errorf("%s: after the rotation succeeded and the PATCH failed, state still holds the old secret", addr(i))
			}
			if got.app != before[addr(i)].app {
				t.Errorf("%s: state shows application_name %q although the PATCH failed", addr(i), got.app)
			}
		}
	}
	if !slices.ContainsFunc(cases, func(c faultCase) bool { return c.wantErr != "" }) && first.ExitCode != 0 {
		t.Errorf("the apply meeting only recoverable faults exited %d:\n%s\n%s", first.ExitCode, diagText(first.Errors()), first.Stderr)
	}
	// Whatever failed, the secret in state still works and nothing is orphaned.
	h.requireMatchesState(h.tokenA, afterFirst)

	h.srv.ClearFaults()
	h.w.Apply().RequireSuccess(t)
	h.requireConverged()
	after := h.state()
	h.requireMatchesState(h.tokenA, after)
	if op.remove && (len(after) != 0 || len(h.srv.Clients(h.tokenA)) != 0) {
		t.Errorf("after delete, state holds %d clients and the emulator %d", len(after), len(h.srv.Clients(h.tokenA)))
	}

	all := h.srv.Requests()
	for i, c := range cases {
		id := before[addr(i)].id
		// A rotation whose answer was lost is rotated again: with the key
		// honoured that is a replay, counted once; with the key ignored it
		// is a second rotation, whose secret is the one in state.
		rotations := performed(requests(all, http.MethodPost, emulator.BasePath+"/"+id+"/rotate-secret"), http.StatusOK)
		wantRotations := 0
		if op.name == "rotate" || c.partial {
			wantRotations = 1
		}
		if rotations != wantRotations {
			t.Errorf("%s (%s): %d rotations performed, want %d", addr(i), c.name, rotations, wantRotations)
		}
		if !op.remove {
			got, ok := h.srv.Client(id)
			if !ok || got.ApplicationName != next[i].app {
				t.Errorf("%s: the emulator holds %+v, want application_name %q", addr(i), got, next[i].app)
			}
			if after[addr(i)].id != id {
				t.Errorf("%s: client_id changed from %s to %s", addr(i), id, after[addr(i)].id)
			}
		}
		method := op.method
		if c.partial {
			method = http.MethodPatch
		}
		record(t, op.name, mode.faultName(c), requests(log, method, paths[i]), failed[i])
	}
}

// record adds a case to the figures: reqs are the requests to the faulted
// endpoint during the apply that met the fault.
func record(t *testing.T, op, fault string, reqs []emulator.RequestRecord, failed bool) {
	t.Helper()
	injected := faulted(reqs)
	if injected == 0 {
		t.Errorf("%s %q: no request met the fault", op, fault)
	}
	outcome := OutcomeConverged
	if failed {
		outcome = OutcomeFailedClean
	}
	figures.Update(func(f *Figures) {
		f.Faults = append(f.Faults, FaultCase{
			Operation: op,
			Fault:     fault,
			Injected:  injected,
			Retries:   max(len(reqs)-1, 0),
			Outcome:   outcome,
		})
	})
}
