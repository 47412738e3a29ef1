//go:build !windows

package plugin

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

// tree is the plugin with whatever it starts: on Unix, its process group.
type tree struct{ pid int }

func newTree(cmd *exec.Cmd) *tree {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return &tree{}
}

func (t *tree) started(cmd *exec.Cmd) { t.pid = cmd.Process.Pid }

func (t *tree) kill() { _ = syscall.Kill(-t.pid, syscall.SIGKILL) }

// parentGone is closed once app is no longer the supervisor's parent: the
// app has gone (or was gone before the supervisor looked) and the
// supervisor was re-parented.
func parentGone(app int) <-chan struct{} {
	gone := make(chan struct{})
	go func() {
		for os.Getppid() == app {
			time.Sleep(pollEvery)
		}
		close(gone)
	}()
	return gone
}
