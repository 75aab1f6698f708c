package flexslot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Error codes. Flexslot's other endpoints use upper-case FLEXSLOT_ codes; the
// codes of these endpoints are not published, so only these two are relied on,
// and neither alone decides anything.
const (
	CodeNotFound           = "FLEXSLOT_NOT_FOUND"
	CodeClientLimitReached = "FLEXSLOT_CLIENT_LIMIT_REACHED"
)

// ErrNotFound matches, through errors.Is, exactly one situation: a successful
// list of the partner's clients omits the client or shows it revoked. An HTTP
// 404 alone never matches it.
var ErrNotFound = errors.New("flexslot: the client is not in the partner's list of clients")

// ErrUpdateUnsupported matches, through errors.Is, an update Flexslot cannot
// make in place: PATCH answered 405, or 404 while the list shows the client
// active or suspended.
var ErrUpdateUnsupported = errors.New("flexslot: Flexslot does not support changing this client in place")

// ErrRevokeUnsupported matches, through errors.Is, a revoke Flexslot does not
// offer through its API: DELETE answered 405, or 404 in the API's own error
// shape while the list shows the client active or suspended. Flexslot's API
// reference publishes no revoke; the dashboard's Account → API access card
// revokes.
var ErrRevokeUnsupported = errors.New("flexslot: Flexslot offers no revoke through its API")

// IsNotFound reports whether errors.Is(err, ErrNotFound).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// APIError is an answer other than 2xx. Every string field is redacted and
// safe to show.
type APIError struct {
	StatusCode int
	// Code, Message and Field come from whichever error shape the body has:
	// {"error": {"code", "message", "field"}}, RFC 6749's {"error",
	// "error_description", "error_uri"}, {"code", "message"} or {"detail": ...}.
	// For a body of none of these shapes, Message describes it with a short excerpt.
	Code, Message, Field string
	// ErrorURI is RFC 6749's error_uri: a page about the error [doc: Flexslot's
	// OAuth errors guide]. Only an absolute http(s) URI is kept.
	ErrorURI string
	// RequestID is the X-Request-Id header.
	RequestID string
	// ContentType is the media type of the body, without parameters.
	ContentType string
	// Location is the host a 3xx answer redirected to; redirects are never followed.
	Location string
	// Token names the token Flexslot refused with a 401, never showing it
	// (see Client.TokenLabel); "" for other answers.
	Token string
	// TokenState says why, when the token's metadata shows it: "it expired
	// at ..." or "it was revoked at ...".
	TokenState string

	method, path string
	// parsed is set when the body had one of the known error shapes, which
	// suggests the API itself answered rather than something in between.
	parsed bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		if e.Location != "" {
			fmt.Fprintf(&b, ": a redirect to host %s, which is never followed", e.Location)
		} else {
			b.WriteString(": a redirect without a Location header, which is never followed")
		}
	}
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
	if e.ErrorURI != "" {
		b.WriteString("; see " + e.ErrorURI)
	}
	return b.String()
}

// IsUnauthorized reports whether Flexslot refused the token itself: a 401.
func IsUnauthorized(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusUnauthorized
}

// IsForbidden reports whether Flexslot recognised the token but refused it
// the request: a 403, such as a token without the permission or a partner
// application not yet approved.
func IsForbidden(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusForbidden
}

// IsClientLimitReached reports whether a create failed because the partner
// already holds the maximum number of active or suspended clients: the code
// FLEXSLOT_CLIENT_LIMIT_REACHED, or a 409 answering a create.
func IsClientLimitReached(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == CodeClientLimitReached ||
		(e.StatusCode == http.StatusConflict && e.method == http.MethodPost && e.path == oauth2ClientsPath)
}

// IsRedirect reports whether the answer was a redirect, which is never followed.
func IsRedirect(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode >= 300 && e.StatusCode < 400
}

// RetryAfterError reports that Flexslot asked to wait longer than what was
// left of the context's deadline, so the call failed at once rather than
// sleeping into the deadline.
type RetryAfterError struct {
	// Wait is how long Flexslot asked to wait (the Retry-After header).
	Wait time.Duration
	// Remaining is what was left of the deadline.
	Remaining time.Duration
	// Attempts is how many requests were made.
	Attempts int
	// Err is the answer that carried the Retry-After header.
	Err *APIError

	op string
}

