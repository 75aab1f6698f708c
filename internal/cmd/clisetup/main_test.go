package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestShellEnv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX shell")
	}
	path := "/tmp/it's here/cli.tfrc"
	script := "TF_DATA_DIR=elsewhere\n" + shellEnv(path) +
		`printf '%s|%s|%s|%s|%s' "$TF_CLI_CONFIG_FILE" "$TF_IN_AUTOMATION" "$TF_INPUT" "$CHECKPOINT_DISABLE" "${TF_DATA_DIR-unset}"`
	out, err := exec.Command("sh", "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := path + "|1|0|1|unset"; string(out) != want {
		t.Errorf("the shell commands give %q, want %q", out, want)
	}
}

func TestRun(t *testing.T) {
	tools := t.TempDir()
	t.Setenv("FLEXSLOT_TOOLS_DIR", tools)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"path", "tfplugindocs"}, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out.String()), filepath.Join(tools, "bin", "tfplugindocs"); got != want {
		t.Errorf("path tfplugindocs printed %q, want %q", got, want)
	}
	for _, args := range [][]string{nil, {"path"}, {"nonsense", "x"}, {"path", "a", "b"}} {
		if err := run(t.Context(), args, &out); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
