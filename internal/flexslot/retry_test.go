package flexslot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestRetryAfterIsHonouredExactly: a Retry-After of 1s is waited, not the
// backoff's 5s floor.
func TestRetryAfterIsHonouredExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n == 0 {
				w.Header().Set("Retry-After", "1")
				writeError(w, 429, "FLEXSLOT_RATE_LIMITED", "slow down", "")
				return
			}
			writeJSON(w, 200, `[]`)
		})
		c := newTestClient(t, ts.URL, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 5*time.Second, 10*time.Second })
		start := time.Now()
		if _, err := c.OAuth2Clients.List(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("waited %s, want Retry-After's 1s, not the 5s backoff", d)
		}
		if n := len(ts.recorded()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
}

func TestBackoff(t *testing.T) {
	p := retryPolicy{waitMin: 100 * time.Millisecond, waitMax: time.Second}
	h := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	if got, exact := p.backoff(5, h("7")); got != 7*time.Second || !exact {
		t.Errorf("Retry-After 7 waited %s", got)
	}
	if got, exact := p.backoff(0, h("0")); got != 0 || !exact {
		t.Errorf("Retry-After 0 waited %s", got)
	}
	synctest.Test(t, func(t *testing.T) {
		// The bubble's clock stands on a whole second, so the date is exact.
		date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
		if got, exact := p.backoff(0, h(date)); got != 3*time.Second || !exact {
			t.Errorf("Retry-After %s waited %s, want 3s", date, got)
		}
		past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
		if got, exact := p.backoff(0, h(past)); got != 0 || !exact {
			t.Errorf("Retry-After %s (past) waited %s, want 0", past, got)
		}
	})
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		want *= time.Millisecond
		if attempt == 6 {
			attempt = 60 // must not overflow
		}
		for range 20 {
			got, exact := p.backoff(attempt, h("soon"))
			if got < want/2 || got > want || exact {
				t.Fatalf("attempt %d waited %s, want within [%s, %s]", attempt, got, want/2, want)
			}
		}
	}
	if got, _ := p.backoff(0, nil); got < 50*time.Millisecond || got > 100*time.Millisecond {
		t.Errorf("no answer: waited %s", got)
	}
}

func TestRetryPolicy(t *testing.T) {
	for _, tc := range []struct {
		status   int
		attempts int
	}{
		{200, 1}, {400, 1}, {401, 1}, {403, 1}, {404, 1}, {409, 1}, {500, 1}, {501, 1}, {505, 1},
		{429, 3}, {502, 3}, {503, 3}, {504, 3},
	} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			if tc.status == 200 {
				writeJSON(w, 200, `[]`)
				return
			}
			writeError(w, tc.status, "FLEXSLOT_SOME_CODE", "failed", "")
		})
		c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = 2 })
		_, err := c.OAuth2Clients.List(context.Background())
		if n := len(ts.recorded()); n != tc.attempts {
			t.Errorf("status %d: %d attempts, want %d", tc.status, n, tc.attempts)
		}
		if tc.attempts == 3 {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status ||
				!strings.Contains(err.Error(), "giving up after 3 attempts, last status "+strconv.Itoa(tc.status)) {
				t.Errorf("status %d: err = %v", tc.status, err)
			}
			if limited := strings.Contains(err.Error(), "rate limited"); limited != (tc.status == 429) {
				t.Errorf("status %d: %q", tc.status, err)
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
		writeJSON(w, 200, `{"client":`+publishedClient+`}`)
	})
	c := newTestClient(t, ts.URL)
	if _, err := c.OAuth2Clients.Update(context.Background(), testID, UpdateRequest{AllowedScopes: []string{"decks:read"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(ts.recorded()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	// Nothing listens: every attempt fails before the request is sent, and the
	// error says how many were made.
	ts.Close()
	c = newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = 2 })
	_, err := c.OAuth2Clients.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") || !strings.Contains(err.Error(), "could not be sent") {
		t.Errorf("err = %v", err)
	}
	// Nothing was sent, so even a create may be retried.
	_, err = c.OAuth2Clients.Create(context.Background(), CreateRequest{ApplicationName: "A"})
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") {
		t.Errorf("create: err = %v", err)
	}
}