func (e *RetryAfterError) Error() string {
	what := fmt.Sprintf("answered %d %s", e.Err.StatusCode, http.StatusText(e.Err.StatusCode))
	if e.Err.StatusCode == http.StatusTooManyRequests {
		what += " (rate limited)"
	}
	return fmt.Sprintf("flexslot: %s: Flexslot %s and asked to wait %s before trying again, longer than the %s left before the deadline; "+
		"gave up after %s: %s", e.op, what, e.Wait, e.Remaining.Round(time.Millisecond), attempts(e.Attempts), e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RevokeUnconfirmedError reports a revocation that could not be confirmed:
// DELETE answered 2xx or 404, then either a fresh list still showed the client
// active or suspended (ListedStatus), or that list failed (ListErr). The
// request may not have reached Flexslot: base_url, a proxy in between, or a
// token of another partner can all produce such answers.
type RevokeUnconfirmedError struct {
	ClientID string
	// StatusCode, ContentType and RequestID describe DELETE's answer.
	StatusCode  int
	ContentType string
	RequestID   string
	// ListedStatus is the client's status in the list made after DELETE returned.
	ListedStatus string
	// ListErr is set when that list failed.
	ListErr error
}

func (e *RevokeUnconfirmedError) Error() string {
	answer := fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	var details []string
	if e.ContentType != "" {
		details = append(details, e.ContentType)
	} else {
		details = append(details, "no content type")
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	} else {
		details = append(details, "no request id")
	}
	answer += " (" + strings.Join(details, ", ") + ")"
	if e.ListErr != nil {
		return fmt.Sprintf("flexslot: revoking client %s: DELETE answered %s, but listing the partner's clients to confirm it failed: %v",
			e.ClientID, answer, e.ListErr)
	}
	return fmt.Sprintf("flexslot: revoking client %s: DELETE answered %s, but the partner's list of clients, fetched afterwards, still shows it %s",
		e.ClientID, answer, e.ListedStatus)
}

func (e *RevokeUnconfirmedError) Unwrap() error { return e.ListErr }

// UpdateNotAppliedError reports a PATCH that Flexslot accepted but whose
// answer still shows other values for Fields: the update did not take.
// Update returns the client as answered beside it.
type UpdateNotAppliedError struct {
	ClientID  string
	Fields    []string
	RequestID string
}

func (e *UpdateNotAppliedError) Error() string {
	id := "no request id"
	if e.RequestID != "" {
		id = "request id " + e.RequestID
	}
	return fmt.Sprintf("flexslot: updating client %s: Flexslot accepted the update (%s), but its answer still shows "+
		"other values for %s", e.ClientID, id, strings.Join(e.Fields, ", "))
}

// LostSecretError reports a create whose answer was lost and whose client was
// found in the list and adopted, but whose secret could not be obtained by
// rotating it. The client exists at Flexslot, without a secret anyone holds.
type LostSecretError struct {
	Client OAuth2Client
	Err    error
}

func (e *LostSecretError) Error() string {
	return fmt.Sprintf("flexslot: the answer to creating client %s was lost, and rotating its secret to obtain one failed: %v; "+
		"the client exists at Flexslot with a secret nobody holds", e.Client.ClientID, e.Err)
}

func (e *LostSecretError) Unwrap() error { return e.Err }

// AmbiguousCreateError reports a create whose answer was lost, after which
// the list showed several clients the create may have made. None was adopted:
// one may belong to another configuration that created the same client at
// about the same time.
type AmbiguousCreateError struct {
	ApplicationName string
	// Candidates are the matching clients' IDs, newest first.
	Candidates []string
	Err        error
}

func (e *AmbiguousCreateError) Error() string {
	return fmt.Sprintf("flexslot: %v; the partner's list shows %d clients named %q created since the request left (%s), "+
		"and the provider cannot tell which one this request created", e.Err, len(e.Candidates), e.ApplicationName,
		strings.Join(e.Candidates, ", "))
}

func (e *AmbiguousCreateError) Unwrap() error { return e.Err }

// ListedNotFoundError reports a 404 for a client that a fresh list of the
// partner's clients shows active or suspended: the request may not have
// reached the API the list came from, or the token may belong to another
// partner.
type ListedNotFoundError struct {
	ClientID string
	// Status is the client's status in the list.
	Status string
	// Err is the call's error, holding the 404 *APIError.
	Err error
}

func (e *ListedNotFoundError) Error() string {
	return fmt.Sprintf("%v, although the partner's list of clients shows the client %s", e.Err, e.Status)
}

func (e *ListedNotFoundError) Unwrap() error { return e.Err }

// NotFoundError is ErrNotFound for one client: a successful list does not
// show it as active or suspended.
type NotFoundError struct {
	ClientID string
	// Revoked is set when the list showed the client revoked. Otherwise the
	// list omitted it, which is also what a token of another partner sees.
	Revoked bool
	// Corroborated is set when the list omitted the client but holds another
	// client this Client was asked about by ID: the token sees the partner's
	// own clients, so the omission is a revocation.
	Corroborated bool
}

func (e *NotFoundError) Error() string {
	if e.Revoked {
		return fmt.Sprintf("flexslot: client %s is revoked", e.ClientID)
	}
	return fmt.Sprintf("flexslot: client %s is not in the list of clients of the token's partner", e.ClientID)
}

func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// updateUnsupportedError is ErrUpdateUnsupported for one answer.
type updateUnsupportedError struct {
	op     string
	status string // the client's status in the list, for a 404
	err    *APIError
}

func (e *updateUnsupportedError) Error() string {
	if e.status != "" {
		return fmt.Sprintf("flexslot: %s: Flexslot cannot change this client in place: PATCH answered %s although the partner's list shows the client %s",
			e.op, e.err, e.status)
	}
	return fmt.Sprintf("flexslot: %s: Flexslot cannot change this client in place: PATCH answered %s", e.op, e.err)
}

func (e *updateUnsupportedError) Is(target error) bool { return target == ErrUpdateUnsupported }
func (e *updateUnsupportedError) Unwrap() error        { return e.err }

// revokeUnsupportedError is ErrRevokeUnsupported for one answer.
type revokeUnsupportedError struct {
	op     string
	status string // the client's status in the list, for a 404
	err    *APIError
}

func (e *revokeUnsupportedError) Error() string {
	if e.status != "" {
		return fmt.Sprintf("flexslot: %s: Flexslot offers no revoke through its API: DELETE answered %s although the partner's list shows the client %s",
			e.op, e.err, e.status)
	}
	return fmt.Sprintf("flexslot: %s: Flexslot offers no revoke through its API: DELETE answered %s", e.op, e.err)
}

func (e *revokeUnsupportedError) Is(target error) bool { return target == ErrRevokeUnsupported }
func (e *revokeUnsupportedError) Unwrap() error        { return e.err }

// opError names the call an error belongs to.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return "flexslot: " + e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

// mediaType is the Content-Type without parameters.
func mediaType(h http.Header) string {
	v := h.Get("Content-Type")
	if v == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return "unparseable content type"
	}
	return mt
}

// parseAPIError builds an APIError from any answer other than 2xx, whatever
// its body: one of the known error shapes, other JSON, a proxy's HTML page or nothing.
func (c *Client) parseAPIError(method, path string, status int, h http.Header, body []byte) *APIError {
	e := &APIError{
		StatusCode:  status,
		RequestID:   c.clean(h.Get("X-Request-Id"), 100),
		ContentType: c.clean(mediaType(h), 100),
		method:      method,
		path:        path,
	}
	if status >= 300 && status < 400 {
		base, _ := url.Parse(c.baseURL)
		e.Location = c.clean(locationHost(base, h.Get("Location")), 255)
	}
	if f, ok := parseErrorBody(body); ok {
		e.Code, e.Message, e.Field, e.parsed = c.clean(f.code, 100), c.clean(f.message, 500), c.clean(f.field, 200), true
		e.ErrorURI = c.clean(errorURI(f.uri), 300)
		return e
	}
	e.Message = c.describeBody(e.ContentType, body)
	return e
}

// describeBody describes a body of none of the known shapes, with at most a
// short redacted excerpt of it.
func (c *Client) describeBody(contentType string, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty response body"
	}
	if contentType == "" {
		contentType = "no content type"
	}
	msg := fmt.Sprintf("unexpected response body (%s, %d bytes)", contentType, len(body))
	if ex := c.excerpt(body); ex != "" {
		msg += ": " + strconv.Quote(ex)
	}
	return msg
}

