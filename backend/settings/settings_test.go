package settings_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/settings"
)

func TestOpenMissingFileGivesDefaults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet")
	s, err := settings.Open(dir)
	require.NoError(t, err)
	assert.Equal(t, settings.Settings{ExtraPath: nil}, stripEmpty(s.Get()))
	assert.Empty(t, s.Problem())
	_, err = os.Stat(s.Path())
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing is written until something is saved")
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := settings.Settings{
		LastContext: "demo-admin",
		Namespaces:  map[string]string{"demo-admin": "shop", "staging-admin": ""},
		Window:      settings.Window{Width: 1400, Height: 900, X: -20, Y: 40, PositionSaved: true},
		Theme:       "dark",
		ExtraPath:   []string{"/opt/google-cloud-sdk/bin", "/home/me/.krew/bin"},
		Logs:        settings.Logs{MaxLines: 250_000, MaxMiB: 64},
		Terminal:    settings.Terminal{FontSize: 15},
		NodeShell:   settings.NodeShell{Contexts: map[string]bool{"demo-admin": true}, Image: "registry.example.com/tools/shell:1.0", Namespace: "ops"},
	}
	s, err := settings.Open(dir)
	require.NoError(t, err)
	require.NoError(t, s.Save(want))
	assert.Equal(t, want, s.Get())

	reopened, err := settings.Open(dir)
	require.NoError(t, err)
	assert.Empty(t, reopened.Problem())
	assert.Equal(t, want, reopened.Get())

	info, err := os.Stat(s.Path())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "settings name contexts: private to the user")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

func TestGetReturnsACopy(t *testing.T) {
	s, err := settings.Open(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, s.Save(settings.Settings{Namespaces: map[string]string{"a": "x"}, ExtraPath: []string{"/a"},
		Forwards:  map[string][]settings.SavedForward{"a": {{Kind: "pods", Namespace: "n", Name: "p", Port: "80"}}},
		NodeShell: settings.NodeShell{Contexts: map[string]bool{"a": true}}}))
	got := s.Get()
	got.Namespaces["a"] = "changed"
	got.ExtraPath[0] = "/changed"
	got.Forwards["a"][0].Port = "81"
	got.NodeShell.Contexts["a"] = false
	assert.Equal(t, "x", s.Get().Namespaces["a"])
	assert.Equal(t, "/a", s.Get().ExtraPath[0])
	assert.Equal(t, "80", s.Get().Forwards["a"][0].Port)
	assert.True(t, s.Get().NodeShell.Enabled("a"))
}

// TestNodeShellSettings: off unless enabled for the context; the image and
// namespace have defaults and are checked.
func TestNodeShellSettings(t *testing.T) {
	var off settings.NodeShell
	assert.False(t, off.Enabled("demo-admin"), "off by default")
	assert.Equal(t, "busybox:1.36", off.ImageOrDefault())
	assert.Equal(t, "kube-system", off.NamespaceOrDefault())
	on := settings.NodeShell{Contexts: map[string]bool{"demo-admin": true, "prod": false}, Image: "alpine:3.20", Namespace: "ops"}
	assert.True(t, on.Enabled("demo-admin"))
	assert.False(t, on.Enabled("prod"))
	assert.False(t, on.Enabled("staging"))
	assert.Equal(t, "alpine:3.20", on.ImageOrDefault())
	assert.Equal(t, "ops", on.NamespaceOrDefault())

	for _, tc := range []struct {
		image string
		ok    bool
	}{
		{"busybox", true},
		{"busybox:1.36", true},
		{"docker.io/library/busybox:1.36.1-musl", true},
		{"registry.example.com:5000/tools/node_shell:v1", true},
		{"localhost/shell@sha256:" + strings.Repeat("ab", 32), true},
		{"ghcr.io/org/img:1.0@sha256:" + strings.Repeat("0f", 32), true},
		{"", false},
		{"Busybox", false},
		{"busybox 1.36", false},
		{"busybox:1.36\n", false},
		{"busybox:", false},
		{"-busybox", false},
		{"busybox:" + strings.Repeat("a", 129), false},
		{"a/" + strings.Repeat("b", 600), false},
	} {
		err := settings.ValidImage(tc.image)
		assert.Equal(t, tc.ok, err == nil, "%q: %v", tc.image, err)
	}
	// Saved through the settings, a bad image names the field.
	err := settings.Settings{NodeShell: settings.NodeShell{Image: "not an image"}}.Validate()
	assert.ErrorContains(t, err, "nodeShell: image")
}

func manyContexts(n int) map[string]bool {
	m := map[string]bool{}
	for i := range n {
		m[fmt.Sprintf("ctx-%d", i)] = true
	}
	return m
}

