package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flexslot/terraform-provider-flexslot/internal/redirecturi"
	scopesyntax "github.com/flexslot/terraform-provider-flexslot/internal/scope"
)

const (
	maxNameLength   = 100
	maxRedirectURIs = 20
	maxScopes       = 50
	maxIdemKeyLen   = 255
)

type clientEnvelope struct {
	Client Client `json:"client"`
}

type clientList struct {
	Clients []Client `json:"clients"`
}

type oneTimeSecret struct {
	Client                Client     `json:"client"`
	PlaintextClientSecret string     `json:"plaintext_client_secret"`
	SecretRotatedAt       *time.Time `json:"secret_rotated_at"`
}

func newOneTimeSecret(c *clientRecord, secret string) oneTimeSecret {
	client := c.clone()
	return oneTimeSecret{Client: client, PlaintextClientSecret: secret, SecretRotatedAt: client.SecretRotatedAt}
}

func invalidRequest(field, message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: message, Field: field}
}

func notFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no OAuth2 client with this id"}
}

// servePartner applies any matching fault, then answers the request and logs it.
func (s *Server) servePartner(w http.ResponseWriter, r *http.Request) {
	record := RequestRecord{
		Method:         r.Method,
		Path:           r.URL.Path,
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
		At:             s.timestamp(),
	}
	fault := s.takeFault(r.Method, r.URL.Path)
	if fault != nil {
		record.Fault = fault.Kind
		w.Header().Set(FaultHeader, fault.Kind)
	}

	switch {
	case fault == nil:
	case fault.Kind == FaultStatus || fault.Kind == FaultHTMLError:
		resp := fault.response()
		s.logRequest(record, resp.status)
		resp.write(w)
		return
	case fault.Kind == FaultLatency:
		timer := time.NewTimer(time.Duration(fault.LatencyMS) * time.Millisecond)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			s.logRequest(record, 0)
			return
		}
	}

	resp := s.handlePartner(r)
	s.logRequest(record, resp.status)
	switch {
	case fault == nil:
	case fault.Kind == FaultDropAfterCommit:
		dropConnection(w)
		return
	case fault.Kind == FaultMalformedBody:
		resp.body = resp.body[:len(resp.body)/2]
	}
	resp.write(w)
}

// dropConnection closes the connection without answering, as when a response is lost in transit.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func (s *Server) logRequest(record RequestRecord, status int) {
	record.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, record)
	s.mu.Unlock()
}

// handlePartner authenticates and answers a partner API request. Everything
// after authentication runs under the lock, so the client limit and
// idempotency checks are atomic with the changes they guard.
func (s *Server) handlePartner(r *http.Request) response {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return unauthorized("a Personal Access Token is required: send Authorization: Bearer <token>")
	}
	if !s.tokens[token] {
		return unauthorized("the Personal Access Token is unknown or has been revoked")
	}
	body, e := readBody(r)
	if e != nil {
		return errorResponse(e)
	}
	keys, useKey := r.Header["Idempotency-Key"]
	useKey = useKey && r.Method == http.MethodPost
	var key, fingerprint string
	if useKey {
		key = keys[0]
		if n := len(key); n < 1 || n > maxIdemKeyLen {
			return errorResponse(invalidRequest("", "the Idempotency-Key header must be 1 to 255 characters long"))
		}
		sum := sha256.Sum256([]byte(r.Method + "\n" + r.URL.Path + "\n" + string(body)))
		fingerprint = hex.EncodeToString(sum[:])
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if useKey {
		if stored := s.idempotentLocked(token, key); stored != nil {
			if stored.Fingerprint != fingerprint {
				return errorResponse(&Error{
					Status:  http.StatusUnprocessableEntity,
					Code:    "idempotency_key_reused",
					Message: "this Idempotency-Key was already used with a different request; use a new key for a new request",
				})
			}
			return response{status: stored.Status, body: stored.Body, contentType: "application/json"}
		}
	}
	resp := s.routeLocked(token, r.Method, r.URL.Path, body)
	if resp.status >= http.StatusInternalServerError || r.Method == http.MethodGet || (resp.status >= 300 && !useKey) {
		return resp
	}
	if useKey {
		s.state.Idempotency[token][key] = &idempotentResponse{
			Fingerprint: fingerprint,
			Status:      resp.status,
			Body:        resp.body,
			At:          s.timestamp(),
		}
	}
	if err := s.saveLocked(); err != nil {
		return errorResponse(&Error{Status: http.StatusInternalServerError, Code: "internal_error", Message: err.Error()})
	}
	return resp
}

