package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/session"
	"crowsnest/backend/settings"
)

// TestNodeShellSettingsReachTheSession: the session reads a context's node
// shell settings as they are now, the defaults filled in.
func TestNodeShellSettingsReachTheSession(t *testing.T) {
	store, err := settings.Open(t.TempDir())
	require.NoError(t, err)
	d := &desktop{settings: store, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	assert.Equal(t, session.NodeShellConfig{Image: "busybox:1.36", Namespace: "kube-system"}, d.nodeShell("demo-admin"), "off by default")
	require.NoError(t, store.Update(func(s *settings.Settings) {
		s.NodeShell = settings.NodeShell{Contexts: map[string]bool{"demo-admin": true}, Image: "alpine:3.20", Namespace: "ops"}
	}))
	assert.Equal(t, session.NodeShellConfig{Enabled: true, Image: "alpine:3.20", Namespace: "ops"}, d.nodeShell("demo-admin"))
	assert.False(t, d.nodeShell("prod").Enabled)
}