func TestCorruptFileIsReportedAndReplaced(t *testing.T) {
	tests := []struct {
		name    string
		content string
		problem string
	}{
		{name: "truncated JSON", content: `{"lastContext": "demo`, problem: "parse"},
		{name: "not an object", content: `[1, 2, 3]`, problem: "parse"},
		{name: "wrong type", content: `{"window": "big"}`, problem: "parse"},
		{name: "trailing garbage", content: `{} {}`, problem: "trailing data"},
		{name: "invalid value", content: `{"theme": "neon"}`, problem: `theme "neon"`},
		{name: "relative extra path", content: `{"extraPath": ["bin"]}`, problem: `"bin" is not a clean absolute directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, settings.FileName)
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))

			s, err := settings.Open(dir)
			require.NoError(t, err, "a corrupt file is never fatal")
			assert.Contains(t, s.Problem(), tt.problem)
			assert.Contains(t, s.Problem(), path)
			assert.Equal(t, settings.Settings{}, stripEmpty(s.Get()))

			kept, err := os.ReadFile(path + ".corrupt")
			require.NoError(t, err, "the corrupt file is kept for the user")
			assert.Equal(t, tt.content, string(kept))

			// The replacement is valid: the next start has no problem.
			again, err := settings.Open(dir)
			require.NoError(t, err)
			assert.Empty(t, again.Problem())
		})
	}
}

func TestSaveRejectsInvalidSettings(t *testing.T) {
	s, err := settings.Open(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, s.Save(settings.Settings{Theme: "light"}))
	for name, bad := range map[string]settings.Settings{
		"theme":                {Theme: "neon"},
		"relative path":        {ExtraPath: []string{"relative/bin"}},
		"unclean path":         {ExtraPath: []string{"/usr/local/../bin"}},
		"list separator":       {ExtraPath: []string{"/a" + string(filepath.ListSeparator) + "/b"}},
		"window":               {Window: settings.Window{Width: -1}},
		"few log lines":        {Logs: settings.Logs{MaxLines: 10}},
		"many log lines":       {Logs: settings.Logs{MaxLines: settings.MaxLogMaxLines + 1}},
		"log bytes":            {Logs: settings.Logs{MaxMiB: -1}},
		"huge log bytes":       {Logs: settings.Logs{MaxMiB: settings.MaxLogMaxMiB + 1}},
		"tiny font":            {Terminal: settings.Terminal{FontSize: settings.MinTerminalFontSize - 1}},
		"huge font":            {Terminal: settings.Terminal{FontSize: settings.MaxTerminalFontSize + 1}},
		"node shell image":     {NodeShell: settings.NodeShell{Image: "busybox 1.36"}},
		"node shell namespace": {NodeShell: settings.NodeShell{Namespace: "Kube_System"}},
		"node shell context":   {NodeShell: settings.NodeShell{Contexts: map[string]bool{"": true}}},
		"node shell contexts":  {NodeShell: settings.NodeShell{Contexts: manyContexts(257)}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, s.Save(bad))
			assert.Equal(t, "light", s.Get().Theme, "a rejected save changes nothing")
		})
	}
}

func TestConcurrentUpdatesKeepEveryField(t *testing.T) {
	dir := t.TempDir()
	s, err := settings.Open(dir)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := string(rune('a' + i))
			assert.NoError(t, s.Update(func(st *settings.Settings) {
				if st.Namespaces == nil {
					st.Namespaces = map[string]string{}
				}
				st.Namespaces[ctx] = "ns-" + ctx
			}))
		}()
	}
	wg.Wait()
	data, err := os.ReadFile(s.Path())
	require.NoError(t, err)
	var onDisk settings.Settings
	require.NoError(t, json.Unmarshal(data, &onDisk))
	assert.Len(t, onDisk.Namespaces, 20)
}

// stripEmpty makes nil and empty collections compare equal.
func stripEmpty(st settings.Settings) settings.Settings {
	if len(st.Namespaces) == 0 {
		st.Namespaces = nil
	}
	if len(st.ExtraPath) == 0 {
		st.ExtraPath = nil
	}
	return st
}

func TestLogLimits(t *testing.T) {
	lines, bytes := settings.Logs{}.Limits()
	assert.Equal(t, 100_000, lines)
	assert.Equal(t, int64(32<<20), bytes)
	lines, bytes = settings.Logs{MaxLines: 5000, MaxMiB: 8}.Limits()
	assert.Equal(t, 5000, lines)
	assert.Equal(t, int64(8<<20), bytes)
}

// TestReadOnlyReason: the global mode wins, a listed context is read-only,
// any other context is writable; saved and read back unchanged.
func TestReadOnlyReason(t *testing.T) {
	w := settings.Writes{ReadOnlyContexts: map[string]bool{"prod": true}}
	if got := w.ReadOnlyReason("prod"); got != `context "prod" is marked read-only (Settings)` {
		t.Errorf("prod: %q", got)
	}
	if got := w.ReadOnlyReason("dev"); got != "" {
		t.Errorf("dev: %q, want writable", got)
	}
	w.ReadOnly = true
	if got := w.ReadOnlyReason("dev"); got != "Crowsnest is in read-only mode (Settings)" {
		t.Errorf("global: %q", got)
	}
	s, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(settings.Settings{Writes: w}); err != nil {
		t.Fatal(err)
	}
	again, err := settings.Open(filepath.Dir(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	got := again.Get().Writes
	if !got.ReadOnly || !got.ReadOnlyContexts["prod"] || len(got.ReadOnlyContexts) != 1 {
		t.Errorf("read back %+v", got)
	}
	long := settings.Settings{Writes: settings.Writes{ReadOnlyContexts: map[string]bool{strings.Repeat("x", 2000): true}}}
	if err := long.Validate(); err == nil {
		t.Error("a 2,000-byte context name was accepted")
	}
}
