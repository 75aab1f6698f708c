// Package serveprocess prepares a provider process to serve: the provider's
// own and the bench's no-op provider, so that the bench compares their code
// and schemas, not their runtime settings.
package serveprocess

import (
	"os"
	"runtime/debug"
	"strings"
)

// Prepare quiets the loggers unless asked for logs and sets the garbage
// collector's target.
func Prepare() {
	quietLogsUnlessRequested()
	collectLessOften()
}

// quietedLogEnv are the log level variables of the provider and the plugin SDK.
var quietedLogEnv = []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietLogsUnlessRequested turns the plugin SDK's and the provider's loggers
// off when no TF_LOG* variable asks for logs: unset, they log at TRACE and the
// CLI throws every line away after the provider paid for writing it.
func quietLogsUnlessRequested() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range quietedLogEnv {
		os.Setenv(name, "off")
	}
}

// GCPercent is the garbage collector's target while a provider serves. A
// provider process lives for one command with a live heap of a few MiB; at
// Go's default of 100 it collects every few MiB allocated, which the plugin
// framework's per-attribute work allocates for every resource: nearly a fifth
// of the process's CPU time. At 400 the heap may grow to five times what is
// live (a few tens of MiB) before a collection.
const GCPercent = 400

// collectLessOften sets GCPercent, unless GOGC asks for another target.
func collectLessOften() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
}
