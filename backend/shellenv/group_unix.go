//go:build !windows

package shellenv

import (
	"os/exec"
	"syscall"
)

// configureGroup runs the shell in a new process group and makes the
// timeout kill the group, so what the rc files started dies with it.
func configureGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
