// Command bench measures what the provider costs a plan or an apply beside
// the floors of the CLI (terraform_data) and of plugin providers (a no-op
// provider and hashicorp/time's time_static), and how many partner API calls
// it spends, using a real OpenTofu or Terraform CLI and the emulator on
// 127.0.0.1. It prints markdown tables and can write them into the README's
// Performance section.
//
// It is run by `make bench`; it is not a test and asserts nothing.
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
	"syscall"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

type options struct {
	cli         string
	parallelism int
	quick       bool
	runs        int
	readme      string
	provider    string
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	var opts options
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&opts.cli, "cli", "", "path of the tofu or terraform binary to measure (default: the tofu tools/install.sh builds)")
	flags.IntVar(&opts.parallelism, "parallelism", 10, "the CLI's -parallelism")
	flags.BoolVar(&opts.quick, "quick", false, "fewer runs and at most 10 clients, for iterating")
	flags.IntVar(&opts.runs, "runs", 0, "runs per timed figure (default 7, or 3 with -quick)")
	flags.StringVar(&opts.readme, "readme", "", "write the table between the bench markers of this file")
	flags.StringVar(&opts.provider, "provider", "", "measure this prebuilt provider binary instead of building the module")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if opts.runs <= 0 {
		opts.runs = 7
		if opts.quick {
			opts.runs = 3
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	moduleRoot, err := devcli.ModuleRoot()
	if err != nil {
		return err
	}
	if opts.cli == "" {
		if opts.cli, err = devcli.ToolPath(moduleRoot, "tofu"); err != nil {
			return err
		}
	}
	cli, err := exec.LookPath(opts.cli)
	if err != nil {
		return err
	}
	if cli, err = filepath.Abs(cli); err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "flexslot-bench-*")
	if err != nil {
		return err
	}
	// Every process the bench starts is killed before its directory goes.
	defer os.RemoveAll(root)

	b := &bench{ctx: ctx, cli: cli, root: root, home: filepath.Join(root, "home"), parall: opts.parallelism}
	if err := os.MkdirAll(b.home, 0o755); err != nil {
		return err
	}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	progress("building the provider")
	if err := b.buildProvider(moduleRoot, opts.provider); err != nil {
		return err
	}
	if err := b.findTimeProvider(moduleRoot); err != nil {
		return err
	}
	if err := b.writeCLIConfig(); err != nil {
		return err
	}
	stopEmulator, err := b.startEmulator()
	if err != nil {
		return err
	}
	defer stopEmulator()

	r := &report{opts: opts, started: time.Now()}
	if err := r.describeMachine(ctx, b, moduleRoot); err != nil {
		return err
	}
	if err := b.measureAll(r, opts, progress); err != nil {
		return err
	}
	table := r.markdown()
	fmt.Fprint(stdout, table)
	if opts.readme != "" {
		if err := writeBetweenMarkers(opts.readme, table); err != nil {
			return err
		}
		progress("wrote the table into %s", opts.readme)
	}
	return nil
}

const (
	markerStart = "<!-- bench:start -->"
	markerEnd   = "<!-- bench:end -->"
)

// writeBetweenMarkers replaces what lies between the bench markers of path.
func writeBetweenMarkers(path, content string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(data)
	start := strings.Index(text, markerStart)
	end := strings.Index(text, markerEnd)
	if start < 0 || end < start {
		return fmt.Errorf("%s has no %s ... %s section to write the table into", path, markerStart, markerEnd)
	}
	updated := text[:start+len(markerStart)] + "\n" + content + text[end:]
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".bench.tmp"
	if err := os.WriteFile(tmp, []byte(updated), info.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
