package devcli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestConfig(t *testing.T) {
	c := &Config{
		ProviderDir:    "/work/bin",
		ProviderMirror: "/work/mirror",
		ToolsMirror:    "/tools/mirror",
		Overrides:      map[string]string{"registry.terraform.io/bench/noop": "/work/bin"},
	}
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/flexslot/flexslot" = "/work/bin"
    "registry.opentofu.org/flexslot/flexslot" = "/work/bin"
    "registry.terraform.io/hashicorp/flexslot" = "/work/bin"
    "registry.terraform.io/bench/noop" = "/work/bin"
  }
  filesystem_mirror {
    path    = "/work/mirror"
    include = ["registry.terraform.io/flexslot/flexslot", "registry.opentofu.org/flexslot/flexslot", "registry.terraform.io/hashicorp/flexslot"]
  }
  filesystem_mirror {
    path    = "/tools/mirror"
    include = ["registry.terraform.io/hashicorp/time", "registry.opentofu.org/hashicorp/time"]
  }
  direct {
    exclude = ["registry.terraform.io/flexslot/flexslot", "registry.opentofu.org/flexslot/flexslot", "registry.terraform.io/hashicorp/flexslot", "registry.terraform.io/bench/noop", "registry.terraform.io/hashicorp/time", "registry.opentofu.org/hashicorp/time"]
  }
}
`
	if got := c.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}

	bare := (&Config{ProviderDir: `C:\work\bin`}).String()
	if strings.Contains(bare, "filesystem_mirror") {
		t.Errorf("a configuration without mirrors has one:\n%s", bare)
	}
	if !strings.Contains(bare, `= "C:\\work\\bin"`) {
		t.Errorf("the provider directory is not an escaped HCL string:\n%s", bare)
	}
	if !strings.Contains(bare, `exclude = ["registry.terraform.io/flexslot/flexslot", "registry.opentofu.org/flexslot/flexslot", "registry.terraform.io/hashicorp/flexslot"]`) {
		t.Errorf("direct does not exclude exactly the provider's addresses:\n%s", bare)
	}
}

// module creates a module root holding a versions file.
func module(t *testing.T, versions string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module "+ModulePath+"\n\ngo 1.26\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "tools"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "tools", "versions.env"), []byte(versions), 0o600); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestVersions(t *testing.T) {
	root := module(t, "# comment\n\nTOFU_VERSION=1.12.6\nTERRAFORM_VERSION=1.5.7\n")
	v, err := Versions(root)
	if err != nil {
		t.Fatal(err)
	}
	if v["TOFU_VERSION"] != "1.12.6" || v["TERRAFORM_VERSION"] != "1.5.7" || len(v) != 2 {
		t.Errorf("Versions() = %v", v)
	}

	if _, err := Versions(module(t, "TOFU_VERSION 1.12.6\n")); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("a line without = gave %v, want an error naming line 1", err)
	}
}

func TestToolPath(t *testing.T) {
	tools := t.TempDir()
	t.Setenv("FLEXSLOT_TOOLS_DIR", tools)
	root := module(t, "TOFU_VERSION=1.12.6\nTERRAFORM_VERSION=1.5.7\n")
	for name, want := range map[string]string{
		"tofu":         "tofu-1.12.6",
		"terraform":    "terraform-1.5.7",
		"tfplugindocs": "tfplugindocs",
	} {
		got, err := ToolPath(root, name)
		if err != nil || got != filepath.Join(tools, "bin", want) {
			t.Errorf("ToolPath(%q) = %q, %v; want bin/%s", name, got, err, want)
		}
	}
	for _, name := range []string{"../tofu", "", "."} {
		if _, err := ToolPath(root, name); err == nil {
			t.Errorf("ToolPath(%q) succeeded", name)
		}
	}
	if _, err := ToolPath(module(t, "TERRAFORM_VERSION=1.5.7\n"), "tofu"); err == nil || !strings.Contains(err.Error(), "TOFU_VERSION") {
		t.Errorf("ToolPath without TOFU_VERSION gave %v", err)
	}
}

func TestToolsDir(t *testing.T) {
	t.Setenv("FLEXSLOT_TOOLS_DIR", "")
	t.Setenv("HOME", "/home/dev")
	if runtime.GOOS != "windows" && runtime.GOOS != "plan9" {
		if got, err := ToolsDir(); err != nil || got != "/home/dev/.cache/terraform-provider-flexslot" {
			t.Errorf("ToolsDir() = %q, %v", got, err)
		}
	}

	tools := t.TempDir()
	t.Setenv("FLEXSLOT_TOOLS_DIR", tools)
	if ToolsMirror() != "" {
		t.Error("ToolsMirror() names a directory that does not exist")
	}
	if err := os.Mkdir(filepath.Join(tools, "mirror"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := ToolsMirror(); got != filepath.Join(tools, "mirror") {
		t.Errorf("ToolsMirror() = %q", got)
	}

	empty, err := EmptyConfig()
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(empty); err != nil || info.Size() != 0 || filepath.Dir(empty) != tools {
		t.Errorf("EmptyConfig() = %q: %v, %v", empty, info, err)
	}
}

func TestModuleRoot(t *testing.T) {
	root := module(t, "")
	sub := filepath.Join(root, "internal", "x")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	got, err := ModuleRoot()
	if err != nil || got != root {
		t.Errorf("ModuleRoot() = %q, %v; want %q", got, err, root)
	}

	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(other)
	if _, err := ModuleRoot(); err == nil || !strings.Contains(err.Error(), "example.com/other") {
		t.Errorf("ModuleRoot() in another module gave %v", err)
	}
}

func TestUseProvider(t *testing.T) {
	t.Setenv("FLEXSLOT_TOOLS_DIR", t.TempDir())
	binary := filepath.Join(t.TempDir(), "provider")
	if err := os.WriteFile(binary, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, err := UseProvider(binary, dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Dir != filepath.Join(dir, "bin") || b.Binary != filepath.Join(dir, "bin", ProviderExecutable()) || b.Mirror != filepath.Join(dir, "mirror") {
		t.Errorf("UseProvider() = %+v", b)
	}
	for _, addr := range ProviderAddresses {
		name := "terraform-provider-flexslot_v" + MirrorVersion
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		path := filepath.Join(b.Mirror, filepath.FromSlash(addr), MirrorVersion, runtime.GOOS+"_"+runtime.GOARCH, name)
		if data, err := os.ReadFile(path); err != nil || string(data) != "#!/bin/sh\n" {
			t.Errorf("the mirror holds no copy of the binary for %s: %v", addr, err)
		}
	}
	if c := b.Config(); c.ProviderDir != b.Dir || c.ProviderMirror != b.Mirror || c.ToolsMirror != "" {
		t.Errorf("Config() = %+v", c)
	}
}

func TestEnviron(t *testing.T) {
	want := []string{"TF_CLI_CONFIG_FILE=/x/cli.tfrc", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"}
	if got := Environ("/x/cli.tfrc"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Environ() = %v, want %v", got, want)
	}
}
