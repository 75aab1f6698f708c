package flexslot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Error codes of the partner API error envelope.
const (
	CodeInvalidRequest          = "invalid_request"
	CodeInvalidRedirectURI      = "invalid_redirect_uri"
	CodeInvalidScope            = "invalid_scope"
	CodeImmutableField          = "immutable_field"
	CodeNotFound                = "not_found"
	CodeClientLimitReached      = "client_limit_reached"
	CodePublicClientHasNoSecret = "public_client_has_no_secret"
	CodeIdempotencyKeyReused    = "idempotency_key_reused"
)

// ErrNotFound matches, through errors.Is, every 404 answer: an unknown or revoked
// client, or one owned by another partner.
var ErrNotFound = errors.New("flexslot: not found")

// APIError is an error answer from the API. Message and Field are redacted.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Field      string
	RequestID  string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var details []string
	if e.Field != "" {
		details = append(details, "field "+e.Field)
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if len(details) > 0 {
		b.WriteString(" (" + strings.Join(details, ", ") + ")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNotFound) true for 404 answers.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.StatusCode == http.StatusNotFound
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsClientLimitReached reports whether err says the partner already holds the maximum number of clients.
func IsClientLimitReached(err error) bool { return hasCode(err, CodeClientLimitReached) }

func hasCode(err error, code string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == code
}

type errorEnvelope struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// parseAPIError builds an APIError from any non-2xx answer, including proxy
// pages that are not the API's envelope.
func (c *Client) parseAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, RequestID: c.redact(resp.Header.Get("X-Request-Id"))}
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil {
		e.Message = "unexpected response body (" + describeBody(resp, body) + ")"
		return e
	}
	e.Code = c.redact(env.Error.Code)
	e.Message = c.redact(env.Error.Message)
	e.Field = c.redact(env.Error.Field)
	return e
}

const redactedMarker = "[REDACTED]"

// secretPattern matches client secrets, access tokens and Personal Access Tokens.
var secretPattern = regexp.MustCompile(`(flx_(?:cs|pat|at)_)[A-Za-z0-9._~+/=-]+`)

// Redact replaces every Flexslot secret or token in s, such as a flx_cs_ client
// secret or a flx_pat_ token, with its prefix and a marker: "flx_cs_[REDACTED]".
func Redact(s string) string {
	return secretPattern.ReplaceAllString(s, "${1}"+redactedMarker)
}
