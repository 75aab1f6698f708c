package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// partnerCount is how many partners the emulator serves: 100 clients need ten
// of them, since one partner holds at most emulator.MaxClients.
const partnerCount = 10

// bench holds everything one benchmark run shares: the emulator, the provider
// build, the CLI and the temporary directory they all live in.
type bench struct {
	ctx      context.Context
	cli      string // absolute path of the tofu or terraform binary
	root     string // temporary directory removed at the end
	home     string // HOME of every process the bench starts
	cliConf  string // TF_CLI_CONFIG_FILE with dev_overrides
	provider *devcli.Build
	baseURL  string
	tokens   []string
	emu      *emulator.Server
	api      *apiWatch
	parall   int
	// timeVersion is the hashicorp/time version the tools mirror serves.
	timeVersion string
}

// apiWatch sees every partner API request before the emulator does: it counts
// the requests being served at once, the direct measure of whether the
// provider's calls run in parallel, and logs each request with the partner
// whose token it carries, which the emulator's own log does not record.
type apiWatch struct {
	mu        sync.Mutex
	now, peak int
	log       []watchedRequest
}

// watchedRequest is one partner API request as apiWatch saw it.
type watchedRequest struct {
	partner        string // the bearer token
	method, path   string
	operation      string
	idempotencyKey string
	status         int
	at             time.Time // when the request arrived
}

func (f *apiWatch) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := emulator.OperationOf(r.Method, r.URL.Path)
		if op == emulator.OperationUnknown {
			next.ServeHTTP(w, r)
			return
		}
		req := watchedRequest{
			partner:        strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
			method:         r.Method,
			path:           r.URL.Path,
			operation:      op,
			idempotencyKey: r.Header.Get("Idempotency-Key"),
			at:             time.Now(),
		}
		f.mu.Lock()
		f.now++
		f.peak = max(f.peak, f.now)
		f.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			req.status = sw.status
			f.mu.Lock()
			f.now--
			f.log = append(f.log, req)
			f.mu.Unlock()
		}()
		next.ServeHTTP(sw, r)
	})
}

// takePeak returns the highest count since the last call and starts over.
func (f *apiWatch) takePeak() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.peak
	f.peak = f.now
	return p
}

// takeLog returns the requests answered since the last call, in order of
// arrival, and starts over.
func (f *apiWatch) takeLog() []watchedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	log := f.log
	f.log = nil
	slices.SortStableFunc(log, func(a, b watchedRequest) int { return a.at.Compare(b.at) })
	return log
}

// statusWriter remembers the status an answer was written with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func tokenFor(partner int) string { return fmt.Sprintf("flx_pat_bench_partner_%02d", partner) }

// startEmulator serves an in-process emulator on a loopback port and returns a
// function that stops it.
func (b *bench) startEmulator() (func(), error) {
	for i := range partnerCount {
		b.tokens = append(b.tokens, tokenFor(i))
	}
	emu, err := emulator.New(emulator.Options{Tokens: b.tokens})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.api = &apiWatch{}
	srv := &http.Server{Handler: b.api.wrap(emu), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.emu = emu
	b.baseURL = "http://" + ln.Addr().String()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// buildProvider builds the provider from the module at root, or takes the
// prebuilt binary, and builds the no-op reference provider beside it.
func (b *bench) buildProvider(root, prebuilt string) error {
	dir := filepath.Join(b.root, "provider")
	var err error
	if prebuilt == "" {
		b.provider, err = devcli.BuildProvider(b.ctx, root, dir)
	} else {
		b.provider, err = devcli.UseProvider(prebuilt, dir)
	}
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(b.ctx, "go", "build", "-o", filepath.Join(b.provider.Dir, noopExecutable()), noopPackage)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s in %s: %w\n%s", noopPackage, root, err, out)
	}
	return nil
}

const noopPackage = "./internal/cmd/bench/noopprovider"

func noopExecutable() string {
	if runtime.GOOS == "windows" {
		return "terraform-provider-noop.exe"
	}
	return "terraform-provider-noop"
}

// findTimeProvider checks that the tools mirror serves hashicorp/time at the
// version tools/versions.env names, as tools/install.sh lays it out.
func (b *bench) findTimeProvider(root string) error {
	versions, err := devcli.Versions(root)
	if err != nil {
		return err
	}
	b.timeVersion = versions["TIME_PROVIDER_VERSION"]
	if b.timeVersion == "" {
		return fmt.Errorf("%s names no TIME_PROVIDER_VERSION", devcli.VersionsFile)
	}
	mirror := devcli.ToolsMirror()
	osArch := runtime.GOOS + "_" + runtime.GOARCH
	for _, addr := range devcli.ToolProviderAddresses {
		dir := filepath.Join(mirror, filepath.FromSlash(addr), b.timeVersion, osArch)
		if mirror == "" || !hasEntries(dir) {
			return fmt.Errorf("the tools mirror holds no %s v%s for %s: run ./tools/install.sh time", addr, b.timeVersion, osArch)
		}
	}
	return nil
}

func hasEntries(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

// writeCLIConfig points both CLIs' provider addresses, and those of the
// no-op provider, at the builds, and serves hashicorp/time from the tools
// mirror.
func (b *bench) writeCLIConfig() error {
	b.cliConf = filepath.Join(b.root, "cli.tfrc")
	conf := b.provider.Config()
	conf.Overrides = map[string]string{
		"registry.terraform.io/bench/noop": b.provider.Dir,
		"registry.opentofu.org/bench/noop": b.provider.Dir,
	}
	return conf.Write(b.cliConf)
}

// environ is the whole environment of every CLI run: nothing of the caller's
// environment leaks in.
func (b *bench) environ() []string {
	return append([]string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + b.home,
		"TMPDIR=" + b.root,
	}, devcli.Environ(b.cliConf)...)
}

// workspace is a directory holding one configuration and its state.
type workspace struct {
	b   *bench
	dir string
}

func (b *bench) workspace(name string) (*workspace, error) {
	dir := filepath.Join(b.root, "ws", name)
	return &workspace{b: b, dir: dir}, os.MkdirAll(dir, 0o755)
}

func (w *workspace) writeConfig(hcl string) error {
	return os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(hcl), 0o600)
}

