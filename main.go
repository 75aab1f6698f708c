package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/flexslot/terraform-provider-flexslot/internal/provider"
	"github.com/flexslot/terraform-provider-flexslot/internal/serveprocess"
)

// version is set by the release build (goreleaser passes -ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	serveprocess.Prepare()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/flexslot/flexslot",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
