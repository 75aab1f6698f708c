package flexslot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/memnet"
)

// memServers holds the in-memory servers of the running tests by URL, so that
// newTestClient reaches them.
var memServers sync.Map

// newMemServer serves handler in memory until the test ends: in a
// testing/synctest bubble, its exchanges leave the bubble's clock free to
// advance whenever every goroutine waits.
func newMemServer(t *testing.T, handler http.Handler) *memnet.Server {
	t.Helper()
	s := memnet.NewServer(handler)
	memServers.Store(s.URL, s)
	t.Cleanup(func() {
		s.Close()
		memServers.Delete(s.URL)
	})
	return s
}

// fakeAPI is a small stateful stand-in for the partner API, independent of
// the emulator, that ignores Idempotency-Key. Faults decide, per request,
// what happens after the request is processed.
type fakeAPI struct {
	*memnet.Server
	t *testing.T

	mu       sync.Mutex
	clients  []*fakeClient
	requests []recorded
	next     int
	// fault, when set, is asked about every request before it is processed;
	// n is the 0-based index of the request.
	fault func(r *http.Request, n int) fakeFault
	now   func() time.Time
	// omitDate leaves the Date header out of every answer.
	omitDate bool
}

type fakeClient struct {
	OAuth2Client
	secret string
}

// fakeFault says what to do with one request.
type fakeFault struct {
	before func(w http.ResponseWriter) bool // answers instead of processing when it returns true
	after  string                           // "drop", "truncate", "502", "html503", "hang" (until the caller gives up)
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
	f.Server = newMemServer(t, http.HandlerFunc(f.serve))
	return f
}

// set changes the fake's behaviour between requests.
func (f *fakeAPI) set(change func(f *fakeAPI)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *fakeAPI) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// count returns how many requests had method and a path ending in suffix.
func (f *fakeAPI) count(method, suffix string) int {
	n := 0
	for _, r := range f.recorded() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func (f *fakeAPI) live() []OAuth2Client {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []OAuth2Client
	for _, c := range f.clients {
		if c.Status != StatusRevoked {
			out = append(out, c.OAuth2Client)
		}
	}
	return out
}

func (f *fakeAPI) secretOf(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.clients {
		if c.ClientID == id {
			return c.secret
		}
	}
	return ""
}

// add stores a client as if created earlier, and returns it.
func (f *fakeAPI) add(name, typ string, uris []string, createdAt time.Time) OAuth2Client {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	c := &fakeClient{OAuth2Client: OAuth2Client{
		ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", f.next), ClientID: fmt.Sprintf("cli_%026d", f.next),
		ClientType: typ, ApplicationName: name, RedirectURIs: uris, AllowedScopes: []string{"decks:read"},
		GrantTypes: []string{"authorization_code", "refresh_token"}, RequirePKCE: true, Status: StatusActive,
		CreatedAt: createdAt, UpdatedAt: createdAt,
	}}
	if typ == ClientTypeConfidential {
		c.secret = fmt.Sprintf("sec-%d-%d", f.next, createdAt.UnixNano())
		c.SecretRotatedAt = &createdAt
	}
	f.clients = append(f.clients, c)
	return c.OAuth2Client
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, recorded{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		IdempotencyKey: r.Header.Get("Idempotency-Key"), Header: r.Header.Clone(), Body: string(body)})
	fault, omitDate, now := f.fault, f.omitDate, f.now()
	f.mu.Unlock()
	w.Header().Set("X-Request-Id", fmt.Sprintf("req_%d", n))
	if omitDate {
		w.Header()["Date"] = nil
	} else {
		w.Header().Set("Date", now.Format(http.TimeFormat))
	}

	var ff fakeFault
	if fault != nil {
		ff = fault(r, n)
	}
	if ff.before != nil && ff.before(w) {
		return
	}
	status, answer := f.process(r, body)
	switch ff.after {
	case "drop":
		hijackAndClose(f.t, w)
		return
	case "truncate":
		answer = answer[:len(answer)/2]
	case "502":
		writeJSON(w, 502, `{"error":{"code":"FLEXSLOT_BAD_GATEWAY","message":"upstream failed"}}`)
		return
	case "html503":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		io.WriteString(w, "<html><head><title>503 Service Temporarily Unavailable</title></head></html>")
		return
	case "hang":
		<-r.Context().Done()
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, answer)
}

