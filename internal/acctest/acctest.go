// Package acctest runs acceptance tests through a real Terraform or OpenTofu
// CLI that launches the provider as a plugin process, exactly as users run it.
//
// terraform-plugin-testing serves the provider in-process and hides the CLI's
// output; this harness keeps it, so tests can assert plan-time warnings, pass
// CLI flags such as -parallelism, and inspect CLI output and TF_LOG files.
package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

// DevOverridesWarning is the summary of the warning both CLIs emit on every
// command while dev_overrides are configured.
const DevOverridesWarning = "Provider development overrides are in effect"

var providerBuild struct {
	once  sync.Once
	build *devcli.Build
	err   error
}

// ProviderBinary builds the provider once per test process and returns the
// directory holding the binary. The build lives in os.TempDir until a later
// test process finds it abandoned and removes it.
func ProviderBinary(t testing.TB) string {
	t.Helper()
	return provider(t).Dir
}

func provider(t testing.TB) *devcli.Build {
	t.Helper()
	providerBuild.once.Do(func() {
		providerBuild.build, providerBuild.err = buildProvider()
	})
	if providerBuild.err != nil {
		t.Fatalf("building the provider: %s", providerBuild.err)
	}
	return providerBuild.build
}

const (
	buildDirPattern = "flexslot-acctest-*"
	buildLockName   = ".lock"
)

// buildProvider builds the provider into a directory of its own, locked for
// the life of the test process.
func buildProvider() (build *devcli.Build, err error) {
	root, err := devcli.ModuleRoot()
	if err != nil {
		return nil, err
	}
	removeAbandonedBuilds()
	dir, err := os.MkdirTemp("", buildDirPattern)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := lockForProcess(filepath.Join(dir, buildLockName)); err != nil {
		return nil, err
	}
	return devcli.BuildProvider(context.Background(), root, dir)
}

// removeAbandonedBuilds removes the builds of test processes that have exited.
func removeAbandonedBuilds() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), buildDirPattern))
	for _, dir := range dirs {
		if abandoned(filepath.Join(dir, buildLockName)) {
			os.RemoveAll(dir)
		}
	}
}

// CLI returns the absolute path of the CLI named by TF_ACC_TERRAFORM_PATH.
// It skips the test unless TF_ACC is set, as resource.Test does.
func CLI(t testing.TB) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run acceptance tests")
	}
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		t.Fatal("TF_ACC is set but TF_ACC_TERRAFORM_PATH is empty: point it at a terraform or tofu binary (./tools/install.sh builds them)")
	}
	resolved, err := exec.LookPath(path)
	if err != nil {
		t.Fatalf("TF_ACC_TERRAFORM_PATH=%q is not an executable: %s", path, err)
	}
	// exec.Cmd resolves a relative path against Cmd.Dir, not the test's directory.
	abs, err := filepath.Abs(resolved)
	if err != nil {
		t.Fatalf("TF_ACC_TERRAFORM_PATH=%q: %s", path, err)
	}
	return abs
}

// Workspace is a working directory with a CLI configuration of its own, in
// which CLI commands run with a clean environment.
type Workspace struct {
	Dir string

	t         testing.TB
	cli       string
	cliConfig string
	ctx       context.Context
	running   sync.WaitGroup

	mu  sync.Mutex
	env map[string]string
}

// NewWorkspace returns a workspace whose CLI uses the provider built by
// ProviderBinary through dev_overrides. Commands still running when the test
// ends are killed together with every process they started.
func NewWorkspace(t testing.TB) *Workspace {
	t.Helper()
	cli := CLI(t)
	build := provider(t)

	// Created before the cleanup below is registered, so they are removed
	// only after every process using them is gone.
	w := &Workspace{Dir: t.TempDir(), t: t, cli: cli}
	w.cliConfig = filepath.Join(t.TempDir(), "cli.tfrc")
	if err := build.Config().Write(w.cliConfig); err != nil {
		t.Fatal(err)
	}

	w.env = map[string]string{}
	for _, kv := range devcli.Environ(w.cliConfig) {
		key, value, _ := strings.Cut(kv, "=")
		w.env[key] = value
	}
	for _, key := range []string{"PATH", "HOME", "TMPDIR"} {
		if value, ok := os.LookupEnv(key); ok {
			w.env[key] = value
		}
	}

	// t.Context is cancelled, killing the commands, before cleanups run.
	w.ctx = t.Context()
	t.Cleanup(w.running.Wait)
	return w
}

