//go:build !windows

package shellenv_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/shellenv"
)

// fakeShell writes an executable shell script that ignores its arguments
// and runs body instead.
func fakeShell(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-shell")
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return path
}

func TestLoginPathReadsThePrintedPATH(t *testing.T) {
	// Like a real rc file, it prints noise around the script's output; the
	// PATH outside the markers (a banner mentioning PATH=) is ignored.
	shell := fakeShell(t, `echo "Welcome! PATH=/not/this"
echo "PATH=/wrong/too"
printf '\n%s\n' __CROWSNEST_ENV_BEGIN__
echo HOME=/home/me
echo PATH=/opt/homebrew/bin:/home/me/.krew/bin:/usr/bin
echo 'MULTI=line one'
echo 'line two'
printf '\n%s\n' __CROWSNEST_ENV_END__
echo "bye PATH=/nope"`)
	path, err := shellenv.LoginPath(context.Background(), shell, 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "/opt/homebrew/bin:/home/me/.krew/bin:/usr/bin", path)
}

func TestLoginPathRunsTheRealScript(t *testing.T) {
	// /bin/sh really running our script: the login shell's profile may add
	// to PATH, but what we exported must be in what it prints.
	sh, err := os.Stat("/bin/sh")
	if err != nil || sh.IsDir() {
		t.Fatal("/bin/sh is needed for this test")
	}
	t.Setenv("PATH", "/crowsnest-test/bin:"+os.Getenv("PATH"))
	t.Setenv("HOME", t.TempDir()) // no user profile
	path, err := shellenv.LoginPath(context.Background(), "/bin/sh", 10*time.Second)
	require.NoError(t, err)
	assert.Contains(t, shellenv.Split(path), "/usr/bin")
}

func TestLoginPathArguments(t *testing.T) {
	// The shell is asked for a login, interactive shell running one command.
	args := filepath.Join(t.TempDir(), "args")
	shell := fakeShell(t, `printf '%s\n' "$@" > `+args+`
printf '\n%s\n' __CROWSNEST_ENV_BEGIN__; echo PATH=/x; printf '\n%s\n' __CROWSNEST_ENV_END__`)
	_, err := shellenv.LoginPath(context.Background(), shell, 10*time.Second)
	require.NoError(t, err)
	got, err := os.ReadFile(args)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	require.GreaterOrEqual(t, len(lines), 4)
	assert.Equal(t, []string{"-l", "-i", "-c"}, lines[:3])
	assert.Contains(t, lines[3], "__CROWSNEST_ENV_BEGIN__")
}

func TestLoginPathHangingShellIsKilled(t *testing.T) {
	// The shell starts a grandchild (as an rc file starting an agent would)
	// and then hangs. After the timeout, the whole process group is gone.
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	shell := fakeShell(t, `sleep 300 &
echo $! > `+pidFile+`
sleep 300`)
	_, err := shellenv.LoginPath(context.Background(), shell, 300*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not finish within 300ms")

	data, rerr := os.ReadFile(pidFile)
	require.NoError(t, rerr)
	pid, rerr := strconv.Atoi(strings.TrimSpace(string(data)))
	require.NoError(t, rerr)
	// The grandchild was killed with the group; it may stay a zombie of
	// init for a moment, so wait for it to be reaped.
	require.Eventually(t, func() bool { return !running(pid) }, 10*time.Second, 20*time.Millisecond,
		"the shell's child %d survived the timeout", pid)
}

// running reports whether pid is a live process (not a zombie).
func running(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}

func TestLoginPathErrors(t *testing.T) {
	tests := []struct {
		name  string
		shell string
		want  string
	}{
		{name: "empty", shell: "", want: "$SHELL is empty"},
		{name: "relative", shell: "zsh", want: "not an absolute path"},
		{name: "missing", shell: "/nonexistent/shell", want: "/nonexistent/shell"},
		{name: "prints nothing", shell: fakeShell(t, "exit 0"), want: "printed no PATH"},
		{name: "fails", shell: fakeShell(t, "echo broken >&2; exit 3"), want: "exit status 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := shellenv.LoginPath(context.Background(), tt.shell, 5*time.Second)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestResolve(t *testing.T) {
	shell := fakeShell(t, `printf '\n%s\n' __CROWSNEST_ENV_BEGIN__
echo PATH=/home/me/bin:/usr/bin
printf '\n%s\n' __CROWSNEST_ENV_END__`)
	hanging := fakeShell(t, "sleep 300")
	yes, no := true, false

	t.Run("desktop launch uses the login shell first", func(t *testing.T) {
		r := shellenv.Resolve(context.Background(), shellenv.Options{Shell: shell, Inherited: "/usr/bin:/bin", FromTerminal: &no})
		assert.Equal(t, []string{"/home/me/bin", "/usr/bin", "/bin"}, r.Dirs)
		assert.Contains(t, r.Source, "login shell")
		assert.Empty(t, r.Problem)
	})
	t.Run("terminal launch keeps the inherited PATH", func(t *testing.T) {
		r := shellenv.Resolve(context.Background(), shellenv.Options{Shell: hanging, Inherited: "/usr/bin:/bin", FromTerminal: &yes})
		assert.Equal(t, []string{"/usr/bin", "/bin"}, r.Dirs)
		assert.Empty(t, r.Problem)
	})
	t.Run("a hanging shell falls back to the inherited PATH", func(t *testing.T) {
		r := shellenv.Resolve(context.Background(), shellenv.Options{Shell: hanging, Inherited: "/usr/bin:/bin",
			FromTerminal: &no, Timeout: 200 * time.Millisecond})
		assert.Equal(t, []string{"/usr/bin", "/bin"}, r.Dirs)
		assert.Contains(t, r.Problem, "did not finish")
	})
}

func TestMerge(t *testing.T) {
	got := shellenv.Merge(
		[]string{"/a", "", "/b", "relative", "/a"},
		[]string{"/b", "/c"},
		nil,
		[]string{"/d"},
	)
	assert.Equal(t, []string{"/a", "/b", "/c", "/d"}, got)
	assert.Equal(t, "/a:/b", shellenv.Join([]string{"/a", "/b"}))
}
