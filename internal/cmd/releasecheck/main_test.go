package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

const testVersion = "1.2.3"

const goodLine = "1|6|unix|/tmp/plugin000|grpc|"

var hostTarget = runtime.GOOS + "_" + runtime.GOARCH

// layout describes a release directory that is right unless told otherwise.
type layout struct {
	project   string      // the project name in every file name
	version   string      // the version in the file names
	binary    string      // the binary's name inside every zip (default project_vVERSION)
	subdir    string      // put the binary in this folder inside the zip
	noLicense bool        // leave LICENSE out of the zips
	line      *string     // the fake binary's handshake line; "" for none
	mode      fs.FileMode // the binary's file mode
	targets   []string    // the zips to make
	sums      string      // "", "nomanifest", "badhash", "withsig", "none"
	manifest  string      // "", "none", "other"
	sig       bool        // a .sig beside the checksums
	gobinary  []byte      // put these bytes in the zips instead of a fake binary
	// goreleaser: lay out goreleaser's dist/ (artifacts.json, config.yaml, no
	// manifest file) whose release.extra_files uploads the manifest under
	// extraTemplate ("none": no release.extra_files).
	goreleaser    bool
	extraTemplate string
}

// fakeBinary is a provider that answers the handshake with line, or exits
// without a word for "".
func fakeBinary(line string) []byte {
	if line == "" {
		return []byte("#!/bin/sh\nexit 1\n")
	}
	return []byte("#!/bin/sh\necho '" + line + "'\nexec sleep 60\n")
}

// make writes the layout into a new directory, the dist/ of a checkout whose
// root holds the manifest, and returns the Check of it.
func (l layout) make(t *testing.T) Check {
	t.Helper()
	root := t.TempDir()
	repo := repoRoot(t)
	manifestSrc, err := os.ReadFile(filepath.Join(repo, "terraform-registry-manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	license, err := os.ReadFile(filepath.Join(repo, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "terraform-registry-manifest.json"), manifestSrc)
	dir := filepath.Join(root, "dist")
	p, v := or(l.project, project), or(l.version, testVersion)
	line := goodLine
	if l.line != nil {
		line = *l.line
	}
	mode := l.mode
	if mode == 0 {
		mode = 0o755
	}
	targets := l.targets
	if targets == nil {
		targets = []string{"linux_amd64", hostTarget}
	}
	slices.Sort(targets)
	var artifacts []artifact
	for _, target := range slices.Compact(targets) {
		name := l.binary
		if name == "" {
			name = p + "_v" + v
			if strings.HasPrefix(target, "windows_") {
				name += ".exe"
			}
		}
		content := l.gobinary
		if content == nil {
			content = fakeBinary(line)
		}
		entries := []zipEntry{{path.Join(l.subdir, name), content, mode}}
		if !l.noLicense {
			entries = append(entries, zipEntry{"LICENSE", license, 0o644})
		}
		zipName := p + "_" + v + "_" + target + ".zip"
		writeZip(t, filepath.Join(dir, zipName), entries)
		artifacts = append(artifacts, artifact{Name: zipName, Path: "dist/" + zipName, Type: "Archive"})
	}
	manifestName := p + "_" + v + "_manifest.json"
	switch l.manifest {
	case "":
		write(t, filepath.Join(dir, manifestName), manifestSrc)
	case "other":
		write(t, filepath.Join(dir, manifestName), []byte(`{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}`+"\n"))
	}
	sumsName := p + "_" + v + "_SHA256SUMS"
	listed := func(names ...string) []byte {
		var b bytes.Buffer
		for _, n := range names {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), n)
		}
		return b.Bytes()
	}
	var zips []string
	for _, a := range artifacts {
		zips = append(zips, a.Name)
	}
	switch l.sums {
	case "":
		write(t, filepath.Join(dir, sumsName), listed(append(zips, manifestName)...))
	case "nomanifest":
		write(t, filepath.Join(dir, sumsName), listed(zips...))
	case "badhash":
		sums := listed(append(zips, manifestName)...)
		if sums[0] == '0' {
			sums[0] = '1'
		} else {
			sums[0] = '0'
		}
		write(t, filepath.Join(dir, sumsName), sums)
	case "withsig":
		// What goreleaser 2.15 did: the signature listed in the file it signs.
		write(t, filepath.Join(dir, sumsName+".sig"), []byte("not a signature\n"))
		write(t, filepath.Join(dir, sumsName), listed(append(zips, manifestName, sumsName+".sig")...))
	}
	if l.sums != "none" {
		artifacts = append(artifacts, artifact{Name: sumsName, Path: "dist/" + sumsName, Type: "Checksum"})
	}
	if l.sig {
		write(t, filepath.Join(dir, sumsName+".sig"), []byte("not a signature\n"))
		artifacts = append(artifacts, artifact{Name: sumsName + ".sig", Path: "dist/" + sumsName + ".sig", Type: "Signature"})
	}
	meta, _ := json.Marshal(map[string]string{"project_name": p, "tag": "v" + v, "version": v})
	write(t, filepath.Join(dir, "metadata.json"), meta)
	if l.goreleaser {
		// goreleaser lists the manifest in the checksums but leaves it out of
		// dist/; a build's binary is an artifact it does not upload.
		if err := os.Remove(filepath.Join(dir, manifestName)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, p+"_linux_amd64_v1", "binary"), []byte("build"))
		artifacts = append(artifacts,
			artifact{Name: p + "_v" + v, Path: "dist/" + p + "_linux_amd64_v1/binary", Type: "Binary"},
			artifact{Name: "metadata.json", Path: "dist/metadata.json", Type: "Metadata"})
		data, _ := json.Marshal(artifacts)
		write(t, filepath.Join(dir, "artifacts.json"), data)
		config := "project_name: " + p + "\nrelease:\n  github:\n    owner: flexslot\n"
		tmpl := or(l.extraTemplate, "{{ .ProjectName }}_{{ .Version }}_manifest.json")
		if tmpl != "none" {
			config += "  extra_files:\n    - glob: terraform-registry-manifest.json\n      name_template: '" + tmpl + "'\n"
		}
		config += "  draft: true\nchecksum:\n  extra_files:\n    - glob: terraform-registry-manifest.json\n" +
			"      name_template: '{{ .ProjectName }}_{{ .Version }}_manifest.json'\n"
		write(t, filepath.Join(dir, "config.yaml"), []byte(config))
	}
	return Check{Dir: dir, Root: root, Manifest: filepath.Join(root, "terraform-registry-manifest.json")}
}

