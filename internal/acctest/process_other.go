//go:build !unix

package acctest

func lockForProcess(string) error { return nil }

// abandoned never reports a path as abandoned, so builds of earlier processes
// stay in the temp directory.
func abandoned(string) bool { return false }
