package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

const (
	project = "terraform-provider-flexslot"
	module  = "github.com/flexslot/terraform-provider-flexslot"
	// go-plugin's handshake as Terraform and OpenTofu start a protocol 6 provider.
	magicCookie      = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
	handshakeTimeout = 30 * time.Second
)

// allTargets are the <os>_<arch> of every build in .goreleaser.yml, as
// goreleaser names them.
var allTargets = []string{
	"darwin_amd64", "darwin_arm64",
	"freebsd_386", "freebsd_amd64", "freebsd_arm", "freebsd_arm64",
	"linux_386", "linux_amd64", "linux_arm", "linux_arm64",
	"windows_386", "windows_amd64", "windows_arm64",
}

var (
	registryVersion = regexp.MustCompile(`^` + semverPattern + `(?:\+[0-9A-Za-z.-]+)?$`)
	handshakeLine   = regexp.MustCompile(`^1\|6\|(unix|tcp)\|[^|]+\|grpc\|`)
	sumsLine        = regexp.MustCompile(`^([0-9a-f]{64})  ([^ ]+)$`)
)

// Check says what to check in a directory of release files.
type Check struct {
	// Dir holds the release's files as uploaded; with Dist, goreleaser's dist/.
	Dir string
	// Dist: Dir is goreleaser's dist/; check the files a release of it uploads,
	// as its artifacts.json lists them, and the release.extra_files of its
	// config.yaml (globs relative to Root).
	Dist bool
	// Root is the checkout: where Manifest and release.extra_files are found.
	Root string
	// Version every name must carry; empty: from Dir/metadata.json.
	Version string
	// Targets are <os>_<arch> whose zip must be there.
	Targets []string
	// Signed: the SHA256SUMS.sig must be there and verify with gpg.
	Signed bool
	// Handshake: start this machine's binary as the CLIs do and read its
	// go-plugin handshake line. HandshakeIfBuilt: only when it was built.
	Handshake, HandshakeIfBuilt bool
	// BuildInfo: every binary was built from this module for its zip's OS and
	// architecture, without cgo, with main.version set to the version.
	BuildInfo bool
	// Manifest is the file the release's manifest must equal.
	Manifest string
}

// report collects the outcome of each check.
type report struct {
	out      io.Writer
	problems int
}

func (r *report) fail(format string, args ...any) {
	r.problems++
	fmt.Fprintf(r.out, "release-check: FAIL: %s\n", fmt.Sprintf(format, args...))
}

func (r *report) ok(format string, args ...any) {
	fmt.Fprintf(r.out, "release-check: ok: %s\n", fmt.Sprintf(format, args...))
}

func (r *report) say(format string, args ...any) {
	fmt.Fprintf(r.out, "release-check: %s\n", fmt.Sprintf(format, args...))
}

