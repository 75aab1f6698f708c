// Package emulator is an in-process emulator of Flexslot's partner OAuth2 client
// management API, with a control API under /_emulator/ that lets tests act as
// Flexslot staff, as a dashboard user, and as a broken network.
//
// # Partner API
//
// Served under BasePath, as internal/apispec/openapi.yaml describes it: GET answers a bare JSON array of
// clients; POST creates a client and answers the one-time-secret envelope
// {"client", "plaintext_client_secret", "secret_rotated_at"}; POST
// /{client_id}/rotate-secret rotates; DELETE /{client_id} revokes (204) with
// the cascade; PATCH /{client_id} replaces the given fields and answers
// {"client": ...}; GET /{client_id} answers {"client": ...}. Every rule comes
// from internal/rules. Errors answer {"error": {"code", "message", "field"}}
// with one of the Code constants. Every answer carries X-Request-Id.
//
// What the API reference leaves open can be switched off, so tests show the
// provider's behaviour either way: Options.WithoutUpdate (PATCH answers 405),
// Options.WithoutDelete (DELETE answers 405), Options.IgnoreIdempotencyKey (a re-sent POST acts again) and
// Options.ListRevoked (revoked clients stay in the list with status
// "revoked", instead of disappearing from it).
//
// The calling user's endpoints [doc] live under MePath: GET /me/partner answers
// the partner row (Partner); POST /me/partner/rotate-api-key issues a new
// partner API key, shown once (APIKey), and stops the previous one; GET
// /me/access-tokens/ answers the calling token's metadata (AccessToken). A
// token that is revoked or expired (set through the control API) answers 401
// everywhere but on its own metadata [assumed]. A partner whose status is not active cannot create clients or
// rotate its key (403 FLEXSLOT_PARTNER_NOT_ACTIVE) [assumed].
//
// # Scopes
//
// A partner may use the published catalog (rules.ScopeCatalog) plus the scopes
// of its partner row: by default the catalog and the scopes Flexslot granted it
// (Options.GrantedScopes for every partner, or POST /_emulator/scopes for one),
// or the list POST /_emulator/partner set. Any other scope answers 400
// FLEXSLOT_INVALID_SCOPE.
//
// # Control API
//
// Served under /_emulator/ without partner authentication (loopback only):
//
//	POST   /_emulator/reset                          204; clients, user grants, idempotency keys, faults,
//	                                                  the request log and scopes granted through
//	                                                  /_emulator/scopes are emptied; partner rows and
//	                                                  token metadata start over
//	POST   /_emulator/clients/{id}/suspend           200 {"client": client}
//	POST   /_emulator/clients/{id}/unsuspend         200 {"client": client}
//	POST   /_emulator/clients/{id}/backdate          {"secret_rotated_at": RFC 3339, not in the future} →
//	                                                  200 {"client": client}; the secret stays valid
//	POST   /_emulator/clients/{id}/revoke            200 {"client": client}; the dashboard's Revoke, with
//	                                                  the cascade; works with Options.WithoutDelete too
//	POST   /_emulator/clients/{id}/grants            201 {"access_token": "flx_at_..."}; sets last_used_at
//	GET    /_emulator/tokens/{access_token}          200 {"active": bool}
//	POST   /_emulator/verify-secret                  {"client_id","client_secret"} → 200 {"valid": bool};
//	                                                  a valid secret sets last_used_at
//	POST   /_emulator/scopes                         {"token"?: "flx_pat_...", "scope": "decks:read-all"} → 204;
//	                                                  grants a scope outside the catalog to the partner
//	                                                  (every partner when token is absent)
//	POST   /_emulator/partner                        {"token"?, "status"?, "scopes"?, "game_scopes"?,
//	                                                  "rate_limit_tier"?} → 200 the partner row; without
//	                                                  token every partner changes and the answer is
//	                                                  {"partners": [rows, in token order]}; scopes
//	                                                  replaces the row's scopes
//	POST   /_emulator/partner/rotate-api-key         {"token"} → 200 {"plaintext_api_key","api_key_prefix"};
//	                                                  a rotation in the dashboard
//	POST   /_emulator/access-tokens                  {"token", "expires_at"?, "revoked"?} → 200 the token's
//	                                                  metadata; expires_at null removes the expiry
//	POST   /_emulator/faults                         a Fault → 201 {"id": "..."}
//	DELETE /_emulator/faults                         204
//	GET    /_emulator/requests                       200 {"requests": [RequestRecord]}, oldest first
//	DELETE /_emulator/requests                       204
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

	"github.com/google/uuid"
	"github.com/oklog/ulid/v2"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// BasePath is the path under which the partner API lives.
