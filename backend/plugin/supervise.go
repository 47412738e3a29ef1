package plugin

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// pollEvery is how often a supervisor looks for its session's marker and
// its parent: a hung plugin outlives its session by about this much.
const pollEvery = 100 * time.Millisecond

// supervise is the supervisor's main: args are "--", the plugin's command
// and its arguments; dir is the session's directory; app is the process ID
// of the app, which started the supervisor. It returns the exit
// code: the plugin's, or 1 when the plugin was ended, or 127 when it could
// not be started (the code a shell gives a missing command).
func supervise(args []string, dir string, app int) int {
	if len(args) < 2 || args[0] != "--" || dir == "" || app <= 0 {
		fmt.Fprintf(os.Stderr, "crowsnest: usage: %s=DIR %s=PID crowsnest %s -- COMMAND [ARG...]\n", dirEnv, appEnv, flag)
		return 2
	}
	command := args[1]
	alive := filepath.Join(dir, aliveFile)
	if !exists(alive) {
		fmt.Fprintf(os.Stderr, "crowsnest: exec plugin %s not started: its session has ended\n", command)
		return 1
	}
	var stderr io.Writer = os.Stderr
	if f, err := os.OpenFile(filepath.Join(dir, stderrFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err == nil {
		defer f.Close()
		stderr = io.MultiWriter(os.Stderr, &capped{w: f, left: maxStderr})
	}

	cmd := exec.Command(command, args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, stderr
	// Something the plugin started in the background may keep its stderr
	// open; do not wait for that after the plugin itself has exited.
	cmd.WaitDelay = time.Second
	tree := newTree(cmd)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "crowsnest: cannot start exec plugin %s: %v\n", command, err)
		return 127
	}
	tree.started(cmd)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	parent := parentGone(app)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return exitCode(err)
		case <-parent:
			tree.kill()
			<-done
			return 1
		case <-tick.C:
			if !exists(alive) {
				fmt.Fprintf(stderr, "crowsnest: ended exec plugin %s: the connection that needed it was closed\n", command)
				tree.kill()
				<-done
				return 1
			}
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func exitCode(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	default: // ended by a signal, or output not drained
		return 1
	}
}

// capped writes to w until left bytes have been written, then drops the
// rest without failing the writer (the plugin's stderr to the app goes on).
type capped struct {
	w    io.Writer
	left int
}

func (c *capped) Write(p []byte) (int, error) {
	if c.left > 0 {
		n := min(len(p), c.left)
		c.left -= n
		if _, err := c.w.Write(p[:n]); err != nil {
			c.left = 0
		}
	}
	return len(p), nil
}
