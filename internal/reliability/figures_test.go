package reliability

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
)

// FiguresEnv names the environment variable holding the path TestMain writes
// the figures table to, after a successful acceptance run.
const FiguresEnv = "FLEXSLOT_RELIABILITY_FIGURES"

// IgnoredSuffix ends the name of a fault case run with the emulator ignoring
// Idempotency-Key.
const IgnoredSuffix = " (Idempotency-Key ignored)"

// Operations in the order the table lists them.
var Operations = []string{"create", "rotate", "update", "read", "delete"}

// FaultCase is one fault injected into one operation and what came of it.
type FaultCase struct {
	Operation string
	Fault     string
	// Injected is how many answers the emulator broke.
	Injected int
	// Retries is how many times the provider repeated the request within the
	// apply that met the fault, counted in the emulator's request log.
	Retries int
	// Outcome is "converged" when the first apply succeeded, or
	// "failed clearly, converged on next apply".
	Outcome string
}

// Figures is everything a run of the suite exercised.
type Figures struct {
	CLI  string
	Date string

	Faults []FaultCase

	ConcurrentCreates int
	CreatedAtLimit    int
	RefusedAtLimit    int
	IsolatedPartners  int

	InputsRefused   int
	EdgesAccepted   int
	TransportChecks int

	LeakScans   int
	LeakSecrets int
	LeaksFound  int
}

// Recorder collects figures from parallel tests.
type Recorder struct {
	mu sync.Mutex
	f  Figures
}

// Update changes the figures under the recorder's lock.
func (r *Recorder) Update(fn func(*Figures)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.f)
}

// Write writes the figures table to path.
func (r *Recorder) Write(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return os.WriteFile(path, []byte(r.f.Markdown()), 0o600)
}

// Markdown renders the figures as the tables of the reliability guide.
func (f *Figures) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run on %s, %s.\n\n", f.CLI, f.Date)

	b.WriteString("| operation | faults injected | broken answers | retries in the request log | converged in the same apply | failed clearly, converged on the next apply |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|\n")
	var total FaultCase
	var totalCases, totalOK, totalFailed int
	for _, op := range Operations {
		var cases, injected, retries, ok, failed int
		for _, c := range f.Faults {
			if c.Operation != op {
				continue
			}
			cases++
			injected += c.Injected
			retries += c.Retries
			if c.Outcome == OutcomeConverged {
				ok++
			} else {
				failed++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", op, cases, injected, retries, ok, failed)
		totalCases += cases
		total.Injected += injected
		total.Retries += retries
		totalOK += ok
		totalFailed += failed
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** | **%d** | **%d** | **%d** |\n\n", totalCases, total.Injected, total.Retries, totalOK, totalFailed)

	// Each fault is named once, saying which ran with Idempotency-Key
	// honoured only, or ignored only.
	honoured, ignored := map[string]bool{}, map[string]bool{}
	for _, c := range f.Faults {
		if base, ok := strings.CutSuffix(c.Fault, IgnoredSuffix); ok {
			ignored[base] = true
		} else {
			honoured[c.Fault] = true
		}
	}
	var names, honouredOnly, ignoredOnly []string
	for _, name := range slices.Sorted(maps.Keys(honoured)) {
		names = append(names, name)
		if !ignored[name] {
			honouredOnly = append(honouredOnly, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(ignored)) {
		if !honoured[name] {
			names = append(names, name)
			ignoredOnly = append(ignoredOnly, name)
		}
	}
	slices.Sort(names)
	fmt.Fprintf(&b, "Faults: %s; each with the emulator honouring `Idempotency-Key` and again ignoring it", strings.Join(names, ", "))
	if len(honouredOnly) > 0 {
		fmt.Fprintf(&b, ", but for %s (honoured only)", strings.Join(honouredOnly, ", "))
	}
	if len(ignoredOnly) > 0 {
		fmt.Fprintf(&b, ", but for %s (ignored only)", strings.Join(ignoredOnly, ", "))
	}
	b.WriteString(".\n\n")

	b.WriteString("| other checks | figure |\n|---|---:|\n")
	fmt.Fprintf(&b, "| concurrent creates on an empty partner (`-parallelism=12`) | %d |\n", f.ConcurrentCreates)
	fmt.Fprintf(&b, "| created (the limit is 10) | %d |\n", f.CreatedAtLimit)
	fmt.Fprintf(&b, "| refused naming the limit | %d |\n", f.RefusedAtLimit)
	fmt.Fprintf(&b, "| partners kept isolated in one configuration | %d |\n", f.IsolatedPartners)
	fmt.Fprintf(&b, "| invalid inputs refused before any API call | %d |\n", f.InputsRefused)
	fmt.Fprintf(&b, "| valid values at the edge of a rule, accepted at plan and by the API | %d |\n", f.EdgesAccepted)
	fmt.Fprintf(&b, "| transport checks (plaintext URL, TLS trust, redirect) | %d |\n", f.TransportChecks)
	fmt.Fprintf(&b, "| outputs and log files scanned for secrets | %d |\n", f.LeakScans)
	fmt.Fprintf(&b, "| secret and token values searched for | %d |\n", f.LeakSecrets)
	fmt.Fprintf(&b, "| **leaks found** | **%d** |\n", f.LeaksFound)
	return b.String()
}

// Outcomes of a fault case.
const (
	OutcomeConverged   = "converged"
	OutcomeFailedClean = "failed clearly, converged on next apply"
)
