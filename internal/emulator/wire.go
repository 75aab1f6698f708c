package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client is a client as the partner API shows it: the published client object,
// fields in the published order.
type Client struct {
	// ID is Flexslot's internal key, a UUID. Paths use ClientID.
	ID                    string     `json:"id"`
	ClientID              string     `json:"client_id"`
	ClientType            string     `json:"client_type"`
	ApplicationName       string     `json:"application_name"`
	ApplicationURL        string     `json:"application_url"`
	ApplicationLogoURL    string     `json:"application_logo_url"`
	PrivacyPolicyURL      string     `json:"privacy_policy_url"`
	TosURL                string     `json:"tos_url"`
	RedirectURIs          []string   `json:"redirect_uris"`
	AllowedScopes         []string   `json:"allowed_scopes"`
	GrantTypes            []string   `json:"grant_types"`
	RequirePKCE           bool       `json:"require_pkce"`
	DPoPBoundAccessTokens bool       `json:"dpop_bound_access_tokens"`
	Status                string     `json:"status"`
	SecretRotatedAt       *time.Time `json:"secret_rotated_at"`
	// LastUsedAt is null until the client is used: a user grant or a secret
	// verified through the control API sets it.
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// clone returns a deep copy whose lists are never nil, so they encode as [].
func (c Client) clone() Client {
	c.RedirectURIs = append([]string{}, c.RedirectURIs...)
	c.AllowedScopes = append([]string{}, c.AllowedScopes...)
	c.GrantTypes = append([]string{}, c.GrantTypes...)
	c.SecretRotatedAt = cloneTime(c.SecretRotatedAt)
	c.LastUsedAt = cloneTime(c.LastUsedAt)
	return c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	at := *t
	return &at
}

// clientEnvelope is the answer of GET and PATCH /{client_id}.
type clientEnvelope struct {
	Client Client `json:"client"`
}

// oneTimeSecret is the answer of create and rotate: the only place a secret is shown.
type oneTimeSecret struct {
	Client                Client     `json:"client"`
	PlaintextClientSecret string     `json:"plaintext_client_secret"`
	SecretRotatedAt       *time.Time `json:"secret_rotated_at"`
}

func newOneTimeSecret(c *clientRecord, secret string) oneTimeSecret {
	client := c.clone()
	return oneTimeSecret{Client: client, PlaintextClientSecret: secret, SecretRotatedAt: cloneTime(client.SecretRotatedAt)}
}

// Error codes of the error envelope. The envelope and its codes are assumed:
// Flexslot's other endpoints use upper-case FLEXSLOT_ codes.
const (
	// CodeValidationError: a field breaks a rule (400), or the body is not a JSON object.
	CodeValidationError = "FLEXSLOT_VALIDATION_ERROR"
	// CodeInvalidRedirectURI: a redirect URI breaks a published rule (400); field names the entry.
	CodeInvalidRedirectURI = "FLEXSLOT_INVALID_REDIRECT_URI"
	// CodeInvalidScope: a scope is malformed or not available to the partner (400).
	CodeInvalidScope = "FLEXSLOT_INVALID_SCOPE"
	// CodeImmutableField: PATCH tried to change client_type (400).
	CodeImmutableField = "FLEXSLOT_IMMUTABLE_FIELD"
	// CodeUnauthorized: the token is missing or unknown (401).
	CodeUnauthorized = "FLEXSLOT_UNAUTHORIZED"
	// CodeNotFound: no such client for this partner, or no such endpoint (404).
	CodeNotFound = "FLEXSLOT_NOT_FOUND"
	// CodeMethodNotAllowed: the method is not served on this path (405).
	CodeMethodNotAllowed = "FLEXSLOT_METHOD_NOT_ALLOWED"
	// CodeClientLimitReached: the partner already holds MaxClients active or suspended clients (409).
	CodeClientLimitReached = "FLEXSLOT_CLIENT_LIMIT_REACHED"
	// CodePublicClientHasNoSecret: rotate on a public client (409).
	CodePublicClientHasNoSecret = "FLEXSLOT_PUBLIC_CLIENT_HAS_NO_SECRET"
	// CodeIdempotencyKeyReused: an Idempotency-Key came back with another request (422).
	CodeIdempotencyKeyReused = "FLEXSLOT_IDEMPOTENCY_KEY_REUSED"
	// CodeInjectedFault: a status fault answered instead of the API.
	CodeInjectedFault = "FLEXSLOT_INJECTED_FAULT"
	// CodeClientSuspended: the control API was asked to authorize a suspended client (409).
	CodeClientSuspended = "FLEXSLOT_CLIENT_SUSPENDED"
	// CodeInternalError: the emulator failed (500).
	CodeInternalError = "FLEXSLOT_INTERNAL_ERROR"
)

// Codes returns every error code the emulator answers.
func Codes() []string {
	return []string{
		CodeValidationError, CodeInvalidRedirectURI, CodeInvalidScope, CodeImmutableField, CodeUnauthorized,
		CodeNotFound, CodeMethodNotAllowed, CodeClientLimitReached, CodePublicClientHasNoSecret,
		CodeIdempotencyKeyReused, CodeInjectedFault, CodeClientSuspended, CodePartnerNotActive, CodeInternalError,
	}
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

func validationError(field, message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeValidationError, Message: message, Field: field}
}

func notFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no OAuth2 client with this client_id"}
}

