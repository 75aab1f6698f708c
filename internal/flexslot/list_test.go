package flexslot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// fakeFetch is a list call under the test's control: each call blocks until
// released, and then answers the next result.
type fakeFetch struct {
	calls   atomic.Int32
	release chan error // one value per call: nil succeeds
}

func newFakeFetch() *fakeFetch { return &fakeFetch{release: make(chan error, 100)} }

func (f *fakeFetch) fetch(ctx context.Context) (*listResult, error) {
	n := f.calls.Add(1)
	select {
	case err := <-f.release:
		if err != nil {
			return nil, err
		}
		return &listResult{clients: []OAuth2Client{{ClientID: fmt.Sprintf("call-%d", n)}}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func from(r *listResult) string {
	if r == nil {
		return "<nil>"
	}
	return r.clients[0].ClientID
}

func TestSharedListSingleFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		var wg sync.WaitGroup
		got := make([]string, 10)
		for i := range got {
			wg.Go(func() {
				r, err := l.get(context.Background())
				if err != nil {
					t.Error(err)
				}
				got[i] = from(r)
			})
		}
		synctest.Wait() // every reader waits for the one list in flight
		if n := f.calls.Load(); n != 1 {
			t.Fatalf("%d list calls in flight, want 1", n)
		}
		f.release <- nil
		wg.Wait()
		for i, g := range got {
			if g != "call-1" {
				t.Errorf("reader %d got %s", i, g)
			}
		}
	})
}

func TestSharedListReuseWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		ctx := context.Background()
		f.release <- nil
		r, _ := l.get(ctx)
		time.Sleep(900 * time.Millisecond)
		if r2, _ := l.get(ctx); from(r2) != from(r) {
			t.Errorf("a read 0.9s after the list did not reuse it: %s", from(r2))
		}
		time.Sleep(200 * time.Millisecond) // 1.1s after completion
		f.release <- nil
		if r3, _ := l.get(ctx); from(r3) != "call-2" {
			t.Errorf("a read 1.1s after the list reused it: %s", from(r3))
		}
		if n := f.calls.Load(); n != 2 {
			t.Errorf("%d calls", n)
		}
	})
}

func TestSharedListWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()

		// A write after a list completed: the next read lists again.
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		f.release <- nil
		l.get(ctx)
		l.beginWrite()
		f.release <- nil
		if r, _ := l.get(ctx); from(r) != "call-2" {
			t.Errorf("read after a write reused the earlier list: %s", from(r))
		}

		// A write while a list is in flight: readers that arrive after the
		// write do not join it, and it is not kept for later readers.
		f = newFakeFetch()
		l = newSharedList(f.fetch)
		var early string
		done := make(chan struct{})
		go func() {
			r, _ := l.get(ctx)
			early = from(r)
			close(done)
		}()
		synctest.Wait()
		l.beginWrite()
		var late string
		lateDone := make(chan struct{})
		go func() {
			r, _ := l.get(ctx)
			late = from(r)
			close(lateDone)
		}()
		synctest.Wait()
		if n := f.calls.Load(); n != 2 {
			t.Fatalf("%d calls, want a second list for the reader after the write", n)
		}
		f.release <- nil
		f.release <- nil
		<-done
		<-lateDone
		if early == late {
			t.Errorf("the reader after the write got the list that overlapped it (%s)", late)
		}
		// The list that started after the write serves the next read; the
		// one that overlapped it never does.
		r, _ := l.get(ctx)
		if from(r) != late || f.calls.Load() != 2 {
			t.Errorf("next read got %s after %d calls, want %s", from(r), f.calls.Load(), late)
		}
	})
}

func TestSharedListFailuresAreNotKept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		ctx := context.Background()
		boom := errors.New("503")
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if _, err := l.get(ctx); !errors.Is(err, boom) {
					t.Errorf("err = %v", err)
				}
			})
		}
		synctest.Wait()
		f.release <- boom
		wg.Wait()
		f.release <- nil
		if r, err := l.get(ctx); err != nil || from(r) != "call-2" {
			t.Errorf("after a failure: %s, %v", from(r), err)
		}
	})
}

func TestSharedListCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)

		// The first reader gives up; the list goes on for the second.
		ctx1, cancel1 := context.WithCancel(context.Background())
		err1 := make(chan error)
		go func() { _, err := l.get(ctx1); err1 <- err }()
		synctest.Wait()
		got2 := make(chan string)
		go func() {
			r, err := l.get(context.Background())
			if err != nil {
				t.Error(err)
			}
			got2 <- from(r)
		}()
		synctest.Wait()
		cancel1()
		if err := <-err1; !errors.Is(err, context.Canceled) {
			t.Errorf("first reader: %v", err)
		}
		f.release <- nil
		if g := <-got2; g != "call-1" {
			t.Errorf("second reader got %s", g)
		}

		// When every reader gives up, the list is cancelled.
		l.beginWrite()
		ctx3, cancel3 := context.WithCancel(context.Background())
		go func() { l.get(ctx3) }()
		synctest.Wait()
		cancel3()
		synctest.Wait()
		if n := f.calls.Load(); n != 2 {
			t.Fatalf("%d calls", n)
		}

		// A list that failed on its first reader's deadline is started again
		// for a reader with time left.
		l.beginWrite()
		short, cancelShort := context.WithTimeout(context.Background(), time.Second)
		defer cancelShort()
		go func() { l.get(short) }()
		synctest.Wait()
		got4 := make(chan string)
		go func() {
			r, err := l.get(context.Background())
			if err != nil {
				t.Error(err)
			}
			got4 <- from(r)
		}()
		synctest.Wait()
		time.Sleep(2 * time.Second) // the first reader's deadline ends the list
		synctest.Wait()
		f.release <- nil
		if g := <-got4; g != "call-4" {
			t.Errorf("reader with time left got %s", g)
		}
	})
}

func TestSharedListFresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		ctx := context.Background()
		f.release <- nil
		l.get(ctx)
		// fresh never reuses a list, nor joins one in flight.
		f.release <- nil
		if r, _ := l.fresh(ctx); from(r) != "call-2" {
			t.Errorf("fresh = %s", from(r))
		}
		// A later read may use it.
		if r, _ := l.get(ctx); from(r) != "call-2" || f.calls.Load() != 2 {
			t.Errorf("read after fresh = %s", from(r))
		}
	})
}

// TestRefreshCostsOneRequest checks that reading ten clients at once, as a
// refresh does, costs one HTTP request, and that a write makes the next read
// list again.
func TestRefreshCostsOneRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(t)
		var ids []string
		for i := range 10 {
			ids = append(ids, f.add(fmt.Sprintf("App %d", i), ClientTypeConfidential, []string{"https://a.example/cb"}, time.Now()).ClientID)
		}
		c := newTestClient(t, f.URL)
		ctx := context.Background()
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Go(func() {
				if got, err := c.OAuth2Clients.Get(ctx, id); err != nil || got.ClientID != id {
					t.Errorf("Get(%s) = %v, %v", id, got, err)
				}
			})
		}
		wg.Wait()
		if n := f.count(http.MethodGet, basePath); n != 1 {
			t.Errorf("%d list requests for ten reads, want 1", n)
		}
		if _, err := c.OAuth2Clients.RotateSecret(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := c.OAuth2Clients.Get(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}
		if n := f.count(http.MethodGet, basePath); n != 2 {
			t.Errorf("%d list requests, want a new one after the write", n)
		}
	})
}

func TestRace(t *testing.T) {
	// Reads and writes from many goroutines, for the race detector.
	f := newFakeAPI(t)
	id := f.add("App", ClientTypeConfidential, []string{"https://a.example/cb"}, time.Now()).ClientID
	c := newTestClient(t, f.URL)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				c.OAuth2Clients.List(ctx)
			case 1:
				c.OAuth2Clients.Get(ctx, id)
			case 2:
				c.OAuth2Clients.RotateSecret(ctx, id)
			case 3:
				c.OAuth2Clients.Create(ctx, CreateRequest{ApplicationName: fmt.Sprint("New ", i%8), RedirectURIs: []string{"https://a.example/cb"}})
			}
		})
	}
	wg.Wait()
}

