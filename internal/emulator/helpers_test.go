package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

const (
	tokenA = "flx_pat_partner_a"
	tokenB = "flx_pat_partner_b"
)

func startTwoPartners(t *testing.T) *emulatortest.Instance {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{Tokens: []string{tokenA, tokenB}})
}

func startWith(t *testing.T, opts emulator.Options) *emulatortest.Instance {
	t.Helper()
	return emulatortest.Start(t, opts)
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

func (r result) apiError(t *testing.T) apiError {
	t.Helper()
	var envelope struct {
		Error apiError `json:"error"`
	}
	r.decode(t, &envelope)
	return envelope.Error
}

type oneTimeSecret struct {
	Client                emulator.Client `json:"client"`
	PlaintextClientSecret string          `json:"plaintext_client_secret"`
	SecretRotatedAt       *time.Time      `json:"secret_rotated_at"`
}

// call sends a request with token (none when empty) and extra header pairs.
func call(t *testing.T, inst *emulatortest.Instance, token, method, path, body string, header ...string) result {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, inst.URL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := inst.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

func expectStatus(t *testing.T, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
}

func expectError(t *testing.T, r result, status int, code, field string) apiError {
	t.Helper()
	expectStatus(t, r, status)
	e := r.apiError(t)
	if e.Code != code || e.Field != field || e.Message == "" {
		t.Fatalf("error %+v, want code %q field %q and a message", e, code, field)
	}
	return e
}

func createBody(name, clientType string) string {
	body, _ := json.Marshal(map[string]any{
		"application_name": name,
		"client_type":      clientType,
		"redirect_uris":    []string{"https://app.example.com/oauth/callback", "http://127.0.0.1:8080/cb"},
		"allowed_scopes":   []string{"decks:read", "cards:read"},
	})
	return string(body)
}

func create(t *testing.T, inst *emulatortest.Instance, token, clientType string) oneTimeSecret {
	t.Helper()
	r := call(t, inst, token, http.MethodPost, emulator.BasePath, createBody("My Integration", clientType))
	expectStatus(t, r, http.StatusCreated)
	var created oneTimeSecret
	r.decode(t, &created)
	return created
}

// idsAndStatuses is each client's ID and status, such as "cli_01… active".
func idsAndStatuses(clients []emulator.Client) []string {
	out := make([]string, len(clients))
	for i, c := range clients {
		out[i] = c.ClientID + " " + c.Status
	}
	return out
}

func clientPath(id string) string { return emulator.BasePath + "/" + id }

// list calls the list endpoint and decodes its bare array.
func list(t *testing.T, inst *emulatortest.Instance, token string) []emulator.Client {
	t.Helper()
	r := call(t, inst, token, http.MethodGet, emulator.BasePath, "")
	expectStatus(t, r, http.StatusOK)
	var clients []emulator.Client
	r.decode(t, &clients)
	if clients == nil {
		t.Fatalf("the list is not an array: %s", r.body)
	}
	return clients
}
