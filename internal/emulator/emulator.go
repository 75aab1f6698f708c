// Package emulator is an in-process emulator of Flexslot's partner OAuth2 client
// management API, with a control API under /_emulator/ that lets tests act as
// Flexslot staff, as a dashboard user, and as a broken network.
package emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	scopesyntax "github.com/flexslot/terraform-provider-flexslot/internal/scope"
)

// BasePath is the path under which the partner API lives.
const BasePath = "/api/public/v1/me/partner/oauth2-clients"

// controlPrefix is the path under which the emulator's control API lives.
const controlPrefix = "/_emulator/"

// DefaultToken is the partner token used when neither Options.Tokens nor $FLEXSLOT_PAT is set.
const DefaultToken = "flx_pat_dev"

// MaxClients is how many active or suspended clients a partner may hold.
const MaxClients = 10

// idempotencyWindow is how long an Idempotency-Key is remembered.
const idempotencyWindow = 24 * time.Hour

// maxBodyBytes bounds request bodies; real ones are a few kilobytes at most.
const maxBodyBytes = 1 << 20

// Client statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusRevoked   = "revoked"
)

// Client types.
const (
	ClientTypeConfidential = "confidential"
	ClientTypePublic       = "public"
)

// DefaultScopes is the scope catalog a partner gets when Options.Scopes is nil.
var DefaultScopes = []string{
	"openid", "profile", "email", "offline_access",
	"decks:read", "decks:write",
	"collections:read", "collections:write",
	"tournaments:read", "tournaments:write",
}

