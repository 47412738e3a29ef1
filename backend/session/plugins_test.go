//go:build !windows

package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// pluginBoard writes a kubeconfig with a context per fake credential
// plugin, all on the demo cluster: "plugin-ok" prints the admin's token,
// "plugin-fails" exits 1 with a message, "plugin-hangs" never answers.
// Each run of a plugin appends a line to runs.
func pluginBoard(t *testing.T, env *testcluster.Env) (b *session.Switchboard, dir string) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig())
	require.NoError(t, err)
	admin := cfg.AuthInfos[cfg.Contexts[controlplane.ContextDemoAdmin].AuthInfo]
	dir = t.TempDir()
	scripts := map[string]string{
		"plugin-ok": fmt.Sprintf(`echo run >> %q/runs
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}'`, dir, admin.Token),
		"plugin-fails": fmt.Sprintf(`echo run >> %q/runs
echo "your session expired: run 'acme login'" >&2
exit 3`, dir),
		"plugin-hangs": fmt.Sprintf(`echo run >> %q/runs
echo $$ >> %q/pids
exec sleep 600`, dir, dir),
	}
	for name, body := range scripts {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
			APIVersion: "client.authentication.k8s.io/v1", Command: path, InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: cfg.Contexts[controlplane.ContextDemoAdmin].Cluster, AuthInfo: name}
	}
	path := filepath.Join(dir, "kubeconfig")
	require.NoError(t, clientcmd.WriteToFile(*cfg, path))
	b = session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: &events.Recorder{}, Paths: func() []string { return []string{path} },
	})
	t.Cleanup(b.Stop)
	return b, dir
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	return strings.Fields(string(raw))
}

func TestExecPlugins(t *testing.T) {
	env := testcluster.Get(t)
	ignore := goleak.IgnoreCurrent()
	b, dir := pluginBoard(t, env)

	t.Run("a working plugin connects", func(t *testing.T) {
		_, err := b.Switch("plugin-ok")
		require.NoError(t, err)
		waitConnected(t, b)
		assert.NotEmpty(t, lines(t, filepath.Join(dir, "runs")))
	})

	t.Run("a failing plugin is named, with its message", func(t *testing.T) {
		_, err := b.Switch("plugin-fails")
		require.NoError(t, err)
		require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseError }, 20*time.Second, 50*time.Millisecond)
		msg := b.Status().Message
		assert.Contains(t, msg, filepath.Join(dir, "plugin-fails"), "named as configured")
		assert.Contains(t, msg, "cannot log in to")
		assert.Contains(t, msg, "exit code 3")
		assert.Contains(t, msg, `the plugin said: your session expired: run 'acme login'`)
		self, err := os.Executable()
		require.NoError(t, err)
		assert.NotContains(t, msg, self, "not the supervisor's name")

		// With a view asking for pods, informers, access checks and the
		// recovery probe all want credentials; each backs off, so the
		// plugin runs a handful of times in five seconds, not in a loop.
		before := len(lines(t, filepath.Join(dir, "runs")))
		_, err = mustCurrent(t, b).OpenView(model.ViewSpec{Kind: "pods"})
		require.NoError(t, err)
		time.Sleep(5 * time.Second)
		runs := len(lines(t, filepath.Join(dir, "runs"))) - before
		t.Logf("the failing plugin ran %d times in 5s", runs)
		assert.LessOrEqual(t, runs, 20, "no tight loop")
	})

	t.Run("a hanging plugin is killed when the user switches away", func(t *testing.T) {
		_, err := b.Switch("plugin-hangs")
		require.NoError(t, err)
		s := mustCurrent(t, b)
		_, err = s.OpenView(model.ViewSpec{Kind: "pods"})
		require.NoError(t, err)
		var pids []string
		require.Eventually(t, func() bool {
			pids = lines(t, filepath.Join(dir, "pids"))
			return len(pids) > 0
		}, 20*time.Second, 20*time.Millisecond, "the plugin ran")

		// The old session stops in the background; its plugins' supervisors
		// notice within a tenth of a second.
		_, err = b.Switch(controlplane.ContextStagingAdmin)
		require.NoError(t, err)
		waitConnected(t, b)
		for _, p := range pids {
			pid, err := strconv.Atoi(p)
			require.NoError(t, err)
			assert.Eventually(t, func() bool { return syscall.Kill(pid, 0) == syscall.ESRCH },
				5*time.Second, 10*time.Millisecond, "plugin process %d is gone", pid)
		}
	})

	t.Run("a hanging plugin is killed when the app quits", func(t *testing.T) {
		before := len(lines(t, filepath.Join(dir, "pids")))
		_, err := b.Switch("plugin-hangs")
		require.NoError(t, err)
		_, err = mustCurrent(t, b).OpenView(model.ViewSpec{Kind: "pods"})
		require.NoError(t, err)
		var pids []string
		require.Eventually(t, func() bool {
			pids = lines(t, filepath.Join(dir, "pids"))[before:]
			return len(pids) > 0
		}, 20*time.Second, 20*time.Millisecond, "the plugin ran")
		b.Stop()
		for _, p := range pids {
			pid, err := strconv.Atoi(p)
			require.NoError(t, err)
			assert.Equal(t, syscall.ESRCH, syscall.Kill(pid, 0), "plugin process %d is gone", pid)
		}
	})

	b.Stop()
	goleak.VerifyNone(t, ignore)
}
