package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

var (
	applyArgs = []string{"apply", "-auto-approve"}
	planArgs  = []string{"plan"}
)

func (b *bench) measureAll(r *report, opts options, progress func(string, ...any)) error {
	counts := []int{1, 10, 100}
	if opts.quick {
		counts = []int{1, 10}
	}
	latencyRuns := 5
	throttleRuns := 3
	startupRuns := 15
	if opts.quick {
		latencyRuns, throttleRuns, startupRuns = 2, 1, 5
	}

	for _, n := range counts {
		progress("%d clients beside %d no-op resources, %d of the same schema, %d time_static and %d terraform_data, %d runs each", n, n, n, n, n, opts.runs)
		if err := b.compare(r, n, opts.runs); err != nil {
			return err
		}
	}
	for _, ms := range []int{50, 200} {
		for _, n := range counts {
			progress("%d clients with %d ms of latency per request", n, ms)
			if err := b.latency(r, n, ms, latencyRuns); err != nil {
				return err
			}
		}
	}
	progress("API requests per operation")
	if err := b.operations(r, 10); err != nil {
		return err
	}
	progress("throttling")
	throttled := []throttleScenario{
		{name: "plan (refresh, no changes)", n: 10, method: "GET", what: "lists", times: 2},
		{name: "apply (create)", n: 10, method: "POST", what: "creates", times: 5},
	}
	if !opts.quick {
		throttled = append(throttled, throttleScenario{name: "plan (refresh, no changes)", n: 100, method: "GET", what: "lists", times: 10})
	}
	for _, sc := range throttled {
		if err := b.throttle(r, sc, throttleRuns); err != nil {
			return err
		}
	}
	progress("start-up and memory")
	return b.startupAndMemory(r, startupRuns, counts[len(counts)-1])
}

// freshApply applies ws from empty state against an empty emulator, with the
// faults given added after the reset.
func (b *bench) freshApply(ws *workspace, faults ...emulator.Fault) (runResult, []emulator.RequestRecord, error) {
	b.emu.Reset()
	for _, f := range faults {
		b.emu.AddFault(f)
	}
	if err := ws.forgetState(); err != nil {
		return runResult{}, nil, err
	}
	res, err := ws.run(false, applyArgs...)
	return res, b.emu.Requests(), err
}

// timedPlan runs a plan against the state ws holds, logging only its requests.
func (b *bench) timedPlan(ws *workspace) (runResult, []emulator.RequestRecord, error) {
	b.emu.ClearRequests()
	res, err := ws.run(false, planArgs...)
	return res, b.emu.Requests(), err
}

// workspaceSet holds one configuration of n resources per kind: the flexslot
// clients and, when asked for, the floors they are compared with.
type workspaceSet struct {
	fx, noop, wide, time, data *workspace
}

