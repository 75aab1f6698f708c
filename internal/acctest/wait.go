package acctest

import (
	"context"
	"testing"
	"time"
)

// WaitContext is the context for a test's waits on processes and servers
// outside it: it ends shortly before the test's deadline (go test -timeout),
// if there is one, so that a wait that never ends fails the test saying what
// it waited for, instead of the test binary panicking. It never ends sooner:
// how long a wait takes depends on the machine's load.
func WaitContext(t testing.TB) context.Context {
	t.Helper()
	withDeadline, ok := t.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return t.Context()
	}
	d, ok := withDeadline.Deadline()
	if !ok {
		return t.Context()
	}
	ctx, cancel := context.WithDeadline(t.Context(), d.Add(-time.Until(d)/10))
	t.Cleanup(cancel)
	return ctx
}
