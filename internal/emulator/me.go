package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// The calling user's endpoints [doc]: the partner row, the partner API key
// rotation and the metadata of the calling Personal Access Token.
const (
	MePath           = "/api/public/v1/me"
	PartnerPath      = MePath + "/partner"
	RotateAPIKeyPath = PartnerPath + "/rotate-api-key"
	// AccessTokensPath ends with a slash, as published.
	AccessTokensPath = MePath + "/access-tokens/"
)

// Operations of the calling user's endpoints, as RequestRecord.Operation names them.
const (
	OperationPartner      = "partner"
	OperationRotateAPIKey = "rotate_api_key"
	OperationAccessToken  = "access_token"
)

// APIKeyPrefix starts every partner API key the emulator issues; 40
// hexadecimal characters follow. The key format is not published.
const APIKeyPrefix = "flx_pk_"

// Rate-limit tiers of the partner row [doc].
const (
	RateLimitStandard = "standard"
	RateLimitPremium  = "premium"
)

// CodePartnerNotActive: a partner whose status is not active tried to create a
// client or rotate its API key (403) [assumed].
const CodePartnerNotActive = "FLEXSLOT_PARTNER_NOT_ACTIVE"

// prefixLength is how many leading characters api_key_prefix and token_prefix show [doc].
const prefixLength = 12

// gameScopeMaxLength is the published limit of one game scope.
const gameScopeMaxLength = 32

// Partner is the partner row as GET /me/partner shows it, fields in the published order.
type Partner struct {
	ID              string     `json:"id"`
	Slug            string     `json:"slug"`
	Name            string     `json:"name"`
	ContactEmail    string     `json:"contact_email"`
	WebsiteURL      string     `json:"website_url"`
	APIKeyPrefix    string     `json:"api_key_prefix"`
	Scopes          []string   `json:"scopes"`
	GameScopes      []string   `json:"game_scopes"`
	AllowedOrigins  []string   `json:"allowed_origins"`
	RateLimitTier   string     `json:"rate_limit_tier"`
	Status          string     `json:"status"`
	SecretRotatedAt *time.Time `json:"secret_rotated_at"`
	LastUsedAt      *time.Time `json:"last_used_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// APIKey is the answer of rotate-api-key: the only place a key is shown.
type APIKey struct {
	PlaintextAPIKey string `json:"plaintext_api_key"`
	APIKeyPrefix    string `json:"api_key_prefix"`
}

// AccessToken is the metadata of a Personal Access Token as GET
// /me/access-tokens/ shows it. It never holds the token.
type AccessToken struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	TokenPrefix string     `json:"token_prefix"`
	Scopes      []string   `json:"scopes"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
}

