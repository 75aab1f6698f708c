//go:build unix

package devcli

import (
	"errors"
	"os/exec"
	"syscall"
)

// OwnProcessGroup makes cmd start in a process group of its own, which the
// plugins and commands it starts inherit, and makes cancelling its context
// kill that whole group.
func OwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return KillProcessGroup(cmd.Process.Pid) }
}

// KillProcessGroup kills every process of the group of the process pid
// started with OwnProcessGroup; a group already gone is not an error.
func KillProcessGroup(pid int) error {
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}
