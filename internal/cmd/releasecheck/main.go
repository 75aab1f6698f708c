// Command releasecheck checks the files of a provider release against the names
// and contents that the Terraform Registry and the OpenTofu Registry require:
//
//	terraform-provider-flexslot_<version>_<os>_<arch>.zip
//	    holding terraform-provider-flexslot_v<version> (.exe on Windows), executable,
//	    at the top of the zip, beside LICENSE and nothing else
//	terraform-provider-flexslot_<version>_manifest.json
//	    identical to terraform-registry-manifest.json
//	terraform-provider-flexslot_<version>_SHA256SUMS
//	    one line for each zip and for the manifest, every checksum right
//	terraform-provider-flexslot_<version>_SHA256SUMS.sig   (with -signed)
//
// and, with -handshake, starts the binary built for this machine the way
// Terraform and OpenTofu do and reads its go-plugin handshake line.
//
// Usage:
//
//	go run ./internal/cmd/releasecheck [flags] DIR
//	    DIR holds a release's files as uploaded (the release workflow downloads them)
//	    -dist             DIR is goreleaser's dist/: check what a release of it
//	                      uploads, as DIR/artifacts.json lists it, and the
//	                      release.extra_files of DIR/config.yaml, renamed
//	    -version V        the version every name must carry (default: DIR/metadata.json)
//	    -target OS_ARCH   a zip that must be there, e.g. linux_amd64 (repeatable)
//	    -all-targets      every release target must be there
//	    -signed           the .sig must be there and verify with gpg
//	    -handshake        run the plugin handshake with this machine's binary
//	    -build-info       every binary was built from this module for its zip's
//	                      OS and architecture, without cgo, with main.version=V
//	    -manifest FILE    the manifest the release must carry
//	                      (default: terraform-registry-manifest.json of this checkout)
//	go run ./internal/cmd/releasecheck snapshot [-all-targets]
//	    goreleaser check, then a snapshot release of linux_amd64 (of every target
//	    with -all-targets) into dist/, signed with a throwaway key when gpg is
//	    there, then the checks above on it as -dist, with -build-info, -signed
//	    when signed, and the handshake when this machine's binary was built.
//	    Runs goreleaser through tools/gotool.sh, or $GORELEASER when set.
//	go run ./internal/cmd/releasecheck changelog [-f FILE] [VERSION]
//	    checks FILE (default CHANGELOG.md) against the format its top describes
//	    and, given VERSION, prints that version's section: the release notes
//
// It prints every problem it finds and exits 1 if there are any, 2 if it could
// not check at all.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type targetsFlag []string

func (t *targetsFlag) String() string     { return strings.Join(*t, ",") }
func (t *targetsFlag) Set(v string) error { *t = append(*t, v); return nil }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root, err := devcli.ModuleRoot()
	if err != nil {
		fmt.Fprintln(stderr, "release-check:", err)
		return 2
	}
	if len(args) > 0 {
		switch args[0] {
		case "changelog":
			return runChangelog(args[1:], stdout, stderr, filepath.Join(root, "CHANGELOG.md"))
		case "snapshot":
			return runSnapshot(ctx, root, args[1:], stdout, stderr)
		}
	}

	c := Check{Root: root, Manifest: filepath.Join(root, "terraform-registry-manifest.json")}
	flags := flag.NewFlagSet("releasecheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.BoolVar(&c.Dist, "dist", false, "DIR is goreleaser's dist/: check what a release of it uploads")
	flags.StringVar(&c.Version, "version", "", "the version every name must carry (default: DIR/metadata.json)")
	flags.Var((*targetsFlag)(&c.Targets), "target", "an OS_ARCH whose zip must be there (repeatable)")
	all := flags.Bool("all-targets", false, "every release target must be there")
	flags.BoolVar(&c.Signed, "signed", false, "the SHA256SUMS.sig must be there and verify with gpg")
	flags.BoolVar(&c.Handshake, "handshake", false, "run the plugin handshake with this machine's binary")
	flags.BoolVar(&c.BuildInfo, "build-info", false, "every binary was built from this module for its zip's target, without cgo, with main.version")
	flags.StringVar(&c.Manifest, "manifest", c.Manifest, "the manifest the release must carry")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: releasecheck [flags] DIR | snapshot [-all-targets] | changelog [-f FILE] [VERSION]")
		flags.PrintDefaults()
		return 2
	}
	if *all {
		c.Targets = append(c.Targets, allTargets...)
	}
	c.Dir = flags.Arg(0)
	return finish(ctx, c, stdout, stderr)
}

func runSnapshot(ctx context.Context, root string, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("releasecheck snapshot", flag.ContinueOnError)
	flags.SetOutput(stderr)
	all := flags.Bool("all-targets", false, "build every release target, not only linux_amd64")
	if err := flags.Parse(args); err != nil || flags.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: releasecheck snapshot [-all-targets]")
		return 2
	}
	work, err := os.MkdirTemp("", "release-check")
	if err != nil {
		fmt.Fprintln(stderr, "release-check:", err)
		return 2
	}
	defer os.RemoveAll(work)
	signed, err := snapshot(ctx, root, work, *all, stdout, stderr)
	if signed {
		// The gpg-agent of the throwaway keyring goes with it.
		defer func() { _ = exec.Command("gpgconf", "--kill", "all").Run() }()
	}
	if err != nil {
		fmt.Fprintln(stderr, "release-check:", err)
		return 2
	}
	c := Check{
		Dir:              filepath.Join(root, "dist"),
		Dist:             true,
		Root:             root,
		Signed:           signed,
		HandshakeIfBuilt: true,
		BuildInfo:        true,
		Manifest:         filepath.Join(root, "terraform-registry-manifest.json"),
		Targets:          []string{"linux_amd64"},
	}
	if *all {
		c.Targets = allTargets
	}
	return finish(ctx, c, stdout, stderr)
}

func finish(ctx context.Context, c Check, stdout, stderr io.Writer) int {
	problems, err := c.Run(ctx, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "release-check:", err)
		return 2
	}
	if problems > 0 {
		return 1
	}
	return 0
}