const BasePath = "/api/public/v1/me/partner/oauth2-clients"

// controlPrefix is the path under which the emulator's control API lives.
const controlPrefix = "/_emulator/"

// DefaultToken is the partner token used when neither Options.Tokens nor $FLEXSLOT_PAT is set.
const DefaultToken = "flx_pat_dev"

// MaxClients is how many active or suspended clients a partner may hold.
const MaxClients = rules.MaxClients

// ClientIDPrefix starts every client ID the emulator issues; a 26-character ULID follows.
const ClientIDPrefix = "cli_"

// SecretPrefix starts every client secret the emulator issues; a 26-character
// ULID and 32 random characters follow.
const SecretPrefix = "flx_cs_"

// idempotencyWindow is how long an Idempotency-Key is remembered.
const idempotencyWindow = 24 * time.Hour

// maxBodyBytes bounds request bodies; real ones are a few kilobytes at most.
const maxBodyBytes = 1 << 20

// Client statuses.
const (
	StatusActive    = rules.StatusActive
	StatusSuspended = rules.StatusSuspended
	StatusRevoked   = rules.StatusRevoked
)

// Client types.
const (
	ClientTypeConfidential = rules.ClientTypeConfidential
	ClientTypePublic       = rules.ClientTypePublic
)

// DefaultScopes is the scope catalog a partner gets when Options.Scopes is
// nil: the published catalog.
var DefaultScopes = rules.ScopeCatalog()

// Options configures a Server.
type Options struct {
	// Tokens are the partners' Personal Access Tokens, one partner each. When
	// empty there is one partner whose token is $FLEXSLOT_PAT or DefaultToken.
	Tokens []string
	// StatePath, when set, is a JSON file loaded on start and rewritten
	// atomically after every change. When empty, state lives in memory only.
	StatePath string
	// Scopes replaces the published scope catalog for every partner; nil means
	// DefaultScopes.
	Scopes []string
	// GrantedScopes are scopes outside the catalog that Flexslot granted to
	// every partner, such as decks:read-all.
	GrantedScopes []string
	// WithoutUpdate makes PATCH /{client_id} answer 405, as if Flexslot had no
	// update endpoint (PATCH is assumed, not published).
	WithoutUpdate bool
	// WithoutDelete makes DELETE /{client_id} answer 405, as if Flexslot had no
	// revoke endpoint (DELETE is assumed, not published); clients are then
	// revoked only in the dashboard (the control API's revoke).
	WithoutDelete bool
	// IgnoreIdempotencyKey ignores the Idempotency-Key header: a re-sent POST
	// acts again (Idempotency-Key is assumed, not published).
	IgnoreIdempotencyKey bool
	// ListRevoked keeps revoked clients in the list, with status "revoked",
	// instead of leaving them out of it (the published status allows it).
	ListRevoked bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AfterRequest, when set, is called with each partner API request once it
	// has been carried out and logged, before its answer is written (or
	// dropped): a test can act "while the answer is in transit", such as
	// another configuration creating a client between a create and its
	// lost answer.
	AfterRequest func(RequestRecord)
}

// Server emulates the partner API and serves the control API.
type Server struct {
	tokens        map[string]bool
	tokenList     []string
	catalog       []string
	granted       []string
	statePath     string
	now           func() time.Time
	withoutUpdate bool
	withoutDelete bool
	ignoreIdemKey bool
	listRevoked   bool
	afterRequest  func(RequestRecord)

	mu       sync.Mutex
	state    state
	faults   []*activeFault
	requests []RequestRecord
	// logged is closed, and replaced, whenever a request is logged.
	logged chan struct{}
}

