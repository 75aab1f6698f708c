package flexslot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"
)

// call is one logical API call, made of one or more HTTP attempts.
type call struct {
	method, path string
	body         []byte
	// idempotencyKey is sent as Idempotency-Key on every attempt. Flexslot does
	// not publish support for it, so nothing depends on it being honoured.
	idempotencyKey string
	// resendLost re-sends the request when its answer may have been lost after
	// Flexslot acted on it. Without it such a call ends with *lostAnswerError
	// and the request is never re-sent, not even by the HTTP transport.
	resendLost bool
	// reserve cuts each attempt short of the context's deadline, so that an
	// attempt whose answer never comes leaves time to recover.
	reserve bool
	// decode reads a 2xx body; an error makes the body unreadable. nil ignores the body.
	decode func(body []byte) error
}

func (cl *call) op() string { return cl.method + " " + apiPrefix + cl.path }

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// outcome classifies an attempt.
type outcome int

const (
	outcomeDone       outcome = iota // a 2xx answer that decoded
	outcomeFinal                     // an answer or failure that retrying cannot change
	outcomeRetry                     // nothing was done: try again
	outcomeLost                      // Flexslot may have acted, and the answer is lost
	outcomeUnreadable                // a 2xx answer whose body is unreadable: Flexslot acted, the answer is lost
	outcomeStopped                   // the caller's context ended
)

// unansweredError is the context's error when it ended after the request
// was sent and before its answer came whole.
type unansweredError struct{ err error }

func (e *unansweredError) Error() string {
	return e.err.Error() + " after the request was sent, before its answer came"
}

func (e *unansweredError) Unwrap() error { return e.err }

// lostAnswerError reports a request Flexslot may have carried out whose answer
// never arrived whole. Only calls without resendLost return it.
type lostAnswerError struct {
	op    string
	cause error
}

func (e *lostAnswerError) Error() string {
	return fmt.Sprintf("flexslot: %s: no usable answer came, so Flexslot may have carried it out: %v", e.op, e.cause)
}

func (e *lostAnswerError) Unwrap() error { return e.cause }

// do performs cl, retrying as the policy allows; b counts the attempts.
func (c *Client) do(ctx context.Context, cl *call, b *budget) (*answer, error) {
	var last error
	for {
		if cl.method != http.MethodGet {
			c.lists.beginWrite()
		}
		b.used++
		a, kind, err := c.attempt(ctx, cl, b.used)
		switch kind {
		case outcomeDone:
			return a, nil
		case outcomeStopped:
			return nil, &stoppedError{op: cl.op(), attempts: b.used, last: last, err: err}
		case outcomeFinal:
			c.labelRefusedToken(ctx, cl, err)
			if b.used > 1 {
				return a, &retryError{op: cl.op(), attempts: b.used, last: err}
			}
			return a, &opError{op: cl.op(), err: err}
		case outcomeUnreadable:
			// Calls that are never re-sent recover otherwise, within their budget.
			if cl.resendLost {
				if b.resends >= maxBodyResends {
					return a, &retryError{op: cl.op(), attempts: b.used, last: err}
				}
				b.resends++
			}
		}
		if kind != outcomeRetry && !cl.resendLost {
			return a, &lostAnswerError{op: cl.op(), cause: err}
		}
		last = err
		if b.exhausted() {
			return a, &retryError{op: cl.op(), attempts: b.used, last: err}
		}
		if err := c.wait(ctx, cl.op(), b, a, last); err != nil {
			return a, err
		}
	}
}

// wait sleeps before the next attempt, or fails at once when the wait would
// outlast the context's deadline.
func (c *Client) wait(ctx context.Context, op string, b *budget, a *answer, last error) error {
	var h http.Header
	if a != nil {
		h = a.header
	}
	wait, exact := c.policy.backoff(b.used-1, h)
	if rem, ok := remaining(ctx); ok && wait > rem {
		var apiErr *APIError
		if exact && errors.As(last, &apiErr) {
			return &RetryAfterError{Wait: wait, Remaining: max(rem, 0), Attempts: b.used, Err: apiErr, op: op}
		}
		return &retryError{op: op, attempts: b.used, deadline: true, last: last}
	}
	var apiErr *APIError
	if notice, ok := ctx.Value(retryNoticeKey{}).(func(*RetryAfterError)); ok && exact && errors.As(last, &apiErr) {
		notice(&RetryAfterError{Wait: wait, Attempts: b.used, Err: apiErr, op: op})
	}
	if err := sleep(ctx, wait); err != nil {
		return &stoppedError{op: op, attempts: b.used, last: last, err: err}
	}
	return nil
}

type attemptKey struct{}

// attemptInfo labels the log entry of an attempt.
type attemptInfo struct {
	op string
	n  int
}

