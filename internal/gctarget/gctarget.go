// Package gctarget sets the garbage collector's target of a provider process:
// the provider's own and the bench's no-op provider, so that the bench compares
// their code and schemas, not their runtime settings.
package gctarget

import (
	"os"
	"runtime/debug"
)

// Percent is the garbage collector's target while a provider serves. A
// provider process lives for one command with a live heap of a few MiB; at
// Go's default of 100 it collects every few MiB allocated, which the plugin
// framework's per-attribute work allocates for every resource: nearly a fifth
// of the process's CPU time. At 400 the heap may grow to five times what is
// live (a few tens of MiB) before a collection.
const Percent = 400

// Apply sets Percent, unless GOGC asks for another target.
func Apply() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(Percent)
	}
}
