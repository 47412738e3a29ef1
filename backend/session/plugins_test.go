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
// "plugin-fails" exits 3 with a message, "plugin-hangs" never answers.
// Each run of a plugin appends a line to runs: when it ran, in Unix
// nanoseconds.
func pluginBoard(t *testing.T, env *testcluster.Env) (b *session.Switchboard, dir string) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig())
	require.NoError(t, err)
	admin := cfg.AuthInfos[cfg.Contexts[controlplane.ContextDemoAdmin].AuthInfo]
	dir = t.TempDir()
	scripts := map[string]string{
		"plugin-ok": fmt.Sprintf(`date +%%s%%N >> %q/runs
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}'`, dir, admin.Token),
		"plugin-fails": fmt.Sprintf(`date +%%s%%N >> %q/runs
echo "your session expired: run 'acme login'" >&2
exit 3`, dir),
		"plugin-hangs": fmt.Sprintf(`date +%%s%%N >> %q/runs
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

		// With a view asking for pods, the access check, the pods
		// reflector and the recovery probe all want credentials. The
		// reflector retries after 0.8 s doubling (two runs a try at most:
		// a watch-list and its fallback list), the probe after 1 s
		// doubling, the access check not at all; so the first 10 runs span
		// more than 2 s by the plugin's own record (a slow machine only
		// spreads them further), where a loop would run it back to back.
		before := len(lines(t, filepath.Join(dir, "runs")))
		_, err = mustCurrent(t, b).OpenView(model.ViewSpec{Kind: "pods"})
		require.NoError(t, err)
		const n = 10
		var runs []string
		require.Eventually(t, func() bool {
			runs = lines(t, filepath.Join(dir, "runs"))[before:]
			return len(runs) >= n
		}, 60*time.Second, 50*time.Millisecond, "the plugin ran %d times", len(runs))
		at := func(i int) time.Time {
			ns, err := strconv.ParseInt(runs[i], 10, 64)
			require.NoError(t, err)
			return time.Unix(0, ns)
		}
		span := at(n - 1).Sub(at(0))
		t.Logf("the failing plugin's first %d runs spanned %v", n, span)
		assert.GreaterOrEqual(t, span, 2*time.Second, "the plugin's runs back off; no loop")
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