// TestSharedListPrefetch checks that a prefetch is the one list of the reads
// that come while it is in flight or within the reuse window after it, and
// that it outlives the context it was started with, up to its bound.
func TestSharedListPrefetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		now := time.Now()
		l.now = func() time.Time { return now }

		configure, endConfigure := context.WithCancel(context.Background())
		l.prefetch(configure, time.Minute)
		endConfigure() // Configure returns; the list goes on
		l.prefetch(context.Background(), time.Minute)
		synctest.Wait()
		if n := f.calls.Load(); n != 1 {
			t.Fatalf("%d lists after two prefetches, want 1", n)
		}
		got := make(chan string, 3)
		for range 3 {
			go func() {
				r, err := l.get(context.Background())
				if err != nil {
					t.Error(err)
				}
				got <- from(r)
			}()
		}
		synctest.Wait()
		f.release <- nil
		for range 3 {
			if g := <-got; g != "call-1" {
				t.Errorf("a read that came while the prefetch was in flight got %s", g)
			}
		}
		now = now.Add(listReuseWindow)
		if r, _ := l.get(context.Background()); from(r) != "call-1" || f.calls.Load() != 1 {
			t.Errorf("a read within the window after the prefetch got %s after %d lists", from(r), f.calls.Load())
		}
		// A fresh list makes a prefetch needless.
		l.prefetch(context.Background(), time.Minute)
		if n := f.calls.Load(); n != 1 {
			t.Errorf("a prefetch beside a fresh list listed again: %d lists", n)
		}

		// Nobody reads: the prefetch ends at its bound, not before.
		l.beginWrite()
		l.prefetch(context.Background(), time.Minute)
		start := time.Now()
		synctest.Wait()
		l.mu.Lock()
		lc := l.inflight
		l.mu.Unlock()
		<-lc.done
		if !errors.Is(lc.err, context.DeadlineExceeded) || time.Since(start) != time.Minute {
			t.Errorf("an unread prefetch ended with %v after %s, want its one-minute bound", lc.err, time.Since(start))
		}
	})
}

// TestSharedListPrefetchFailure checks that a prefetch that failed before any
// read came is the outcome of the reads within the window after it, as if
// they had waited for it, and of no read after that.
func TestSharedListPrefetchFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		now := time.Now()
		l.now = func() time.Time { return now }
		boom := errors.New("401")

		l.prefetch(context.Background(), time.Minute)
		f.release <- boom
		synctest.Wait()
		for range 2 {
			if _, err := l.get(context.Background()); !errors.Is(err, boom) {
				t.Errorf("a read right after the failed prefetch: %v, want its error", err)
			}
		}
		if n := f.calls.Load(); n != 1 {
			t.Errorf("%d lists, want the failed prefetch only", n)
		}
		now = now.Add(listReuseWindow + time.Millisecond)
		f.release <- nil
		if r, err := l.get(context.Background()); err != nil || from(r) != "call-2" {
			t.Errorf("a read after the window: %s, %v, want a list of its own", from(r), err)
		}

		// A prefetch that ran out of its bound fails no read with time left:
		// that read lists again.
		l.beginWrite()
		l.prefetch(context.Background(), time.Second)
		synctest.Wait()
		l.mu.Lock()
		lc := l.inflight
		l.mu.Unlock()
		<-lc.done
		f.release <- nil
		if r, err := l.get(context.Background()); err != nil || from(r) != "call-4" {
			t.Errorf("after a prefetch that ran out of its bound: %s, %v, want a list of its own", from(r), err)
		}
	})
}

