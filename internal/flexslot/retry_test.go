package flexslot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfterIsHonouredExactly(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", "1")
			writeError(w, 429, "rate_limited", "slow down", "")
			return
		}
		writeJSON(w, 200, `{"clients":[]}`)
	})
	c := newTestClient(t, ts.URL, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 5*time.Second, 10*time.Second })
	start := time.Now()
	if _, err := c.OAuth2Clients.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second || d > 1500*time.Millisecond {
		t.Errorf("took %s, want Retry-After's 1s and no more", d)
	}
	if n := len(ts.recorded()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestBackoff(t *testing.T) {
	p := retryPolicy{waitMin: 100 * time.Millisecond, waitMax: time.Second}
	withRetryAfter := func(status int, v string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {v}}}
	}
	if got := p.backoff(0, 0, 5, withRetryAfter(429, "7")); got != 7*time.Second {
		t.Errorf("Retry-After 7 waited %s", got)
	}
	if got := p.backoff(0, 0, 0, withRetryAfter(503, "0")); got != 0 {
		t.Errorf("Retry-After 0 waited %s", got)
	}
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	if got := p.backoff(0, 0, 0, withRetryAfter(429, date)); got < time.Second || got > 3*time.Second {
		t.Errorf("Retry-After %s waited %s", date, got)
	}
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		want *= time.Millisecond
		if attempt == 6 {
			attempt = 60 // must not overflow
		}
		for range 20 {
			got := p.backoff(0, 0, attempt, withRetryAfter(503, "soon"))
			if got < want/2 || got > want {
				t.Fatalf("attempt %d waited %s, want within [%s, %s]", attempt, got, want/2, want)
			}
		}
	}
}

func TestRetryPolicy(t *testing.T) {
	for _, tc := range []struct {
		status   int
		attempts int
	}{
		{200, 1}, {400, 1}, {401, 1}, {404, 1}, {409, 1}, {500, 1}, {501, 1},
		{429, 3}, {502, 3}, {503, 3}, {504, 3},
	} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			if tc.status == 200 {
				writeJSON(w, 200, `{"clients":[]}`)
				return
			}
			writeError(w, tc.status, "some_code", "failed", "")
		})
		c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = 2 })
		_, err := c.OAuth2Clients.List(context.Background())
		if n := len(ts.recorded()); n != tc.attempts {
			t.Errorf("status %d: %d attempts, want %d", tc.status, n, tc.attempts)
		}
		if tc.attempts == 3 {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status ||
				!strings.Contains(err.Error(), "giving up after 3 attempts, last status") {
				t.Errorf("status %d: err = %v", tc.status, err)
			}
		}
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n < 2 {
			hijackAndClose(t, w)
			return
		}
		writeJSON(w, 200, `{"client":`+clientJSON+`}`)
	})
	c := newTestClient(t, ts.URL)
	if _, err := c.OAuth2Clients.Update(context.Background(), "flx_client_1", UpdateRequest{AllowedScopes: []string{"openid"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(ts.recorded()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	// Nothing listens: every attempt fails and the error says how many were made.
	ts.Close()
	c = newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = 2 })
	_, err := c.OAuth2Clients.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") {
		t.Errorf("err = %v", err)
	}
}

func TestRevokeAfterLostResponse(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			hijackAndClose(t, w) // as if the revoke was applied and its answer lost
			return
		}
		writeError(w, 404, CodeNotFound, "client not found", "")
	})
	c := newTestClient(t, ts.URL)
	if err := c.OAuth2Clients.Revoke(context.Background(), "flx_client_1"); err != nil {
		t.Fatalf("Revoke = %v, want success", err)
	}
	if err := c.OAuth2Clients.Revoke(context.Background(), "flx_client_1"); !IsNotFound(err) {
		t.Fatalf("Revoke of an unknown client = %v, want not found", err)
	}
}

func TestContextBoundsRetries(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeError(w, 503, "unavailable", "down", "")
	})
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.RetryMax = 1000
		c.RetryWaitMin, c.RetryWaitMax = 20*time.Millisecond, 40*time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.OAuth2Clients.List(ctx)
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("took %s after a 300ms deadline", d)
	}
	if err == nil || !strings.Contains(err.Error(), "last status 503") {
		t.Errorf("err = %v", err)
	}
	if n := len(ts.recorded()); n < 3 || n > 20 {
		t.Errorf("%d attempts within the deadline", n)
	}

	// A Retry-After beyond the deadline fails at once instead of sleeping into it.
	ts2 := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "30")
		writeError(w, 429, "rate_limited", "slow down", "")
	})
	c = newTestClient(t, ts2.URL)
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start = time.Now()
	_, err = c.OAuth2Clients.List(ctx)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s, want an immediate failure", d)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || !strings.Contains(err.Error(), "retry after 30s") {
		t.Errorf("err = %v", err)
	}

	// Cancellation during a Retry-After wait stops at once.
	ts3 := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "30")
		writeError(w, 429, "rate_limited", "slow down", "")
	})
	c = newTestClient(t, ts3.URL)
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	_, err = c.OAuth2Clients.List(ctx)
	if d := time.Since(start); d > time.Second || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "last status 429") {
		t.Errorf("after %s: err = %v", d, err)
	}
}

func TestRetryMax(t *testing.T) {
	for retryMax, want := range map[int]int{-1: 1, 0: 11, 3: 4} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeError(w, 502, "bad_gateway", "", "")
		})
		c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax, c.RetryWaitMax = retryMax, time.Millisecond })
		_, err := c.OAuth2Clients.List(context.Background())
		if n := len(ts.recorded()); n != want || err == nil {
			t.Errorf("RetryMax %d: %d attempts (err %v), want %d", retryMax, n, err, want)
		}
	}
}
