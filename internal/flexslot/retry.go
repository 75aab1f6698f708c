package flexslot

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	defaultRetryMax = 10
	defaultWaitMin  = 250 * time.Millisecond
	defaultWaitMax  = 30 * time.Second
	// maxBodyResends bounds how often a call is re-sent because a 2xx body was unreadable.
	maxBodyResends = 2
)

// IsRetryable reports whether an answer with this status is retried: 429,
// 502, 503 and 504. Every other status, 500 included, is final.
func IsRetryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryPolicy decides what happens after an attempt that did not succeed.
//
// Only answers IsRetryable accepts are retried, and connection failures.
// Everything else is final. A Retry-After header is honoured
// exactly; otherwise waits grow exponentially from waitMin to waitMax, each
// jittered within [d/2, d] so that parallel callers spread out.
type retryPolicy struct {
	retryMax         int
	waitMin, waitMax time.Duration
}

// backoff is the wait before retry number n (0-based) after an answer with header h.
// exact reports a Retry-After header, which is honoured as given.
func (p retryPolicy) backoff(n int, h http.Header) (wait time.Duration, exact bool) {
	if wait, ok := retryAfter(h); ok {
		return wait, true
	}
	d := p.exponential(n)
	return d/2 + rand.N(d/2+1), false
}

func (p retryPolicy) exponential(n int) time.Duration {
	d := p.waitMin
	for i := 0; i < n && d < p.waitMax; i++ {
		d *= 2
	}
	return min(d, p.waitMax)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
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

// budget counts the attempts of one logical call, across re-sends and, for a
// create, across the re-creates that follow a lost answer.
type budget struct {
	max     int // attempts allowed: 1 + RetryMax
	used    int
	resends int // re-sends because a 2xx body was unreadable
}

func (p retryPolicy) newBudget() *budget { return &budget{max: 1 + p.retryMax} }

func (b *budget) exhausted() bool { return b.used >= b.max }

// retryableTransportError reports whether a connection failure may heal on
// its own. Certificate problems, unsupported schemes and unknown hosts do not.
func retryableTransportError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		dns              *net.DNSError
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return false
	case errors.As(err, &dns) && dns.IsNotFound:
		return false
	case strings.Contains(err.Error(), "unsupported protocol scheme"):
		return false
	}
	return true
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// remaining is what is left of ctx's deadline; ok is false without a deadline.
func remaining(ctx context.Context) (time.Duration, bool) {
	d, ok := ctx.Deadline()
	if !ok {
		return 0, false
	}
	return time.Until(d), true
}

// retryError reports a call that failed after more than one attempt, or that
// gave up because the next wait would outlast the deadline.
type retryError struct {
	op       string
	attempts int
	// deadline is set when the call stopped because the next wait would outlast the deadline.
	deadline bool
	last     error // the last answer (*APIError) or connection failure
}

func (e *retryError) Error() string {
	var status string
	var apiErr *APIError
	if errors.As(e.last, &apiErr) {
		status = fmt.Sprintf(", last status %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		if apiErr.StatusCode == http.StatusTooManyRequests {
			status += " (rate limited)"
		}
	}
	why := "giving up after " + attempts(e.attempts)
	if e.deadline {
		why = "stopped after " + attempts(e.attempts) + ": the next retry would come after the deadline"
	}
	return fmt.Sprintf("flexslot: %s: %s%s: %v", e.op, why, status, e.last)
}

func (e *retryError) Unwrap() error { return e.last }

// stoppedError reports a call ended by its context, with what came back last.
type stoppedError struct {
	op       string
	attempts int
	last     error
	err      error // context.Canceled or context.DeadlineExceeded
}

func (e *stoppedError) Error() string {
	msg := fmt.Sprintf("flexslot: %s: stopped after %s", e.op, attempts(e.attempts))
	var apiErr *APIError
	switch {
	case errors.As(e.last, &apiErr):
		msg += fmt.Sprintf(", last status %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	case e.last != nil:
		msg += ", last error: " + e.last.Error()
	}
	return msg + ": " + e.err.Error()
}

// Unwrap keeps errors.Is(err, context.DeadlineExceeded) and errors.As(err, &apiErr) working.
func (e *stoppedError) Unwrap() []error {
	if e.last == nil {
		return []error{e.err}
	}
	return []error{e.err, e.last}
}
