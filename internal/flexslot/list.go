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
//     never kept; except a prefetch, a list started before any read asked for
//     it, whose failure serves the reads that start within listReuseWindow of
//     it as a success would, since they would have waited for it had they
//     come a little sooner.
//
// A list runs with its first reader's context values and deadline, and is
// cancelled when every reader waiting for it has given up; a prefetch runs
// with its own bound, to its end. A reader whose own context is still alive
// when the list failed only because of another reader's deadline, or the
// prefetch's bound, starts a list of its own. A reader whose deadline comes
// before the end of a Retry-After the list is waiting through fails at once,
// as its own list would have.
type sharedList struct {
	fetch  func(ctx context.Context) (*listResult, error)
	now    func() time.Time
	window time.Duration

	mu       sync.Mutex
	writes   uint64    // how many writes have started
	inflight *listCall // the newest list in flight
	last     *listCall // the newest completed list that may serve reads
	// running holds every list in flight, so that close can stop them.
	running map[*listCall]struct{}
	wg      sync.WaitGroup
}

type listCall struct {
	writes    uint64 // sharedList.writes when the call started
	done      chan struct{}
	res       *listResult
	err       error
	completed time.Time
	waiters   int
	cancel    context.CancelFunc
	// prefetch marks a list started before any read asked for it.
	prefetch bool
	// retry is the Retry-After the list is waiting through, if any, since
	// retryAt; retrying is closed and replaced whenever it changes.
	retry    *RetryAfterError
	retryAt  time.Time
	retrying chan struct{}
}

// retryNoticeKey carries, in a list's context, the function the transport
// tells of each Retry-After it is about to wait through.
type retryNoticeKey struct{}

// retryBeyond returns the error a reader whose context is ctx gets at once
// because the list it waits for is waiting through a Retry-After that ends
// after ctx's deadline, as the reader's own list would have; nil otherwise.
func (lc *listCall) retryBeyond(ctx context.Context, now time.Time) *RetryAfterError {
	rem, ok := remaining(ctx)
	if lc.retry == nil || !ok {
		return nil
	}
	wait := lc.retry.Wait - now.Sub(lc.retryAt)
	if wait <= rem {
		return nil
	}
	e := *lc.retry
	e.Wait, e.Remaining = wait, max(rem, 0)
	return &e
}

func newSharedList(fetch func(ctx context.Context) (*listResult, error)) *sharedList {
	return &sharedList{fetch: fetch, now: time.Now, window: listReuseWindow, running: map[*listCall]struct{}{}}
}

// prefetch starts a list now, in the background, for the reads to come, unless
// a list is in flight or could serve a read starting now. The list runs with
// ctx's values but not its cancellation or deadline, for at most bound.
func (l *sharedList) prefetch(ctx context.Context, bound time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lc := l.inflight; lc != nil && lc.writes == l.writes {
		return
	}
	if last := l.last; last != nil && last.err == nil && last.writes == l.writes && l.now().Sub(last.completed) <= l.window {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bound)
	lc := l.startLocked(fctx)
	lc.prefetch = true
	l.cancelWith(lc, cancel)
}

