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

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// maxIdemKeyLen bounds the Idempotency-Key header.
const maxIdemKeyLen = 255

// Request body fields.
const (
	fieldApplicationName = "application_name"
	fieldClientType      = "client_type"
	fieldRedirectURIs    = "redirect_uris"
	fieldAllowedScopes   = "allowed_scopes"
	fieldGrantTypes      = "grant_types"
)

// createFields are the fields a create request takes [doc]; an update takes
// them all but client_type [assumed].
var createFields = slices.Concat(
	[]string{fieldApplicationName, fieldRedirectURIs, fieldAllowedScopes, fieldClientType, fieldGrantTypes},
	rules.ConsentURLFields(),
)

// readOnlyFields are the client object's fields that Flexslot sets.
var readOnlyFields = []string{
	"id", "client_id", "require_pkce", "dpop_bound_access_tokens", "status",
	"secret_rotated_at", "last_used_at", "created_at", "updated_at",
}

// servePartner applies any matching fault, then answers the request and logs it.
func (s *Server) servePartner(w http.ResponseWriter, r *http.Request) {
	record := RequestRecord{
		Method:         r.Method,
		Path:           r.URL.Path,
		Operation:      OperationOf(r.Method, r.URL.EscapedPath()),
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
	if s.afterRequest != nil {
		record.Status = resp.status
		s.afterRequest(record)
	}
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
	close(s.logged)
	s.logged = make(chan struct{})
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
	useKey = useKey && r.Method == http.MethodPost && !s.ignoreIdemKey
	var key, fingerprint string
	if useKey {
		key = keys[0]
		if n := len(key); n < 1 || n > maxIdemKeyLen {
			return errorResponse(validationError("", fmt.Sprintf("the Idempotency-Key header must be 1 to %d characters long", maxIdemKeyLen)))
		}
		sum := sha256.Sum256([]byte(r.Method + "\n" + r.URL.Path + "\n" + string(body)))
		fingerprint = hex.EncodeToString(sum[:])
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// A revoked or expired token may still read its own metadata [assumed].
	if why := s.patRefusedLocked(token); why != "" && OperationOf(r.Method, r.URL.Path) != OperationAccessToken {
		return unauthorized(why)
	}
	if useKey {
		if stored := s.idempotentLocked(token, key); stored != nil {
			if stored.Fingerprint != fingerprint {
				return errorResponse(&Error{
					Status:  http.StatusUnprocessableEntity,
					Code:    CodeIdempotencyKeyReused,
					Message: "this Idempotency-Key was already used with a different request; use a new key for a new request",
				})
			}
			return response{status: stored.Status, body: stored.Body, contentType: "application/json"}
		}
	}
	resp := s.routeLocked(token, r.Method, r.URL.EscapedPath(), body)
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
		return errorResponse(&Error{Status: http.StatusInternalServerError, Code: CodeInternalError, Message: err.Error()})
	}
	return resp
}

func unauthorized(message string) response {
	resp := errorResponse(&Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: message})
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
	if resp, ok := s.routeMeLocked(token, method, path); ok {
		return resp
	}
	shape, id := parsePath(path)
	if shape == routeNone {
		return errorResponse(&Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such endpoint"})
	}
	switch OperationOf(method, path) {
	case OperationList:
		return s.listLocked(token)
	case OperationCreate:
		return s.createLocked(token, body)
	case OperationGet:
		return s.getLocked(token, id)
	case OperationUpdate:
		if !s.withoutUpdate {
			return s.updateLocked(token, id, body)
		}
	case OperationRevoke:
		if !s.withoutDelete {
			return s.revokeLocked(token, id)
		}
	case OperationRotate:
		return s.rotateLocked(token, id)
	}
	return s.methodNotAllowed(shape)
}

func (s *Server) methodNotAllowed(shape route) response {
	allowed := slices.DeleteFunc(slices.Clone(allowedMethods[shape]), func(m string) bool {
		return (s.withoutUpdate && m == http.MethodPatch) || (s.withoutDelete && m == http.MethodDelete)
	})
	allow := strings.Join(allowed, ", ")
	resp := errorResponse(&Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: "allowed methods: " + allow})
	resp.header = http.Header{"Allow": {allow}}
	return resp
}

