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
		progress("%d clients beside %d terraform_data, %d runs each", n, n, opts.runs)
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
		{name: "plan (refresh)", n: 10, method: "GET", prefix: emulator.BasePath + "/", times: 5},
		{name: "apply (create)", n: 10, method: "POST", prefix: emulator.BasePath, times: 5},
	}
	if !opts.quick {
		throttled = append(throttled, throttleScenario{name: "plan (refresh)", n: 100, method: "GET", prefix: emulator.BasePath + "/", times: 10})
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

// workspaces returns the workspaces of n flexslot clients, n no-op resources
// and n terraform_data resources.
func (b *bench) workspaces(n int, tag string) (fx, noop, td *workspace, err error) {
	configs := []struct {
		ws   **workspace
		kind string
		hcl  string
	}{
		{&fx, "flexslot", b.flexslotConfig(n, nil)},
		{&noop, "noop", noopConfig(n)},
		{&td, "data", dataConfig(n)},
	}
	for _, c := range configs {
		if *c.ws, err = b.workspace(fmt.Sprintf("%s-%s-%d", tag, c.kind, n)); err != nil {
			return nil, nil, nil, err
		}
		if err = (*c.ws).writeConfig(c.hcl); err != nil {
			return nil, nil, nil, err
		}
	}
	return fx, noop, td, nil
}

// compare times apply from empty state and plan with refresh of n clients,
// each run beside the same command on n no-op resources and on n
// terraform_data resources.
func (b *bench) compare(r *report, n, runs int) error {
	fx, noop, td, err := b.workspaces(n, "compare")
	if err != nil {
		return err
	}
	apply := &compareRow{op: "apply (create)", n: n}
	plan := &compareRow{op: "plan (refresh, no changes)", n: n}
	others := []struct {
		ws    *workspace
		apply *series
		plan  *series
	}{{noop, &apply.noop, &plan.noop}, {td, &apply.td, &plan.td}}
	// One unmeasured round warms the file cache for all three.
	for i := -1; i < runs; i++ {
		res, log, err := b.freshApply(fx)
		if err != nil {
			return err
		}
		if i >= 0 {
			apply.fx = append(apply.fx, res.wall)
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
				*o.apply = append(*o.apply, res.wall)
			}
		}
	}
	for i := range runs {
		res, log, err := b.timedPlan(fx)
		if err != nil {
			return err
		}
		plan.fx = append(plan.fx, res.wall)
		plan.requests = countRequests(log)
		if i == 0 {
			r.planRequests = append(r.planRequests, planRequestRow{n: n, requests: plan.requests})
		}
		for _, o := range others {
			res, err := o.ws.run(false, planArgs...)
			if err != nil {
				return err
			}
			*o.plan = append(*o.plan, res.wall)
		}
	}
	r.compare = append(r.compare, plan, apply)
	return nil
}

