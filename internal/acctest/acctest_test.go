package acctest

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

// requiresProvider makes the CLI launch the provider, through dev_overrides,
// without depending on its schema.
const requiresProvider = `
terraform {
  required_providers {
    flexslot = { source = "flexslot/flexslot" }
  }
}
`

func TestAccWorkspace_lifecycle(t *testing.T) {
	t.Parallel()
	w := NewWorkspace(t)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	w.SetEnv("TF_LOG", "trace")
	w.SetEnv("TF_LOG_PATH", logPath)
	w.WriteConfig(requiresProvider + `
resource "terraform_data" "example" {
  input = "hello"
}
`)
	w.Init()

	plan := w.Plan().RequireSuccess(t)
	assertChanges(t, plan, map[string]string{"terraform_data.example": "create"})
	assertSummary(t, plan, 1, 0, 0)
	if warnings := plan.Warnings(); len(warnings) != 0 {
		t.Errorf("unexpected warnings: %v", warnings)
	}
	if !slices.ContainsFunc(plan.Diagnostics(), func(d Diagnostic) bool { return d.Summary == DevOverridesWarning }) {
		t.Errorf("Diagnostics() lacks the development overrides warning: %v", plan.Diagnostics())
	}

	apply := w.Apply("-parallelism=12").RequireSuccess(t)
	assertSummary(t, apply, 1, 0, 0)
	state := w.State(t)
	if state.Values == nil || len(state.Values.RootModule.Resources) != 1 || state.Values.RootModule.Resources[0].Address != "terraform_data.example" {
		t.Errorf("state after apply has no terraform_data.example: %+v", state.Values)
	}

	replan := w.Plan("-detailed-exitcode")
	if replan.ExitCode != 0 {
		t.Fatalf("plan after apply exited %d, want 0 (no changes)\n%s%s", replan.ExitCode, replan.Stdout, replan.Stderr)
	}
	assertChanges(t, replan, map[string]string{})
	assertSummary(t, replan, 0, 0, 0)

	destroy := w.Destroy().RequireSuccess(t)
	assertSummary(t, destroy, 0, 0, 1)
	if state := w.State(t); state.Values != nil && len(state.Values.RootModule.Resources) != 0 {
		t.Errorf("state after destroy still has resources: %+v", state.Values.RootModule.Resources)
	}

	trace, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if binary := filepath.Join(ProviderBinary(t), devcli.ProviderExecutable()); !strings.Contains(string(trace), binary) {
		t.Errorf("TF_LOG_PATH file does not show the CLI launching %s", binary)
	}
	assertNoProcesses(t, w)
}

func TestAccWorkspace_diagnostics(t *testing.T) {
	t.Parallel()
	w := NewWorkspace(t)

	w.WriteConfig(`
resource "terraform_data" "example" {
  input = var.undeclared
}
`)
	failed := w.Plan()
	if failed.ExitCode != 1 {
		t.Fatalf("plan exited %d, want 1\n%s%s", failed.ExitCode, failed.Stdout, failed.Stderr)
	}
	errs := failed.Errors()
	if len(errs) != 1 || errs[0].Summary != "Reference to undeclared input variable" {
		t.Fatalf("Errors() = %v, want one undeclared variable error", errs)
	}
	if r := errs[0].Range; r == nil || r.Filename != "main.tf" || r.Start.Line != 3 {
		t.Errorf("error range = %+v, want main.tf line 3", r)
	}
	if _, _, _, ok := failed.ChangeSummary(); ok {
		t.Error("failed plan has a change summary")
	}

	// A failing check block is the builtin way to get a plan-time warning.
	w.WriteConfig(`
variable "name" {
  default = "actual"
}

resource "terraform_data" "example" {
  input = var.name
}

check "name" {
  assert {
    condition     = var.name == "expected"
    error_message = "name is not expected"
  }
}
`)
	warned := w.Plan().RequireSuccess(t)
	warnings := warned.Warnings()
	if len(warnings) != 1 || warnings[0].Summary != "Check block assertion failed" || warnings[0].Detail != "name is not expected" {
		t.Errorf("Warnings() = %v, want the failed check only", warnings)
	}
	if errs := warned.Errors(); len(errs) != 0 {
		t.Errorf("Errors() = %v, want none", errs)
	}
}

