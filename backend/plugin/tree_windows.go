package plugin

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// tree is the plugin with whatever it starts: on Windows, a job object
// the supervisor joins before starting the plugin, so every process the
// plugin starts belongs to it too. Without a job (the system refused one)
// only the plugin itself is ended.
type tree struct {
	job  windows.Handle
	proc *os.Process
}

func newTree(cmd *exec.Cmd) *tree {
	// The app has no console: without this a console plugin would flash a
	// window of its own each time it runs.
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return &tree{}
	}
	if err := windows.AssignProcessToJobObject(job, windows.CurrentProcess()); err != nil {
		_ = windows.CloseHandle(job)
		return &tree{}
	}
	return &tree{job: job}
}

func (t *tree) started(cmd *exec.Cmd) { t.proc = cmd.Process }

// kill ends every process of the job, the supervisor included; its exit
// code is then 1, as from supervise.
func (t *tree) kill() {
	if t.job == 0 || windows.TerminateJobObject(t.job, 1) != nil {
		_ = t.proc.Kill()
	}
}

// parentGone is closed when app, the process that started the supervisor,
// ends.
func parentGone(app int) <-chan struct{} {
	gone := make(chan struct{})
	parent, err := os.FindProcess(app)
	if err != nil {
		close(gone)
		return gone
	}
	go func() {
		_, _ = parent.Wait()
		close(gone)
	}()
	return gone
}
