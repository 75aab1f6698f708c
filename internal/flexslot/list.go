package flexslot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// listReuseWindow is how long after a list came back a read that starts may
// still use it, so that one refresh of many clients costs one list call.
const listReuseWindow = time.Second

// listResult is one successful list call.
type listResult struct {
	clients []OAuth2Client
	// started and completed are when the call started and came back, on this machine's clock.
	started, completed time.Time
	// serverDate is the answer's Date header, zero when absent.
	serverDate time.Time
}

// sharedList makes one list call serve every read that can use it:
//
//   - reads that arrive while a list is in flight wait for it (single flight);
//   - a completed list serves the reads that start within listReuseWindow of
//     its completion;
//   - once a write starts, no list that started before it serves any read
//     that starts after it: neither a completed one nor one still in flight;
//   - a failed list serves no one but the reads that waited for it, and is
//     never kept.
//
// A list runs with its first reader's context values and deadline, and is
// cancelled when every reader waiting for it has given up. A reader whose own
// context is still alive when the list failed only because of another
// reader's deadline starts a list of its own.
type sharedList struct {
	fetch  func(ctx context.Context) (*listResult, error)
	now    func() time.Time
	window time.Duration

	mu       sync.Mutex
	writes   uint64    // how many writes have started
	inflight *listCall // the newest list in flight
	last     *listCall // the newest completed list that may serve reads
}

type listCall struct {
	writes    uint64 // sharedList.writes when the call started
	done      chan struct{}
	res       *listResult
	err       error
	completed time.Time
	waiters   int
	cancel    context.CancelFunc
}

func newSharedList(fetch func(ctx context.Context) (*listResult, error)) *sharedList {
	return &sharedList{fetch: fetch, now: time.Now, window: listReuseWindow}
}

// beginWrite records that a write starts now: no list that started before
// serves reads that start from now on.
func (l *sharedList) beginWrite() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	l.last = nil
}

// get returns a list that may serve a read starting now.
func (l *sharedList) get(ctx context.Context) (*listResult, error) {
	return l.read(ctx, false)
}

// fresh returns a list that starts now; later reads may share it.
func (l *sharedList) fresh(ctx context.Context) (*listResult, error) {
	return l.read(ctx, true)
}

func (l *sharedList) read(ctx context.Context, fresh bool) (*listResult, error) {
	readStart := l.now()
	for {
		l.mu.Lock()
		if last := l.last; !fresh && last != nil && last.writes == l.writes && readStart.Sub(last.completed) <= l.window {
			l.mu.Unlock()
			return last.res, nil
		}
		lc := l.inflight
		if fresh || lc == nil || lc.writes != l.writes {
			lc = l.startLocked(ctx)
		}
		lc.waiters++
		l.mu.Unlock()

		select {
		case <-lc.done:
			if lc.err != nil && ctx.Err() == nil && l.failedForAnother(ctx, lc.err) {
				continue
			}
			return lc.res, lc.err
		case <-ctx.Done():
			l.mu.Lock()
			if lc.waiters--; lc.waiters == 0 {
				lc.cancel()
			}
			l.mu.Unlock()
			return nil, fmt.Errorf("flexslot: waiting for the list of clients: %w", ctx.Err())
		}
	}
}

// failedForAnother reports whether a list failed only because of the context
// it ran with, which was another reader's, while ctx could have waited longer.
func (l *sharedList) failedForAnother(ctx context.Context, err error) bool {
	var ra *RetryAfterError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		rem, ok := remaining(ctx)
		return !ok || rem > 0
	case errors.As(err, &ra):
		rem, ok := remaining(ctx)
		return !ok || rem > ra.Wait
	}
	return false
}

func (l *sharedList) startLocked(ctx context.Context) *listCall {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if d, ok := ctx.Deadline(); ok {
		var cancelDeadline context.CancelFunc
		fctx, cancelDeadline = context.WithDeadline(fctx, d)
		parent := cancel
		cancel = func() { cancelDeadline(); parent() }
	}
	lc := &listCall{writes: l.writes, done: make(chan struct{}), cancel: cancel}
	l.inflight = lc
	go func() {
		res, err := l.fetch(fctx)
		cancel()
		l.mu.Lock()
		lc.res, lc.err, lc.completed = res, err, l.now()
		if l.inflight == lc {
			l.inflight = nil
		}
		// A list that overlapped a write serves no later read.
		if err == nil && lc.writes == l.writes && (l.last == nil || !lc.completed.Before(l.last.completed)) {
			l.last = lc
		}
		l.mu.Unlock()
		close(lc.done)
	}()
	return lc
}