// Options configures a Server.
type Options struct {
	// Tokens are the partners' Personal Access Tokens, one partner each. When
	// empty there is one partner whose token is $FLEXSLOT_PAT or DefaultToken.
	Tokens []string
	// StatePath, when set, is a JSON file loaded on start and rewritten
	// atomically after every change. When empty, state lives in memory only.
	StatePath string
	// Scopes is the scope catalog of every partner; nil means DefaultScopes.
	Scopes []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Client is a client as the partner API shows it.
type Client struct {
	ClientID        string     `json:"client_id"`
	ClientType      string     `json:"client_type"`
	ApplicationName string     `json:"application_name"`
	RedirectURIs    []string   `json:"redirect_uris"`
	AllowedScopes   []string   `json:"allowed_scopes"`
	Status          string     `json:"status"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	SecretRotatedAt *time.Time `json:"secret_rotated_at"`
}

func (c Client) clone() Client {
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.AllowedScopes = slices.Clone(c.AllowedScopes)
	if c.SecretRotatedAt != nil {
		at := *c.SecretRotatedAt
		c.SecretRotatedAt = &at
	}
	return c
}

// Error is an API error as the partner API reports it in its error envelope.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%d %s: %s: %s", e.Status, e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// ErrNotFound is returned by the Go-level helpers for unknown or revoked clients.
var ErrNotFound = errors.New("emulator: client not found")

// RequestRecord is one partner API request in the request log.
type RequestRecord struct {
	Method         string    `json:"method"`
	Path           string    `json:"path"`
	Status         int       `json:"status"`
	IdempotencyKey string    `json:"idempotency_key"`
	At             time.Time `json:"at"`
	// Fault is the kind of the fault applied to the request, if any.
	Fault string `json:"fault,omitempty"`
}

// Server emulates the partner API and serves the control API.
type Server struct {
	tokens    map[string]bool
	tokenList []string
	scopes    map[string]bool
	scopeList []string
	statePath string
	now       func() time.Time

	mu       sync.Mutex
	state    state
	faults   []*activeFault
	requests []RequestRecord
}

// state is everything that survives a restart when Options.StatePath is set.
type state struct {
	// Clients holds every client of every partner, revoked ones included, oldest first.
	Clients []*clientRecord `json:"clients"`
	// Idempotency maps partner token, then Idempotency-Key, to the stored response.
	Idempotency map[string]map[string]*idempotentResponse `json:"idempotency"`
	// AccessTokens maps user access tokens to the grant that issued them.
	AccessTokens map[string]*grant `json:"access_tokens"`
}

type clientRecord struct {
	Client
	Partner      string `json:"partner"`
	SecretSHA256 string `json:"secret_sha256,omitempty"`
}

type idempotentResponse struct {
	Fingerprint string    `json:"fingerprint"`
	Status      int       `json:"status"`
	Body        []byte    `json:"body"`
	At          time.Time `json:"at"`
}

type grant struct {
	ClientID string `json:"client_id"`
	Revoked  bool   `json:"revoked"`
}

func emptyState() state {
	return state{
		Idempotency:  map[string]map[string]*idempotentResponse{},
		AccessTokens: map[string]*grant{},
	}
}

// New returns a Server, loading Options.StatePath when it exists.
func New(opts Options) (*Server, error) {
	tokens := opts.Tokens
	if len(tokens) == 0 {
		token := os.Getenv("FLEXSLOT_PAT")
		if token == "" {
			token = DefaultToken
		}
		tokens = []string{token}
	}
	scopes := opts.Scopes
	if scopes == nil {
		scopes = DefaultScopes
	}
	s := &Server{
		tokens:    map[string]bool{},
		scopes:    map[string]bool{},
		scopeList: slices.Clone(scopes),
		statePath: opts.StatePath,
		now:       opts.Now,
		state:     emptyState(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, token := range tokens {
		if token == "" {
			return nil, errors.New("emulator: empty partner token")
		}
		if !s.tokens[token] {
			s.tokens[token] = true
			s.tokenList = append(s.tokenList, token)
		}
	}
	for _, scope := range scopes {
		if !scopesyntax.Valid(scope) {
			return nil, fmt.Errorf("emulator: invalid scope %q in the scope catalog", scope)
		}
		s.scopes[scope] = true
	}
	if s.statePath != "" {
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Tokens returns the partners' tokens.
func (s *Server) Tokens() []string {
	return slices.Clone(s.tokenList)
}

func (s *Server) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

func (s *Server) load() error {
	data, err := os.ReadFile(s.statePath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("emulator: reading state: %w", err)
	}
	st := emptyState()
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("emulator: parsing state file %s: %w", s.statePath, err)
	}
	if st.Idempotency == nil {
		st.Idempotency = map[string]map[string]*idempotentResponse{}
	}
	if st.AccessTokens == nil {
		st.AccessTokens = map[string]*grant{}
	}
	s.state = st
	return nil
}

// saveLocked writes the state file atomically: a reader sees the old file or
// the new one, never a partial write.
func (s *Server) saveLocked() error {
	if s.statePath == "" {
		return nil
	}
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.statePath), filepath.Base(s.statePath)+".tmp-*")
	if err != nil {
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.statePath); err != nil {
		return fmt.Errorf("emulator: writing state: %w", err)
	}
	return nil
}

func (s *Server) findLocked(clientID string) *clientRecord {
	for _, c := range s.state.Clients {
		if c.ClientID == clientID {
			return c
		}
	}
	return nil
}

// partnerClientLocked returns the partner's client unless it is unknown,
// revoked or another partner's: all three look the same to the caller.
func (s *Server) partnerClientLocked(token, clientID string) (*clientRecord, *Error) {
	c := s.findLocked(clientID)
	if c == nil || c.Partner != token || c.Status == StatusRevoked {
		return nil, notFound()
	}
	return c, nil
}

func newID(prefix string, now time.Time) string {
	return prefix + ulid.MustNew(ulid.Timestamp(now), ulid.DefaultEntropy()).String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms
	return hex.EncodeToString(b)
}

func newSecret(now time.Time) string {
	return newID("flx_cs_", now) + randomHex(24)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// ServeHTTP serves the partner API under BasePath and the control API under /_emulator/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newID("req_", s.now()))
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	s.servePartner(w, r)
}

// response is a fully formed answer, built under the lock and written after it.
type response struct {
	status      int
	body        []byte
	contentType string
	header      http.Header
}

func jsonResponse(status int, v any) response {
	body, err := json.Marshal(v)
	if err != nil {
		return errorResponse(&Error{Status: http.StatusInternalServerError, Code: "internal_error", Message: err.Error()})
	}
	return response{status: status, body: body, contentType: "application/json"}
}

func errorResponse(e *Error) response {
	body, _ := json.Marshal(struct {
		Error *Error `json:"error"`
	}{e})
	return response{status: e.Status, body: body, contentType: "application/json"}
}

func noContent() response { return response{status: http.StatusNoContent} }

func (resp response) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if resp.contentType != "" {
		h.Set("Content-Type", resp.contentType)
	}
	if len(resp.body) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	if resp.status != http.StatusNoContent {
		_, _ = w.Write(resp.body)
	}
}

func readBody(r *http.Request) ([]byte, *Error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, invalidRequest("", "the request body could not be read")
	}
	if len(body) > maxBodyBytes {
		return nil, invalidRequest("", "the request body is larger than 1 MiB")
	}
	return body, nil
}

func secretMatches(c *clientRecord, secret string) bool {
	if c.SecretSHA256 == "" || secret == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.SecretSHA256), []byte(hashSecret(secret))) == 1
}

func jsonStrictDecoder(body []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec
}
