//go:build !unix

package acctest

import (
	"os"
	"os/exec"
)

func startInOwnProcessGroup(*exec.Cmd) {}

// killProcessGroup kills only the process itself: process groups are a Unix
// feature.
func killProcessGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

func lockForProcess(string) error { return nil }

// abandoned never reports a path as abandoned, so builds of earlier processes
// stay in the temp directory.
func abandoned(string) bool { return false }
