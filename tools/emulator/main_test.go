package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "flexslot-emulator")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestBinaryServesAndStopsOnSIGTERM(t *testing.T) {
	bin := buildBinary(t)
	statePath := filepath.Join(t.TempDir(), "state.json")
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-token", "flx_pat_a", "-token", "flx_pat_b", "-state", statePath)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(5 * time.Second):
		t.Fatalf("no listening line; stderr: %s", stderr.String())
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("took %v to start", elapsed)
	}
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[1-9][0-9]*)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q", line)
	}

	for token, want := range map[string]int{"flx_pat_a": http.StatusOK, "flx_pat_b": http.StatusOK, "flx_pat_c": http.StatusUnauthorized} {
		req, _ := http.NewRequest(http.MethodGet, m[1]+"/api/public/v1/me/partner/oauth2-clients", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", token, resp.StatusCode, want)
		}
		if want == http.StatusOK && string(body) != `{"clients":[]}` {
			t.Errorf("%s: body %s", token, body)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5s after SIGTERM")
	}
}

func TestRefusesRemoteListenWithoutAllowRemote(t *testing.T) {
	for _, address := range []string{"0.0.0.0:0", ":0", "192.0.2.1:80"} {
		var stderr bytes.Buffer
		err := run([]string{"-listen", address}, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), "-allow-remote") {
			t.Errorf("%s: err = %v", address, err)
		}
	}
	for _, address := range []string{"127.0.0.1:0", "[::1]:0", "localhost:0"} {
		if err := checkLoopback(address, false); err != nil {
			t.Errorf("%s refused: %v", address, err)
		}
	}
	if err := checkLoopback("0.0.0.0:0", true); err != nil {
		t.Errorf("-allow-remote ignored: %v", err)
	}
}

func TestRejectsBadArguments(t *testing.T) {
	if err := run([]string{"extra"}, io.Discard, io.Discard); err == nil {
		t.Error("accepted a positional argument")
	}
	if err := run([]string{"-listen", "nonsense"}, io.Discard, io.Discard); err == nil {
		t.Error("accepted an invalid address")
	}
	corrupt := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(corrupt, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-listen", "127.0.0.1:0", "-state", corrupt}, io.Discard, io.Discard); err == nil {
		t.Error("started with a corrupt state file")
	}
}
