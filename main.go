package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/flexslot/terraform-provider-flexslot/internal/provider"
)

// version is set by the release build (goreleaser passes -ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debugger bool
	flag.BoolVar(&debugger, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietLogsUnlessRequested()
	collectLessOftenUnlessRequested()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/flexslot/flexslot",
		Debug:   debugger,
	})
	if err != nil {
		log.Fatal(err)
	}
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

// servingGCPercent is the garbage collector's target while the provider
// serves. A provider process lives for one command with a live heap of a few
// MiB; at Go's default of 100 it collects every few MiB allocated, which the
// plugin framework's per-attribute work allocates for every resource: nearly a
// fifth of the process's CPU time. At 400 the heap may grow to five times
// what is live (a few tens of MiB) before a collection.
const servingGCPercent = 400

// collectLessOftenUnlessRequested sets servingGCPercent, unless GOGC asks for
// another target.
func collectLessOftenUnlessRequested() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(servingGCPercent)
	}
}
