// Package plugin runs a session's exec credential plugins under a small
// supervisor, so that a plugin that hangs can be ended on every platform
// and what it writes to stderr can be shown to the user.
//
// client-go runs an exec plugin with exec.Command, without a context or a
// timeout, and sends its stderr to the app's own. A plugin waiting on a
// browser login or a dead network therefore holds the session's requests
// (and goroutines) for as long as it lives, and its message ("run acme
// login") lands in a log nobody reads. So a session hands client-go a
// wrapped command instead: this very binary, started with a flag, which
// starts the real plugin, copies its stdout back, keeps the end of its
// stderr in the session's directory, and kills it (with its process group
// or job) as soon as the session removes the directory's marker file or
// the app goes away.
package plugin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	// flag, as the first argument, runs the binary as a supervisor.
	flag = "--crowsnest-exec-plugin"
	// dirEnv carries the session's directory to the supervisor.
	dirEnv = "CROWSNEST_EXEC_DIR"
	// appEnv carries the app's process ID: the supervisor's parent, which
	// it outlives only by pollEvery.
	appEnv = "CROWSNEST_EXEC_APP"
	// aliveFile exists while the session that started the plugin runs.
	aliveFile = "alive"
	// stderrFile holds the start of the last run's stderr.
	stderrFile = "stderr"
	// maxStderr bounds what a run keeps of its stderr.
	maxStderr = 16 << 10
	// maxSaid bounds how much of it a message quotes.
	maxSaid = 400
)

// installed is set by Main: only a binary that runs the supervisor when
// asked may be handed to client-go as the command.
var installed atomic.Bool

// Main runs the supervisor and exits if the command line asks for it, and
// returns at once otherwise. Call it first thing in main, and in TestMain
// of tests whose sessions run exec plugins; sessions in a binary that does
// not call it run plugins directly, unsupervised.
func Main() {
	if len(os.Args) > 1 && os.Args[1] == flag {
		app, _ := strconv.Atoi(os.Getenv(appEnv))
		os.Exit(supervise(os.Args[2:], os.Getenv(dirEnv), app))
	}
	installed.Store(true)
}

// Runs is one session's supervision of its exec plugins. The zero value
// and nil supervise nothing.
type Runs struct {
	self    string // this binary, the command client-go runs
	command string // the plugin's own command, as configured
	dir     string
}

// Supervise wraps exec so that its runs are supervised, and returns the
// wrapped copy (exec itself is not changed). If this binary cannot run the
// supervisor (Main was not called), exec is returned as is with nil Runs.
func Supervise(exec *clientcmdapi.ExecConfig) (*clientcmdapi.ExecConfig, *Runs, error) {
	if exec == nil || !installed.Load() {
		return exec, nil, nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("exec plugin supervisor: %w", err)
	}
	dir, err := os.MkdirTemp("", "crowsnest-exec-")
	if err != nil {
		return nil, nil, fmt.Errorf("exec plugin supervisor: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, aliveFile), nil, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("exec plugin supervisor: %w", err)
	}
	wrapped := *exec
	wrapped.Command = self
	wrapped.Args = append([]string{flag, "--", exec.Command}, exec.Args...)
	// A fresh slice: the caller's Env must not see the variable.
	wrapped.Env = append(slices.Clone(exec.Env),
		clientcmdapi.ExecEnvVar{Name: dirEnv, Value: dir},
		clientcmdapi.ExecEnvVar{Name: appEnv, Value: strconv.Itoa(os.Getpid())})
	return &wrapped, &Runs{self: filepath.Clean(self), command: exec.Command, dir: dir}, nil
}

// Stop tells every running supervisor of the session to kill its plugin
// and exit; supervisors started later exit at once. Safe to call twice.
func (r *Runs) Stop() {
	if r != nil {
		_ = os.Remove(filepath.Join(r.dir, aliveFile))
	}
}

// Close removes the session's directory. Call it after Stop, once nothing
// waits for a plugin any more.
func (r *Runs) Close() {
	if r != nil {
		_ = os.RemoveAll(r.dir)
	}
}

// Explain rewrites an error's text that names the supervisor so that it
// names the plugin instead, and adds what the plugin last wrote to stderr.
func (r *Runs) Explain(err error) error {
	if err == nil {
		return nil
	}
	if msg := r.ExplainText(err.Error()); msg != err.Error() {
		return &explained{msg: msg, inner: err}
	}
	return err
}

// ExplainText is Explain for a message.
func (r *Runs) ExplainText(msg string) string {
	if r == nil || !strings.Contains(msg, r.self) {
		return msg
	}
	msg = strings.ReplaceAll(msg, r.self, r.command)
	if said := r.said(); said != "" {
		msg += "; the plugin said: " + said
	}
	return msg
}

// said is the end of the last run's stderr as one line of plain text.
func (r *Runs) said() string {
	raw, err := os.ReadFile(filepath.Join(r.dir, stderrFile))
	if err != nil {
		return ""
	}
	return lastWords(raw, maxSaid)
}

// terminalCode matches the escape sequences of terminal colours and cursor
// moves, which plugins print when they think stderr is a terminal.
var terminalCode = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// lastWords turns a plugin's output into one line: terminal codes go,
// other control characters become spaces, runs of space collapse, and
// only the last max bytes are kept, on a rune boundary.
func lastWords(raw []byte, max int) string {
	text := terminalCode.ReplaceAllString(strings.ToValidUTF8(string(raw), ""), "")
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= max {
		return text
	}
	cut := len(text) - max
	for cut < len(text) && !utf8.RuneStart(text[cut]) {
		cut++
	}
	return "…" + text[cut:]
}

// explained replaces an error's text and matches what the original does.
type explained struct {
	msg   string
	inner error
}

func (e *explained) Error() string        { return e.msg }
func (e *explained) Is(target error) bool { return errors.Is(e.inner, target) }
func (e *explained) As(target any) bool   { return errors.As(e.inner, target) }
