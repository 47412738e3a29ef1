package applog_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/applog"
	"crowsnest/backend/model"
)

func TestFileRotatesBySize(t *testing.T) {
	dir := t.TempDir()
	f, err := applog.OpenFile(dir, 100, 2)
	require.NoError(t, err)
	defer f.Close()
	line := func(i int) []byte { return []byte(fmt.Sprintf("record %03d %s\n", i, strings.Repeat("x", 30))) } // 42 bytes
	for i := range 10 {
		_, err := f.Write(line(i))
		require.NoError(t, err)
	}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return string(data)
	}
	// Two records fit in 100 bytes: 0-1, 2-3, 4-5, 6-7, 8-9; keep 2 old files.
	assert.Equal(t, string(line(8))+string(line(9)), read(applog.FileName))
	assert.Equal(t, string(line(6))+string(line(7)), read(applog.FileName+".1"))
	assert.Equal(t, string(line(4))+string(line(5)), read(applog.FileName+".2"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "older files are deleted")

	info, err := os.Stat(f.Path())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func TestFileAppendsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	f, err := applog.OpenFile(dir, 100, 2)
	require.NoError(t, err)
	_, err = f.Write([]byte(strings.Repeat("a", 80) + "\n"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, err = f.Write([]byte("late\n"))
	assert.ErrorIs(t, err, os.ErrClosed)

	// The size carried over from the existing file triggers the rotation.
	f, err = applog.OpenFile(dir, 100, 2)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Write([]byte(strings.Repeat("b", 40) + "\n"))
	require.NoError(t, err)
	old, err := os.ReadFile(f.Path() + ".1")
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("a", 80)+"\n", string(old))
}

func TestLoggerMasksSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := applog.New(&buf, slog.LevelInfo)
	log.Info("request", "token", "abc123secret", "Authorization", "Bearer abc123secret",
		"client-key-data", "KEYDATA", "detail", `Get "https://x": header Authorization: Bearer abc123secret.more`,
		"context", "demo-admin")
	out := buf.String()
	assert.NotContains(t, out, "abc123secret")
	assert.NotContains(t, out, "KEYDATA")
	assert.Contains(t, out, "context=demo-admin", "ordinary attributes are kept")
	assert.Contains(t, out, "[redacted]")
}

func TestSessionLogLogsTransitions(t *testing.T) {
	var buf bytes.Buffer
	l := applog.NewSessionLog(applog.New(&buf, slog.LevelInfo))
	st := model.SessionStatus{Generation: 1, Context: "demo-admin", Server: "https://127.0.0.1:6443", Phase: model.PhaseConnecting}
	l.Observe(st)
	st.Phase = model.PhaseConnected
	l.Observe(st)
	l.Observe(st) // the same status again changes nothing
	st.Kinds = []model.KindStatus{{Kind: "namespaces", State: "syncing"}, {Kind: "pods", State: "pending"}}
	l.Observe(st)
	st.Kinds = []model.KindStatus{{Kind: "namespaces", State: "synced", Count: 7}, {Kind: "pods", State: "pending"}}
	l.Observe(st)
	l.Observe(st)
	// A stale event of the old session after a switch is ignored.
	l.Observe(model.SessionStatus{Generation: 2, Context: "offline", Phase: model.PhaseError, Message: "cannot reach"})
	l.Observe(model.SessionStatus{Generation: 1, Context: "demo-admin", Phase: model.PhaseConnecting})

	out := buf.String()
	for _, want := range []string{
		`msg="session connecting" generation=1 context=demo-admin`,
		`msg="session connected" generation=1 context=demo-admin server=https://127.0.0.1:6443`,
		`msg="kind syncing" generation=1 context=demo-admin kind=namespaces`,
		`msg="kind synced" generation=1 context=demo-admin kind=namespaces count=7`,
		`msg="session failed" generation=2 context=offline server="" error="cannot reach"`,
	} {
		assert.Contains(t, out, want)
	}
	assert.Equal(t, 1, strings.Count(out, "session connected"))
	assert.Equal(t, 1, strings.Count(out, "kind synced"))
	assert.NotContains(t, out, "pods")
	assert.Equal(t, 1, strings.Count(out, "session connecting"), "the stale event of generation 1 is not logged")
}
