package memnet

import (
	"context"
	"errors"
	"io"
	"net/http"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// TestServerInABubble checks that a handler's wait advances the bubble's
// clock, which a loopback server would hold still.
func TestServerInABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Hour)
			io.WriteString(w, "late "+r.URL.Path)
		}))
		defer s.Close()
		start := time.Now()
		resp, err := s.Client().Get(s.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "late /x" || time.Since(start) != time.Hour {
			t.Errorf("got %q after %s, want %q after 1h", body, time.Since(start), "late /x")
		}
	})
}

func TestDialAfterClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(http.NotFoundHandler())
		s.Close()
		if _, err := s.listener.Dial(context.Background()); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dial after Close: %v, want a refused connection", err)
		}
		if _, err := s.Client().Get(s.URL); err == nil {
			t.Error("a request reached a closed server")
		}
	})
}

func TestServersHaveDistinctURLs(t *testing.T) {
	a, b := NewServer(http.NotFoundHandler()), NewServer(http.NotFoundHandler())
	defer a.Close()
	defer b.Close()
	if a.URL == b.URL {
		t.Errorf("two servers share %s", a.URL)
	}
}