func TestAccWorkspace_cleanupKillsProcesses(t *testing.T) {
	t.Parallel()
	CLI(t)
	requireProcFS(t)

	var w *Workspace
	applied := make(chan *Result, 1)
	t.Run("interrupted", func(t *testing.T) {
		w = NewWorkspace(t)
		w.WriteConfig(`
resource "terraform_data" "example" {
  provisioner "local-exec" {
    command = "sleep 300"
  }
}
`)
		go func() { applied <- w.Apply() }()
		ctx := WaitContext(t)
		poll := time.NewTicker(100 * time.Millisecond)
		defer poll.Stop()
		for !slices.ContainsFunc(processes(t, w), func(p process) bool { return p.name == "sleep" }) {
			select {
			case <-ctx.Done():
				t.Fatalf("the provisioner's sleep never started; processes: %v", processes(t, w))
			case <-poll.C:
			}
		}
	})
	if w == nil {
		return
	}

	select {
	case result := <-applied:
		if result.ExitCode == 0 {
			t.Errorf("interrupted apply exited 0")
		}
	default:
		t.Error("apply still running after the test's cleanup")
	}
	assertNoProcesses(t, w)
}

func TestAccWorkspace_environment(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the provisioner runs a POSIX shell command")
	}
	t.Setenv("TF_CLI_CONFIG_FILE", filepath.Join(t.TempDir(), "missing.tfrc"))
	t.Setenv("TF_LOG", "trace")
	t.Setenv("FLEXSLOT_PAT", "flx_pat_parent")
	t.Setenv("FLEXSLOT_BASE_URL", "https://parent.invalid")
	w := NewWorkspace(t)
	w.SetEnv("FLEXSLOT_BASE_URL", "http://127.0.0.1:1")
	w.WriteConfig(`
resource "terraform_data" "example" {
  provisioner "local-exec" {
    command = "env > env.txt"
  }
}
`)
	w.Apply().RequireSuccess(t)

	out, err := os.ReadFile(filepath.Join(w.Dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if key, value, ok := strings.Cut(line, "="); ok {
			env[key] = value
		}
	}
	want := map[string]string{
		"TF_CLI_CONFIG_FILE": w.cliConfig,
		"TF_IN_AUTOMATION":   "1",
		"CHECKPOINT_DISABLE": "1",
		"TF_INPUT":           "0",
		"FLEXSLOT_BASE_URL":  "http://127.0.0.1:1",
	}
	for key, value := range want {
		if env[key] != value {
			t.Errorf("%s = %q, want %q", key, env[key], value)
		}
	}
	for _, key := range []string{"TF_LOG", "FLEXSLOT_PAT"} {
		if value, ok := env[key]; ok {
			t.Errorf("%s = %q leaked from the parent environment", key, value)
		}
	}
}

