package controlplane

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one program of the control plane. It runs detached from the
// command that started it (its own session), so `hack/cluster up` can return
// while the cluster keeps running; its PID file is how `down` finds it again.
type process struct {
	Name string // unique in the directory, e.g. "demo-apiserver"
	Bin  string
	Args []string
}

func pidFile(dir, name string) string { return filepath.Join(dir, "run", name+".pid") }
func logFile(dir, name string) string { return filepath.Join(dir, "logs", name+".log") }

// start launches p with output to its log file and records its PID.
func (p process) start(dir string) (int, error) {
	for _, d := range []string{"run", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return 0, err
		}
	}
	out, err := os.OpenFile(logFile(dir, p.Name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	cmd := exec.Command(p.Bin, p.Args...)
	cmd.Dir = dir
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", p.Name, err)
	}
	pid := cmd.Process.Pid
	// Reap the child if it exits while this process still runs, so that a
	// crash shows as "not running" instead of a zombie that looks alive.
	go func() { _ = cmd.Wait() }()
	if err := os.WriteFile(pidFile(dir, p.Name), []byte(strconv.Itoa(pid)+"\n"+p.Bin+"\n"), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return 0, err
	}
	return pid, nil
}

// recordedBin is the executable recorded for name, "" if none.
func recordedBin(dir, name string) string {
	data, err := os.ReadFile(pidFile(dir, name))
	if err != nil {
		return ""
	}
	_, bin, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	return bin
}

// running returns the PID recorded for name if that process is alive and is
// still the binary that was started (PIDs get reused).
func running(dir, name string) (int, error) {
	data, err := os.ReadFile(pidFile(dir, name))
	if err != nil {
		if os.IsNotExist(err) {
			return 0, errNotRunning
		}
		return 0, err
	}
	lines := strings.SplitN(strings.TrimSpace(string(data)), "\n", 2)
	pid, err := strconv.Atoi(lines[0])
	if err != nil || len(lines) < 2 {
		return 0, fmt.Errorf("corrupt pid file %s", pidFile(dir, name))
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return 0, errNotRunning
	}
	if strings.TrimSuffix(exe, " (deleted)") != lines[1] {
		return 0, errNotRunning
	}
	if state, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && isZombie(state) {
		return 0, errNotRunning
	}
	return pid, nil
}

func isZombie(stat []byte) bool {
	// The state follows the parenthesised command name: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// stop ends the process recorded for name: SIGTERM, then SIGKILL after grace.
// It only signals a PID whose executable matches the one it started.
func stop(dir, name string, grace time.Duration) error {
	pid, err := running(dir, name)
	if errors.Is(err, errNotRunning) {
		_ = os.Remove(pidFile(dir, name))
		return nil
	}
	if err != nil {
		return err
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if _, err := running(dir, name); errors.Is(err, errNotRunning) {
			return os.Remove(pidFile(dir, name))
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 100; i++ {
		if _, err := running(dir, name); errors.Is(err, errNotRunning) {
			return os.Remove(pidFile(dir, name))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", name, pid)
}

// tail returns the last lines of a process's log, for error messages.
func tail(dir, name string, n int) string {
	data, err := os.ReadFile(logFile(dir, name))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