// locationHost is the host a Location header points at, resolved against base.
func locationHost(base *url.URL, loc string) string {
	if loc == "" {
		return ""
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "an unparseable Location"
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return u.Hostname()
}

type errorFields struct{ code, message, field, uri string }

// errorURI keeps an RFC 6749 error_uri only when it is an absolute http(s)
// URI without credentials: anything else is not shown.
func errorURI(raw string) string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" || u.User != nil ||
		(!strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http")) {
		return ""
	}
	return u.String()
}

// parseErrorBody reads the error shapes Flexslot and the proxies before it may use.
func parseErrorBody(body []byte) (errorFields, bool) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil || m == nil {
		return errorFields{}, false
	}
	var f errorFields
	switch e := m["error"].(type) {
	case map[string]any: // {"error": {"code", "message", "field"}}
		f = fieldsOf(e)
	case string: // RFC 6749: {"error", "error_description", "error_uri"}
		f = errorFields{code: e, message: scalar(m["error_description"]), uri: scalar(m["error_uri"])}
	}
	if f == (errorFields{}) {
		f = fieldsOf(m) // {"code", "message"}
	}
	if f == (errorFields{}) {
		switch d := m["detail"].(type) { // {"detail": string or object}
		case string:
			f.message = d
		case map[string]any:
			f = fieldsOf(d)
		case []any:
			f = firstOf(d)
		}
	}
	if f == (errorFields{}) {
		if list, ok := m["errors"].([]any); ok {
			f = firstOf(list)
		}
	}
	return f, f != (errorFields{})
}

func fieldsOf(m map[string]any) errorFields {
	f := errorFields{code: scalar(m["code"]), message: scalar(m["message"]), field: scalar(m["field"])}
	if f.message == "" {
		f.message = scalar(m["msg"])
	}
	if f.message == "" {
		f.message = scalar(m["detail"])
	}
	if f.field == "" {
		if loc, ok := m["loc"].([]any); ok {
			parts := make([]string, 0, len(loc))
			for _, p := range loc {
				parts = append(parts, scalar(p))
			}
			f.field = strings.Join(parts, ".")
		}
	}
	return f
}

func firstOf(list []any) errorFields {
	if len(list) == 0 {
		return errorFields{}
	}
	switch v := list[0].(type) {
	case map[string]any:
		return fieldsOf(v)
	case string:
		return errorFields{message: v}
	}
	return errorFields{}
}

// scalar renders a JSON scalar; objects and arrays are ignored.
func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}