func TestContextBoundsRetries(t *testing.T) {
	t.Run("a deadline stops retrying before RetryMax", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeError(w, 503, "FLEXSLOT_UNAVAILABLE", "down", "")
			})
			c := newTestClient(t, ts.URL, func(c *Config) {
				c.RetryMax = 1000
				c.RetryWaitMin, c.RetryWaitMax = 20*time.Millisecond, 40*time.Millisecond
			})
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := c.OAuth2Clients.List(ctx)
			if err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "last status 503") {
				t.Errorf("err = %v", err)
			}
			// Waits of at least 10ms fit the 300ms deadline at most 30 times, far from RetryMax.
			if n := len(ts.recorded()); n < 1 || n > 30 {
				t.Errorf("%d attempts within the deadline", n)
			}
		})
	})

	// A Retry-After beyond the deadline fails at once instead of sleeping into it.
	for _, status := range []int{429, 503} {
		t.Run(fmt.Sprintf("a %d Retry-After beyond the deadline fails at once", status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					w.Header().Set("Retry-After", "30")
					writeError(w, status, "FLEXSLOT_BUSY", "wait", "")
				})
				c := newTestClient(t, ts.URL)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_, err := c.OAuth2Clients.List(ctx)
				var ra *RetryAfterError
				var apiErr *APIError
				if !errors.As(err, &ra) || ra.Wait != 30*time.Second || ra.Remaining != 5*time.Second ||
					!errors.As(err, &apiErr) || apiErr.StatusCode != status || !strings.Contains(err.Error(), "asked to wait 30s") {
					t.Errorf("%d: err = %v", status, err)
				}
				if limited := strings.Contains(err.Error(), "rate limited"); limited != (status == 429) {
					t.Errorf("%d: %q", status, err)
				}
				if n := len(ts.recorded()); n != 1 {
					t.Errorf("%d requests", n)
				}
			})
		})
	}

	t.Run("cancellation during a Retry-After wait stops at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Retry-After", "30")
				writeError(w, 429, "FLEXSLOT_RATE_LIMITED", "slow down", "")
			})
			c := newTestClient(t, ts.URL)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			_, err := c.OAuth2Clients.List(ctx)
			if !errors.Is(err, context.Canceled) || len(ts.recorded()) != 1 || time.Since(start) != 100*time.Millisecond {
				t.Errorf("err = %v after %d requests and %s, want a cancellation during the first wait, at 100ms",
					err, len(ts.recorded()), time.Since(start))
			}
		})
	})
}

func TestRetryMax(t *testing.T) {
	for retryMax, want := range map[int]int{-1: 1, 0: 11, 3: 4} {
		ts := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeError(w, 502, "FLEXSLOT_BAD_GATEWAY", "", "")
		})
		c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax, c.RetryWaitMax = retryMax, time.Millisecond })
		_, err := c.OAuth2Clients.List(context.Background())
		if n := len(ts.recorded()); n != want || err == nil {
			t.Errorf("RetryMax %d: %d attempts (err %v), want %d", retryMax, n, err, want)
		}
	}
}

// TestRotateIsRotatedAgainWhenItsAnswerIsLost checks that a lost rotate
// answer is recovered by rotating again, with one Idempotency-Key per call.
func TestRotateIsRotatedAgainWhenItsAnswerIsLost(t *testing.T) {
	for _, fault := range []string{"drop", "truncate", "502", "html503"} {
		t.Run(fault, func(t *testing.T) {
			f := newFakeAPI(t)
			existing := f.add("App", ClientTypeConfidential, []string{"https://a.example/cb"}, time.Now().Add(-time.Hour))
			f.set(func(f *fakeAPI) {
				f.fault = func(r *http.Request, n int) fakeFault {
					if n == 0 {
						return fakeFault{after: fault}
					}
					return fakeFault{}
				}
			})
			c := newTestClient(t, f.URL)
			rotated, err := c.OAuth2Clients.RotateSecret(context.Background(), existing.ClientID)
			if err != nil {
				t.Fatal(err)
			}
			if rotated.Secret != f.secretOf(existing.ClientID) {
				t.Errorf("the returned secret is not the current one")
			}
			reqs := f.recorded()
			if len(reqs) != 2 || reqs[0].IdempotencyKey == "" || reqs[0].IdempotencyKey != reqs[1].IdempotencyKey {
				t.Errorf("requests = %+v, want two rotations with one key", reqs)
			}
		})
	}
}

func TestIsRetryable(t *testing.T) {
	for status, want := range map[int]bool{
		400: false, 401: false, 403: false, 404: false, 409: false, 429: true,
		500: false, 501: false, 502: true, 503: true, 504: true, 505: false,
	} {
		if got := IsRetryable(status); got != want {
			t.Errorf("IsRetryable(%d) = %v, want %v", status, got, want)
		}
	}
}