type zipEntry struct {
	name    string
	content []byte
	mode    fs.FileMode
}

func writeZip(t *testing.T, path string, entries []zipEntry) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.SetMode(e.mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, path, b.Bytes())
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := devcli.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func ptr(s string) *string { return &s }

// check runs c and returns its exit code as the command would and its output.
func check(t *testing.T, c Check) (int, string) {
	t.Helper()
	var out bytes.Buffer
	problems, err := c.Run(context.Background(), &out)
	if err != nil {
		return 2, out.String() + err.Error()
	}
	if problems > 0 {
		return 1, out.String()
	}
	return 0, out.String()
}

func expect(t *testing.T, wantCode int, needle string, c Check) {
	t.Helper()
	code, out := check(t, c)
	if code != wantCode {
		t.Fatalf("exit %d, want %d; output:\n%s", code, wantCode, out)
	}
	if !strings.Contains(out, needle) {
		t.Fatalf("output lacks %q:\n%s", needle, out)
	}
}

func needsShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake provider binaries are shell scripts")
	}
}

func TestReleaseFiles(t *testing.T) {
	needsShell(t)
	prefix := project + "_" + testVersion
	tests := []struct {
		name   string
		layout layout
		check  func(*Check)
		want   int
		needle string
	}{
		{"the registries' layout", layout{}, func(c *Check) { c.Targets = []string{"linux_amd64"}; c.Handshake = true },
			0, "is ready for the Terraform and OpenTofu registries"},
		{"a snapshot version", layout{version: "0.0.0-SNAPSHOT-abc1234"}, nil,
			0, "ok: " + project + "_0.0.0-SNAPSHOT-abc1234_linux_amd64.zip"},
		{"a Windows zip holds the .exe", layout{targets: []string{"linux_amd64", "windows_amd64"}}, func(c *Check) { c.Targets = []string{"windows_amd64"} },
			0, "holds " + project + "_v" + testVersion + ".exe"},

		{"goreleaser's dist/, the manifest uploaded from release.extra_files", layout{goreleaser: true}, func(c *Check) { c.Dist = true; c.Handshake = true },
			0, "uploaded as " + prefix + "_manifest.json"},
		{"goreleaser's dist/ checked as uploaded files", layout{goreleaser: true}, nil,
			1, "missing " + prefix + "_manifest.json"},
		{"release.extra_files uploads the manifest under another name", layout{goreleaser: true, extraTemplate: "{{ .ProjectName }}_manifest.json"}, func(c *Check) { c.Dist = true },
			1, project + "_manifest.json: the manifest must be named " + prefix + "_manifest.json"},
		{"release.extra_files name the check cannot tell", layout{goreleaser: true, extraTemplate: "{{ .Tag }}_manifest.json"}, func(c *Check) { c.Dist = true },
			1, "cannot tell the name '{{ .Tag }}_manifest.json'"},
		{"no release.extra_files: the manifest is not uploaded", layout{goreleaser: true, extraTemplate: "none"}, func(c *Check) { c.Dist = true },
			1, "missing " + prefix + "_manifest.json"},
		{"goreleaser's dist/ without the checksums", layout{goreleaser: true, sums: "none"}, func(c *Check) { c.Dist = true },
			1, "missing " + prefix + "_SHA256SUMS"},

		// The issue: goreleaser named everything after the clone's directory, main.
		{"project named after the clone (main_...)", layout{project: "main"}, func(c *Check) { c.Version = testVersion },
			1, "main_" + testVersion + "_linux_amd64.zip: must be named " + prefix + "_<os>_<arch>.zip"},
		{"checksum file named after the clone", layout{project: "main"}, func(c *Check) { c.Version = testVersion },
			1, "main_" + testVersion + "_SHA256SUMS: the checksum file must be named " + prefix + "_SHA256SUMS"},
		{"binary without the _v before its version", layout{binary: prefix}, nil,
			1, "must hold exactly " + project + "_v" + testVersion + " and LICENSE"},
		{"binary named main_v...", layout{binary: "main_v" + testVersion}, nil,
			1, "holds: LICENSE main_v" + testVersion},
		{"binary in a folder inside the zip", layout{subdir: "bin"}, nil,
			1, "must hold exactly " + project + "_v" + testVersion + " and LICENSE"},
		{"Windows binary without .exe", layout{targets: []string{"linux_amd64", "windows_amd64"}, binary: project + "_v" + testVersion}, nil,
			1, "must hold exactly " + project + "_v" + testVersion + ".exe and LICENSE"},
		{"zip without LICENSE", layout{noLicense: true}, nil,
			1, "must hold exactly " + project + "_v" + testVersion + " and LICENSE"},
		{"binary not executable", layout{mode: 0o644}, nil,
			1, "is not executable"},
		{"version with a leading v in the names", layout{version: "v1.2.3"}, nil,
			1, "is not a semantic version without a leading v"},
		{"a target that is not a release target", layout{targets: []string{"linux_amd64", "solaris_amd64"}}, nil,
			1, "solaris_amd64 is not one of the release targets"},
		{"a required target missing", layout{}, func(c *Check) { c.Targets = []string{"darwin_arm64"} },
			1, "missing " + prefix + "_darwin_arm64.zip"},
		{"every target required", layout{}, func(c *Check) { c.Targets = allTargets },
			1, "missing " + prefix + "_windows_arm64.zip"},
		{"manifest missing", layout{manifest: "none", sums: "nomanifest"}, nil,
			1, "missing " + prefix + "_manifest.json"},
		{"manifest differs from terraform-registry-manifest.json", layout{manifest: "other"}, nil,
			1, prefix + "_manifest.json differs"},
		{"checksums without the manifest", layout{sums: "nomanifest"}, nil,
			1, "must list exactly the zips and " + prefix + "_manifest.json"},
		{"a wrong checksum", layout{sums: "badhash"}, nil,
			1, "checksums do not match"},
		{"the signature listed in the checksums it signs", layout{sums: "withsig"}, nil,
			1, "must list exactly the zips and " + prefix + "_manifest.json"},
		{"checksum file missing", layout{sums: "none"}, nil,
			1, "missing " + prefix + "_SHA256SUMS"},
		{"signature missing", layout{}, func(c *Check) { c.Signed = true },
			1, "missing " + prefix + "_SHA256SUMS.sig"},
		{"version differs from metadata.json", layout{}, func(c *Check) { c.Version = "9.9.9" },
			1, "must be named " + project + "_9.9.9_<os>_<arch>.zip"},
		{"handshake on protocol 5", layout{line: ptr("1|5|unix|/tmp/plugin000|grpc|")}, func(c *Check) { c.Handshake = true },
			1, "handshake: " + project + "_v" + testVersion + " answered '1|5|unix"},
		{"handshake not grpc", layout{line: ptr("1|6|unix|/tmp/plugin000|netrpc|")}, func(c *Check) { c.Handshake = true },
			1, "want 1|6|unix|<socket>|grpc|"},
		{"no handshake at all", layout{line: ptr("")}, func(c *Check) { c.Handshake = true },
			1, "answered ''"},
		{"no binary for this machine to shake hands with", layout{targets: []string{"solaris_sparc"}}, func(c *Check) { c.Handshake = true },
			1, "handshake: no " + prefix + "_" + hostTarget + ".zip for this machine"},
		{"a directory that is not there", layout{}, func(c *Check) { c.Dir += "/nowhere" },
			2, "is not a directory"},
		{"goreleaser's dist/ without artifacts.json", layout{}, func(c *Check) { c.Dist = true },
			2, "artifacts.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.layout.make(t)
			if tt.check != nil {
				tt.check(&c)
			}
			expect(t, tt.want, tt.needle, c)
		})
	}
}

