package serveprocess

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestQuietLogsUnlessRequested(t *testing.T) {
	for _, name := range append([]string{"TF_LOG", "TF_LOG_PATH"}, quietedLogEnv...) {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	quietLogsUnlessRequested()
	for _, name := range quietedLogEnv {
		if got := os.Getenv(name); got != "off" {
			t.Errorf("without TF_LOG, %s = %q, want off", name, got)
		}
	}

	for _, name := range quietedLogEnv {
		os.Unsetenv(name)
	}
	t.Setenv("TF_LOG", "trace")
	quietLogsUnlessRequested()
	for _, name := range quietedLogEnv {
		if got, set := os.LookupEnv(name); set {
			t.Errorf("with TF_LOG=trace, %s = %q, want it left unset", name, got)
		}
	}
}

func TestCollectLessOften(t *testing.T) {
	initial := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(initial) })

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	collectLessOften()
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("without GOGC, the GC percent is %d, want %d", got, GCPercent)
	}

	t.Setenv("GOGC", "50")
	collectLessOften()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, the GC percent is %d, want it left at 100", got)
	}
}
