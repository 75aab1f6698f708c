package flexslot

import (
	"context"
	"net/http"
	"time"
)

// loggingTransport logs one entry per HTTP attempt. It sees headers only,
// never bodies, and redacts everything it passes on.
type loggingTransport struct {
	base   http.RoundTripper
	logf   func(ctx context.Context, msg string, fields map[string]any)
	redact func(string) string
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)

	fields := map[string]any{
		"method":          req.Method,
		"path":            t.redact(req.URL.EscapedPath()),
		"duration_ms":     time.Since(start).Milliseconds(),
		"request_headers": t.headers(req.Header),
	}
	if st := stateFrom(req.Context()); st != nil {
		fields["attempt"] = st.attempt
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
	t.logf(req.Context(), "flexslot API request", fields)
	return resp, err
}

func (t *loggingTransport) headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if len(v) == 0 {
			continue
		}
		if k == "Authorization" {
			out[k] = redactedMarker
			continue
		}
		out[k] = t.redact(v[0])
	}
	return out
}