// state is everything that survives a restart when Options.StatePath is set.
type state struct {
	// Clients holds every client of every partner, revoked ones included, oldest first.
	Clients []*clientRecord `json:"clients"`
	// Idempotency maps partner token, then Idempotency-Key, to the stored response.
	Idempotency map[string]map[string]*idempotentResponse `json:"idempotency"`
	// AccessTokens maps user access tokens to the grant that issued them.
	AccessTokens map[string]*grant `json:"access_tokens"`
	// GrantedScopes maps partner token to the scopes granted through the control API.
	GrantedScopes map[string][]string `json:"granted_scopes"`
	// Partners maps partner token to the partner row.
	Partners map[string]*partnerRecord `json:"partners"`
	// PATs maps partner token to the token's metadata.
	PATs map[string]*patRecord `json:"personal_access_tokens"`
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
		Idempotency:   map[string]map[string]*idempotentResponse{},
		AccessTokens:  map[string]*grant{},
		GrantedScopes: map[string][]string{},
		Partners:      map[string]*partnerRecord{},
		PATs:          map[string]*patRecord{},
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
	catalog := opts.Scopes
	if catalog == nil {
		catalog = DefaultScopes
	}
	s := &Server{
		tokens:        map[string]bool{},
		catalog:       slices.Clone(catalog),
		statePath:     opts.StatePath,
		now:           opts.Now,
		withoutUpdate: opts.WithoutUpdate,
		withoutDelete: opts.WithoutDelete,
		ignoreIdemKey: opts.IgnoreIdempotencyKey,
		listRevoked:   opts.ListRevoked,
		afterRequest:  opts.AfterRequest,
		state:         emptyState(),
		logged:        make(chan struct{}),
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
	for _, scope := range slices.Concat(catalog, opts.GrantedScopes) {
		if problems := rules.ScopeProblems(scope); len(problems) > 0 {
			return nil, fmt.Errorf("emulator: invalid scope %q: it %s", scope, strings.Join(problems, "; "))
		}
	}
	for _, scope := range opts.GrantedScopes {
		if !slices.Contains(s.granted, scope) {
			s.granted = append(s.granted, scope)
		}
	}
	if s.statePath != "" {
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	if s.ensureMeLocked() {
		if err := s.saveLocked(); err != nil {
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
	if st.GrantedScopes == nil {
		st.GrantedScopes = map[string][]string{}
	}
	if st.Partners == nil {
		st.Partners = map[string]*partnerRecord{}
	}
	if st.PATs == nil {
		st.PATs = map[string]*patRecord{}
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

// scopeAllowedLocked reports whether the partner may give a client scope: it
// is in the catalog or was granted to the partner.
func (s *Server) scopeAllowedLocked(token, scope string) bool {
	return slices.Contains(s.catalog, scope) || slices.Contains(s.partnerScopesLocked(token), scope)
}

// ScopeAllowed reports whether the partner whose token this is may give a
// client scope: it is in the catalog or Flexslot granted it to the partner.
func (s *Server) ScopeAllowed(token, scope string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[token] && s.scopeAllowedLocked(token, scope)
}

// GrantScope grants a scope outside the catalog to the partner whose token
// this is, or to every partner when token is empty, as Flexslot does when it
// approves a scope request.
func (s *Server) GrantScope(token, scope string) error {
	if problems := rules.ScopeProblems(scope); len(problems) > 0 {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidScope, Field: "scope",
			Message: fmt.Sprintf("scope %q %s", scope, strings.Join(problems, "; "))}
	}
	targets := []string{token}
	if token == "" {
		targets = s.tokenList
	} else if !s.tokens[token] {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "token", Message: "no partner has this token"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range targets {
		if !slices.Contains(s.state.GrantedScopes[t], scope) {
			s.state.GrantedScopes[t] = append(s.state.GrantedScopes[t], scope)
		}
		if p := s.state.Partners[t]; p != nil && p.Scopes != nil && !slices.Contains(p.Scopes, scope) {
			p.Scopes = append(p.Scopes, scope)
		}
	}
	return s.saveLocked()
}

func newID(prefix string, now time.Time) string {
	return prefix + ulid.MustNew(ulid.Timestamp(now), ulid.DefaultEntropy()).String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms
	return hex.EncodeToString(b)
}

// newSecret returns SecretPrefix, a ULID and 32 random characters.
func newSecret(now time.Time) string {
	return newID(SecretPrefix, now) + randomHex(16)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func newUUID() string { return uuid.NewString() }

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
		return errorResponse(&Error{Status: http.StatusInternalServerError, Code: CodeInternalError, Message: err.Error()})
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
		return nil, validationError("", "the request body could not be read")
	}
	if len(body) > maxBodyBytes {
		return nil, validationError("", "the request body is larger than 1 MiB")
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