// Run checks c.Dir, writing each outcome to out, and returns the number of
// problems found; an error means the check could not be made at all.
func (c Check) Run(ctx context.Context, out io.Writer) (int, error) {
	r := &report{out: out}
	if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
		return 0, fmt.Errorf("%s is not a directory", c.Dir)
	}
	meta, err := readMetadata(c.Dir)
	if c.Version == "" {
		if err != nil {
			return 0, fmt.Errorf("no -version and %w", err)
		}
		if meta.Version == "" {
			return 0, fmt.Errorf("no version in %s", filepath.Join(c.Dir, "metadata.json"))
		}
		c.Version = meta.Version
	}
	// A registry version is semver without a leading v.
	if !registryVersion.MatchString(c.Version) {
		r.fail("version '%s' is not a semantic version without a leading v", c.Version)
	}
	r.say("%s, version %s", c.Dir, c.Version)

	files := map[string]string{} // name -> path of every uploaded file
	if c.Dist {
		if files, err = c.uploads(r, meta.ProjectName); err != nil {
			return 0, err
		}
	} else {
		entries, err := os.ReadDir(c.Dir)
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			if !e.IsDir() {
				files[e.Name()] = filepath.Join(c.Dir, e.Name())
			}
		}
	}

	prefix := project + "_" + c.Version
	sums := prefix + "_SHA256SUMS"
	manifest := prefix + "_manifest.json"
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})

	// The files' names.
	var zips []string
	for _, n := range names {
		switch {
		case strings.HasSuffix(n, ".zip"):
			zips = append(zips, n)
		case strings.Contains(n, "SHA256SUMS"):
			if n != sums && n != sums+".sig" {
				r.fail("%s: the checksum file must be named %s", n, sums)
			}
		case strings.HasSuffix(n, "manifest.json"):
			if n != manifest {
				r.fail("%s: the manifest must be named %s", n, manifest)
			}
		}
	}
	if len(zips) == 0 {
		r.fail("no .zip in %s", c.Dir)
	}

	// The manifest.
	if path, ok := files[manifest]; !ok {
		r.fail("missing %s", manifest)
	} else if got, err := os.ReadFile(path); err != nil {
		r.fail("%s: %v", manifest, err)
	} else if want, err := os.ReadFile(c.Manifest); err != nil {
		return 0, err
	} else if !bytes.Equal(got, want) {
		r.fail("%s differs from %s", manifest, c.Manifest)
	} else {
		r.ok("%s", manifest)
	}

	// Each zip, and the targets that must be there.
	for _, z := range zips {
		c.checkZip(r, prefix, z, files[z])
	}
	for _, t := range c.Targets {
		if _, ok := files[prefix+"_"+t+".zip"]; !ok {
			r.fail("missing %s_%s.zip", prefix, t)
		}
	}

	// The checksums.
	if path, ok := files[sums]; !ok {
		r.fail("missing %s", sums)
	} else {
		checkSums(r, sums, path, append(slices.Clone(zips), manifest), files)
	}

	// The signature.
	if c.Signed {
		path, ok := files[sums+".sig"]
		if fi, err := os.Stat(path); !ok || err != nil || fi.Size() == 0 {
			r.fail("missing %s.sig", sums)
		} else if _, err := exec.LookPath("gpg"); err != nil {
			r.fail("cannot verify %s.sig: gpg not found", sums)
		} else if out, err := exec.CommandContext(ctx, "gpg", "--batch", "--verify", path, files[sums]).CombinedOutput(); err != nil {
			r.fail("%s.sig does not verify: %s", sums, bytes.TrimSpace(out))
		} else {
			r.ok("%s.sig verifies", sums)
		}
	}

	// The plugin handshake.
	host := runtime.GOOS + "_" + runtime.GOARCH
	hostZip := prefix + "_" + host + ".zip"
	if c.HandshakeIfBuilt && !c.Handshake {
		if _, ok := files[hostZip]; ok {
			c.Handshake = true
		} else {
			r.say("no handshake: no binary for %s in this snapshot", host)
		}
	}
	if c.Handshake {
		if path, ok := files[hostZip]; !ok {
			r.fail("handshake: no %s for this machine", hostZip)
		} else {
			c.handshake(ctx, r, path, binaryName(c.Version, runtime.GOOS))
		}
	}

	if r.problems > 0 {
		fmt.Fprintf(out, "release-check: %d problem(s) in %s\n", r.problems, c.Dir)
	} else {
		fmt.Fprintf(out, "release-check: %s is ready for the Terraform and OpenTofu registries\n", c.Dir)
	}
	return r.problems, nil
}

type metadata struct {
	ProjectName string `json:"project_name"`
	Version     string `json:"version"`
}

func readMetadata(dir string) (metadata, error) {
	var m metadata
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, "metadata.json"), err)
	}
	return m, nil
}