// workspaces returns the workspace of n flexslot clients and, with floors,
// those of n no-op resources, n time_static resources (initialised from the
// tools mirror) and n terraform_data resources.
func (b *bench) workspaces(n int, tag string, floors bool) (*workspaceSet, error) {
	set := &workspaceSet{}
	configs := []struct {
		ws   **workspace
		kind string
		hcl  string
	}{{&set.fx, "flexslot", b.flexslotConfig(n, nil)}}
	if floors {
		configs = append(configs, []struct {
			ws   **workspace
			kind string
			hcl  string
		}{
			{&set.noop, "noop", noopConfig(n)},
			{&set.wide, "wide", wideConfig(n)},
			{&set.time, "time", timeConfig(n, b.timeVersion)},
			{&set.data, "data", dataConfig(n)},
		}...)
	}
	for _, c := range configs {
		ws, err := b.workspace(fmt.Sprintf("%s-%s-%d", tag, c.kind, n))
		if err != nil {
			return nil, err
		}
		if err := ws.writeConfig(c.hcl); err != nil {
			return nil, err
		}
		*c.ws = ws
	}
	if set.time != nil {
		if _, err := set.time.run(false, "init"); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// compare times apply from empty state and plan with refresh of n clients,
// each run beside the same command on n no-op resources, on n time_static
// resources and on n terraform_data resources.
func (b *bench) compare(r *report, n, runs int) error {
	set, err := b.workspaces(n, "compare", true)
	if err != nil {
		return err
	}
	fx := set.fx
	apply := &compareRow{op: "apply (create)", n: n}
	plan := &compareRow{op: "plan (refresh, no changes)", n: n}
	others := []struct {
		ws          *workspace
		apply, plan *series
		// applyCPU and planCPU are kept for the no-op provider's resources only.
		applyCPU, planCPU *series
	}{
		{set.noop, &apply.noop, &plan.noop, &apply.noopCPU, &plan.noopCPU},
		{set.wide, &apply.wide, &plan.wide, &apply.wideCPU, &plan.wideCPU},
		{set.time, &apply.time, &plan.time, nil, nil},
		{set.data, &apply.td, &plan.td, nil, nil},
	}
	keep := func(wall, cpu *series, res runResult) {
		*wall = append(*wall, res.wall)
		if cpu != nil {
			*cpu = append(*cpu, res.cpu)
		}
	}
	// One unmeasured round warms the file cache for all four.
	for i := -1; i < runs; i++ {
		res, log, err := b.freshApply(fx)
		if err != nil {
			return err
		}
		if i >= 0 {
			keep(&apply.fx, &apply.fxCPU, res)
			apply.requests = countRequests(log)
		}
		for _, o := range others {
			if err := o.ws.forgetState(); err != nil {
				return err
			}
			res, err := o.ws.run(false, applyArgs...)
			if err != nil {
				return err
			}
			if i >= 0 {
				keep(o.apply, o.applyCPU, res)
			}
		}
	}
	for i := range runs {
		res, log, err := b.timedPlan(fx)
		if err != nil {
			return err
		}
		keep(&plan.fx, &plan.fxCPU, res)
		plan.requests = countRequests(log)
		if i == 0 {
			r.planRequests = append(r.planRequests, planRequestRow{n: n, partners: len(partners(n)), requests: plan.requests})
		}
		for _, o := range others {
			res, err := o.ws.run(false, planArgs...)
			if err != nil {
				return err
			}
			keep(o.plan, o.planCPU, res)
		}
	}
	r.compare = append(r.compare, plan, apply)
	return nil
}

// latency times the same commands with every API request delayed by ms,
// each run paired with one without the delay.
func (b *bench) latency(r *report, n, ms, runs int) error {
	set, err := b.workspaces(n, "latency", false)
	if err != nil {
		return err
	}
	fx := set.fx
	fault := emulator.Fault{Kind: emulator.FaultLatency, LatencyMS: ms}
	apply := &latencyRow{op: "apply (create)", n: n, latencyMS: ms}
	plan := &latencyRow{op: "plan (refresh, no changes)", n: n, latencyMS: ms}
	for range runs {
		res, _, err := b.freshApply(fx)
		if err != nil {
			return err
		}
		apply.base = append(apply.base, res.wall)
		b.api.takePeak()
		res, log, err := b.freshApply(fx, fault)
		if err != nil {
			return err
		}
		apply.peak = max(apply.peak, b.api.takePeak())
		apply.with = append(apply.with, res.wall)
		apply.requests = countRequests(log)
	}
	b.emu.ClearFaults()
	for range runs {
		res, _, err := b.timedPlan(fx)
		if err != nil {
			return err
		}
		plan.base = append(plan.base, res.wall)
		b.emu.AddFault(fault)
		b.api.takePeak()
		res, log, err := b.timedPlan(fx)
		b.emu.ClearFaults()
		if err != nil {
			return err
		}
		plan.peak = max(plan.peak, b.api.takePeak())
		plan.with = append(plan.with, res.wall)
		plan.requests = countRequests(log)
	}
	// The critical path if every wave of -parallelism calls runs at once. A
	// no-change plan costs one list per provider process, each partner its
	// own process: one round trip per wave of partner processes. An apply
	// lists the partner's clients once in its plan walk and once in its apply
	// walk (the plan-time checks), then creates in waves.
	plan.ideal = (len(partners(n)) + b.parall - 1) / b.parall
	plan.wantPeak = min(len(partners(n)), b.parall)
	apply.ideal = (n+b.parall-1)/b.parall + 2
	apply.wantPeak = min(n, b.parall)
	r.latency = append(r.latency, plan, apply)
	return nil
}

// operations counts the API requests of each operation on n clients of one partner.
func (b *bench) operations(r *report, n int) error {
	ws, err := b.workspace("operations")
	if err != nil {
		return err
	}
	if err := ws.writeConfig(b.flexslotConfig(n, nil)); err != nil {
		return err
	}
	b.emu.Reset()
	if err := ws.forgetState(); err != nil {
		return err
	}
	// Every read of a walk is served by one list per provider process, one
	// process per partner here, which the process starts when it is
	// configured, whether it reads or not: each operation expects its writes,
	// one per client, and the lists below.
	step := func(op, command string, want expectation, args ...string) error {
		b.emu.ClearRequests()
		if _, err := ws.run(false, args...); err != nil {
			return err
		}
		r.operations = append(r.operations, operationRow{op: op, command: command, n: n, want: want, requests: countRequests(b.emu.Requests())})
		return nil
	}
	// The plan walk of an apply plans each create after a list (the plan-time
	// checks), and the apply walk plans it again; a plan that creates also
	// reads the partner row and the token's metadata, once per process.
	if err := step("create", "apply", expectation{write: reqCreate, writes: n, lists: 2, partnerReads: 2, tokenReads: 2,
		why: "1 list, 1 partner row and 1 token read per walk for the plan-time checks"}, applyArgs...); err != nil {
		return err
	}
	if err := step("read (refresh)", "apply -refresh-only", expectation{lists: 1, why: "1 list serves every read"}, "apply", "-refresh-only", "-auto-approve"); err != nil {
		return err
	}
	if err := step("no-change plan", "plan", expectation{lists: 1, why: "1 list serves every read"}, planArgs...); err != nil {
		return err
	}
	// A plan that changes a client checks the token's expiry, once per process.
	changed := "1 list for the refresh; 1 started by the apply walk's provider when configured; 1 token read per walk"
	if err := step("update", "apply (name changed)", expectation{write: reqPatch, writes: n, lists: 2, tokenReads: 2, why: changed},
		"apply", "-auto-approve", "-var=name_suffix=-renamed"); err != nil {
		return err
	}
	if err := step("rotate", "apply (rotation_triggers added)", expectation{write: reqRotate, writes: n, lists: 2, tokenReads: 2, why: changed},
		"apply", "-auto-approve", "-var=name_suffix=-renamed", "-var=rotation=1"); err != nil {
		return err
	}
	// Import the same clients into an empty state with import blocks.
	imports, err := b.importAddresses(n, "-renamed")
	if err != nil {
		return err
	}
	if err := ws.forgetState(); err != nil {
		return err
	}
	if err := ws.writeConfig(b.flexslotConfig(n, imports)); err != nil {
		return err
	}
	// The apply walk has nothing to write, and OpenTofu does not configure the
	// provider there.
	if err := step("import", "apply (import blocks)", expectation{lists: 1, why: "1 list serves every read; the apply walk writes nothing"}, "apply", "-auto-approve", "-var=name_suffix=-renamed"); err != nil {
		return err
	}
	if err := ws.writeConfig(b.flexslotConfig(n, nil)); err != nil {
		return err
	}
	// A destroy refreshes in a walk of its own before it plans, and each
	// revoke is confirmed by a list that starts after its DELETE.
	return step("delete", "destroy", expectation{write: reqDelete, writes: n, lists: 3 + n,
		why: "1 list for the refresh walk a destroy runs first, 1 started by the destroy plan's provider and 1 by the apply walk's when configured, then 1 confirming list per DELETE"},
		"destroy", "-auto-approve", "-var=name_suffix=-renamed")
}

type throttleScenario struct {
	name   string
	n      int
	method string // GET throttles the lists, the only GETs the provider sends; POST the creates
	what   string
	times  int
}

const throttleRetryAfter = 1 // seconds

// throttle answers the first sc.times requests of sc.method to the partner
// API with 429 and Retry-After: 1, each run paired with an unthrottled one.
func (b *bench) throttle(r *report, sc throttleScenario, runs int) error {
	ws, err := b.workspace(fmt.Sprintf("throttle-%d", sc.n))
	if err != nil {
		return err
	}
	if err := ws.writeConfig(b.flexslotConfig(sc.n, nil)); err != nil {
		return err
	}
	fault := emulator.Fault{Method: sc.method, PathPrefix: emulator.BasePath, Times: sc.times, Kind: emulator.FaultStatus, Status: 429, RetryAfter: throttleRetryAfter}
	row := &throttleRow{scenario: sc, retryAfter: throttleRetryAfter * time.Second}
	// The calls that can be in flight at once: one list per partner, or the creates.
	calls := len(partners(sc.n))
	if sc.method != "GET" {
		calls = sc.n
	}
	calls = min(calls, b.parall)
	row.owed = time.Duration((sc.times+calls-1)/calls) * row.retryAfter
	isPlan := sc.method == "GET"
	if isPlan {
		if _, _, err := b.freshApply(ws); err != nil {
			return err
		}
	}
	for range runs {
		var base, throttled runResult
		var log []watchedRequest
		if isPlan {
			if base, _, err = b.timedPlan(ws); err != nil {
				return err
			}
			b.emu.AddFault(fault)
			b.api.takeLog()
			throttled, _, err = b.timedPlan(ws)
			log = b.api.takeLog()
			b.emu.ClearFaults()
		} else {
			if base, _, err = b.freshApply(ws); err != nil {
				return err
			}
			b.api.takeLog()
			throttled, _, err = b.freshApply(ws, fault)
			log = b.api.takeLog()
		}
		if err != nil {
			return err
		}
		row.base = append(row.base, base.wall)
		row.throttled = append(row.throttled, throttled.wall)
		row.analyses = append(row.analyses, analyseRetries(log, sc.method, row.retryAfter))
	}
	r.throttle = append(r.throttle, row)
	return nil
}

// startupAndMemory starts the provider as a CLI would and asks for its
// schema, then watches the provider processes of a plan and of an apply.
func (b *bench) startupAndMemory(r *report, runs, largest int) error {
	for range runs {
		st, err := b.measureStartup()
		if err != nil {
			return err
		}
		r.startup = append(r.startup, st)
	}
	for _, n := range slices.Compact([]int{10, largest}) {
		set, err := b.workspaces(n, "memory", false)
		if err != nil {
			return err
		}
		fx := set.fx
		b.emu.Reset()
		if err := fx.forgetState(); err != nil {
			return err
		}
		apply, err := fx.run(true, applyArgs...)
		if err != nil {
			return err
		}
		plan, err := fx.run(true, planArgs...)
		if err != nil {
			return err
		}
		r.memory = append(r.memory,
			memoryRow{command: "apply (create)", n: n, stats: apply.provider},
			memoryRow{command: "plan (refresh)", n: n, stats: plan.provider})
	}
	return nil
}
