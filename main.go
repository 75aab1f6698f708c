package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/flexslot/terraform-provider-flexslot/internal/gctarget"
	"github.com/flexslot/terraform-provider-flexslot/internal/provider"
)

// version is set by the release build (goreleaser passes -ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietLogsUnlessRequested()
	gctarget.Apply()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/flexslot/flexslot",
		Debug:   debug,
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
