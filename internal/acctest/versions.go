package acctest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

// CLIInfo names the CLI under test and its version.
type CLIInfo struct {
	// Name is "Terraform" or "OpenTofu".
	Name    string
	Version *version.Version
}

func (c CLIInfo) String() string { return c.Name + " v" + c.Version.String() }

// OpenTofu reports whether the CLI is OpenTofu.
func (c CLIInfo) OpenTofu() bool { return c.Name == "OpenTofu" }

var cliInfos sync.Map // path -> cliInfoResult

type cliInfoResult struct {
	info CLIInfo
	err  error
}

// cliInfo runs the CLI at path once per test process to learn what it is.
func cliInfo(ctx context.Context, path string) (CLIInfo, error) {
	if cached, ok := cliInfos.Load(path); ok {
		if r, ok := cached.(cliInfoResult); ok {
			return r.info, r.err
		}
	}
	info, err := readCLIInfo(ctx, path)
	cliInfos.Store(path, cliInfoResult{info, err})
	return info, err
}

func readCLIInfo(ctx context.Context, path string) (CLIInfo, error) {
	line, err := devcli.CLIVersion(ctx, path)
	if err != nil {
		return CLIInfo{}, err
	}
	return parseVersionLine(line)
}

// parseVersionLine reads the first line of a CLI's version output, such as
// "Terraform v1.15.9" or "OpenTofu v1.12.6".
func parseVersionLine(line string) (CLIInfo, error) {
	name, v, ok := strings.Cut(line, " v")
	if !ok || (name != "Terraform" && name != "OpenTofu") {
		return CLIInfo{}, fmt.Errorf("unexpected version output %q: want Terraform or OpenTofu", line)
	}
	parsed, err := version.NewVersion(v)
	if err != nil {
		return CLIInfo{}, fmt.Errorf("version output %q: %w", line, err)
	}
	return CLIInfo{Name: name, Version: parsed}, nil
}

// CLIVersion returns what the CLI under test (TF_ACC_TERRAFORM_PATH) is. It
// skips the test unless TF_ACC is set, as CLI does.
func CLIVersion(t testing.TB) CLIInfo {
	t.Helper()
	info, err := cliInfo(t.Context(), CLI(t))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// VersionChecks runs terraform-plugin-testing's version checks against the
// CLI under test exactly as resource.Test runs a TestCase's
// TerraformVersionChecks: the first check that skips skips the test with its
// reason, one that fails fails it. Tests that drive the CLI through a
// Workspace call it first, so they run on every CLI with the feature and are
// reported as skipped, with the reason, on the others.
func VersionChecks(t testing.TB, checks ...tfversion.TerraformVersionCheck) {
	t.Helper()
	v := CLIVersion(t).Version
	for _, check := range checks {
		var resp tfversion.CheckTerraformVersionResponse
		check.CheckTerraformVersion(t.Context(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v}, &resp)
		if resp.Error != nil {
			t.Fatal(resp.Error)
		}
		if resp.Skip != "" {
			t.Skip(resp.Skip)
		}
	}
}

// SkipOnOpenTofu is a version check that skips the test when the CLI under
// test is OpenTofu, whatever its version, giving reason: for features that
// OpenTofu does not have at all, where tfversion.SkipBelow would compare
// OpenTofu's version with Terraform's. Put it before the SkipBelow of the
// same test so OpenTofu is skipped with this reason.
func SkipOnOpenTofu(reason string) tfversion.TerraformVersionCheck {
	return skipOnOpenTofu{reason: reason}
}

type skipOnOpenTofu struct{ reason string }

func (s skipOnOpenTofu) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		resp.Error = fmt.Errorf("TF_ACC_TERRAFORM_PATH is empty: cannot tell Terraform from OpenTofu")
		return
	}
	info, err := cliInfo(ctx, path)
	if err != nil {
		resp.Error = err
		return
	}
	if info.OpenTofu() {
		resp.Skip = fmt.Sprintf("%s: %s", info, s.reason)
	}
}
