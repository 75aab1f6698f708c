// Package flexslot is a typed client for the Flexslot partner API.
package flexslot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

const (
	// DefaultBaseURL is the production Flexslot API.
	DefaultBaseURL = "https://api.flexslot.gg"

	apiPrefix        = "/api/public/v1"
	defaultUserAgent = "terraform-provider-flexslot (+https://registry.terraform.io/providers/flexslot/flexslot)"
	defaultRetryMax  = 10
	defaultWaitMin   = 250 * time.Millisecond
	defaultWaitMax   = 30 * time.Second

	// maxBodyBytes bounds what is read from a response; a full list of clients is a few KiB.
	maxBodyBytes = 4 << 20
	// maxBodyResends bounds how often a call is re-sent because its 2xx body was not JSON.
	maxBodyResends = 2
)

// errUnreadableBody marks a 2xx answer whose body is not JSON, such as one cut
// short in transit; the call is re-sent rather than its outcome lost.
var errUnreadableBody = errors.New("the response body is not valid JSON")

// Config configures a Client.
type Config struct {
	// BaseURL is the scheme and host of the API, such as DefaultBaseURL; the
	// API path prefix is added by the client.
	BaseURL string
	// Token is the Personal Access Token sent as a bearer token.
	Token string
	// UserAgent is the complete User-Agent header value.
	UserAgent string
	// HTTPClient is the underlying client; nil means a pooled client with TLS verification on.
	HTTPClient *http.Client
	// RetryMax is the number of retries after the first attempt; 0 means 10 and a negative value none.
	RetryMax int
	// RetryWaitMin is the first backoff step and RetryWaitMax caps it; 0 means 250ms and 30s.
	// Each wait is jittered within [step/2, step]; a Retry-After header is honoured instead.
	RetryWaitMin, RetryWaitMax time.Duration
	// Logf, when set, receives one redacted entry per HTTP attempt.
	Logf func(ctx context.Context, msg string, fields map[string]any)
}

// Client is a Flexslot API client. It is safe for concurrent use.
type Client struct {
	OAuth2Clients *OAuth2ClientsService

	baseURL   string
	token     string
	userAgent string
	http      *retryablehttp.Client
}

// NewClient returns a client for cfg. It fails only when the configuration is unusable.
func NewClient(cfg Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("flexslot: base URL %q must be an absolute http or https URL", base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("flexslot: base URL %q must not contain credentials, a query or a fragment", base)
	}

	c := &Client{
		baseURL:   strings.TrimRight(u.String(), "/") + apiPrefix,
		token:     cfg.Token,
		userAgent: cfg.UserAgent,
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}

	hc := cleanhttp.DefaultPooledClient()
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient // never mutate the caller's client
		hc = &copied
	}
	// The API never redirects; following one could hand the token to another host.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if cfg.Logf != nil {
		base := hc.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		hc.Transport = &loggingTransport{base: base, logf: cfg.Logf, redact: c.redact}
	}

	p := retryPolicy{
		waitMin: orDefault(cfg.RetryWaitMin, defaultWaitMin),
		waitMax: orDefault(cfg.RetryWaitMax, defaultWaitMax),
	}
	if p.waitMax < p.waitMin {
		p.waitMax = p.waitMin
	}
	c.http = &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // retryablehttp would log unredacted URLs to stderr
		RetryWaitMin: p.waitMin,
		RetryWaitMax: p.waitMax,
		RetryMax:     cfg.RetryMax,
		CheckRetry:   p.checkRetry,
		Backoff:      p.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, i int) {
			if st := stateFrom(req.Context()); st != nil {
				st.attempt = i + 1
			}
		},
	}
	switch {
	case cfg.RetryMax == 0:
		c.http.RetryMax = defaultRetryMax
	case cfg.RetryMax < 0:
		c.http.RetryMax = 0
	}

	c.OAuth2Clients = &OAuth2ClientsService{client: c}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// callState follows one logical call across its attempts. It is only touched
// from the calling goroutine: retryablehttp runs hooks, policy and transport there.
type callState struct {
	attempt    int
	lastStatus int
	lastErr    error
	connFailed bool          // some attempt got no response, so an earlier one may have been applied
	resends    int           // attempts re-sent because a 2xx body was not JSON
	tooLong    time.Duration // Retry-After that would outlive the context deadline
}

type stateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

type retryPolicy struct{ waitMin, waitMax time.Duration }

