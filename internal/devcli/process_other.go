//go:build !unix

package devcli

import (
	"errors"
	"os"
	"os/exec"
)

// OwnProcessGroup makes cancelling cmd's context kill cmd. Process groups
// are a Unix feature: here the processes cmd starts are left alone.
func OwnProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return KillProcessGroup(cmd.Process.Pid) }
}

// KillProcessGroup kills only the process itself; one already gone is not
// an error.
func KillProcessGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}
