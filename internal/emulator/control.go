package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// serveControl serves the /_emulator/ control API. It needs no token: the
// emulator listens on loopback only unless told otherwise.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	s.routeControl(r).write(w)
}

func (s *Server) routeControl(r *http.Request) response {
	// Split the escaped path, so that a client ID holding an escaped "/" stays one segment.
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), controlPrefix), "/")
	for i, p := range parts {
		if unescaped, err := url.PathUnescape(p); err == nil {
			parts[i] = unescaped
		}
	}
	route := func(method string, pattern ...string) bool {
		if r.Method != method || len(parts) != len(pattern) {
			return false
		}
		for i, p := range pattern {
			if parts[i] == "" || (p != "*" && p != parts[i]) {
				return false
			}
		}
		return true
	}
	switch {
	case route(http.MethodPost, "reset"):
		if err := s.reset(); err != nil {
			return internalError(err)
		}
		return noContent()
	case route(http.MethodPost, "clients", "*", "suspend"):
		return s.controlSetStatus(parts[1], StatusSuspended)
	case route(http.MethodPost, "clients", "*", "unsuspend"):
		return s.controlSetStatus(parts[1], StatusActive)
	case route(http.MethodPost, "clients", "*", "backdate"):
		var in struct {
			SecretRotatedAt *time.Time `json:"secret_rotated_at"`
		}
		if e := decodeControlBody(r, &in); e != nil {
			return errorResponse(e)
		}
		if in.SecretRotatedAt == nil {
			return errorResponse(validationError("secret_rotated_at", "secret_rotated_at is required (RFC 3339)"))
		}
		c, err := s.Backdate(parts[1], *in.SecretRotatedAt)
		if err != nil {
			return controlError(err)
		}
		return jsonResponse(http.StatusOK, clientEnvelope{Client: c})
	case route(http.MethodPost, "clients", "*", "revoke"):
		c, err := s.Revoke(parts[1])
		if err != nil {
			return controlError(err)
		}
		return jsonResponse(http.StatusOK, clientEnvelope{Client: c})
	case route(http.MethodPost, "clients", "*", "grants"):
		token, err := s.Grant(parts[1])
		if err != nil {
			return controlError(err)
		}
		return jsonResponse(http.StatusCreated, struct {
			AccessToken string `json:"access_token"`
		}{token})
	case route(http.MethodGet, "tokens", "*"):
		return jsonResponse(http.StatusOK, struct {
			Active bool `json:"active"`
		}{s.TokenActive(parts[1])})
	case route(http.MethodPost, "verify-secret"):
		var in struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		if e := decodeControlBody(r, &in); e != nil {
			return errorResponse(e)
		}
		return jsonResponse(http.StatusOK, struct {
			Valid bool `json:"valid"`
		}{s.VerifySecret(in.ClientID, in.ClientSecret)})
	case route(http.MethodPost, "scopes"):
		var in struct {
			Token string `json:"token"`
			Scope string `json:"scope"`
		}
		if e := decodeControlBody(r, &in); e != nil {
			return errorResponse(e)
		}
		if err := s.GrantScope(in.Token, in.Scope); err != nil {
			return controlError(err)
		}
		return noContent()
	case route(http.MethodPost, "partner"):
		var in PartnerUpdate
		if e := decodeControlBody(r, &in); e != nil {
			return errorResponse(e)
		}
		rows, err := s.SetPartner(in)
		if err != nil {
			return controlError(err)
		}
		if in.Token != "" {
			return jsonResponse(http.StatusOK, rows[0])
		}
		return jsonResponse(http.StatusOK, struct {
			Partners []Partner `json:"partners"`
		}{rows})
	case route(http.MethodPost, "partner", "rotate-api-key"):
		var in struct {
			Token string `json:"token"`
		}
		if e := decodeControlBody(r, &in); e != nil {
			return errorResponse(e)
		}
		key, err := s.RotateAPIKeyAsDashboard(in.Token)
		if err != nil {
			return controlError(err)
		}
		return jsonResponse(http.StatusOK, key)
	case route(http.MethodPost, "access-tokens"):
		var in AccessTokenUpdate
		if e := decodeControlBody(r, &in); e != nil {
			return errorResponse(e)
		}
		meta, err := s.SetAccessToken(in)
		if err != nil {
			return controlError(err)
		}
		return jsonResponse(http.StatusOK, meta)
	case route(http.MethodPost, "faults"):
		var f Fault
		if e := decodeControlBody(r, &f); e != nil {
			return errorResponse(e)
		}
		if err := f.validate(); err != nil {
			return errorResponse(validationError("", err.Error()))
		}
		return jsonResponse(http.StatusCreated, struct {
			ID string `json:"id"`
		}{s.addFault(f)})
	case route(http.MethodDelete, "faults"):
		s.ClearFaults()
		return noContent()
	case route(http.MethodGet, "requests"):
		return jsonResponse(http.StatusOK, struct {
			Requests []RequestRecord `json:"requests"`
		}{s.Requests()})
	case route(http.MethodDelete, "requests"):
		s.ClearRequests()
		return noContent()
	}
	return errorResponse(&Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such control endpoint"})
}