// process carries out a request, as Flexslot would, and returns its answer.
func (f *fakeAPI) process(r *http.Request, body []byte) (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rest := strings.TrimPrefix(r.URL.Path, basePath)
	id, action, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	find := func() *fakeClient {
		for _, c := range f.clients {
			if c.ClientID == id && c.Status != StatusRevoked {
				return c
			}
		}
		return nil
	}
	envelope := func(c *fakeClient) string {
		b, _ := json.Marshal(map[string]any{"client": c.OAuth2Client, "plaintext_client_secret": c.secret, "secret_rotated_at": c.SecretRotatedAt})
		return string(b)
	}
	notFound := `{"error":{"code":"FLEXSLOT_NOT_FOUND","message":"no such client"}}`
	switch {
	case r.Method == http.MethodGet && rest == "":
		list := []OAuth2Client{}
		for _, c := range f.clients {
			if c.Status != StatusRevoked {
				list = append(list, c.OAuth2Client)
			}
		}
		b, _ := json.Marshal(list)
		return 200, string(b)
	case r.Method == http.MethodPost && rest == "":
		var req CreateRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return 400, `{"error":{"code":"FLEXSLOT_INVALID_REQUEST","message":"bad json"}}`
		}
		now := f.now()
		f.next++
		typ := req.ClientType
		if typ == "" {
			typ = ClientTypeConfidential
		}
		c := &fakeClient{OAuth2Client: OAuth2Client{
			ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", f.next), ClientID: fmt.Sprintf("cli_%026d", f.next),
			ClientType: typ, ApplicationName: req.ApplicationName, RedirectURIs: req.RedirectURIs, AllowedScopes: req.AllowedScopes,
			GrantTypes: []string{"authorization_code", "refresh_token"}, RequirePKCE: true, Status: StatusActive, CreatedAt: now, UpdatedAt: now,
		}}
		if typ == ClientTypeConfidential {
			c.secret = fmt.Sprintf("opaque-secret-%d-%d", f.next, now.UnixNano())
			c.SecretRotatedAt = &now
		}
		f.clients = append(f.clients, c)
		return 201, envelope(c)
	case r.Method == http.MethodPost && action == "rotate-secret":
		c := find()
		if c == nil {
			return 404, notFound
		}
		if c.ClientType == ClientTypePublic {
			return 400, `{"error":{"code":"FLEXSLOT_PUBLIC_CLIENT","message":"public clients have no secret"}}`
		}
		now := f.now()
		f.next++
		c.secret = fmt.Sprintf("opaque-rotated-%d-%d", f.next, now.UnixNano())
		c.SecretRotatedAt = &now
		return 200, envelope(c)
	case r.Method == http.MethodPatch && action == "":
		c := find()
		if c == nil {
			return 404, notFound
		}
		var req UpdateRequest
		json.Unmarshal(body, &req)
		if req.ApplicationName != nil {
			c.ApplicationName = *req.ApplicationName
		}
		if req.RedirectURIs != nil {
			c.RedirectURIs = req.RedirectURIs
		}
		b, _ := json.Marshal(map[string]any{"client": c.OAuth2Client})
		return 200, string(b)
	case r.Method == http.MethodDelete && action == "":
		c := find()
		if c == nil {
			return 404, notFound
		}
		c.Status = StatusRevoked
		return 204, ""
	}
	return 404, `{"error":{"code":"FLEXSLOT_NOT_FOUND","message":"no route"}}`
}
