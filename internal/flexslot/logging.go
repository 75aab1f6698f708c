package flexslot

import (
	"context"
	"net/http"
	"time"
)

// loggingTransport logs one entry per HTTP attempt. It sees headers only,
// never bodies, and redacts everything it passes on.
type loggingTransport struct {
	next   http.RoundTripper
	logf   func(ctx context.Context, msg string, fields map[string]any)
	redact func(string) string
}

// sensitiveHeaders are never logged, whatever their value.
var sensitiveHeaders = map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)

	fields := map[string]any{
		"method":          req.Method,
		"path":            t.redact(req.URL.EscapedPath()),
		"duration_ms":     time.Since(start).Milliseconds(),
		"request_headers": t.headers(req.Header),
	}
	if info, ok := req.Context().Value(attemptKey{}).(attemptInfo); ok {
		fields["attempt"] = info.n
	}
	if err != nil {
		fields["error"] = t.redact(err.Error())
		t.logf(req.Context(), "flexslot API request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	fields["request_id"] = t.redact(resp.Header.Get("X-Request-Id"))
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		fields["retry_after"] = t.redact(ra)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		fields["location_host"] = t.redact(locationHost(req.URL, loc))
	}
	t.logf(req.Context(), "flexslot API request", fields)
	return resp, err
}

func (t *loggingTransport) headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if len(v) == 0 {
			continue
		}
		if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
			out[k] = redactedMarker
			continue
		}
		out[k] = t.redact(v[0])
	}
	return out
}