// TestBuildInfo checks real Go binaries of a module with the provider's path.
func TestBuildInfo(t *testing.T) {
	mod := t.TempDir()
	write(t, filepath.Join(mod, "go.mod"), []byte("module "+module+"\n\ngo 1.21\n"))
	write(t, filepath.Join(mod, "main.go"), []byte("package main\n\nvar version = \"dev\"\n\nfunc main() { println(version) }\n"))
	build := func(goos, goarch string, ldflags string) []byte {
		out := filepath.Join(t.TempDir(), "bin")
		cmd := exec.Command("go", "build", "-trimpath", "-o", out, "-ldflags", ldflags, ".")
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	withVersion := "-s -w -X main.version=" + testVersion
	good := build("linux", "amd64", withVersion)
	tests := []struct {
		name   string
		binary []byte
		want   int
		needle string
	}{
		{"built for the zip's target with main.version", good, 0, "built for linux/amd64 with main.version=" + testVersion},
		{"main.version not set", build("linux", "amd64", "-s -w"), 1, "main.version is not set to " + testVersion},
		{"the arm64 binary in the amd64 zip", build("linux", "arm64", withVersion), 1, "not built for GOARCH=amd64"},
		{"not a Go binary", fakeBinary(goodLine), 1, "is not a Go binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := layout{targets: []string{"linux_amd64"}, gobinary: tt.binary}.make(t)
			c.BuildInfo = true
			expect(t, tt.want, tt.needle, c)
		})
	}
	t.Run("built from another module", func(t *testing.T) {
		write(t, filepath.Join(mod, "go.mod"), []byte("module example.com/other\n\ngo 1.21\n"))
		c := layout{targets: []string{"linux_amd64"}, gobinary: build("linux", "amd64", withVersion)}.make(t)
		c.BuildInfo = true
		expect(t, 1, "not built from "+module, c)
	})
}