// forgetState removes the state, so the next apply creates everything again.
func (w *workspace) forgetState() error {
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(w.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// runResult is one CLI command's outcome.
type runResult struct {
	wall time.Duration
	// cpu is the CPU time, user and system, of the CLI and of the provider
	// processes it started and waited for.
	cpu      time.Duration
	stdout   string
	stderr   string
	provider procStats // only filled when watched
}

// procStats describes the provider processes a command started.
type procStats struct {
	processes int
	maxHWMKiB int
}

// run runs the CLI with args, failing unless it exits 0. When watch is set it
// also samples the provider processes the CLI starts, which costs some CPU,
// so timed runs never watch.
func (w *workspace) run(watch bool, args ...string) (runResult, error) {
	args = append(args, "-no-color", "-input=false")
	if len(args) > 0 && (args[0] == "plan" || args[0] == "apply" || args[0] == "destroy") {
		args = append(args, fmt.Sprintf("-parallelism=%d", w.b.parall))
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(w.b.ctx, w.b.cli, args...)
	cmd.Dir = w.dir
	cmd.Env = w.b.environ()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The CLI and the provider processes it starts share a process group of
	// their own, so killing the group leaves nothing behind.
	devcli.OwnProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return runResult{}, err
	}
	var watcher *procWatcher
	if watch {
		watcher = watchGroup(cmd.Process.Pid)
	}
	err := cmd.Wait()
	wall := time.Since(start)
	_ = devcli.KillProcessGroup(cmd.Process.Pid)
	res := runResult{wall: wall, stdout: stdout.String(), stderr: stderr.String()}
	if st := cmd.ProcessState; st != nil {
		res.cpu = st.UserTime() + st.SystemTime()
	}
	if watcher != nil {
		res.provider = watcher.stop()
	}
	if err != nil {
		return res, fmt.Errorf("%s %s in %s: %w\nstdout:\n%s\nstderr:\n%s",
			filepath.Base(w.b.cli), strings.Join(args, " "), w.dir, err, tail(res.stdout), tail(res.stderr))
	}
	return res, nil
}

func tail(s string) string {
	const keep = 4000
	if len(s) > keep {
		return "..." + s[len(s)-keep:]
	}
	return s
}

// procWatcher samples /proc for provider processes in one process group.
type procWatcher struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	hwm  map[int]int
}

func watchGroup(pgid int) *procWatcher {
	w := &procWatcher{done: make(chan struct{}), hwm: map[int]int{}}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ticker := time.NewTicker(10 * time.Millisecond)
		defer ticker.Stop()
		for {
			w.sample(pgid)
			select {
			case <-w.done:
				return
			case <-ticker.C:
			}
		}
	}()
	return w
}

func (w *procWatcher) sample(pgid int) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, group, ok := procGroup(pid)
		if !ok || group != pgid || !strings.HasPrefix(comm, "terraform-provi") {
			continue
		}
		if kib, ok := vmHWM(pid); ok {
			w.mu.Lock()
			w.hwm[pid] = max(w.hwm[pid], kib)
			w.mu.Unlock()
		}
	}
}

func (w *procWatcher) stop() procStats {
	close(w.done)
	w.wg.Wait()
	st := procStats{processes: len(w.hwm)}
	for _, kib := range w.hwm {
		st.maxHWMKiB = max(st.maxHWMKiB, kib)
	}
	return st
}

// procGroup returns a process's command name and process group.
func procGroup(pid int) (string, int, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	s := string(data)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	fields := strings.Fields(s[end+1:]) // state ppid pgrp ...
	if len(fields) < 3 {
		return "", 0, false
	}
	group, err := strconv.Atoi(fields[2])
	return s[open+1 : end], group, err == nil
}

// vmHWM returns a process's peak resident set size in KiB.
func vmHWM(pid int) (int, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kib, err == nil
		}
	}
	return 0, false
}
