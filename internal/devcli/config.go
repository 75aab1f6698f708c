package devcli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

var (
	// ProviderAddresses are the addresses a CLI configuration written here
	// serves the provider build under.
	ProviderAddresses = []string{
		"registry.terraform.io/flexslot/flexslot",
		"registry.opentofu.org/flexslot/flexslot",
		// tfplugindocs looks the schema up under the hashicorp namespace.
		"registry.terraform.io/hashicorp/flexslot",
	}

	// ToolProviderAddresses are the providers of the tools mirror, which
	// tools/install.sh builds for the examples.
	ToolProviderAddresses = []string{
		"registry.terraform.io/hashicorp/time",
		"registry.opentofu.org/hashicorp/time",
	}
)

// MirrorVersion is the version under which a Build lays the provider out in
// its filesystem mirror, and so the version init records. It satisfies the
// examples' "~> 0.1" constraint.
const MirrorVersion = "0.1.0"

// ProviderExecutable is the file name of the provider binary in a Build's Dir.
func ProviderExecutable() string { return executable("terraform-provider-flexslot") }

func executable(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// Build is a provider binary laid out for a CLI configuration.
type Build struct {
	// Dir holds the binary: the directory dev_overrides point at.
	Dir string
	// Binary is the provider binary in Dir.
	Binary string
	// Mirror is a filesystem mirror serving the same binary as MirrorVersion
	// under every ProviderAddresses entry: dev_overrides alone do not stop
	// init from looking the provider up.
	Mirror string
}

// BuildProvider builds the provider of the module at root into dir/bin and
// lays it out as a filesystem mirror in dir/mirror.
func BuildProvider(ctx context.Context, root, dir string) (*Build, error) {
	b := newBuild(dir)
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", b.Binary, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build in %s: %w\n%s", root, err, out)
	}
	return b, b.layOutMirror()
}

// UseProvider lays out a provider binary built earlier as BuildProvider does.
func UseProvider(binary, dir string) (*Build, error) {
	b := newBuild(dir)
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := copyFile(binary, b.Binary); err != nil {
		return nil, err
	}
	return b, b.layOutMirror()
}

func newBuild(dir string) *Build {
	bin := filepath.Join(dir, "bin")
	return &Build{Dir: bin, Binary: filepath.Join(bin, ProviderExecutable()), Mirror: filepath.Join(dir, "mirror")}
}

func (b *Build) layOutMirror() error {
	osArch := runtime.GOOS + "_" + runtime.GOARCH
	for _, addr := range ProviderAddresses {
		pkg := filepath.Join(b.Mirror, filepath.FromSlash(addr), MirrorVersion, osArch)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			return err
		}
		if err := os.Link(b.Binary, filepath.Join(pkg, executable("terraform-provider-flexslot_v"+MirrorVersion))); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Config returns the CLI configuration that runs this build, with the tools
// mirror when there is one.
func (b *Build) Config() *Config {
	return &Config{ProviderDir: b.Dir, ProviderMirror: b.Mirror, ToolsMirror: ToolsMirror()}
}

// Config is a CLI configuration that serves the provider from a local build
// and never downloads the providers it names from a registry.
type Config struct {
	// ProviderDir holds the provider binary, run for every ProviderAddresses
	// entry through dev_overrides.
	ProviderDir string
	// ProviderMirror serves the same build to init; "" leaves it out.
	ProviderMirror string
	// ToolsMirror serves ToolProviderAddresses; "" leaves it out.
	ToolsMirror string
	// Overrides maps further provider addresses to the directory holding
	// their binary.
	Overrides map[string]string
}

// String renders the configuration as a CLI configuration file.
func (c *Config) String() string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	overridden := slices.Clone(ProviderAddresses)
	for _, addr := range ProviderAddresses {
		fmt.Fprintf(&b, "    %s = %s\n", strconv.Quote(addr), strconv.Quote(c.ProviderDir))
	}
	for _, addr := range slices.Sorted(maps.Keys(c.Overrides)) {
		fmt.Fprintf(&b, "    %s = %s\n", strconv.Quote(addr), strconv.Quote(c.Overrides[addr]))
		overridden = append(overridden, addr)
	}
	b.WriteString("  }\n")
	mirror := func(path string, include []string) {
		fmt.Fprintf(&b, "  filesystem_mirror {\n    path    = %s\n    include = %s\n  }\n", strconv.Quote(path), hclList(include))
	}
	if c.ProviderMirror != "" {
		mirror(c.ProviderMirror, ProviderAddresses)
	}
	excluded := overridden
	if c.ToolsMirror != "" {
		mirror(c.ToolsMirror, ToolProviderAddresses)
		excluded = append(excluded, ToolProviderAddresses...)
	}
	fmt.Fprintf(&b, "  direct {\n    exclude = %s\n  }\n}\n", hclList(excluded))
	return b.String()
}

// Write writes the configuration to path.
func (c *Config) Write(path string) error {
	return os.WriteFile(path, []byte(c.String()), 0o600)
}

func hclList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// Environ returns the variables every CLI command run against a development
// build gets: the CLI configuration at cliConfig, no prompts and no update
// checks.
func Environ(cliConfig string) []string {
	return []string{
		"TF_CLI_CONFIG_FILE=" + cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	}
}

// SteeringVariables are variables of a caller's environment that would steer
// a CLI away from the configuration, directory or arguments a command means.
// Commands that inherit the caller's environment must run without them.
var SteeringVariables = []string{
	"TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE",
	"TF_CLI_ARGS", "TF_CLI_ARGS_init", "TF_CLI_ARGS_plan", "TF_CLI_ARGS_apply", "TF_CLI_ARGS_destroy",
}