// Attempts of a call with reserve leave a quarter of the remaining time, at
// most maxReserve, for recovering from a lost answer, but only when the
// deadline is at least minReserveDeadline away: with less, recovering would
// have too little time to be worth the risk of running out of it midway.
const (
	maxReserve         = 30 * time.Second
	minReserveDeadline = 10 * time.Second
)

// attemptDeadline is the deadline of one attempt of cl, if any.
func (c *Client) attemptDeadline(ctx context.Context, cl *call) (time.Time, bool) {
	d, ok := ctx.Deadline()
	if !ok || !cl.reserve {
		return time.Time{}, false
	}
	rem := time.Until(d)
	if rem < c.minReserveDeadline {
		return time.Time{}, false
	}
	return d.Add(-min(rem/4, maxReserve)), true
}

// attempt makes one HTTP request and classifies what came back.
func (c *Client) attempt(ctx context.Context, cl *call, n int) (*answer, outcome, error) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if d, ok := c.attemptDeadline(ctx, cl); ok {
		actx, cancel = context.WithDeadline(ctx, d)
	}
	defer cancel()
	var wrote atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	actx = context.WithValue(actx, attemptKey{}, attemptInfo{op: cl.op(), n: n})

	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, c.baseURL+cl.path, body)
	if err != nil {
		return nil, outcomeFinal, fmt.Errorf("building the request: %w", err)
	}
	if !cl.resendLost && cl.body != nil {
		// Without GetBody the transport never re-sends the request on its own.
		req.GetBody = nil
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", cl.idempotencyKey)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		switch {
		case ctx.Err() != nil && wrote.Load():
			return nil, outcomeStopped, &unansweredError{err: ctx.Err()}
		case ctx.Err() != nil:
			return nil, outcomeStopped, ctx.Err()
		case actx.Err() != nil && wrote.Load():
			return nil, outcomeLost, errors.New("no answer came within the attempt's share of the deadline")
		case actx.Err() != nil:
			return nil, outcomeRetry, errors.New("the request could not be sent within the attempt's share of the deadline")
		case !wrote.Load() && retryableTransportError(err):
			return nil, outcomeRetry, c.transportError("the request could not be sent", err)
		case !wrote.Load():
			return nil, outcomeFinal, c.transportError("the request could not be sent", err)
		}
		return nil, outcomeLost, c.transportError("the connection failed after the request was sent", err)
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header, body: data}
	if readErr != nil && ctx.Err() != nil {
		// The answer came, but not whole: for a write, the change was made.
		return a, outcomeStopped, &unansweredError{err: ctx.Err()}
	}

	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		switch {
		case readErr != nil:
			return a, outcomeLost, c.transportError("the answer was cut short", readErr)
		case len(data) > maxBodyBytes:
			return a, outcomeUnreadable, c.decodeError(a, errors.New("the body is larger than 4 MiB"))
		case cl.decode == nil:
			return a, outcomeDone, nil
		}
		if err := cl.decode(data); err != nil {
			return a, outcomeUnreadable, c.decodeError(a, err)
		}
		return a, outcomeDone, nil
	}

	apiErr := c.parseAPIError(cl.method, cl.path, resp.StatusCode, resp.Header, data)
	if !IsRetryable(resp.StatusCode) {
		return a, outcomeFinal, apiErr
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return a, outcomeRetry, apiErr
	case http.StatusServiceUnavailable:
		if apiErr.parsed {
			// The API's own error body: it refused the request.
			return a, outcomeRetry, apiErr
		}
		// A page from something in between, which may have passed the request on.
		return a, outcomeLost, apiErr
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		// A gateway may have passed the request on before losing the answer.
		return a, outcomeLost, apiErr
	}
	return a, outcomeFinal, apiErr
}

// transportError describes a connection failure without repeating the URL.
func (c *Client) transportError(what string, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return fmt.Errorf("%s: %s", what, c.redact(err.Error()))
}

// decodeError describes an unreadable 2xx body. It never quotes the body,
// which may hold a secret.
func (c *Client) decodeError(a *answer, err error) error {
	ct := c.clean(mediaType(a.header), 100)
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Errorf("unexpected response body (status %d, %s, %d bytes, request id %q): %s",
		a.status, ct, len(a.body), c.clean(a.header.Get("X-Request-Id"), 100), c.redact(jsonErrorText(err, len(a.body))))
}

func jsonErrorText(err error, n int) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case n == 0:
		return "empty body"
	case errors.As(err, &syntax) && syntax.Offset >= int64(n):
		return "truncated JSON"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q has the wrong type", typ.Field)
	}
	var perr *time.ParseError
	if errors.As(err, &perr) {
		return "a time is not in RFC 3339 format"
	}
	return err.Error()
}
