//go:build unix

package acctest

import (
	"os"
	"syscall"
)

// heldLocks keeps the locked files, and so their locks, for the process's life.
var heldLocks []*os.File

// lockForProcess creates path locked until the process exits. The lock is
// taken before the file appears under its name, so no other process can see
// the file unlocked while this one lives.
func lockForProcess(path string) error {
	f, err := os.OpenFile(path+".tmp", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return err
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		f.Close()
		return err
	}
	heldLocks = append(heldLocks, f)
	return nil
}

// abandoned reports whether path was created by lockForProcess in a process
// that has exited.
func abandoned(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