func (p retryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	if st == nil {
		st = &callState{}
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if errors.Is(err, errUnreadableBody) {
		st.lastErr, st.lastStatus = err, resp.StatusCode
		return true, nil
	}
	if err != nil {
		st.lastErr, st.lastStatus, st.connFailed = err, 0, true
		// Connection failures are retried unless they cannot heal (bad scheme, TLS trust, redirects).
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	st.lastErr, st.lastStatus = nil, resp.StatusCode
	if !retryableStatus(resp.StatusCode) {
		return false, nil
	}
	// Give up now rather than sleep into a deadline that will certainly expire first.
	wait, exact := retryAfter(resp)
	if !exact {
		wait = p.exponential(st.attempt-1) / 2 // lower bound of the jittered wait
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		if exact {
			st.tooLong = wait
		}
		return false, nil
	}
	return true, nil
}

// backoff honours Retry-After exactly; otherwise it uses capped exponential
// backoff with jitter in [d/2, d] so that parallel callers spread out.
func (p retryPolicy) backoff(_, _ time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if wait, ok := retryAfter(resp); ok {
		return wait
	}
	d := p.exponential(attemptNum)
	return d/2 + rand.N(d/2+1)
}

func (p retryPolicy) exponential(attemptNum int) time.Duration {
	d := p.waitMin
	for i := 0; i < attemptNum && d < p.waitMax; i++ {
		d *= 2
	}
	return min(d, p.waitMax)
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 32); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// do performs one logical API call. in is marshalled as the JSON body when
// non-nil; out receives the decoded 2xx body when non-nil.
func (c *Client) do(ctx context.Context, method, path string, in any, idempotencyKey bool, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("flexslot: encoding request: %w", err)
		}
	}

	st := &callState{}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), method, c.baseURL+path, body)
	if err != nil {
		return fmt.Errorf("flexslot: building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey {
		// One key per logical call, replayed on every retry, so a retried POST whose
		// response was lost returns the original result instead of acting twice.
		req.Header.Set("Idempotency-Key", uuid.NewString())
	}
	// A 2xx body that is not JSON was mangled on the way, and the change it
	// reports may have been made: re-sending replays the original answer (POSTs
	// carry an Idempotency-Key; PATCH replaces whole values), so a created
	// client or a rotated secret is never lost to a truncated response.
	resendable := out != nil && (method != http.MethodPost || idempotencyKey)
	// Reading the body inside the retry loop lets a connection dropped mid-body be retried.
	req.SetResponseHandler(func(resp *http.Response) error {
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("reading response body: %w", err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if resendable && resp.StatusCode >= 200 && resp.StatusCode <= 299 && !json.Valid(b) && st.resends < maxBodyResends {
			st.resends++
			return errUnreadableBody
		}
		return nil
	})

	op := method + " " + apiPrefix + path
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return c.transportError(op, st, err)
	}
	defer resp.Body.Close()
	respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := c.parseAPIError(resp, respBody)
		if method == http.MethodDelete && resp.StatusCode == http.StatusNotFound && st.connFailed {
			return nil // an earlier attempt whose answer was lost already revoked it
		}
		if st.attempt > 1 || st.tooLong > 0 {
			return &retryError{op: op, attempts: st.attempt, tooLong: st.tooLong, err: apiErr}
		}
		return apiErr
	}
	if out == nil {
		return nil
	}
	if readErr != nil {
		return c.transportError(op, st, readErr)
	}
	return c.decodeBody(resp, respBody, out)
}

// decodeBody decodes a 2xx body. Decoding errors never quote the body, which may hold a secret.
func (c *Client) decodeBody(resp *http.Response, body []byte, out any) error {
	err := json.Unmarshal(body, out)
	if err == nil {
		if v, ok := out.(interface{ validate() error }); ok {
			err = v.validate()
		}
	}
	if err != nil {
		return errors.New(c.redact(fmt.Sprintf("flexslot: unexpected response body (status %d, %s, request id %q): %s",
			resp.StatusCode, describeBody(resp, body), resp.Header.Get("X-Request-Id"), jsonErrorText(err, len(body)))))
	}
	return nil
}

func jsonErrorText(err error, n int) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) && syntax.Offset >= int64(n):
		return "truncated JSON"
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q has the wrong type", typ.Field)
	}
	return err.Error()
}

func describeBody(resp *http.Response, body []byte) string {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("%s, %d bytes", ct, len(body))
}

func (c *Client) transportError(op string, st *callState, err error) error {
	msg := c.redact(err.Error())
	var last string
	switch {
	case st.lastStatus != 0:
		last = fmt.Sprintf(", last status %d", st.lastStatus)
	case st.lastErr != nil && !errors.Is(st.lastErr, err):
		last = ", last error: " + c.redact(st.lastErr.Error())
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("flexslot: %s: stopped after %s%s: %w", op, attempts(st.attempt), last, ctxErr(err))
	case st.attempt > 1:
		return fmt.Errorf("flexslot: %s: giving up after %s%s: %s", op, attempts(st.attempt), last, msg)
	}
	return fmt.Errorf("flexslot: %s: %s", op, msg)
}

// ctxErr keeps errors.Is(err, context.DeadlineExceeded) working without the
// wrapped url.Error, whose text repeats the request URL.
func ctxErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

func attempts(n int) string {
	if n <= 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// retryError reports a final error response after retries.
type retryError struct {
	op       string
	attempts int
	tooLong  time.Duration
	err      *APIError
}

func (e *retryError) Error() string {
	switch {
	case e.tooLong > 0:
		return fmt.Sprintf("flexslot: %s: giving up after %s: the server asked to retry after %s, beyond the context deadline: %s",
			e.op, attempts(e.attempts), e.tooLong, e.err)
	case retryableStatus(e.err.StatusCode):
		return fmt.Sprintf("flexslot: %s: giving up after %s, last status %d: %s", e.op, attempts(e.attempts), e.err.StatusCode, e.err)
	}
	return fmt.Sprintf("flexslot: %s: %s (after %s)", e.op, e.err, attempts(e.attempts))
}

func (e *retryError) Unwrap() error { return e.err }

// redact is Redact plus the client's own token, whatever its format.
func (c *Client) redact(s string) string {
	s = Redact(s)
	if c.token != "" {
		s = strings.ReplaceAll(s, c.token, redactedMarker)
	}
	return s
}
