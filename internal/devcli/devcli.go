// Package devcli points a development copy of OpenTofu or Terraform at the
// provider built from this module: it finds the module root and the tools
// directory (tools/install.sh), builds the provider, writes the CLI
// configuration that runs that build without any registry, and runs CLI
// commands in process groups of their own.
//
// The acceptance test harness (internal/acctest), the benchmark (internal/cmd/bench)
// and, through internal/cmd/clisetup, the demo, docs and examples scripts all use it,
// so every one of them configures the CLI the same way.
package devcli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModulePath is the path of this Go module.
const ModulePath = "github.com/flexslot/terraform-provider-flexslot"

// VersionsFile is the file, relative to the module root, that pins the
// versions of the CLIs and tools, as KEY=value lines.
const VersionsFile = "tools/versions.env"

// ModuleRoot walks up from the working directory, which go test sets to the
// package under test, to the directory holding this module's go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if path, err := readModulePath(filepath.Join(dir, "go.mod")); err == nil {
			if path != ModulePath {
				return "", fmt.Errorf("%s is the module %s, not %s: run this from the provider's repository", dir, path, ModulePath)
			}
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run this from the provider's repository")
		}
		dir = parent
	}
}

func readModulePath(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s has no module line", gomod)
}

// ToolsDir is where tools/install.sh builds the CLIs and tools:
// $FLEXSLOT_TOOLS_DIR, by default ~/.cache/terraform-provider-flexslot.
func ToolsDir() (string, error) {
	if dir := os.Getenv("FLEXSLOT_TOOLS_DIR"); dir != "" {
		return filepath.Abs(dir)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("set FLEXSLOT_TOOLS_DIR or HOME: %w", err)
	}
	return filepath.Join(home, ".cache", "terraform-provider-flexslot"), nil
}

// ToolsMirror returns the filesystem mirror tools/install.sh lays out under
// the tools directory for the providers in ToolProviderAddresses, or "" when
// there is none.
func ToolsMirror() string {
	tools, err := ToolsDir()
	if err != nil {
		return ""
	}
	dir := filepath.Join(tools, "mirror")
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return ""
	}
	return dir
}

// Versions reads the versions file of the module at root.
func Versions(root string) (map[string]string, error) {
	path := filepath.Join(root, filepath.FromSlash(VersionsFile))
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	versions := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("%s:%d: want KEY=value, got %q", path, n, line)
		}
		versions[strings.TrimSpace(key)] = strings.Trim(strings.TrimSpace(value), `"'`)
	}
	return versions, sc.Err()
}

// cliVersionKeys names the versions file entry of each CLI tools/install.sh
// builds under a versioned name.
var cliVersionKeys = map[string]string{
	"tofu":      "TOFU_VERSION",
	"terraform": "TERRAFORM_VERSION",
}

// ToolPath returns the path of a binary tools/install.sh builds: "tofu" and
// "terraform" at the versions of the versions file of the module at root, or
// any other binary there by its name.
func ToolPath(root, name string) (string, error) {
	tools, err := ToolsDir()
	if err != nil {
		return "", err
	}
	if filepath.Base(name) != name || name == "." || name == ".." {
		return "", fmt.Errorf("%q is not a tool name", name)
	}
	if key, ok := cliVersionKeys[name]; ok {
		versions, err := Versions(root)
		if err != nil {
			return "", err
		}
		version := versions[key]
		if version == "" {
			return "", fmt.Errorf("%s sets no %s", VersionsFile, key)
		}
		name += "-" + version
	}
	return filepath.Join(tools, "bin", name), nil
}

// EmptyConfig returns the path of an empty CLI configuration under the tools
// directory, creating it when missing. A CLI run with it ignores the caller's
// configuration; a TF_CLI_CONFIG_FILE naming a missing file, for one, breaks
// the version output.
func EmptyConfig() (string, error) {
	tools, err := ToolsDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(tools, "empty.tfrc")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(tools, 0o755); err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	return path, f.Close()
}

// CLIVersion returns the first line of a CLI's version output, such as
// "OpenTofu v1.12.6", run with the empty configuration.
func CLIVersion(ctx context.Context, cli string) (string, error) {
	config, err := EmptyConfig()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, cli, "version")
	cmd.Env = append(os.Environ(), Environ(config)...)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s version: %w", cli, err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line), nil
}