// partnerRecord is a partner row in the state.
type partnerRecord struct {
	ID             string   `json:"id"`
	Slug           string   `json:"slug"`
	Name           string   `json:"name"`
	ContactEmail   string   `json:"contact_email"`
	WebsiteURL     string   `json:"website_url"`
	APIKeyPrefix   string   `json:"api_key_prefix"`
	APIKeySHA256   string   `json:"api_key_sha256"`
	GameScopes     []string `json:"game_scopes"`
	AllowedOrigins []string `json:"allowed_origins"`
	RateLimitTier  string   `json:"rate_limit_tier"`
	Status         string   `json:"status"`
	// Scopes, when set through the control API, replaces the default: the
	// catalog plus every scope granted to the partner.
	Scopes    []string  `json:"scopes,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// patRecord is the metadata of a partner's Personal Access Token in the state.
type patRecord struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// meOperation names a request to the calling user's endpoints, or "".
func meOperation(method, path string) string {
	switch {
	case path == PartnerPath && method == http.MethodGet:
		return OperationPartner
	case path == RotateAPIKeyPath && method == http.MethodPost:
		return OperationRotateAPIKey
	case path == AccessTokensPath && method == http.MethodGet:
		return OperationAccessToken
	}
	return ""
}

// routeMeLocked answers the calling user's endpoints; ok is false for any other path.
func (s *Server) routeMeLocked(token, method, path string) (resp response, ok bool) {
	var allowed string
	switch path {
	case PartnerPath, AccessTokensPath:
		allowed = http.MethodGet
	case RotateAPIKeyPath:
		allowed = http.MethodPost
	default:
		return response{}, false
	}
	switch meOperation(method, path) {
	case OperationPartner:
		return jsonResponse(http.StatusOK, s.partnerViewLocked(token)), true
	case OperationAccessToken:
		return jsonResponse(http.StatusOK, s.accessTokenViewLocked(token)), true
	case OperationRotateAPIKey:
		p := s.partnerRecordLocked(token)
		if p.Status != rules.StatusActive {
			return errorResponse(partnerNotActive(p.Status, "rotate its API key")), true
		}
		return jsonResponse(http.StatusOK, s.rotateAPIKeyLocked(p)), true
	}
	resp = errorResponse(&Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: "allowed methods: " + allowed})
	resp.header = http.Header{"Allow": {allowed}}
	return resp, true
}

func partnerNotActive(status, action string) *Error {
	return &Error{Status: http.StatusForbidden, Code: CodePartnerNotActive,
		Message: fmt.Sprintf("the partner is %s, not active, so it cannot %s", status, action)}
}

// ensureMeLocked gives every partner token a partner row and token metadata,
// and reports whether it added any.
func (s *Server) ensureMeLocked() bool {
	added := false
	for i, token := range s.tokenList {
		if s.state.Partners[token] == nil {
			n := i + 1
			now := s.timestamp()
			p := &partnerRecord{
				ID:             newUUID(),
				Slug:           fmt.Sprintf("partner-%d", n),
				Name:           fmt.Sprintf("Partner %d", n),
				ContactEmail:   fmt.Sprintf("partner-%d@example.com", n),
				WebsiteURL:     fmt.Sprintf("https://partner-%d.example.com", n),
				GameScopes:     []string{},
				AllowedOrigins: []string{},
				RateLimitTier:  RateLimitStandard,
				Status:         rules.StatusActive,
				CreatedAt:      now,
				UpdatedAt:      now,
			}
			// Every partner starts with a key that nobody holds.
			s.setAPIKeyLocked(p)
			s.state.Partners[token] = p
			added = true
		}
		if s.state.PATs[token] == nil {
			s.state.PATs[token] = &patRecord{ID: newUUID(), Name: fmt.Sprintf("Emulator token %d", i+1), CreatedAt: s.timestamp()}
			added = true
		}
	}
	return added
}

func (s *Server) partnerRecordLocked(token string) *partnerRecord {
	s.ensureMeLocked()
	return s.state.Partners[token]
}

// partnerScopesLocked is the partner row's scopes: those set through the
// control API, or else the catalog and every scope granted to the partner.
func (s *Server) partnerScopesLocked(token string) []string {
	if p := s.state.Partners[token]; p != nil && p.Scopes != nil {
		return slices.Clone(p.Scopes)
	}
	scopes := slices.Clone(s.catalog)
	for _, scope := range slices.Concat(s.granted, s.state.GrantedScopes[token]) {
		if !slices.Contains(scopes, scope) {
			scopes = append(scopes, scope)
		}
	}
	return scopes
}

func (s *Server) partnerViewLocked(token string) Partner {
	p := s.partnerRecordLocked(token)
	return Partner{
		ID: p.ID, Slug: p.Slug, Name: p.Name, ContactEmail: p.ContactEmail, WebsiteURL: p.WebsiteURL,
		APIKeyPrefix:   p.APIKeyPrefix,
		Scopes:         s.partnerScopesLocked(token),
		GameScopes:     append([]string{}, p.GameScopes...),
		AllowedOrigins: append([]string{}, p.AllowedOrigins...),
		RateLimitTier:  p.RateLimitTier,
		Status:         p.Status,
		CreatedAt:      p.CreatedAt,
		UpdatedAt:      p.UpdatedAt,
	}
}

func (s *Server) accessTokenViewLocked(token string) AccessToken {
	s.ensureMeLocked()
	m := s.state.PATs[token]
	return AccessToken{
		ID: m.ID, Name: m.Name, TokenPrefix: tokenPrefix(token), Scopes: []string{},
		CreatedAt: m.CreatedAt, ExpiresAt: cloneTime(m.ExpiresAt), RevokedAt: cloneTime(m.RevokedAt),
	}
}

// tokenPrefix is the first characters of a token that Flexslot shows.
func tokenPrefix(token string) string {
	if len(token) > prefixLength {
		return token[:prefixLength]
	}
	return token
}

// patRefusedLocked says why a partner's token is refused: revoked or expired; "" when it works.
func (s *Server) patRefusedLocked(token string) string {
	m := s.state.PATs[token]
	switch {
	case m == nil:
		return ""
	case m.RevokedAt != nil:
		return "the Personal Access Token has been revoked"
	case m.ExpiresAt != nil && !s.now().Before(*m.ExpiresAt):
		return "the Personal Access Token has expired"
	}
	return ""
}

// setAPIKeyLocked issues a new key for p, whose prefix differs from the
// current one so that a rotation always shows in api_key_prefix.
func (s *Server) setAPIKeyLocked(p *partnerRecord) string {
	for {
		key := APIKeyPrefix + randomHex(20)
		if key[:prefixLength] == p.APIKeyPrefix {
			continue
		}
		p.APIKeyPrefix = key[:prefixLength]
		p.APIKeySHA256 = hashSecret(key)
		p.UpdatedAt = s.timestamp()
		return key
	}
}

func (s *Server) rotateAPIKeyLocked(p *partnerRecord) APIKey {
	key := s.setAPIKeyLocked(p)
	return APIKey{PlaintextAPIKey: key, APIKeyPrefix: p.APIKeyPrefix}
}

// PartnerRow returns the partner row of the partner whose token this is.
func (s *Server) PartnerRow(token string) (Partner, error) {
	if !s.tokens[token] {
		return Partner{}, unknownPartner()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.partnerViewLocked(token), nil
}

// RotateAPIKeyAsDashboard issues a new partner API key outside the API, as the
// dashboard would; the previous key stops working.
func (s *Server) RotateAPIKeyAsDashboard(token string) (APIKey, error) {
	if !s.tokens[token] {
		return APIKey{}, unknownPartner()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := s.rotateAPIKeyLocked(s.partnerRecordLocked(token))
	return key, s.saveLocked()
}

// VerifyAPIKey reports whether key is the current API key of the partner whose token this is.
func (s *Server) VerifyAPIKey(token, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.state.Partners[token]
	return p != nil && key != "" && hashSecret(key) == p.APIKeySHA256
}

// PartnerUpdate is what POST /_emulator/partner changes; nil fields are kept.
type PartnerUpdate struct {
	// Token names the partner; "" changes every partner.
	Token         string   `json:"token"`
	Status        *string  `json:"status"`
	Scopes        []string `json:"scopes"`
	GameScopes    []string `json:"game_scopes"`
	RateLimitTier *string  `json:"rate_limit_tier"`
}

func (u PartnerUpdate) validate() *Error {
	if u.Status != nil && !slices.Contains(rules.Statuses(), *u.Status) {
		return validationError("status", fmt.Sprintf("status must be one of %s", strings.Join(rules.Statuses(), ", ")))
	}
	if u.RateLimitTier != nil && *u.RateLimitTier != RateLimitStandard && *u.RateLimitTier != RateLimitPremium {
		return validationError("rate_limit_tier", "rate_limit_tier must be standard or premium")
	}
	for i, scope := range u.Scopes {
		if problems := rules.ScopeProblems(scope); len(problems) > 0 {
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidScope, Field: fmt.Sprintf("scopes[%d]", i),
				Message: fmt.Sprintf("scope %q %s", scope, strings.Join(problems, "; "))}
		}
	}
	for i, g := range u.GameScopes {
		if g == "" || len(g) > gameScopeMaxLength || strings.Trim(g, "-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			return validationError(fmt.Sprintf("game_scopes[%d]", i), fmt.Sprintf("a game scope is 1 to %d characters of letters, digits, - and _", gameScopeMaxLength))
		}
	}
	return nil
}

// SetPartner changes the partner row of the partner whose token is
// u.Token, or of every partner when it is "", as Flexslot staff would, and
// returns the rows changed in token order.
func (s *Server) SetPartner(u PartnerUpdate) ([]Partner, error) {
	if e := u.validate(); e != nil {
		return nil, e
	}
	targets := s.tokenList
	if u.Token != "" {
		if !s.tokens[u.Token] {
			return nil, unknownPartner()
		}
		targets = []string{u.Token}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []Partner
	for _, token := range targets {
		p := s.partnerRecordLocked(token)
		if u.Status != nil {
			p.Status = *u.Status
		}
		if u.Scopes != nil {
			p.Scopes = slices.Clone(u.Scopes)
		}
		if u.GameScopes != nil {
			p.GameScopes = slices.Clone(u.GameScopes)
		}
		if u.RateLimitTier != nil {
			p.RateLimitTier = *u.RateLimitTier
		}
		p.UpdatedAt = s.timestamp()
		rows = append(rows, s.partnerViewLocked(token))
	}
	return rows, s.saveLocked()
}

// AccessTokenUpdate is what POST /_emulator/access-tokens changes.
type AccessTokenUpdate struct {
	Token string `json:"token"`
	// ExpiresAt absent keeps the expiry; JSON null removes it.
	ExpiresAt json.RawMessage `json:"expires_at"`
	// Revoked true revokes the token now; false un-revokes it.
	Revoked *bool `json:"revoked"`
}

// SetAccessToken changes the metadata of a partner's Personal Access Token: an
// expired or revoked token is refused with 401 on every partner endpoint.
func (s *Server) SetAccessToken(u AccessTokenUpdate) (AccessToken, error) {
	if !s.tokens[u.Token] {
		return AccessToken{}, unknownPartner()
	}
	var expires *time.Time
	clearExpiry := false
	switch raw := strings.TrimSpace(string(u.ExpiresAt)); raw {
	case "":
	case "null":
		clearExpiry = true
	default:
		var t time.Time
		if err := json.Unmarshal(u.ExpiresAt, &t); err != nil {
			return AccessToken{}, validationError("expires_at", "expires_at must be an RFC 3339 timestamp or null")
		}
		t = t.UTC().Truncate(time.Millisecond)
		expires = &t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureMeLocked()
	m := s.state.PATs[u.Token]
	switch {
	case clearExpiry:
		m.ExpiresAt = nil
	case expires != nil:
		m.ExpiresAt = expires
	}
	if u.Revoked != nil {
		m.RevokedAt = nil
		if *u.Revoked {
			now := s.timestamp()
			m.RevokedAt = &now
		}
	}
	return s.accessTokenViewLocked(u.Token), s.saveLocked()
}

func unknownPartner() *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Field: "token", Message: "no partner has this token"}
}