func binaryName(version, goos string) string {
	name := project + "_v" + version
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

// checkZip: the zip's name, and that it holds exactly its binary, executable,
// and LICENSE at its top.
func (c Check) checkZip(r *report, prefix, name, path string) {
	rest, ok := strings.CutPrefix(name, prefix+"_")
	if !ok {
		r.fail("%s: must be named %s_<os>_<arch>.zip", name, prefix)
		return
	}
	target := strings.TrimSuffix(rest, ".zip")
	goos, goarch, _ := strings.Cut(target, "_")
	if !slices.Contains(allTargets, target) {
		r.fail("%s: %s is not one of the release targets (%s)", name, target, strings.Join(allTargets, " "))
		return
	}
	want := binaryName(c.Version, goos)
	zr, err := zip.OpenReader(path)
	if err != nil {
		r.fail("%s: not a readable zip: %v", name, err)
		return
	}
	defer zr.Close()
	var entries []string
	var binary *zip.File
	for _, f := range zr.File {
		entries = append(entries, f.Name)
		if f.Name == want {
			binary = f
		}
	}
	sort.Strings(entries)
	if !slices.Equal(entries, sortedPair("LICENSE", want)) {
		r.fail("%s: must hold exactly %s and LICENSE at its top, holds: %s", name, want, strings.Join(entries, " "))
		return
	}
	if goos != "windows" && binary.Mode()&0o100 == 0 {
		r.fail("%s: %s is not executable (mode %s)", name, want, binary.Mode())
		return
	}
	r.ok("%s holds %s", name, want)
	if c.BuildInfo {
		c.checkBuildInfo(r, name, binary, goos, goarch)
	}
}

func sortedPair(a, b string) []string {
	s := []string{a, b}
	sort.Strings(s)
	return s
}

// checkBuildInfo: the Go build information of a zip's binary says it was built
// from this module for the zip's OS and architecture, without cgo; and the
// binary holds the version that -X main.version stores (-trimpath keeps
// -ldflags out of the build information).
func (c Check) checkBuildInfo(r *report, name string, f *zip.File, goos, goarch string) {
	rc, err := f.Open()
	if err != nil {
		r.fail("%s: %v", name, err)
		return
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		r.fail("%s: %v", name, err)
		return
	}
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		r.fail("%s: %s is not a Go binary: %v", name, f.Name, err)
		return
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var problems []string
	if info.Path != module {
		problems = append(problems, "not built from "+module)
	}
	if settings["GOOS"] != goos {
		problems = append(problems, "not built for GOOS="+goos)
	}
	if settings["GOARCH"] != goarch {
		problems = append(problems, "not built for GOARCH="+goarch)
	}
	if settings["CGO_ENABLED"] != "0" {
		problems = append(problems, "built with cgo")
	}
	if !bytes.Contains(data, []byte(c.Version)) {
		problems = append(problems, "main.version is not set to "+c.Version)
	}
	if len(problems) > 0 {
		r.fail("%s: %s: %s", name, f.Name, strings.Join(problems, "; "))
		return
	}
	r.ok("%s: %s built for %s/%s with main.version=%s", name, f.Name, goos, goarch, c.Version)
}

// checkSums: the checksum file lists exactly the zips and the manifest, one
// "<sha256>  <name>" line each, and every checksum is right.
func checkSums(r *report, name, path string, want []string, files map[string]string) {
	data, err := os.ReadFile(path)
	if err != nil {
		r.fail("%s: %v", name, err)
		return
	}
	type entry struct{ sum, name string }
	var entries []entry
	var listed []string
	wellFormed := true
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSuffix(line, "\n")
		m := sumsLine.FindStringSubmatch(line)
		if m == nil {
			wellFormed = false
			if f := strings.Fields(line); len(f) >= 2 {
				listed = append(listed, f[1])
			}
			continue
		}
		entries = append(entries, entry{m[1], m[2]})
		listed = append(listed, m[2])
	}
	sort.Strings(listed)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(listed, want) {
		r.fail("%s must list exactly the zips and %s; lists: %s", name, want[len(want)-1], strings.Join(listed, " "))
	}
	if !wellFormed {
		r.fail("%s: every line must be '<sha256>  <file name>'", name)
		return
	}
	var wrong []string
	for _, e := range entries {
		p, ok := files[e.name]
		if !ok {
			wrong = append(wrong, e.name+": no such file")
			continue
		}
		if got, err := sha256File(p); err != nil {
			wrong = append(wrong, e.name+": "+err.Error())
		} else if got != e.sum {
			wrong = append(wrong, e.name+": FAILED")
		}
	}
	if len(wrong) > 0 {
		r.fail("%s: checksums do not match: %s", name, strings.Join(wrong, "; "))
		return
	}
	r.ok("%s: %d checksums match", name, len(entries))
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// handshake starts the binary in the zip as Terraform and OpenTofu start a
// provider, and reads the first line of its stdout: core protocol 1, plugin
// protocol 6, a unix socket (tcp on Windows), and grpc.
func (c Check) handshake(ctx context.Context, r *report, zipPath, binary string) {
	work, err := os.MkdirTemp("", "release-check-handshake")
	if err != nil {
		r.fail("handshake: %v", err)
		return
	}
	defer os.RemoveAll(work)
	bin, err := extract(zipPath, binary, work)
	if err != nil {
		r.fail("handshake: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(),
		"TF_PLUGIN_MAGIC_COOKIE="+magicCookie,
		"PLUGIN_PROTOCOL_VERSIONS=6",
		"PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000",
		"PLUGIN_UNIX_SOCKET_DIR="+work,
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.fail("handshake: %v", err)
		return
	}
	if err := cmd.Start(); err != nil {
		r.fail("handshake: %s does not start: %v", binary, err)
		return
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if handshakeLine.MatchString(line) {
		first, _, _ := strings.Cut(line, "|grpc|")
		r.ok("handshake: %s answered %s|grpc|...", binary, first)
		return
	}
	if ctx.Err() != nil {
		r.fail("handshake: %s answered nothing within %s; stderr: %s", binary, handshakeTimeout, truncate(stderr.String(), 500))
		return
	}
	r.fail("handshake: %s answered '%s' (want 1|6|unix|<socket>|grpc|...); stderr: %s", binary, line, truncate(stderr.String(), 500))
}

// extract writes the zip's entry name into dir, executable, and returns its path.
func extract(zipPath, name, dir string) (string, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return "", err
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Base(zipPath), err)
	}
	defer f.Close()
	path := filepath.Join(dir, name)
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, f); err != nil {
		out.Close()
		return "", err
	}
	return path, out.Close()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