func TestResult_parsing(t *testing.T) {
	// Lines as both CLIs print them; OpenTofu differs in @module, the version
	// line and an extra "forget" count.
	for name, stdout := range map[string]string{
		"terraform": `{"@level":"info","@message":"Terraform 1.5.7","@module":"terraform.ui","terraform":"1.5.7","type":"version","ui":"1.1"}
{"@level":"warn","@message":"Warning: Provider development overrides are in effect","@module":"terraform.ui","diagnostic":{"severity":"warning","summary":"Provider development overrides are in effect","detail":"..."},"type":"diagnostic"}
{"@level":"info","@message":"terraform_data.a: Plan to create","@module":"terraform.ui","change":{"resource":{"addr":"terraform_data.a","resource_type":"terraform_data"},"action":"create"},"type":"planned_change"}
{"@level":"info","@message":"terraform_data.b: Plan to replace","@module":"terraform.ui","change":{"resource":{"addr":"terraform_data.b","resource_type":"terraform_data"},"action":"replace","reason":"cannot_update"},"type":"planned_change"}
{"@level":"info","@message":"Plan: 2 to add, 0 to change, 1 to destroy.","@module":"terraform.ui","changes":{"add":2,"change":0,"import":0,"remove":1,"operation":"plan"},"type":"change_summary"}
{"@level":"warn","@message":"Warning: Deprecated","@module":"terraform.ui","diagnostic":{"severity":"warning","summary":"Deprecated","detail":"use b","address":"terraform_data.a","range":{"filename":"main.tf","start":{"line":2,"column":3,"byte":10},"end":{"line":2,"column":8,"byte":15}}},"type":"diagnostic"}
{"@level":"error","@message":"Error: Failed","@module":"terraform.ui","diagnostic":{"severity":"error","summary":"Failed","detail":""},"type":"diagnostic"}`,
		"tofu": `{"@level":"info","@message":"OpenTofu 1.12.6","@module":"tofu.ui","tofu":"1.12.6","type":"version","ui":"1.2"}
{"@level":"warn","@message":"Warning: Provider development overrides are in effect","@module":"tofu.ui","diagnostic":{"severity":"warning","summary":"Provider development overrides are in effect","detail":"..."},"type":"diagnostic"}
{"@level":"info","@message":"terraform_data.a: Plan to create","@module":"tofu.ui","change":{"resource":{"addr":"terraform_data.a","resource_type":"terraform_data"},"action":"create"},"type":"planned_change"}
{"@level":"info","@message":"terraform_data.b: Plan to replace","@module":"tofu.ui","change":{"resource":{"addr":"terraform_data.b","resource_type":"terraform_data"},"action":"replace","reason":"cannot_update"},"type":"planned_change"}
{"@level":"info","@message":"Plan: 2 to add, 0 to change, 1 to destroy.","@module":"tofu.ui","changes":{"add":2,"change":0,"import":0,"remove":1,"forget":0,"operation":"plan"},"type":"change_summary"}
{"@level":"warn","@message":"Warning: Deprecated","@module":"tofu.ui","diagnostic":{"severity":"warning","summary":"Deprecated","detail":"use b","address":"terraform_data.a","range":{"filename":"main.tf","start":{"line":2,"column":3,"byte":10},"end":{"line":2,"column":8,"byte":15}}},"type":"diagnostic"}
{"@level":"error","@message":"Error: Failed","@module":"tofu.ui","diagnostic":{"severity":"error","summary":"Failed","detail":""},"type":"diagnostic"}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := &Result{Stdout: stdout, Stderr: "plain text\n"}
			assertChanges(t, r, map[string]string{"terraform_data.a": "create", "terraform_data.b": "replace"})
			assertSummary(t, r, 2, 0, 1)
			if got := len(r.Diagnostics()); got != 3 {
				t.Errorf("len(Diagnostics()) = %d, want 3", got)
			}
			warnings := r.Warnings()
			if len(warnings) != 1 || warnings[0].Address != "terraform_data.a" || warnings[0].Range.Start.Line != 2 {
				t.Errorf("Warnings() = %+v, want the deprecation only", warnings)
			}
			if errs := r.Errors(); len(errs) != 1 || errs[0].Summary != "Failed" {
				t.Errorf("Errors() = %v, want one", errs)
			}
		})
	}
}

func assertChanges(t *testing.T, r *Result, want map[string]string) {
	t.Helper()
	got := r.Changes()
	if len(got) != len(want) {
		t.Errorf("Changes() = %v, want %v", got, want)
		return
	}
	for addr, action := range want {
		if got[addr] != action {
			t.Errorf("Changes() = %v, want %v", got, want)
			return
		}
	}
}

func assertSummary(t *testing.T, r *Result, add, change, remove int) {
	t.Helper()
	gotAdd, gotChange, gotRemove, ok := r.ChangeSummary()
	if !ok || gotAdd != add || gotChange != change || gotRemove != remove {
		t.Errorf("ChangeSummary() = %d, %d, %d, %t; want %d, %d, %d, true\n%s%s",
			gotAdd, gotChange, gotRemove, ok, add, change, remove, r.Stdout, r.Stderr)
	}
}

func requireProcFS(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc to find the processes a workspace started")
	}
}

type process struct {
	pid  string
	name string
}

// processes returns the live processes started by w's commands, recognized by
// the CLI config path every descendant inherits in its environment.
func processes(t *testing.T, w *Workspace) []process {
	t.Helper()
	marker := "TF_CLI_CONFIG_FILE=" + w.cliConfig
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var found []process
	for _, entry := range entries {
		pid := entry.Name()
		if pid[0] < '0' || pid[0] > '9' {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", pid, "environ"))
		if err != nil || !slices.Contains(strings.Split(string(environ), "\x00"), marker) {
			continue
		}
		name, _ := os.ReadFile(filepath.Join("/proc", pid, "comm"))
		found = append(found, process{pid: pid, name: strings.TrimSpace(string(name))})
	}
	return found
}

func assertNoProcesses(t *testing.T, w *Workspace) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	if left := processes(t, w); len(left) != 0 {
		t.Errorf("processes left behind: %v", left)
	}
}

func TestParseVersionLine(t *testing.T) {
	for line, want := range map[string]string{
		"Terraform v1.15.9":         "Terraform v1.15.9",
		"Terraform v1.5.7":          "Terraform v1.5.7",
		"OpenTofu v1.12.6":          "OpenTofu v1.12.6",
		"Terraform v1.16.0-alpha20": "Terraform v1.16.0-alpha20",
	} {
		info, err := parseVersionLine(line)
		if err != nil {
			t.Errorf("%q: %v", line, err)
			continue
		}
		if info.String() != want || info.OpenTofu() != strings.HasPrefix(line, "OpenTofu") {
			t.Errorf("%q: got %s (OpenTofu %t)", line, info, info.OpenTofu())
		}
	}
	for _, line := range []string{"", "Terraform 1.15.9", "Something v1.0.0", "OpenTofu vnext"} {
		if info, err := parseVersionLine(line); err == nil {
			t.Errorf("%q: got %s, want an error", line, info)
		}
	}
}

func TestResult_queryParsing(t *testing.T) {
	// Lines as Terraform 1.15.9 prints them for `query -json` and `plan -json`.
	r := &Result{Stdout: `{"@level":"info","@message":"Terraform 1.15.9","@module":"terraform.ui","terraform":"1.15.9","type":"version","ui":"1.3"}
{"@level":"info","@message":"list.flexslot_oauth2_client.all: Starting query...","@module":"terraform.ui","list_start":{"address":"list.flexslot_oauth2_client.all","resource_type":"flexslot_oauth2_client"},"type":"list_start"}
{"@level":"info","@message":"list.flexslot_oauth2_client.suspended: List complete","@module":"terraform.ui","list_complete":{"address":"list.flexslot_oauth2_client.suspended","resource_type":"flexslot_oauth2_client","total":0},"type":"list_complete"}
{"@level":"info","@message":"list.flexslot_oauth2_client.all: Result found","@module":"terraform.ui","list_resource_found":{"address":"list.flexslot_oauth2_client.all","display_name":"Beta (cli_01M8XKCX7152YJ3QFTTQAJHD5B)","identity":{"client_id":"cli_01M8XKCX7152YJ3QFTTQAJHD5B"},"identity_version":0,"resource_type":"flexslot_oauth2_client"},"type":"list_resource_found"}
{"@level":"info","@message":"list.flexslot_oauth2_client.all: Result found","@module":"terraform.ui","list_resource_found":{"address":"list.flexslot_oauth2_client.all","display_name":"Alpha (cli_01M8XKCX731XS1GFKPF2FXN7YA)","identity":{"client_id":"cli_01M8XKCX731XS1GFKPF2FXN7YA"},"identity_version":0,"resource_type":"flexslot_oauth2_client","resource_object":{"client_id":"cli_01M8XKCX731XS1GFKPF2FXN7YA","client_secret":null}},"type":"list_resource_found"}
{"@level":"info","@message":"list.flexslot_oauth2_client.all: List complete","@module":"terraform.ui","list_complete":{"address":"list.flexslot_oauth2_client.all","resource_type":"flexslot_oauth2_client","total":2},"type":"list_complete"}
{"@level":"info","@message":"Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.","@module":"terraform.ui","changes":{"add":0,"change":0,"import":2,"remove":0,"action_invocation":0,"operation":"plan"},"type":"change_summary"}`}
	results := r.ListResults()
	if len(results) != 2 || len(results["list.flexslot_oauth2_client.suspended"]) != 0 {
		t.Fatalf("ListResults() = %+v, want two list blocks, the suspended one empty", results)
	}
	all := results["list.flexslot_oauth2_client.all"]
	if len(all) != 2 || all[0].DisplayName != "Beta (cli_01M8XKCX7152YJ3QFTTQAJHD5B)" ||
		all[1].Identity["client_id"] != "cli_01M8XKCX731XS1GFKPF2FXN7YA" || all[0].Resource != nil ||
		all[1].Resource["client_id"] != "cli_01M8XKCX731XS1GFKPF2FXN7YA" {
		t.Errorf("results of list.flexslot_oauth2_client.all = %+v", all)
	}
	assertSummary(t, r, 0, 0, 0)
	if got := r.ImportCount(); got != 2 {
		t.Errorf("ImportCount() = %d, want 2", got)
	}
}

func TestResult_validateParsing(t *testing.T) {
	// validate -json prints one object, not the machine-readable UI.
	r := &Result{Stdout: `{
  "format_version": "1.0",
  "valid": false,
  "error_count": 1,
  "warning_count": 1,
  "diagnostics": [
    {"severity": "warning", "summary": "Provider development overrides are in effect", "detail": "..."},
    {"severity": "error", "summary": "Invalid value for variable", "detail": "The redirect URI \"http://x\" must use https.",
     "range": {"filename": "main.tf", "start": {"line": 3, "column": 19, "byte": 40}, "end": {"line": 3, "column": 40, "byte": 61}}}
  ]
}`}
	if errs := r.Errors(); len(errs) != 1 || errs[0].Summary != "Invalid value for variable" || errs[0].Range.Start.Line != 3 {
		t.Errorf("Errors() = %v, want the invalid value", errs)
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %v, want none besides the development overrides", w)
	}
}