func (s *Server) controlSetStatus(clientID, status string) response {
	c, err := s.setStatus(clientID, status)
	if err != nil {
		return controlError(err)
	}
	return jsonResponse(http.StatusOK, clientEnvelope{Client: c})
}

func decodeControlBody(r *http.Request, v any) *Error {
	body, e := readBody(r)
	if e != nil {
		return e
	}
	dec := jsonStrictDecoder(body)
	if err := dec.Decode(v); err != nil {
		return validationError("", "invalid request body: "+err.Error())
	}
	return nil
}

func controlError(err error) response {
	var e *Error
	switch {
	case errors.Is(err, ErrNotFound):
		return errorResponse(notFound())
	case errors.As(err, &e):
		return errorResponse(e)
	}
	return internalError(err)
}

func internalError(err error) response {
	return errorResponse(&Error{Status: http.StatusInternalServerError, Code: CodeInternalError, Message: err.Error()})
}

// asError keeps a nil *Error from becoming a non-nil error.
func asError(e *Error) error {
	if e == nil {
		return nil
	}
	if e.Code == CodeNotFound {
		return ErrNotFound
	}
	return e
}

// Reset empties every partner's clients, grants and idempotency keys, the
// scopes granted through GrantScope, the faults and the request log. Scopes
// from Options.GrantedScopes stay granted.
func (s *Server) Reset() {
	// The state is emptied in memory even when the state file cannot be written.
	_ = s.reset()
}

func (s *Server) reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = emptyState()
	s.ensureMeLocked()
	s.faults = nil
	s.requests = nil
	return s.saveLocked()
}

// Requests returns the partner API request log, oldest first.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestRecord{}, s.requests...)
}

// AwaitRequests returns the partner API request log, oldest first, as soon as
// done accepts it, or with ctx's error once ctx ends. A request held by a
// latency fault is logged when it ends, which can be after its caller gave up.
func (s *Server) AwaitRequests(ctx context.Context, done func([]RequestRecord) bool) ([]RequestRecord, error) {
	for {
		s.mu.Lock()
		log, logged := append([]RequestRecord{}, s.requests...), s.logged
		s.mu.Unlock()
		if done(log) {
			return log, nil
		}
		select {
		case <-logged:
		case <-ctx.Done():
			return log, ctx.Err()
		}
	}
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Suspend suspends a client, as Flexslot staff would.
func (s *Server) Suspend(clientID string) error {
	_, err := s.setStatus(clientID, StatusSuspended)
	return err
}

// Unsuspend makes a suspended client active again.
func (s *Server) Unsuspend(clientID string) error {
	_, err := s.setStatus(clientID, StatusActive)
	return err
}

func (s *Server) setStatus(clientID, status string) (Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(clientID)
	if c == nil || c.Status == StatusRevoked {
		return Client{}, ErrNotFound
	}
	if c.Status != status {
		c.Status = status
		c.UpdatedAt = s.timestamp()
		if err := s.saveLocked(); err != nil {
			return Client{}, err
		}
	}
	return c.clone(), nil
}

// Backdate sets when a client's current secret was issued to at, an instant
// no later than now, as if the secret had been issued then. The secret itself
// stays valid. A public client has no secret to backdate.
func (s *Server) Backdate(clientID string, at time.Time) (Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(clientID)
	if c == nil || c.Status == StatusRevoked {
		return Client{}, ErrNotFound
	}
	if c.ClientType == ClientTypePublic {
		return Client{}, &Error{Status: http.StatusConflict, Code: CodePublicClientHasNoSecret, Message: "public clients have no secret to backdate"}
	}
	at = at.UTC().Truncate(time.Millisecond)
	if at.After(s.timestamp()) {
		return Client{}, validationError("secret_rotated_at", "secret_rotated_at must not be in the future")
	}
	c.SecretRotatedAt = &at
	if err := s.saveLocked(); err != nil {
		return Client{}, err
	}
	return c.clone(), nil
}

// VerifySecret reports whether secret is the current secret of a client that
// is not revoked, as the token endpoint would. A valid secret counts as a use
// of the client: it sets last_used_at.
func (s *Server) VerifySecret(clientID, secret string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(clientID)
	if c == nil || c.Status == StatusRevoked || !secretMatches(c, secret) {
		return false
	}
	s.markUsedLocked(c)
	return true
}

// markUsedLocked sets last_used_at; the change is saved when it can be.
func (s *Server) markUsedLocked(c *clientRecord) {
	now := s.timestamp()
	c.LastUsedAt = &now
	_ = s.saveLocked() // the use is kept in memory even when the state file cannot be written
}

// Grant records a user authorizing the client and returns the access token
// issued to it. It sets the client's last_used_at.
func (s *Server) Grant(clientID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(clientID)
	if c == nil || c.Status == StatusRevoked {
		return "", ErrNotFound
	}
	if c.Status == StatusSuspended {
		return "", &Error{Status: http.StatusConflict, Code: CodeClientSuspended, Message: "a suspended client cannot be authorized"}
	}
	token := newID("flx_at_", s.now()) + randomHex(16)
	s.state.AccessTokens[token] = &grant{ClientID: clientID}
	now := s.timestamp()
	c.LastUsedAt = &now
	if err := s.saveLocked(); err != nil {
		return "", err
	}
	return token, nil
}

// TokenActive reports whether an access token issued by Grant still works.
func (s *Server) TokenActive(accessToken string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.state.AccessTokens[accessToken]
	return g != nil && !g.Revoked
}

// Clients returns the partner's active and suspended clients, oldest first.
func (s *Server) Clients(token string) []Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientsLocked(token)
}