// SetEnv sets a variable in the environment of subsequent commands,
// overriding the harness's own settings.
func (w *Workspace) SetEnv(key, value string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.env[key] = value
}

func (w *Workspace) environ() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	env := make([]string, 0, len(w.env))
	for key, value := range w.env {
		env = append(env, key+"="+value)
	}
	slices.Sort(env)
	return env
}

// WriteConfig replaces main.tf.
func (w *Workspace) WriteConfig(hcl string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Run runs the CLI with args in Dir and returns its output; a non-zero exit
// is not a test failure. Run may be called from other goroutines.
func (w *Workspace) Run(args ...string) *Result {
	w.running.Add(1)
	defer w.running.Done()

	result := &Result{Args: args}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(w.ctx, w.cli, args...)
	cmd.Dir = w.Dir
	cmd.Env = w.environ()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Plugins and provisioner commands inherit the process group, so killing
	// the group leaves nothing behind even when the CLI itself is killed.
	devcli.OwnProcessGroup(cmd)
	cmd.WaitDelay = 10 * time.Second

	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
		// Reaps plugins a crashed CLI left running.
		_ = devcli.KillProcessGroup(cmd.Process.Pid)
	}
	result.Stdout, result.Stderr = stdout.String(), stderr.String()

	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		result.ExitCode = exitErr.ExitCode()
	default:
		result.ExitCode = -1
		w.t.Errorf("running %s %s: %s", w.cli, strings.Join(args, " "), err)
	}
	return result
}

// Init runs init and fails the test if it fails.
func (w *Workspace) Init() *Result {
	w.t.Helper()
	return w.Run("init", "-input=false", "-no-color").RequireSuccess(w.t)
}

// Plan runs plan with machine-readable output; add -detailed-exitcode to args
// to tell "no changes" (0) from "changes" (2).
func (w *Workspace) Plan(args ...string) *Result {
	return w.Run(append([]string{"plan", "-input=false", "-no-color", "-json"}, args...)...)
}

// Apply runs apply with machine-readable output.
func (w *Workspace) Apply(args ...string) *Result {
	return w.Run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color", "-json"}, args...)...)
}

// Destroy runs destroy with machine-readable output.
func (w *Workspace) Destroy(args ...string) *Result {
	return w.Run(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color", "-json"}, args...)...)
}

// State returns the current state as reported by show -json.
func (w *Workspace) State(t testing.TB) *tfjson.State {
	t.Helper()
	result := w.Run("show", "-json", "-no-color").RequireSuccess(t)
	var state tfjson.State
	if err := json.Unmarshal([]byte(result.Stdout), &state); err != nil {
		t.Fatalf("parsing show -json: %s\n%s", err, result.Stdout)
	}
	return &state
}

// Result is the outcome of one CLI command.
type Result struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int
}

