package session_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"crowsnest/backend/events"
	"crowsnest/backend/session"
)

// TestStartLeavesNoPluginDir: a context with an exec credential plugin
// gets a supervisor directory (under $TMPDIR) for its session; the
// session's Stop removes it, and so does a start that fails after it was
// made (here the client cannot be built: a QPS without a burst).
func TestStartLeavesNoPluginDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	config := func(burst int) *rest.Config {
		return &rest.Config{Host: "https://127.0.0.1:1", QPS: 5, Burst: burst, ExecProvider: &clientcmdapi.ExecConfig{
			APIVersion: "client.authentication.k8s.io/v1", Command: "acme-login", InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}}
	}
	left := func() []string {
		entries, err := os.ReadDir(tmp)
		require.NoError(t, err)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}

	s, err := session.Start(context.Background(), 1, "sso", "default", config(10), &events.Recorder{})
	require.NoError(t, err)
	assert.Len(t, left(), 1, "the session's plugin directory")
	s.Stop()
	assert.Empty(t, left(), "removed by Stop")

	_, err = session.Start(context.Background(), 2, "sso", "default", config(-1), &events.Recorder{})
	require.ErrorContains(t, err, `context "sso": burst is required`)
	assert.Empty(t, left(), "removed when the session could not be built")
}