// latency times the same commands with every API request delayed by ms,
// each run paired with one without the delay.
func (b *bench) latency(r *report, n, ms, runs int) error {
	fx, _, _, err := b.workspaces(n, "latency")
	if err != nil {
		return err
	}
	fault := emulator.Fault{Kind: emulator.FaultLatency, LatencyMS: ms}
	apply := &latencyRow{op: "apply (create)", n: n, latencyMS: ms}
	plan := &latencyRow{op: "plan (refresh, no changes)", n: n, latencyMS: ms}
	for range runs {
		res, _, err := b.freshApply(fx)
		if err != nil {
			return err
		}
		apply.base = append(apply.base, res.wall)
		b.inflight.takePeak()
		res, log, err := b.freshApply(fx, fault)
		if err != nil {
			return err
		}
		apply.peak = max(apply.peak, b.inflight.takePeak())
		apply.with = append(apply.with, res.wall)
		apply.requests = len(log)
	}
	b.emu.ClearFaults()
	for range runs {
		res, _, err := b.timedPlan(fx)
		if err != nil {
			return err
		}
		plan.base = append(plan.base, res.wall)
		b.emu.AddFault(fault)
		b.inflight.takePeak()
		res, log, err := b.timedPlan(fx)
		b.emu.ClearFaults()
		if err != nil {
			return err
		}
		plan.peak = max(plan.peak, b.inflight.takePeak())
		plan.with = append(plan.with, res.wall)
		plan.requests = len(log)
	}
	// The critical path if every wave of -parallelism calls runs at once:
	// a plan reads in ceil(n/p) waves; an apply lists the partner's clients
	// once in its plan walk and once in its apply walk, then creates in waves.
	waves := (n + b.parall - 1) / b.parall
	plan.ideal = waves
	apply.ideal = waves + 2
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
	step := func(op, command, write string, args ...string) error {
		b.emu.ClearRequests()
		if _, err := ws.run(false, args...); err != nil {
			return err
		}
		r.operations = append(r.operations, operationRow{op: op, command: command, n: n, write: write, requests: countRequests(b.emu.Requests())})
		return nil
	}
	if err := step("create", "apply", reqCreate, applyArgs...); err != nil {
		return err
	}
	if err := step("read (refresh)", "apply -refresh-only", reqGet, "apply", "-refresh-only", "-auto-approve"); err != nil {
		return err
	}
	if err := step("no-change plan", "plan", reqGet, planArgs...); err != nil {
		return err
	}
	if err := step("update", "apply (name changed)", reqPatch, "apply", "-auto-approve", "-var=name_suffix=-renamed"); err != nil {
		return err
	}
	if err := step("rotate", "apply (rotation_triggers added)", reqRotate, "apply", "-auto-approve", "-var=name_suffix=-renamed", "-var=rotation=1"); err != nil {
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
	if err := step("import", "apply (import blocks)", reqGet, "apply", "-auto-approve", "-var=name_suffix=-renamed"); err != nil {
		return err
	}
	if err := ws.writeConfig(b.flexslotConfig(n, nil)); err != nil {
		return err
	}
	return step("delete", "destroy", reqDelete, "destroy", "-auto-approve", "-var=name_suffix=-renamed")
}

type throttleScenario struct {
	name   string
	n      int
	method string
	prefix string
	times  int
}

const throttleRetryAfter = 1 // seconds

// throttle answers the first sc.times matching requests with 429 and
// Retry-After: 1, each run paired with an unthrottled one.
func (b *bench) throttle(r *report, sc throttleScenario, runs int) error {
	ws, err := b.workspace(fmt.Sprintf("throttle-%d", sc.n))
	if err != nil {
		return err
	}
	if err := ws.writeConfig(b.flexslotConfig(sc.n, nil)); err != nil {
		return err
	}
	fault := emulator.Fault{Method: sc.method, PathPrefix: sc.prefix, Times: sc.times, Kind: emulator.FaultStatus, Status: 429, RetryAfter: throttleRetryAfter}
	row := &throttleRow{scenario: sc, retryAfter: throttleRetryAfter * time.Second}
	isPlan := sc.method == "GET"
	if isPlan {
		if _, _, err := b.freshApply(ws); err != nil {
			return err
		}
	}
	for range runs {
		var base, throttled runResult
		var log []emulator.RequestRecord
		if isPlan {
			if base, _, err = b.timedPlan(ws); err != nil {
				return err
			}
			b.emu.AddFault(fault)
			throttled, log, err = b.timedPlan(ws)
			b.emu.ClearFaults()
		} else {
			if base, _, err = b.freshApply(ws); err != nil {
				return err
			}
			throttled, log, err = b.freshApply(ws, fault)
		}
		if err != nil {
			return err
		}
		row.base = append(row.base, base.wall)
		row.throttled = append(row.throttled, throttled.wall)
		row.analyses = append(row.analyses, analyseRetries(log, row.retryAfter))
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
		fx, _, _, err := b.workspaces(n, "memory")
		if err != nil {
			return err
		}
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