func (s *Server) listLocked(token string) response {
	clients := []Client{}
	for _, c := range s.state.Clients {
		if c.Partner == token && (s.listRevoked || c.Status != StatusRevoked) {
			clients = append(clients, c.clone())
		}
	}
	return jsonResponse(http.StatusOK, clients)
}

// clientsLocked returns the partner's active and suspended clients, oldest first.
func (s *Server) clientsLocked(token string) []Client {
	clients := []Client{}
	for _, c := range s.state.Clients {
		if c.Partner == token && rules.CountsTowardLimit(c.Status) {
			clients = append(clients, c.clone())
		}
	}
	return clients
}

func (s *Server) createLocked(token string, body []byte) response {
	if p := s.partnerRecordLocked(token); p.Status != rules.StatusActive {
		return errorResponse(partnerNotActive(p.Status, "create OAuth2 clients"))
	}
	fields, e := decodeObject(body, createFields)
	if e != nil {
		return errorResponse(e)
	}
	var in clientInput
	if e := in.decode(fields); e != nil {
		return errorResponse(e)
	}
	c, secret, e := s.createClientLocked(token, in)
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
	updatable := slices.DeleteFunc(slices.Clone(createFields), func(f string) bool { return f == fieldClientType })
	fields, e := decodeObject(body, updatable)
	if e != nil {
		return errorResponse(e)
	}
	var in clientInput
	if e := in.decode(fields); e != nil {
		return errorResponse(e)
	}
	if e := s.updateClientLocked(token, c, in); e != nil {
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

// createClientLocked validates in, applies the published defaults and the
// client limit, and creates the client.
func (s *Server) createClientLocked(token string, in clientInput) (*clientRecord, string, *Error) {
	for _, required := range []struct {
		name    string
		present bool
	}{
		{fieldApplicationName, in.name != nil},
		{fieldRedirectURIs, in.redirectURIs != nil},
		{fieldAllowedScopes, in.scopes != nil},
	} {
		if !required.present {
			return nil, "", validationError(required.name, required.name+" is required")
		}
	}
	if e := s.validateLocked(token, in); e != nil {
		return nil, "", e
	}
	clientType := rules.DefaultClientType
	if in.clientType != nil {
		clientType = *in.clientType
	}
	grantTypes := rules.DefaultGrantTypes()
	if in.grantTypes != nil {
		grantTypes = slices.Clone(in.grantTypes)
	}
	if len(s.clientsLocked(token)) >= MaxClients {
		return nil, "", &Error{
			Status: http.StatusConflict,
			Code:   CodeClientLimitReached,
			Message: fmt.Sprintf("this partner already has %d active or suspended OAuth2 clients, the maximum: "+
				"revoke a client you no longer use to free a slot, or contact Flexslot to raise the limit", MaxClients),
		}
	}
	now := s.timestamp()
	c := &clientRecord{
		Client: Client{
			ID:              newUUID(),
			ClientID:        newID(ClientIDPrefix, now),
			ClientType:      clientType,
			ApplicationName: *in.name,
			RedirectURIs:    slices.Clone(in.redirectURIs),
			AllowedScopes:   slices.Clone(in.scopes),
			GrantTypes:      grantTypes,
			RequirePKCE:     true,
			Status:          StatusActive,
			CreatedAt:       now,
			UpdatedAt:       now,
		},
		Partner: token,
	}
	in.applyURLs(&c.Client)
	var secret string
	if clientType == ClientTypeConfidential {
		secret = newSecret(now)
		c.SecretSHA256 = hashSecret(secret)
		c.SecretRotatedAt = &now
	}
	s.state.Clients = append(s.state.Clients, c)
	return c, secret, nil
}

// updateClientLocked replaces each field in holds as a whole; absent fields are kept.
func (s *Server) updateClientLocked(token string, c *clientRecord, in clientInput) *Error {
	if in.clientType != nil {
		return immutableClientType()
	}
	if e := s.validateLocked(token, in); e != nil {
		return e
	}
	before := mustJSON(c.clone())
	if in.name != nil {
		c.ApplicationName = *in.name
	}
	if in.redirectURIs != nil {
		c.RedirectURIs = slices.Clone(in.redirectURIs)
	}
	if in.scopes != nil {
		c.AllowedScopes = slices.Clone(in.scopes)
	}
	if in.grantTypes != nil {
		c.GrantTypes = slices.Clone(in.grantTypes)
	}
	in.applyURLs(&c.Client)
	if !bytes.Equal(before, mustJSON(c.clone())) {
		c.UpdatedAt = s.timestamp()
	}
	return nil
}

func mustJSON(v any) []byte {
	data, _ := json.Marshal(v) // a Client always encodes
	return data
}

func immutableClientType() *Error {
	return &Error{
		Status:  http.StatusBadRequest,
		Code:    CodeImmutableField,
		Message: "client_type cannot be changed after creation: create a new client instead",
		Field:   fieldClientType,
	}
}

func (s *Server) rotateClientLocked(c *clientRecord) (string, *Error) {
	if c.ClientType == ClientTypePublic {
		return "", &Error{
			Status:  http.StatusConflict,
			Code:    CodePublicClientHasNoSecret,
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

// revokeClientLocked revokes the client and, in cascade, every grant and token issued under it.
func (s *Server) revokeClientLocked(c *clientRecord) {
	c.Status = StatusRevoked
	c.UpdatedAt = s.timestamp()
	c.SecretSHA256 = ""
	for _, g := range s.state.AccessTokens {
		if g.ClientID == c.ClientID {
			g.Revoked = true
		}
	}
}

// decodeObject parses a JSON object body, refusing fields outside allowed.
func decodeObject(body []byte, allowed []string) (map[string]json.RawMessage, *Error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, validationError("", "the request body must be a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, validationError("", "the request body must hold a single JSON object")
	}
	if _, ok := fields[fieldClientType]; ok && !slices.Contains(allowed, fieldClientType) {
		return nil, immutableClientType()
	}
	var unknown []string
	for name := range fields {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return fields, nil
	}
	slices.Sort(unknown)
	if slices.Contains(readOnlyFields, unknown[0]) {
		return nil, validationError(unknown[0], unknown[0]+" is read-only: Flexslot sets it")
	}
	return nil, validationError(unknown[0], fmt.Sprintf("unknown field %q", unknown[0]))
}

// clientInput holds the client fields of a request body; nil means absent.
type clientInput struct {
	name, clientType                 *string
	redirectURIs, scopes, grantTypes []string
	// urls maps each consent-screen URL field given to its value.
	urls map[string]string
}

func (in *clientInput) decode(fields map[string]json.RawMessage) *Error {
	var e *Error
	if in.name, e = decodeString(fields, fieldApplicationName); e != nil {
		return e
	}
	if in.clientType, e = decodeString(fields, fieldClientType); e != nil {
		return e
	}
	if in.redirectURIs, e = decodeStrings(fields, fieldRedirectURIs); e != nil {
		return e
	}
	if in.scopes, e = decodeStrings(fields, fieldAllowedScopes); e != nil {
		return e
	}
	if in.grantTypes, e = decodeStrings(fields, fieldGrantTypes); e != nil {
		return e
	}
	for _, field := range rules.ConsentURLFields() {
		v, e := decodeString(fields, field)
		if e != nil {
			return e
		}
		if v != nil {
			if in.urls == nil {
				in.urls = map[string]string{}
			}
			in.urls[field] = *v
		}
	}
	return nil
}

// applyURLs sets the consent-screen URLs in holds.
func (in *clientInput) applyURLs(c *Client) {
	for field, v := range in.urls {
		switch field {
		case rules.FieldApplicationURL:
			c.ApplicationURL = v
		case rules.FieldApplicationLogoURL:
			c.ApplicationLogoURL = v
		case rules.FieldPrivacyPolicyURL:
			c.PrivacyPolicyURL = v
		case rules.FieldTosURL:
			c.TosURL = v
		}
	}
}

func decodeString(fields map[string]json.RawMessage, name string) (*string, *Error) {
	raw, ok := fields[name]
	if !ok {
		return nil, nil
	}
	var v *string
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return nil, validationError(name, name+" must be a string")
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
		return nil, validationError(name, name+" must be an array of strings")
	}
	return v, nil
}

// validateLocked checks every field in holds against internal/rules and the
// partner's scopes; the first broken rule is reported.
func (s *Server) validateLocked(token string, in clientInput) *Error {
	if in.name != nil {
		if p := rules.ApplicationNameProblems(*in.name); len(p) > 0 {
			return validationError(fieldApplicationName, fieldApplicationName+" "+strings.Join(p, "; "))
		}
	}
	if in.clientType != nil {
		if p := rules.ClientTypeProblems(*in.clientType); len(p) > 0 {
			return validationError(fieldClientType, fieldClientType+" "+strings.Join(p, "; "))
		}
	}
	if in.redirectURIs != nil {
		if e := validateRedirectURIs(in.redirectURIs); e != nil {
			return e
		}
	}
	if in.scopes != nil {
		if e := s.validateScopesLocked(token, in.scopes); e != nil {
			return e
		}
	}
	if in.grantTypes != nil {
		if e := validateGrantTypes(in.grantTypes); e != nil {
			return e
		}
	}
	for _, field := range rules.ConsentURLFields() {
		if v, ok := in.urls[field]; ok {
			if p := rules.ConsentURLProblems(v); len(p) > 0 {
				return validationError(field, field+" "+strings.Join(p, "; "))
			}
		}
	}
	return nil
}

// validateRedirectURIs applies the published rules to each URI; duplicates are
// refused [assumed]. No count limit, not even a minimum, is published.
func validateRedirectURIs(uris []string) *Error {
	first := map[string]int{}
	for i, uri := range uris {
		field := fmt.Sprintf("%s[%d]", fieldRedirectURIs, i)
		if problems := rules.RedirectURIProblems(uri); len(problems) > 0 {
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRedirectURI, Field: field,
				Message: field + " " + strings.Join(problems, "; ")}
		}
		if j, dup := first[uri]; dup {
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRedirectURI, Field: field,
				Message: fmt.Sprintf("%s duplicates %s[%d]: list each redirect URI once", field, fieldRedirectURIs, j)}
		}
		first[uri] = i
	}
	return nil
}

// validateScopesLocked applies the scope rules and the partner's scopes. An
// empty list is accepted: the published create example sends one.
func (s *Server) validateScopesLocked(token string, scopes []string) *Error {
	first := map[string]int{}
	for i, scope := range scopes {
		field := fmt.Sprintf("%s[%d]", fieldAllowedScopes, i)
		invalid := func(message string) *Error {
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidScope, Field: field, Message: message}
		}
		if problems := rules.ScopeProblems(scope); len(problems) > 0 {
			return invalid(fmt.Sprintf("%s %q %s", field, scope, strings.Join(problems, "; ")))
		}
		if !s.scopeAllowedLocked(token, scope) {
			return invalid(fmt.Sprintf("%s %q is not available to this partner: use a scope of the catalog (%s), "+
				"or request the scope from Flexslot first", field, scope, strings.Join(s.catalog, ", ")))
		}
		if j, dup := first[scope]; dup {
			return invalid(fmt.Sprintf("%s duplicates %s[%d]: list each scope once", field, fieldAllowedScopes, j))
		}
		first[scope] = i
	}
	return nil
}

// validateGrantTypes applies the grant type rules; duplicates are refused
// [assumed]. No minimum count is published.
func validateGrantTypes(grantTypes []string) *Error {
	first := map[string]int{}
	for i, gt := range grantTypes {
		field := fmt.Sprintf("%s[%d]", fieldGrantTypes, i)
		if problems := rules.GrantTypeProblems(gt); len(problems) > 0 {
			return validationError(field, field+" "+strings.Join(problems, "; "))
		}
		if j, dup := first[gt]; dup {
			return validationError(field, fmt.Sprintf("%s duplicates %s[%d]: list each grant type once", field, fieldGrantTypes, j))
		}
		first[gt] = i
	}
	return nil
}
