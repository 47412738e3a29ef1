//go:build !windows

package plugin

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
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The test binary is the supervisor, as the app's binary is.
func TestMain(m *testing.M) {
	Main()
	os.Exit(m.Run())
}

// script writes a shell plugin into a temporary directory.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "acme-auth")
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return path
}

// run starts the wrapped command as client-go does: its env plus the
// config's, stdout captured, stderr to the test's.
func run(t *testing.T, cfg *clientcmdapi.ExecConfig) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(cfg.Command, cfg.Args...)
	cmd.Env = os.Environ()
	for _, e := range cfg.Env {
		cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
	}
	return cmd
}

func supervised(t *testing.T, command string, args ...string) (*clientcmdapi.ExecConfig, *Runs) {
	t.Helper()
	orig := &clientcmdapi.ExecConfig{Command: command, Args: args, Env: []clientcmdapi.ExecEnvVar{{Name: "ACME", Value: "1"}}}
	wrapped, runs, err := Supervise(orig)
	require.NoError(t, err)
	require.NotNil(t, runs)
	t.Cleanup(func() { runs.Stop(); runs.Close() })
	assert.Equal(t, command, orig.Command, "the caller's config is not changed")
	assert.Len(t, orig.Env, 1)
	return wrapped, runs
}

func TestSuperviseWraps(t *testing.T) {
	wrapped, runs := supervised(t, "acme-auth", "token", "--cluster", "prod")
	self, err := os.Executable()
	require.NoError(t, err)
	assert.Equal(t, self, wrapped.Command)
	assert.Equal(t, []string{flag, "--", "acme-auth", "token", "--cluster", "prod"}, wrapped.Args)
	assert.Contains(t, wrapped.Env, clientcmdapi.ExecEnvVar{Name: dirEnv, Value: runs.dir})
	assert.Contains(t, wrapped.Env, clientcmdapi.ExecEnvVar{Name: appEnv, Value: strconv.Itoa(os.Getpid())})
	assert.FileExists(t, filepath.Join(runs.dir, aliveFile))

	runs.Stop()
	assert.NoFileExists(t, filepath.Join(runs.dir, aliveFile))
	runs.Close()
	assert.NoDirExists(t, runs.dir)
}

func TestPluginOutputAndExitCodePassThrough(t *testing.T) {
	plugin := script(t, `echo "{\"args\":\"$*\",\"acme\":\"$ACME\"}"
printf '\033[31merror:\033[0m your session expired:\n  run "acme login"\n' >&2
exit 3`)
	wrapped, runs := supervised(t, plugin, "a", "b")
	cmd := run(t, wrapped)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 3, exit.ExitCode())
	assert.Equal(t, `{"args":"a b","acme":"1"}`+"\n", stdout.String())

	// client-go names the command it ran; the session shows the plugin.
	clientGo := fmt.Errorf("getting credentials: exec: executable %s failed with exit code 3", filepath.Clean(wrapped.Command))
	got := runs.Explain(clientGo)
	assert.Equal(t, fmt.Sprintf(`getting credentials: exec: executable %s failed with exit code 3; the plugin said: error: your session expired: run "acme login"`, plugin), got.Error())
	assert.ErrorIs(t, got, clientGo, "still matches what it explains")
	assert.Equal(t, got.Error(), runs.ExplainText(clientGo.Error()))
	assert.Equal(t, "unrelated", runs.ExplainText("unrelated"))
	assert.Nil(t, runs.Explain(nil))
}

func TestMissingPluginIsNamed(t *testing.T) {
	wrapped, runs := supervised(t, "acme-auth-not-installed")
	err := run(t, wrapped).Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 127, exit.ExitCode())
	msg := runs.ExplainText("exec: executable " + filepath.Clean(wrapped.Command) + " failed with exit code 127")
	assert.Contains(t, msg, "executable acme-auth-not-installed failed")
	assert.Contains(t, msg, `the plugin said: crowsnest: cannot start exec plugin acme-auth-not-installed: exec: "acme-auth-not-installed": executable file not found`)
}

// hangs is a plugin that starts a child of its own and hangs; both write
// their PIDs to dir/pids.
func hangs(t *testing.T, dir string) string {
	return script(t, fmt.Sprintf(`echo $$ >> %[1]q/pids
sleep 600 &
echo $! >> %[1]q/pids
wait`, dir))
}

// waitPIDs waits for n PIDs in dir/pids.
func waitPIDs(t *testing.T, dir string, n int) []int {
	t.Helper()
	var pids []int
	require.Eventually(t, func() bool {
		raw, _ := os.ReadFile(filepath.Join(dir, "pids"))
		pids = pids[:0]
		for f := range strings.FieldsSeq(string(raw)) {
			pid, err := strconv.Atoi(f)
			require.NoError(t, err)
			pids = append(pids, pid)
		}
		return len(pids) >= n
	}, 10*time.Second, 10*time.Millisecond)
	return pids
}

func requireGone(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		require.Eventually(t, func() bool {
			return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) || zombie(pid)
		}, 10*time.Second, 10*time.Millisecond, "process %d ended", pid)
	}
}

// zombie: ended but not yet reaped by its (re-)parent.
func zombie(pid int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	_, rest, _ := strings.Cut(string(raw), ") ")
	return strings.HasPrefix(rest, "Z")
}

func TestStopKillsAHangingPluginAndWhatItStarted(t *testing.T) {
	dir := t.TempDir()
	wrapped, runs := supervised(t, hangs(t, dir))
	cmd := run(t, wrapped)
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pids := waitPIDs(t, dir, 2)

	runs.Stop()
	select {
	case err := <-done:
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, 1, exit.ExitCode())
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the supervisor did not end after Stop")
	}
	requireGone(t, pids)
	assert.Contains(t, runs.said(), "ended exec plugin")
}

func TestNoRunAfterStop(t *testing.T) {
	dir := t.TempDir()
	wrapped, runs := supervised(t, hangs(t, dir))
	runs.Stop()
	err := run(t, wrapped).Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 1, exit.ExitCode())
	assert.NoFileExists(t, filepath.Join(dir, "pids"), "the plugin never ran")
}

// An app that dies (killed, crashed) leaves no plugin behind: the
// supervisor notices it was re-parented.
func TestPluginEndsWithTheApp(t *testing.T) {
	dir := t.TempDir()
	wrapped, _ := supervised(t, hangs(t, dir))
	// sh stands for the app: it starts the supervisor, waits until the
	// plugin runs and exits.
	app := run(t, wrapped)
	app.Args = append([]string{"sh", "-c", fmt.Sprintf(`CROWSNEST_EXEC_APP=$$ "$@" &
while [ "$(cat %q/pids 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.05; done`, dir), "sh", wrapped.Command}, wrapped.Args...)
	app.Path = "/bin/sh"
	require.NoError(t, app.Run())
	requireGone(t, waitPIDs(t, dir, 2))
}

func TestLastWords(t *testing.T) {
	assert.Equal(t, "a b c", lastWords([]byte("a\tb\r\n\x00c\n"), 100))
	assert.Equal(t, "red plain", lastWords([]byte("\x1b[1;31mred\x1b[0m plain"), 100))
	assert.Equal(t, "…world", lastWords([]byte("hello world"), 5))
	assert.Equal(t, "…é", lastWords([]byte("aaaé"), 2), "never half a rune")
	assert.Equal(t, "ok", lastWords([]byte("o\xffk"), 100), "invalid UTF-8 dropped")
}
