package gctarget

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestApply(t *testing.T) {
	initial := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(initial) })

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	Apply()
	if got := debug.SetGCPercent(100); got != Percent {
		t.Errorf("without GOGC, the GC percent is %d, want %d", got, Percent)
	}

	t.Setenv("GOGC", "50")
	Apply()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, the GC percent is %d, want it left at 100", got)
	}
}