// TestSharedListRetryAfterBeyondDeadline checks that a reader fails at once,
// as its own list would, when the list it waits for waits through a
// Retry-After that ends after the reader's deadline; a reader with time
// enough waits on, and the prefetch is not cancelled for it.
func TestSharedListRetryAfterBeyondDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		answer := &APIError{StatusCode: http.StatusTooManyRequests}
		retried := make(chan struct{})
		l := newSharedList(func(ctx context.Context) (*listResult, error) {
			notice := ctx.Value(retryNoticeKey{}).(func(*RetryAfterError))
			notice(&RetryAfterError{Wait: 30 * time.Second, Attempts: 1, Err: answer, op: "GET /x"})
			<-retried
			return &listResult{clients: []OAuth2Client{{ClientID: "after-retry"}}}, nil
		})
		l.prefetch(context.Background(), 2*time.Minute)
		synctest.Wait()

		short, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := l.get(short)
		var ra *RetryAfterError
		if !errors.As(err, &ra) || ra.Wait != 30*time.Second || ra.Remaining != 5*time.Second || ra.Err != answer {
			t.Fatalf("a reader with 5s left behind a 30s Retry-After got %v, want a RetryAfterError at once", err)
		}

		long, cancelLong := context.WithTimeout(context.Background(), time.Minute)
		defer cancelLong()
		got := make(chan string)
		go func() {
			r, err := l.get(long)
			if err != nil {
				t.Error(err)
			}
			got <- from(r)
		}()
		synctest.Wait()
		close(retried)
		if g := <-got; g != "after-retry" {
			t.Errorf("a reader with a minute left got %s", g)
		}
	})
}

// TestClientCloseStopsPrefetch checks that Close stops a prefetch the server
// never answers and returns only once it has.
func TestClientCloseStopsPrefetch(t *testing.T) {
	arrived := make(chan struct{})
	gone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(gone)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	c.OAuth2Clients.Prefetch(context.Background(), time.Hour)
	<-arrived
	c.Close()
	<-gone
	c.lists.mu.Lock()
	defer c.lists.mu.Unlock()
	if n := len(c.lists.running); n != 0 {
		t.Errorf("%d lists still running after Close", n)
	}
}

// TestPrefetchRetryAfterBeyondReadDeadline checks through HTTP that a read
// with 5s left, joining a prefetch that Flexslot asked to wait 30s, fails at
// once saying so, as the read's own list would have.
func TestPrefetchRetryAfterBeyondReadDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newMemServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"code":"FLEXSLOT_RATE_LIMITED","message":"slow down"}}`)
		}))
		c := newTestClient(t, srv.URL)
		defer c.Close()
		c.OAuth2Clients.Prefetch(context.Background(), 2*time.Minute)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := c.OAuth2Clients.Get(ctx, "cli_x")
		var ra *RetryAfterError
		if !errors.As(err, &ra) || ra.Wait != 30*time.Second || ra.Remaining != 5*time.Second || ra.Err.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("Get with 5s left behind a 30s Retry-After: %v, want a RetryAfterError", err)
		}
		if !strings.Contains(err.Error(), "asked to wait") {
			t.Errorf("error %q does not say how long Flexslot asked to wait", err)
		}
	})
}

// TestSharedListBeforeWrites: a read before writes shares the list as any
// read does, and once a write started it fails at once without a request,
// even while a list that started before the write is in flight.
func TestSharedListBeforeWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeFetch()
		l := newSharedList(f.fetch)
		f.release <- nil
		if r, err := l.beforeWrites(context.Background()); err != nil || from(r) != "call-1" {
			t.Fatalf("before any write: %s, %v; want call-1", from(r), err)
		}
		if r, err := l.beforeWrites(context.Background()); err != nil || from(r) != "call-1" || f.calls.Load() != 1 {
			t.Fatalf("a second read: %s, %v after %d calls; want call-1 shared", from(r), err, f.calls.Load())
		}

		l2 := newSharedList(f.fetch)
		done := make(chan error, 1)
		go func() {
			_, err := l2.get(context.Background())
			done <- err
		}()
		synctest.Wait() // a list is in flight
		l2.beginWrite()
		if r, err := l2.beforeWrites(context.Background()); !errors.Is(err, ErrWriteStarted) || r != nil {
			t.Fatalf("after a write started: %s, %v; want ErrWriteStarted", from(r), err)
		}
		f.release <- nil
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := f.calls.Load(); n != 2 {
			t.Fatalf("%d list calls, want 2: none for the read after the write", n)
		}
	})
}