// Operations: what a partner API request was, as RequestRecord.Operation names it.
const (
	OperationList    = "list"
	OperationGet     = "get"
	OperationCreate  = "create"
	OperationUpdate  = "update"
	OperationRotate  = "rotate"
	OperationRevoke  = "revoke"
	OperationUnknown = "unknown"
)

// route is the shape of a partner API path.
type route int

const (
	routeNone       route = iota
	routeCollection       // BasePath
	routeClient           // BasePath/{client_id}
	routeRotate           // BasePath/{client_id}/rotate-secret
)

// parsePath returns the shape of path, as escaped on the wire, and the client
// ID in it, unescaped: client IDs are opaque and travel as one escaped segment.
func parsePath(path string) (route, string) {
	rest, ok := strings.CutPrefix(path, BasePath)
	switch {
	case !ok:
		return routeNone, ""
	case rest == "":
		return routeCollection, ""
	case !strings.HasPrefix(rest, "/"):
		return routeNone, ""
	}
	id, action, hasAction := strings.Cut(rest[1:], "/")
	id, err := url.PathUnescape(id)
	switch {
	case err != nil || id == "":
		return routeNone, ""
	case !hasAction:
		return routeClient, id
	case action == "rotate-secret":
		return routeRotate, id
	}
	return routeNone, ""
}

// allowedMethods lists the methods each route serves.
var allowedMethods = map[route][]string{
	routeCollection: {http.MethodGet, http.MethodPost},
	routeClient:     {http.MethodGet, http.MethodPatch, http.MethodDelete},
	routeRotate:     {http.MethodPost},
}

// OperationOf names the partner API operation a request is, whatever its
// outcome: OperationList, OperationCreate, ... or OperationUnknown. path is
// the path as sent, escaped.
func OperationOf(method, path string) string {
	if op := meOperation(method, path); op != "" {
		return op
	}
	r, _ := parsePath(path)
	switch {
	case r == routeCollection && method == http.MethodGet:
		return OperationList
	case r == routeCollection && method == http.MethodPost:
		return OperationCreate
	case r == routeClient && method == http.MethodGet:
		return OperationGet
	case r == routeClient && method == http.MethodPatch:
		return OperationUpdate
	case r == routeClient && method == http.MethodDelete:
		return OperationRevoke
	case r == routeRotate && method == http.MethodPost:
		return OperationRotate
	}
	return OperationUnknown
}

// Operations returns every operation name but OperationUnknown.
func Operations() []string {
	return []string{OperationList, OperationGet, OperationCreate, OperationUpdate, OperationRotate, OperationRevoke,
		OperationPartner, OperationRotateAPIKey, OperationAccessToken}
}

// RequestRecord is one partner API request in the request log.
type RequestRecord struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Operation names what the request was: OperationList, OperationCreate, ...
	Operation      string    `json:"operation"`
	Status         int       `json:"status"`
	IdempotencyKey string    `json:"idempotency_key"`
	At             time.Time `json:"at"`
	// Fault is the kind of the fault applied to the request, if any.
	Fault string `json:"fault,omitempty"`
}
