package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/model"
	"crowsnest/backend/settings"
)

// TestSavedForwardsComeBackStopped: a context's saved forwards are listed,
// stopped and marked saved, after a switch to it; unsaving and removing
// write the settings.
func TestSavedForwardsComeBackStopped(t *testing.T) {
	store, err := settings.Open(t.TempDir())
	require.NoError(t, err)
	saved := settings.SavedForward{Kind: "services", Namespace: "shop", Name: "web", Port: "http", LocalPort: 8080}
	require.NoError(t, store.Update(func(s *settings.Settings) {
		s.Forwards = map[string][]settings.SavedForward{"fuzz": {saved}, "other": {{Kind: "pods", Namespace: "x", Name: "y", Port: "80"}}}
	}))
	a := fuzzApp(t)
	a.desk = &desktop{settings: store, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a.connected("fuzz")

	list, err := a.Forwards()
	require.NoError(t, err)
	require.Len(t, list, 1, "only this context's")
	f := list[0]
	assert.Equal(t, model.Forward{ID: f.ID, Generation: f.Generation, Kind: "services", Namespace: "shop", Name: "web", Port: "http",
		LocalPort: 8080, Address: "127.0.0.1:8080", State: model.ForwardStopped, Saved: true}, f)

	require.NoError(t, a.SaveForward(f.ID, false))
	assert.NotContains(t, store.Get().Forwards, "fuzz")
	list, err = a.Forwards()
	require.NoError(t, err)
	assert.False(t, list[0].Saved)
	require.NoError(t, a.SaveForward(f.ID, true))
	assert.Equal(t, []settings.SavedForward{saved}, store.Get().Forwards["fuzz"])

	require.NoError(t, a.RemoveForward(f.ID))
	assert.NotContains(t, store.Get().Forwards, "fuzz")
	assert.Len(t, store.Get().Forwards["other"], 1)
	list, err = a.Forwards()
	require.NoError(t, err)
	assert.Empty(t, list)
}