func unauthorized(message string) response {
	resp := errorResponse(&Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: message})
	resp.header = http.Header{"Www-Authenticate": {"Bearer"}}
	return resp
}

// idempotentLocked returns the stored response for key, forgetting expired keys.
func (s *Server) idempotentLocked(token, key string) *idempotentResponse {
	byKey := s.state.Idempotency[token]
	if byKey == nil {
		byKey = map[string]*idempotentResponse{}
		s.state.Idempotency[token] = byKey
	}
	cutoff := s.now().Add(-idempotencyWindow)
	for k, stored := range byKey {
		if stored.At.Before(cutoff) {
			delete(byKey, k)
		}
	}
	return byKey[key]
}

func (s *Server) routeLocked(token, method, path string, body []byte) response {
	rest, ok := strings.CutPrefix(path, BasePath)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return errorResponse(&Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint"})
	}
	id, action, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	switch {
	case rest == "":
		switch method {
		case http.MethodGet:
			return s.listLocked(token)
		case http.MethodPost:
			return s.createLocked(token, body)
		}
		return methodNotAllowed("GET, POST")
	case id != "" && action == "":
		switch method {
		case http.MethodGet:
			return s.getLocked(token, id)
		case http.MethodPatch:
			return s.updateLocked(token, id, body)
		case http.MethodDelete:
			return s.revokeLocked(token, id)
		}
		return methodNotAllowed("GET, PATCH, DELETE")
	case id != "" && action == "rotate-secret":
		if method == http.MethodPost {
			return s.rotateLocked(token, id)
		}
		return methodNotAllowed("POST")
	}
	return errorResponse(&Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint"})
}

func methodNotAllowed(allow string) response {
	resp := errorResponse(&Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "allowed methods: " + allow})
	resp.header = http.Header{"Allow": {allow}}
	return resp
}

func (s *Server) listLocked(token string) response {
	return jsonResponse(http.StatusOK, clientList{Clients: s.clientsLocked(token)})
}

func (s *Server) clientsLocked(token string) []Client {
	clients := []Client{}
	for _, c := range s.state.Clients {
		if c.Partner == token && c.Status != StatusRevoked {
			clients = append(clients, c.clone())
		}
	}
	return clients
}

func (s *Server) createLocked(token string, body []byte) response {
	fields, e := decodeObject(body, "application_name", "client_type", "redirect_uris", "allowed_scopes")
	if e != nil {
		return errorResponse(e)
	}
	var in clientInput
	if e := in.decode(fields); e != nil {
		return errorResponse(e)
	}
	for _, required := range []struct {
		name    string
		present bool
	}{
		{"application_name", in.name != nil},
		{"client_type", in.clientType != nil},
		{"redirect_uris", in.redirectURIs != nil},
		{"allowed_scopes", in.scopes != nil},
	} {
		if !required.present {
			return errorResponse(invalidRequest(required.name, required.name+" is required"))
		}
	}
	c, secret, e := s.createClientLocked(token, *in.name, *in.clientType, in.redirectURIs, in.scopes)
	if e != nil {
		return errorResponse(e)
	}
	return jsonResponse(http.StatusCreated, newOneTimeSecret(c, secret))
}

func (s *Server) getLocked(token, id string) response {
	c, e := s.partnerClientLocked(token, id)
	if e != nil {
		return errorResponse(e)
	}
	return jsonResponse(http.StatusOK, clientEnvelope{Client: c.clone()})
}

func (s *Server) updateLocked(token, id string, body []byte) response {
	c, e := s.partnerClientLocked(token, id)
	if e != nil {
		return errorResponse(e)
	}
	fields, e := decodeObject(body, "application_name", "redirect_uris", "allowed_scopes")
	if e != nil {
		return errorResponse(e)
	}
	var in clientInput
	if e := in.decode(fields); e != nil {
		return errorResponse(e)
	}
	if e := s.updateClientLocked(c, in.name, in.redirectURIs, in.scopes); e != nil {
		return errorResponse(e)
	}
	return jsonResponse(http.StatusOK, clientEnvelope{Client: c.clone()})
}