// TestSignature verifies a real detached signature, and refuses one made for
// other contents.
func TestSignature(t *testing.T) {
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg is not installed: the signature check needs it")
	}
	needsShell(t)
	work := t.TempDir()
	fingerprint, gnupg, err := throwawayKey(context.Background(), work)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GNUPGHOME", gnupg)
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--kill", "all").Run() })
	sign := func(c Check, file string) {
		t.Helper()
		sums := filepath.Join(c.Dir, project+"_"+testVersion+"_SHA256SUMS")
		if out, err := exec.Command("gpg", "--batch", "--local-user", fingerprint, "--output", sums+".sig", "--detach-sign", file).CombinedOutput(); err != nil {
			t.Fatalf("gpg: %v\n%s", err, out)
		}
	}
	t.Run("a signature of the checksums verifies", func(t *testing.T) {
		c := layout{}.make(t)
		sign(c, filepath.Join(c.Dir, project+"_"+testVersion+"_SHA256SUMS"))
		c.Signed = true
		expect(t, 0, project+"_"+testVersion+"_SHA256SUMS.sig verifies", c)
	})
	t.Run("a signature of something else does not", func(t *testing.T) {
		c := layout{}.make(t)
		sign(c, filepath.Join(c.Dir, "metadata.json"))
		c.Signed = true
		expect(t, 1, "SHA256SUMS.sig does not verify", c)
	})
}