// RequireSuccess fails the test with the command's output unless it exited 0.
func (r *Result) RequireSuccess(t testing.TB) *Result {
	t.Helper()
	if r.ExitCode != 0 {
		t.Fatalf("%s exited %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Stdout, r.Stderr)
	}
	return r
}

// Diagnostic is a diagnostic of the CLI's machine-readable UI output.
type Diagnostic struct {
	Severity string        `json:"severity"`
	Summary  string        `json:"summary"`
	Detail   string        `json:"detail"`
	Address  string        `json:"address,omitempty"`
	Range    *tfjson.Range `json:"range,omitempty"`
}

func (d Diagnostic) String() string {
	s := d.Severity + ": " + d.Summary
	if d.Address != "" {
		s += " (" + d.Address + ")"
	}
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	return s
}

// uiMessage is one line of -json output; see "Machine-Readable UI" in the
// Terraform and OpenTofu docs.
type uiMessage struct {
	Type       string      `json:"type"`
	Diagnostic *Diagnostic `json:"diagnostic"`
	Change     *struct {
		Resource struct {
			Addr string `json:"addr"`
		} `json:"resource"`
		Action string `json:"action"`
	} `json:"change"`
	Changes *struct {
		Add    int `json:"add"`
		Change int `json:"change"`
		Import int `json:"import"`
		Remove int `json:"remove"`
	} `json:"changes"`
	Found    *ListResult `json:"list_resource_found"`
	Complete *struct {
		Address string `json:"address"`
		Total   int    `json:"total"`
	} `json:"list_complete"`
}

// ListResult is an object that `terraform query -json` found.
type ListResult struct {
	// Address is the list block's, such as list.flexslot_oauth2_client.all.
	Address     string         `json:"address"`
	DisplayName string         `json:"display_name"`
	Identity    map[string]any `json:"identity"`
	// Resource is the object itself, for list blocks with include_resource.
	Resource map[string]any `json:"resource_object"`
}

func (r *Result) messages() []uiMessage {
	var messages []uiMessage
	// Some failures, such as invalid flags, are reported on stderr even with -json.
	for _, line := range strings.Split(r.Stdout+"\n"+r.Stderr, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m uiMessage
		if json.Unmarshal([]byte(line), &m) == nil && m.Type != "" {
			messages = append(messages, m)
		}
	}
	return messages
}

// validateOutput is the one JSON object that validate -json prints.
type validateOutput struct {
	Valid       *bool        `json:"valid"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Diagnostics returns every diagnostic of the output, including the
// development overrides warning, from the machine-readable UI or from the
// output of validate -json.
func (r *Result) Diagnostics() []Diagnostic {
	var diags []Diagnostic
	for _, m := range r.messages() {
		if m.Type == "diagnostic" && m.Diagnostic != nil {
			diags = append(diags, *m.Diagnostic)
		}
	}
	var validate validateOutput
	if json.Unmarshal([]byte(r.Stdout), &validate) == nil && validate.Valid != nil {
		diags = append(diags, validate.Diagnostics...)
	}
	return diags
}

// Warnings returns the warnings of the output except the development
// overrides warning, which the harness itself causes.
func (r *Result) Warnings() []Diagnostic {
	var warnings []Diagnostic
	for _, d := range r.Diagnostics() {
		if d.Severity == "warning" && d.Summary != DevOverridesWarning {
			warnings = append(warnings, d)
		}
	}
	return warnings
}

// Errors returns the error diagnostics of the output.
func (r *Result) Errors() []Diagnostic {
	var errs []Diagnostic
	for _, d := range r.Diagnostics() {
		if d.Severity == "error" {
			errs = append(errs, d)
		}
	}
	return errs
}

// Changes maps each resource address with a planned change to its action:
// "create", "update", "delete", "replace", "read", and so on. The CLIs report
// no planned_change for resources without changes.
func (r *Result) Changes() map[string]string {
	changes := map[string]string{}
	for _, m := range r.messages() {
		if m.Type == "planned_change" && m.Change != nil {
			changes[m.Change.Resource.Addr] = m.Change.Action
		}
	}
	return changes
}

// ChangeSummary returns the counts of the last change_summary line; ok is
// false when there is none, for example because the command failed.
func (r *Result) ChangeSummary() (add, change, remove int, ok bool) {
	for _, m := range r.messages() {
		if m.Type == "change_summary" && m.Changes != nil {
			add, change, remove, ok = m.Changes.Add, m.Changes.Change, m.Changes.Remove, true
		}
	}
	return add, change, remove, ok
}

// ImportCount returns the number of imports of the last change_summary line,
// which only Terraform reports.
func (r *Result) ImportCount() int {
	n := 0
	for _, m := range r.messages() {
		if m.Type == "change_summary" && m.Changes != nil {
			n = m.Changes.Import
		}
	}
	return n
}

// ListResults returns, by list block address, the objects that a query with
// -json found; a list block that completed without finding any maps to an
// empty slice.
func (r *Result) ListResults() map[string][]ListResult {
	results := map[string][]ListResult{}
	for _, m := range r.messages() {
		switch {
		case m.Type == "list_resource_found" && m.Found != nil:
			results[m.Found.Address] = append(results[m.Found.Address], *m.Found)
		case m.Type == "list_complete" && m.Complete != nil:
			if _, ok := results[m.Complete.Address]; !ok {
				results[m.Complete.Address] = []ListResult{}
			}
		}
	}
	return results
}
