package main

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// series is the wall times of repeated runs of one command.
type series []time.Duration

func (s series) sorted() []time.Duration {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func (s series) median() time.Duration {
	c := s.sorted()
	if len(c) == 0 {
		return 0
	}
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func (s series) min() time.Duration { return s.sorted()[0] }
func (s series) max() time.Duration { return s.sorted()[len(s)-1] }

func (s series) String() string {
	if len(s) == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%s–%s)", secs(s.median()), secsBare(s.min()), secsBare(s.max()))
}

func secs(d time.Duration) string     { return secsBare(d) + " s" }
func secsBare(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func medianFloat(v []float64) float64 {
	c := slices.Clone(v)
	slices.Sort(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

// ratios returns a[i]/b[i] for runs made in pairs.
func ratios(a, b series) []float64 {
	r := make([]float64, min(len(a), len(b)))
	for i := range r {
		r[i] = a[i].Seconds() / b[i].Seconds()
	}
	return r
}

func ratioString(r []float64) string {
	c := slices.Clone(r)
	slices.Sort(c)
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", medianFloat(c), c[0], c[len(c)-1])
}

// Request kinds as the tables show them.
const (
	reqList   = "GET list"
	reqCreate = "POST create"
	reqGet    = "GET"
	// The plan-time checks' reads: the partner row and the token's metadata.
	reqPartner = "GET partner"
	reqToken   = "GET token"
	reqPatch   = "PATCH"
	reqRotate  = "POST rotate-secret"
	reqDelete  = "DELETE"
)

var requestKinds = []string{reqCreate, reqList, reqGet, reqPartner, reqToken, reqPatch, reqRotate, reqDelete}

// kindOf is the request kind of each operation of the emulator's request log.
var kindOf = map[string]string{
	emulator.OperationList:        reqList,
	emulator.OperationCreate:      reqCreate,
	emulator.OperationGet:         reqGet,
	emulator.OperationUpdate:      reqPatch,
	emulator.OperationRotate:      reqRotate,
	emulator.OperationRevoke:      reqDelete,
	emulator.OperationPartner:     reqPartner,
	emulator.OperationAccessToken: reqToken,
}

func classify(r emulator.RequestRecord) string {
	if kind, ok := kindOf[r.Operation]; ok {
		return kind
	}
	return r.Method
}

// requestCounts counts a request log by kind.
type requestCounts map[string]int

func countRequests(log []emulator.RequestRecord) requestCounts {
	c := requestCounts{}
	for _, r := range log {
		c[classify(r)]++
	}
	return c
}

func (c requestCounts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// equal reports whether c and d count the same requests of every kind.
func (c requestCounts) equal(d requestCounts) bool {
	for kind, v := range c {
		if d[kind] != v {
			return false
		}
	}
	for kind, v := range d {
		if c[kind] != v {
			return false
		}
	}
	return true
}

func (c requestCounts) String() string {
	var parts []string
	for _, kind := range requestKinds {
		if c[kind] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[kind], kind))
		}
	}
	var other []string
	for kind, v := range c {
		if !slices.Contains(requestKinds, kind) {
			other = append(other, fmt.Sprintf("%d %s", v, kind))
		}
	}
	sort.Strings(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// retryAnalysis groups a request log into logical calls and measures how
// each call waited after a 429.
type retryAnalysis struct {
	attempts  int
	throttled int
	// demanded is the longest total wait the Retry-After values impose on any one call.
	demanded time.Duration
	// earliest and latest are the smallest and largest gaps between a 429 and
	// the next attempt of the same call, minus the Retry-After it asked for.
	earliest, latest time.Duration
	gaps             int
}

// analyseRetries looks at the requests of method in log, which is in order
// of arrival. A logical call is the attempts of one partner with the same
// method, path and Idempotency-Key (lists carry none) up to the first answer
// that is not a 429: the next attempt after it starts another call.
func analyseRetries(log []watchedRequest, method string, retryAfter time.Duration) retryAnalysis {
	var a retryAnalysis
	open := map[string][]watchedRequest{}
	var calls [][]watchedRequest
	closeCall := func(key string) {
		if attempts := open[key]; len(attempts) > 0 {
			calls = append(calls, attempts)
		}
		delete(open, key)
	}
	for _, r := range log {
		if r.method != method {
			continue
		}
		a.attempts++
		key := r.partner + " " + r.method + " " + r.path + " " + r.idempotencyKey
		open[key] = append(open[key], r)
		if r.status != 429 {
			closeCall(key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(open)) {
		closeCall(key)
	}
	first := true
	for _, attempts := range calls {
		var demanded time.Duration
		for i, r := range attempts {
			if r.status != 429 {
				continue
			}
			a.throttled++
			demanded += retryAfter
			if i+1 < len(attempts) {
				gap := attempts[i+1].at.Sub(r.at) - retryAfter
				if first || gap < a.earliest {
					a.earliest = gap
				}
				if first || gap > a.latest {
					a.latest = gap
				}
				first = false
				a.gaps++
			}
		}
		a.demanded = max(a.demanded, demanded)
	}
	return a
}

func mib(kib int) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
