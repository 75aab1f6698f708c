package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "flexslot-emulator-test-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "flexslot-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := buildOnce(); err == nil {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// emulatorProcess is the emulator binary running on a loopback port.
type emulatorProcess struct {
	url    string
	cmd    *exec.Cmd
	exited chan error
	stderr *bytes.Buffer
}

// waitContext ends shortly before the test's deadline, if it has one, so that
// a wait that never ends fails the test saying what it waited for.
func waitContext(t *testing.T) context.Context {
	t.Helper()
	d, ok := t.Deadline()
	if !ok {
		return t.Context()
	}
	ctx, cancel := context.WithDeadline(t.Context(), d.Add(-time.Until(d)/10))
	t.Cleanup(cancel)
	return ctx
}

// startBinary runs the emulator with args on 127.0.0.1 and a free port, and
// returns once it announced the address it listens on.
func startBinary(t *testing.T, args ...string) *emulatorProcess {
	t.Helper()
	cmd := exec.Command(buildBinary(t), append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &emulatorProcess{cmd: cmd, exited: make(chan error, 1), stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
		p.exited <- cmd.Wait() // after stdout is read whole, as cmd.Wait requires
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var line string
	select {
	case line = <-lines:
	case <-waitContext(t).Done():
		t.Fatalf("no listening line before the test's deadline; stderr: %s", p.stderr.String())
	}
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[1-9][0-9]*)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q; stderr: %s", line, p.stderr.String())
	}
	p.url = m[1]
	return p
}

// do sends a partner API request and returns the status and body.
func (p *emulatorProcess) do(t *testing.T, token, method, path, body string, header ...string) (int, string) {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, p.url+path, reader)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

const basePath = "/api/public/v1/me/partner/oauth2-clients"

func TestBinaryServesAndStopsOnSIGTERM(t *testing.T) {
	statePath := filepath.Join(t.TempDir(), "state.json")
	p := startBinary(t, "-token", "flx_pat_a", "-token", "flx_pat_b", "-state", statePath)

	for token, want := range map[string]int{"flx_pat_a": http.StatusOK, "flx_pat_b": http.StatusOK, "flx_pat_c": http.StatusUnauthorized} {
		status, body := p.do(t, token, http.MethodGet, basePath, "")
		if status != want {
			t.Errorf("%s: status %d, want %d", token, status, want)
		}
		if want == http.StatusOK && body != `[]` {
			t.Errorf("%s: body %s", token, body)
		}
		if want == http.StatusUnauthorized && !strings.Contains(body, `"FLEXSLOT_UNAUTHORIZED"`) {
			t.Errorf("%s: body %s", token, body)
		}
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, p.stderr.String())
		}
	case <-waitContext(t).Done():
		t.Fatal("still running at the test's deadline, after SIGTERM")
	}
}

