package emulatortest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flexslot/terraform-provider-flexslot/internal/apispec"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// recordingTB collects the errors a validator reports instead of failing the test.
type recordingTB struct {
	testing.TB
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestStartServesThePartnerAPI(t *testing.T) {
	inst := Start(t, emulator.Options{Tokens: []string{"flx_pat_x"}})
	if !strings.HasPrefix(inst.URL, "http://127.0.0.1:") || len(inst.Tokens) != 1 || inst.Tokens[0] != "flx_pat_x" {
		t.Fatalf("instance %+v", inst)
	}
	req, _ := http.NewRequest(http.MethodGet, inst.URL+emulator.BasePath, nil)
	req.Header.Set("Authorization", "Bearer flx_pat_x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestValidatorReportsMismatches(t *testing.T) {
	router, err := apispec.NewRouter()
	if err != nil {
		t.Fatal(err)
	}
	const list = emulator.BasePath
	tests := []struct {
		name    string
		method  string
		body    string
		handler http.HandlerFunc
		wantErr string
	}{
		{
			name:   "conforming",
			method: http.MethodGet,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_1")
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `[]`)
			},
		},
		{
			name:   "missing request id",
			method: http.MethodGet,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `[]`)
			},
			wantErr: "X-Request-Id",
		},
		{
			name:   "wrong shape",
			method: http.MethodGet,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_1")
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `[{"client_id":"nope"}]`)
			},
			wantErr: "does not match",
		},
		{
			name:   "list in an object",
			method: http.MethodGet,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_1")
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"clients":[]}`)
			},
			wantErr: "does not match",
		},
		{
			name:   "accepts an invalid request",
			method: http.MethodPost,
			body:   `{"application_name":"x","surprise":true}`,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_1")
				w.WriteHeader(http.StatusCreated)
			},
			wantErr: "request does not match",
		},
		{
			name:   "server error",
			method: http.MethodGet,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_1")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `{"error":{"code":"FLEXSLOT_INTERNAL_ERROR","message":"boom"}}`)
			},
			wantErr: "failed with 500",
		},
		{
			name:   "deliberately broken",
			method: http.MethodGet,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(emulator.FaultHeader, emulator.FaultMalformedBody)
				fmt.Fprint(w, `{"cli`)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &recordingTB{TB: t}
			v := &validator{t: tb, router: router, next: tt.handler}
			req := httptest.NewRequest(tt.method, list, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer flx_pat_x")
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			v.ServeHTTP(httptest.NewRecorder(), req)
			got := strings.Join(tb.errors, "\n")
			if tt.wantErr == "" && got != "" || tt.wantErr != "" && !strings.Contains(got, tt.wantErr) {
				t.Errorf("reported %q, want %q", got, tt.wantErr)
			}
		})
	}
}

// A create with a scope outside the catalog breaks the document's enum; it is
// accepted only when the partner was granted the scope.
func TestGrantedScopesAreAllowedOutsideTheCatalog(t *testing.T) {
	inst := Start(t, emulator.Options{Tokens: []string{"flx_pat_a", "flx_pat_b"}})
	if err := inst.Server.GrantScope("flx_pat_a", "decks:read-all"); err != nil {
		t.Fatal(err)
	}
	body := `{"application_name":"x","redirect_uris":["https://a.example/cb"],"allowed_scopes":["decks:read","decks:read-all"]}`
	for token, want := range map[string]int{"flx_pat_a": http.StatusCreated, "flx_pat_b": http.StatusBadRequest} {
		req, _ := http.NewRequest(http.MethodPost, inst.URL+emulator.BasePath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", token, resp.StatusCode, want)
		}
	}

	router, err := apispec.NewRouter()
	if err != nil {
		t.Fatal(err)
	}
	accepts := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_1")
		w.WriteHeader(http.StatusCreated)
	}
	for _, tt := range []struct {
		name, token, scopes string
		next                http.Handler
		wantErr             string
	}{
		{"granted", "flx_pat_a", `["decks:read-all"]`, inst.Server, ""},
		{"not granted", "flx_pat_b", `["decks:read-all"]`, http.HandlerFunc(accepts), "request does not match"},
		{"granted and something else", "flx_pat_a", `["decks:read-all"],"extra":1`, http.HandlerFunc(accepts), "request does not match"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tb := &recordingTB{TB: t}
			v := &validator{t: tb, router: router, next: tt.next, server: inst.Server}
			req := httptest.NewRequest(http.MethodPost, emulator.BasePath,
				strings.NewReader(`{"application_name":"x","redirect_uris":["https://a.example/cb"],"allowed_scopes":`+tt.scopes+`}`))
			req.Header.Set("Authorization", "Bearer "+tt.token)
			req.Header.Set("Content-Type", "application/json")
			v.ServeHTTP(httptest.NewRecorder(), req)
			got := strings.Join(tb.errors, "\n")
			if tt.wantErr == "" && got != "" || tt.wantErr != "" && !strings.Contains(got, tt.wantErr) {
				t.Errorf("reported %q, want %q", got, tt.wantErr)
			}
		})
	}
}
