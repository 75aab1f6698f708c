// Command clisetup gives shell scripts the development CLI setup of package
// internal/devcli, so that they configure OpenTofu and Terraform exactly as
// the acceptance tests and the benchmark do.
//
//	go run ./internal/cmd/clisetup build DIR       build the provider into DIR/bin, and as a
//	                                               filesystem mirror into DIR/mirror; print DIR/bin
//	go run ./internal/cmd/clisetup cli-config DIR  the same, then write DIR/cli.tfrc and print the
//	                                               shell commands that point a CLI at it
//	go run ./internal/cmd/clisetup path NAME       print where tools/install.sh puts NAME: tofu and
//	                                               terraform at the versions of tools/versions.env
//
// A script evaluates the output of cli-config, after checking that it succeeded:
//
//	env=$(go run ./internal/cmd/clisetup cli-config "$work")
//	eval "$env"
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

const usage = `usage: clisetup build DIR | cli-config DIR | path NAME`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "clisetup:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return errors.New(usage)
	}
	root, err := devcli.ModuleRoot()
	if err != nil {
		return err
	}
	switch args[0] {
	case "build":
		build, err := buildIn(ctx, root, args[1])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, build.Dir)
		return err
	case "cli-config":
		build, err := buildIn(ctx, root, args[1])
		if err != nil {
			return err
		}
		path := filepath.Join(filepath.Dir(build.Dir), "cli.tfrc")
		if err := build.Config().Write(path); err != nil {
			return err
		}
		_, err = io.WriteString(stdout, shellEnv(path))
		return err
	case "path":
		path, err := devcli.ToolPath(root, args[1])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, path)
		return err
	}
	return errors.New(usage)
}

func buildIn(ctx context.Context, root, dir string) (*devcli.Build, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return devcli.BuildProvider(ctx, root, dir)
}

// shellEnv returns the shell commands that give a CLI the environment of
// devcli.Environ and remove devcli.SteeringVariables.
func shellEnv(cliConfig string) string {
	var b strings.Builder
	for _, kv := range devcli.Environ(cliConfig) {
		key, value, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", key, shellQuote(value))
	}
	fmt.Fprintf(&b, "unset %s\n", strings.Join(devcli.SteeringVariables, " "))
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