func TestDefaultsHonourTheAssumptions(t *testing.T) {
	p := startBinary(t, "-token", "flx_pat_a")
	create := `{"application_name":"App","redirect_uris":["https://a.example/cb"],"allowed_scopes":["decks:read"]}`
	status, body := p.do(t, "flx_pat_a", http.MethodPost, basePath, create, "Idempotency-Key", "k")
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	if again, replay := p.do(t, "flx_pat_a", http.MethodPost, basePath, create, "Idempotency-Key", "k"); again != status || replay != body {
		t.Errorf("the Idempotency-Key was not honoured: %d %s", again, replay)
	}
	var created struct {
		Client struct {
			ClientID string `json:"client_id"`
		} `json:"client"`
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	if status, body := p.do(t, "flx_pat_a", http.MethodPatch, basePath+"/"+created.Client.ClientID, `{"application_name":"New"}`); status != http.StatusOK {
		t.Errorf("PATCH: %d %s", status, body)
	}
	scoped := strings.Replace(create, `"decks:read"`, `"decks:read-all"`, 1)
	if status, body := p.do(t, "flx_pat_a", http.MethodPost, basePath, scoped); status != http.StatusBadRequest || !strings.Contains(body, "FLEXSLOT_INVALID_SCOPE") {
		t.Errorf("scope outside the catalog: %d %s", status, body)
	}
	if status, _ := p.do(t, "flx_pat_a", http.MethodDelete, basePath+"/"+created.Client.ClientID, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", status)
	}
	if _, body := p.do(t, "flx_pat_a", http.MethodGet, basePath, ""); body != `[]` {
		t.Errorf("the revoked client is listed: %s", body)
	}
}

func TestSwitches(t *testing.T) {
	p := startBinary(t, "-token", "flx_pat_a", "-without-update", "-ignore-idempotency-key", "-list-revoked",
		"-grant-scope", "decks:read-all", "-grant-scope", "games:mtg")
	create := `{"application_name":"App","redirect_uris":["https://a.example/cb"],"allowed_scopes":["decks:read-all","games:mtg"]}`
	status, body := p.do(t, "flx_pat_a", http.MethodPost, basePath, create, "Idempotency-Key", "k")
	if status != http.StatusCreated {
		t.Fatalf("create with granted scopes: %d %s", status, body)
	}
	if again, second := p.do(t, "flx_pat_a", http.MethodPost, basePath, create, "Idempotency-Key", "k"); again != http.StatusCreated || second == body {
		t.Errorf("-ignore-idempotency-key: the re-sent create was replayed: %d", again)
	}
	var created struct {
		Client struct {
			ClientID string `json:"client_id"`
		} `json:"client"`
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	path := basePath + "/" + created.Client.ClientID
	if status, body := p.do(t, "flx_pat_a", http.MethodPatch, path, `{"application_name":"New"}`); status != http.StatusMethodNotAllowed ||
		!strings.Contains(body, "FLEXSLOT_METHOD_NOT_ALLOWED") {
		t.Errorf("-without-update: PATCH answered %d %s", status, body)
	}
	if status, _ := p.do(t, "flx_pat_a", http.MethodDelete, path, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", status)
	}
	_, listed := p.do(t, "flx_pat_a", http.MethodGet, basePath, "")
	var clients []struct {
		ClientID string `json:"client_id"`
		Status   string `json:"status"`
	}
	if err := json.Unmarshal([]byte(listed), &clients); err != nil {
		t.Fatal(err)
	}
	if len(clients) != 2 || clients[0].ClientID != created.Client.ClientID || clients[0].Status != "revoked" || clients[1].Status != "active" {
		t.Errorf("-list-revoked: list %s", listed)
	}
	if err := run([]string{"-listen", "127.0.0.1:0", "-grant-scope", "not a scope"}, io.Discard, io.Discard); err == nil {
		t.Error("started with an invalid -grant-scope")
	}
}

func TestWithoutDeleteSwitch(t *testing.T) {
	p := startBinary(t, "-token", "flx_pat_a", "-without-delete")
	status, body := p.do(t, "flx_pat_a", http.MethodPost, basePath, `{"application_name":"App","redirect_uris":["https://a.example/cb"],"allowed_scopes":["decks:read"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var created struct {
		Client struct {
			ClientID string `json:"client_id"`
		} `json:"client"`
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	id := created.Client.ClientID
	if status, body := p.do(t, "flx_pat_a", http.MethodDelete, basePath+"/"+id, ""); status != http.StatusMethodNotAllowed ||
		!strings.Contains(body, "FLEXSLOT_METHOD_NOT_ALLOWED") {
		t.Errorf("-without-delete: DELETE answered %d %s", status, body)
	}
	// The dashboard's Revoke still works.
	if status, body := p.do(t, "", http.MethodPost, "/_emulator/clients/"+id+"/revoke", ""); status != http.StatusOK ||
		!strings.Contains(body, `"status":"revoked"`) {
		t.Errorf("control revoke answered %d %s", status, body)
	}
	if _, listed := p.do(t, "flx_pat_a", http.MethodGet, basePath, ""); listed != `[]` {
		t.Errorf("the revoked client is listed: %s", listed)
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