func (s *Server) rotateLocked(token, id string) response {
	c, e := s.partnerClientLocked(token, id)
	if e != nil {
		return errorResponse(e)
	}
	secret, e := s.rotateClientLocked(c)
	if e != nil {
		return errorResponse(e)
	}
	return jsonResponse(http.StatusOK, newOneTimeSecret(c, secret))
}

func (s *Server) revokeLocked(token, id string) response {
	c, e := s.partnerClientLocked(token, id)
	if e != nil {
		return errorResponse(e)
	}
	s.revokeClientLocked(c)
	return noContent()
}

func (s *Server) createClientLocked(token, name, clientType string, redirectURIs, scopes []string) (*clientRecord, string, *Error) {
	if e := validateName(name); e != nil {
		return nil, "", e
	}
	if clientType != ClientTypeConfidential && clientType != ClientTypePublic {
		return nil, "", invalidRequest("client_type", `client_type must be "confidential" or "public"`)
	}
	if e := validateRedirectURIs(redirectURIs); e != nil {
		return nil, "", e
	}
	if e := s.validateScopes(scopes); e != nil {
		return nil, "", e
	}
	if len(s.clientsLocked(token)) >= MaxClients {
		return nil, "", &Error{
			Status: http.StatusConflict,
			Code:   "client_limit_reached",
			Message: fmt.Sprintf("this partner already has %d active or suspended OAuth2 clients, the maximum: "+
				"revoke a client you no longer use to free a slot, or contact Flexslot to raise the limit", MaxClients),
		}
	}
	now := s.timestamp()
	c := &clientRecord{
		Client: Client{
			ClientID:        newID("flx_client_", now),
			ClientType:      clientType,
			ApplicationName: name,
			RedirectURIs:    slices.Clone(redirectURIs),
			AllowedScopes:   slices.Clone(scopes),
			Status:          StatusActive,
			CreatedAt:       now,
			UpdatedAt:       now,
		},
		Partner: token,
	}
	var secret string
	if clientType == ClientTypeConfidential {
		secret = newSecret(now)
		c.SecretSHA256 = hashSecret(secret)
		c.SecretRotatedAt = &now
	}
	s.state.Clients = append(s.state.Clients, c)
	return c, secret, nil
}

// updateClientLocked replaces each given field; nil means keep.
func (s *Server) updateClientLocked(c *clientRecord, name *string, redirectURIs, scopes []string) *Error {
	if name != nil {
		if e := validateName(*name); e != nil {
			return e
		}
	}
	if redirectURIs != nil {
		if e := validateRedirectURIs(redirectURIs); e != nil {
			return e
		}
	}
	if scopes != nil {
		if e := s.validateScopes(scopes); e != nil {
			return e
		}
	}
	changed := false
	if name != nil && *name != c.ApplicationName {
		c.ApplicationName = *name
		changed = true
	}
	if redirectURIs != nil && !slices.Equal(redirectURIs, c.RedirectURIs) {
		c.RedirectURIs = slices.Clone(redirectURIs)
		changed = true
	}
	if scopes != nil && !slices.Equal(scopes, c.AllowedScopes) {
		c.AllowedScopes = slices.Clone(scopes)
		changed = true
	}
	if changed {
		c.UpdatedAt = s.timestamp()
	}
	return nil
}

func (s *Server) rotateClientLocked(c *clientRecord) (string, *Error) {
	if c.ClientType == ClientTypePublic {
		return "", &Error{
			Status:  http.StatusConflict,
			Code:    "public_client_has_no_secret",
			Message: "public clients have no secret to rotate: they rely on PKCE alone",
		}
	}
	now := s.timestamp()
	secret := newSecret(now)
	c.SecretSHA256 = hashSecret(secret)
	c.SecretRotatedAt = &now
	c.UpdatedAt = now
	return secret, nil
}

// revokeClientLocked revokes the client and, in cascade, every token issued under it.
func (s *Server) revokeClientLocked(c *clientRecord) {
	c.Status = StatusRevoked
	c.UpdatedAt = s.timestamp()
	for _, g := range s.state.AccessTokens {
		if g.ClientID == c.ClientID {
			g.Revoked = true
		}
	}
}