// Client returns any client, revoked ones included.
func (s *Server) Client(clientID string) (Client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(clientID)
	if c == nil {
		return Client{}, false
	}
	return c.clone(), true
}

// ClientSpec is what a create request can set. Zero values take the
// published defaults: ClientType confidential, GrantTypes both, URLs "".
type ClientSpec struct {
	ApplicationName    string
	ClientType         string
	RedirectURIs       []string
	AllowedScopes      []string
	GrantTypes         []string
	ApplicationURL     string
	ApplicationLogoURL string
	PrivacyPolicyURL   string
	TosURL             string
}

func (spec ClientSpec) input() clientInput {
	in := clientInput{
		name:         &spec.ApplicationName,
		redirectURIs: append([]string{}, spec.RedirectURIs...),
		scopes:       append([]string{}, spec.AllowedScopes...),
		urls: map[string]string{
			rules.FieldApplicationURL:     spec.ApplicationURL,
			rules.FieldApplicationLogoURL: spec.ApplicationLogoURL,
			rules.FieldPrivacyPolicyURL:   spec.PrivacyPolicyURL,
			rules.FieldTosURL:             spec.TosURL,
		},
	}
	if spec.ClientType != "" {
		in.clientType = &spec.ClientType
	}
	if spec.GrantTypes != nil {
		in.grantTypes = slices.Clone(spec.GrantTypes)
	}
	return in
}

// UpdateAsDashboard changes a client outside the API, as the partner's
// dashboard would, under the same rules. A nil argument keeps the stored value.
func (s *Server) UpdateAsDashboard(token, clientID string, name *string, redirectURIs, scopes []string) error {
	in := clientInput{name: name, redirectURIs: slices.Clone(redirectURIs), scopes: slices.Clone(scopes)}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.partnerClientLocked(token, clientID)
	if e != nil {
		return asError(e)
	}
	if e := s.updateClientLocked(token, c, in); e != nil {
		return asError(e)
	}
	return s.saveLocked()
}

// RotateAsDashboard rotates a client's secret outside the API and returns the new secret.
func (s *Server) RotateAsDashboard(token, clientID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.partnerClientLocked(token, clientID)
	if e != nil {
		return "", asError(e)
	}
	secret, e := s.rotateClientLocked(c)
	if e != nil {
		return "", asError(e)
	}
	return secret, s.saveLocked()
}

// RevokeAsDashboard revokes a client outside the API, with the cascade.
func (s *Server) RevokeAsDashboard(token, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.partnerClientLocked(token, clientID)
	if e != nil {
		return asError(e)
	}
	s.revokeClientLocked(c)
	return s.saveLocked()
}

// Revoke revokes any partner's client as the dashboard's Revoke does (Account
// → API access), with the cascade, whether or not DELETE is served, and
// returns the revoked client.
func (s *Server) Revoke(clientID string) (Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(clientID)
	if c == nil || c.Status == StatusRevoked {
		return Client{}, ErrNotFound
	}
	s.revokeClientLocked(c)
	if err := s.saveLocked(); err != nil {
		return Client{}, err
	}
	return c.clone(), nil
}

// CreateAsDashboard creates a client outside the API, under the same rules,
// and returns it with its one-time secret.
func (s *Server) CreateAsDashboard(token string, name, clientType string, redirectURIs, scopes []string) (Client, string, error) {
	return s.CreateAsDashboardSpec(token, ClientSpec{
		ApplicationName: name, ClientType: clientType, RedirectURIs: redirectURIs, AllowedScopes: scopes,
	})
}

// CreateAsDashboardSpec creates a client with every create field outside the
// API, under the same rules, and returns it with its one-time secret.
func (s *Server) CreateAsDashboardSpec(token string, spec ClientSpec) (Client, string, error) {
	if !s.tokens[token] {
		return Client{}, "", fmt.Errorf("emulator: unknown partner token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, secret, e := s.createClientLocked(token, spec.input())
	if e != nil {
		return Client{}, "", asError(e)
	}
	return c.clone(), secret, s.saveLocked()
}