func TestSingleTarget(t *testing.T) {
	config, err := os.ReadFile(filepath.Join(repoRoot(t), ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	one, err := singleTarget(config, "provider")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(one), "targets: [linux_amd64_v1]") {
		t.Errorf("the provider build is not limited to linux_amd64_v1:\n%s", one)
	}
	if _, err := singleTarget(config, "nope"); err == nil || !strings.Contains(err.Error(), "no build with id nope") {
		t.Errorf("a missing build id gives %v", err)
	}
	if _, err := singleTarget(one, "provider"); err == nil || !strings.Contains(err.Error(), "already sets targets") {
		t.Errorf("a build with targets gives %v", err)
	}
}

const goodChangelog = "# Changelog\n\nFollows the format.\n\n## 1.3.0 (Unreleased)\n\nFEATURES:\n\n" +
	"* **New Resource:** `flexslot_thing`: a thing,\n  on two lines.\n\nBUG FIXES:\n\n* provider: a fix.\n\n" +
	"## 1.2.0 (March 4, 2026)\n\nNOTES:\n\n* A note.\n"

func TestChangelog(t *testing.T) {
	repoChangelog, err := os.ReadFile(filepath.Join(repoRoot(t), "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, version string
		want                int
		needle              string
	}{
		{"the repository's CHANGELOG.md", string(repoChangelog), "", 0, "follows the changelog format"},
		{"a changelog in the format", goodChangelog, "", 0, "follows the changelog format"},
		{"release notes of a dated version", goodChangelog, "1.2.0", 0, "* A note."},
		{"release notes of a pre-release come from its release", goodChangelog, "1.3.0-rc.1", 0, "on two lines."},
		{"release notes of a version still unreleased", goodChangelog, "1.3.0", 1, "still says '## 1.3.0 (Unreleased)'"},
		{"release notes of a version not there", goodChangelog, "9.0.0", 1, "has no '## 9.0.0 (...)' section"},
		{"a new unreleased version with no entry yet",
			strings.Replace(goodChangelog, "## 1.3.0 (Unreleased)", "## 1.4.0 (Unreleased)\n\n## 1.3.0 (May 1, 2026)", 1), "", 0, "follows the changelog format"},
		{"a released version with no entry",
			strings.Replace(goodChangelog, "## 1.3.0 (Unreleased)", "## 1.4.0 (Unreleased)\n\n## 1.3.1 (May 2, 2026)\n\n## 1.3.0 (May 1, 2026)", 1), "", 1, "the version above has no section"},
		{"the last version with no entry", goodChangelog + "\n## 1.1.0 (March 1, 2026)\n", "", 1, "the last version has no section"},
		{"a version twice", strings.Replace(goodChangelog, "1.2.0", "1.3.0", 1), "", 1, "version 1.3.0 appears twice"},
		{"Keep a Changelog heading", strings.Replace(goodChangelog, "## 1.2.0 (March 4, 2026)", "## [1.2.0] - 2026-03-04", 1), "", 1, "a version heading is '## X.Y.Z (Unreleased)'"},
		{"unknown section label", strings.Replace(goodChangelog, "NOTES:", "Added:", 1), "", 1, "'Added:' is not one of"},
		{"lower-case section label", strings.Replace(goodChangelog, "NOTES:", "Notes:", 1), "", 1, "'Notes:' is not one of"},
		{"sections out of order", strings.Replace(goodChangelog, "BUG FIXES:", "FEATURES:", 1), "", 1, "'FEATURES:' repeated or out of order"},
		{"a section with no entry", strings.Replace(goodChangelog, "* **New Resource:** `flexslot_thing`: a thing,\n  on two lines.\n", "", 1), "", 1, "the section above 'BUG FIXES:' has no entry"},
		{"a version's last section with no entry", strings.Replace(goodChangelog, "* provider: a fix.\n", "", 1), "", 1, "the last section of the version above has no entry"},
		{"the last section with no entry", strings.Replace(goodChangelog, "* A note.\n", "", 1), "", 1, "the last section has no entry"},
		{"an older version still unreleased", strings.Replace(goodChangelog, "(March 4, 2026)", "(Unreleased)", 1), "", 1, "only the top version may be (Unreleased)"},
		{"a '-' bullet", strings.Replace(goodChangelog, "* A note.", "- A note.", 1), "", 1, "expected a section label, a '* ' entry"},
		{"an entry outside a section", strings.Replace(goodChangelog, "NOTES:", "", 1), "", 1, "an entry outside a section"},
		{"no version at all", "# Changelog\n", "", 1, "no version heading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "CHANGELOG.md")
			write(t, file, []byte(tt.text))
			args := []string{"-f", file}
			if tt.version != "" {
				args = append(args, tt.version)
			}
			var stdout, stderr bytes.Buffer
			code := runChangelog(args, &stdout, &stderr, "")
			out := stdout.String() + stderr.String()
			if code != tt.want {
				t.Fatalf("exit %d, want %d; output:\n%s", code, tt.want, out)
			}
			if !strings.Contains(out, tt.needle) {
				t.Fatalf("output lacks %q:\n%s", tt.needle, out)
			}
		})
	}
}