// close stops every list in flight and waits until they have returned.
func (l *sharedList) close() {
	l.mu.Lock()
	for lc := range l.running {
		lc.cancel()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// beginWrite records that a write starts now: no list that started before
// serves reads that start from now on.
func (l *sharedList) beginWrite() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	l.last = nil
}

// ErrWriteStarted is what a read before writes gets once a write started.
var ErrWriteStarted = errors.New("flexslot: a write has started, so no list before writes is to be had")

// readMode says which list a read takes.
type readMode int

const (
	anyList      readMode = iota // one that may serve a read starting now
	freshList                    // one that starts now
	beforeWrites                 // as anyList, but ErrWriteStarted once any write started
)

// get returns a list that may serve a read starting now.
func (l *sharedList) get(ctx context.Context) (*listResult, error) {
	return l.read(ctx, anyList)
}

// fresh returns a list that starts now; later reads may share it.
func (l *sharedList) fresh(ctx context.Context) (*listResult, error) {
	return l.read(ctx, freshList)
}

// beforeWrites returns what get would, until a write starts: from then on
// it fails with ErrWriteStarted and starts no list.
func (l *sharedList) beforeWrites(ctx context.Context) (*listResult, error) {
	return l.read(ctx, beforeWrites)
}

func (l *sharedList) read(ctx context.Context, mode readMode) (*listResult, error) {
	fresh := mode == freshList
	readStart := l.now()
	for {
		l.mu.Lock()
		if mode == beforeWrites && l.writes > 0 {
			l.mu.Unlock()
			return nil, ErrWriteStarted
		}
		if last := l.last; !fresh && last != nil && last.writes == l.writes && readStart.Sub(last.completed) <= l.window &&
			(last.err == nil || !l.failedForAnother(ctx, last.err)) {
			l.mu.Unlock()
			return last.res, last.err
		}
		lc := l.inflight
		if fresh || lc == nil || lc.writes != l.writes {
			lc = l.startLocked(ctx)
		}
		lc.waiters++
		retrying := lc.retrying
		if ra := lc.retryBeyond(ctx, l.now()); ra != nil {
			l.leaveLocked(lc)
			l.mu.Unlock()
			return nil, ra
		}
		l.mu.Unlock()

		res, err, again := l.wait(ctx, lc, retrying)
		if !again {
			return res, err
		}
	}
}

// leaveLocked records that a reader stopped waiting for lc, and cancels lc
// when it was the last, unless lc is a prefetch, which runs to its bound for
// the reads still to come.
func (l *sharedList) leaveLocked(lc *listCall) {
	if lc.waiters--; lc.waiters == 0 && !lc.prefetch {
		lc.cancel()
	}
}

// wait waits for lc on behalf of a reader; again asks the reader to start over.
func (l *sharedList) wait(ctx context.Context, lc *listCall, retrying chan struct{}) (res *listResult, err error, again bool) {
	leave := func() {
		l.mu.Lock()
		l.leaveLocked(lc)
		l.mu.Unlock()
	}
	for {
		select {
		case <-lc.done:
			if lc.err != nil && ctx.Err() == nil && l.failedForAnother(ctx, lc.err) {
				return nil, nil, true
			}
			return lc.res, lc.err, false
		case <-retrying:
			l.mu.Lock()
			ra := lc.retryBeyond(ctx, l.now())
			retrying = lc.retrying
			l.mu.Unlock()
			if ra != nil {
				leave()
				return nil, ra, false
			}
		case <-ctx.Done():
			leave()
			return nil, fmt.Errorf("flexslot: waiting for the list of clients: %w", ctx.Err()), false
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
	lc := &listCall{writes: l.writes, done: make(chan struct{}), cancel: cancel, retrying: make(chan struct{})}
	fctx = context.WithValue(fctx, retryNoticeKey{}, func(ra *RetryAfterError) {
		l.mu.Lock()
		defer l.mu.Unlock()
		lc.retry, lc.retryAt = ra, l.now()
		close(lc.retrying)
		lc.retrying = make(chan struct{})
	})
	l.inflight = lc
	l.running[lc] = struct{}{}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		res, err := l.fetch(fctx)
		l.mu.Lock()
		lc.cancel()
		delete(l.running, lc)
		lc.res, lc.err, lc.completed = res, err, l.now()
		if l.inflight == lc {
			l.inflight = nil
		}
		// A list that overlapped a write serves no later read; a failed one
		// only if it was a prefetch.
		if (err == nil || lc.prefetch) && lc.writes == l.writes && (l.last == nil || !lc.completed.Before(l.last.completed)) {
			l.last = lc
		}
		l.mu.Unlock()
		close(lc.done)
	}()
	return lc
}

// cancelWith makes lc's cancel also release another context.
func (l *sharedList) cancelWith(lc *listCall, other context.CancelFunc) {
	inner := lc.cancel
	lc.cancel = func() { inner(); other() }
}