// decodeObject parses a JSON object body, refusing fields outside allowed.
func decodeObject(body []byte, allowed ...string) (map[string]json.RawMessage, *Error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, invalidRequest("", "the request body must be a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalidRequest("", "the request body must hold a single JSON object")
	}
	if _, ok := fields["client_type"]; ok && !slices.Contains(allowed, "client_type") {
		return nil, &Error{
			Status:  http.StatusBadRequest,
			Code:    "immutable_field",
			Message: "client_type cannot be changed after creation: create a new client instead",
			Field:   "client_type",
		}
	}
	var unknown []string
	for name := range fields {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, invalidRequest(unknown[0], fmt.Sprintf("unknown field %q", unknown[0]))
	}
	return fields, nil
}

// clientInput holds the client fields of a request body; nil means absent.
type clientInput struct {
	name, clientType     *string
	redirectURIs, scopes []string
}

func (in *clientInput) decode(fields map[string]json.RawMessage) *Error {
	var e *Error
	if in.name, e = decodeString(fields, "application_name"); e != nil {
		return e
	}
	if in.clientType, e = decodeString(fields, "client_type"); e != nil {
		return e
	}
	if in.redirectURIs, e = decodeStrings(fields, "redirect_uris"); e != nil {
		return e
	}
	in.scopes, e = decodeStrings(fields, "allowed_scopes")
	return e
}

func decodeString(fields map[string]json.RawMessage, name string) (*string, *Error) {
	raw, ok := fields[name]
	if !ok {
		return nil, nil
	}
	var v *string
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return nil, invalidRequest(name, name+" must be a string")
	}
	return v, nil
}

// decodeStrings returns a non-nil slice when the field is present.
func decodeStrings(fields map[string]json.RawMessage, name string) ([]string, *Error) {
	raw, ok := fields[name]
	if !ok {
		return nil, nil
	}
	var v []string
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return nil, invalidRequest(name, name+" must be an array of strings")
	}
	return v, nil
}

func validateName(name string) *Error {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return invalidRequest("application_name", "application_name must not be empty")
	case n > maxNameLength:
		return invalidRequest("application_name", fmt.Sprintf("application_name must be at most %d characters long", maxNameLength))
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return invalidRequest("application_name", "application_name must not contain control characters")
	}
	return nil
}

func validateRedirectURIs(uris []string) *Error {
	if len(uris) < 1 || len(uris) > maxRedirectURIs {
		return invalidRequest("redirect_uris", fmt.Sprintf("redirect_uris must hold 1 to %d redirect URIs", maxRedirectURIs))
	}
	first := map[string]int{}
	for i, uri := range uris {
		field := fmt.Sprintf("redirect_uris[%d]", i)
		if problems := redirecturi.Problems(uri); len(problems) > 0 {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_redirect_uri", Field: field,
				Message: field + " " + strings.Join(problems, "; ")}
		}
		if j, dup := first[uri]; dup {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_redirect_uri", Field: field,
				Message: fmt.Sprintf("%s duplicates redirect_uris[%d]: list each redirect URI once", field, j)}
		}
		first[uri] = i
	}
	return nil
}

func (s *Server) validateScopes(scopes []string) *Error {
	if len(scopes) < 1 || len(scopes) > maxScopes {
		return invalidRequest("allowed_scopes", fmt.Sprintf("allowed_scopes must hold 1 to %d scopes", maxScopes))
	}
	first := map[string]int{}
	for i, scope := range scopes {
		field := fmt.Sprintf("allowed_scopes[%d]", i)
		invalid := func(message string) *Error {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_scope", Field: field, Message: message}
		}
		if !scopesyntax.Valid(scope) {
			return invalid(fmt.Sprintf("%s %q is not a scope: a scope is %s", field, scope, scopesyntax.Syntax))
		}
		if !s.scopes[scope] {
			return invalid(fmt.Sprintf("%s %q is not in your scope catalog: %s", field, scope, strings.Join(s.scopeList, ", ")))
		}
		if j, dup := first[scope]; dup {
			return invalid(fmt.Sprintf("%s duplicates allowed_scopes[%d]: list each scope once", field, j))
		}
		first[scope] = i
	}
	return nil
}
