package kubeconfig_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/kubeconfig"
)

func contextByName(t *testing.T, cfg *kubeconfig.Config, name string) kubeconfig.Context {
	t.Helper()
	for _, c := range cfg.Contexts() {
		if c.Name == name {
			return c
		}
	}
	require.Failf(t, "context not listed", "context %q not in %v", name, contextNames(cfg))
	return kubeconfig.Context{}
}

func contextNames(cfg *kubeconfig.Config) []string {
	var names []string
	for _, c := range cfg.Contexts() {
		names = append(names, c.Name)
	}
	return names
}

func TestLoadMerge(t *testing.T) {
	const fileA = `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
users:
- name: admin
  user:
    token: token-from-a
contexts:
- name: shared
  context:
    cluster: shared
    user: admin
    namespace: from-a
- name: only-a
  context:
    cluster: shared
    user: admin
`
	const fileB = `apiVersion: v1
kind: Config
current-context: only-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
- name: b
  cluster:
    server: https://b-only.example:6443
users:
- name: admin
  user:
    token: token-from-b
contexts:
- name: shared
  context:
    cluster: b
    user: admin
    namespace: from-b
- name: only-b
  context:
    cluster: shared
    user: admin
`
	const fileC = `apiVersion: v1
kind: Config
current-context: only-a
clusters: []
users: []
contexts: []
`
	tests := []struct {
		name  string
		files []string // contents, loaded in this order
		check func(t *testing.T, cfg *kubeconfig.Config, paths []string)
	}{
		{
			name:  "first file wins per name",
			files: []string{fileA, fileB},
			check: func(t *testing.T, cfg *kubeconfig.Config, paths []string) {
				assert.Equal(t, []string{"only-a", "only-b", "shared"}, contextNames(cfg), "sorted by name")

				shared := contextByName(t, cfg, "shared")
				assert.Equal(t, "shared", shared.Cluster, "the context from file A is used")
				assert.Equal(t, "from-a", shared.Namespace)
				assert.Equal(t, paths[0], shared.File)
				assert.Equal(t, "https://a.example:6443", shared.Server)

				// only-b comes from file B but names cluster "shared", which
				// file A defines first: kubectl uses A's cluster.
				onlyB := contextByName(t, cfg, "only-b")
				assert.Equal(t, paths[1], onlyB.File)
				assert.Equal(t, "https://a.example:6443", onlyB.Server)

				rc, err := cfg.RESTConfig("only-b", "1.0.0")
				require.NoError(t, err)
				assert.Equal(t, "token-from-a", rc.BearerToken, "user admin from file A wins")
			},
		},
		{
			name:  "current-context from the first file that sets it",
			files: []string{fileA, fileB},
			check: func(t *testing.T, cfg *kubeconfig.Config, _ []string) {
				assert.Equal(t, "only-b", cfg.Current(), "file A sets none, so file B's is used")
				assert.True(t, contextByName(t, cfg, "only-b").Current)
				assert.False(t, contextByName(t, cfg, "only-a").Current)
			},
		},
		{
			name:  "earlier current-context beats a later one",
			files: []string{fileC, fileB, fileA},
			check: func(t *testing.T, cfg *kubeconfig.Config, _ []string) {
				assert.Equal(t, "only-a", cfg.Current())
				assert.True(t, contextByName(t, cfg, "only-a").Current)
				assert.Equal(t, "b", contextByName(t, cfg, "shared").Cluster, "file B now comes before file A")
			},
		},
		{
			name:  "shadowed entries are noted on the later file",
			files: []string{fileA, fileB},
			check: func(t *testing.T, cfg *kubeconfig.Config, paths []string) {
				files := cfg.Files()
				require.Len(t, files, 2)
				assert.True(t, files[0].Loaded)
				assert.Empty(t, files[0].Problem)
				assert.True(t, files[1].Loaded)
				assert.Contains(t, files[1].Problem, `context "shared" also defined in `+paths[0]+`; that one is used`)
				assert.Contains(t, files[1].Problem, `cluster "shared" also defined in `+paths[0])
				assert.Contains(t, files[1].Problem, `user "admin" also defined in `+paths[0])
			},
		},
		{
			name:  "the same file listed twice is read once",
			files: []string{fileA},
			check: func(t *testing.T, _ *kubeconfig.Config, paths []string) {
				cfg := kubeconfig.Load([]string{paths[0], paths[0]})
				require.Len(t, cfg.Files(), 1)
				assert.Empty(t, cfg.Files()[0].Problem)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for i, content := range tt.files {
				paths = append(paths, writeFile(t, dir, filepath.Join(string(rune('a'+i)), "config"), content))
			}
			tt.check(t, kubeconfig.Load(paths), paths)
		})
	}
}

func TestLoadFileProblems(t *testing.T) {
	tests := []struct {
		name        string
		content     *string // nil: the file does not exist
		wantLoaded  bool
		wantProblem string
	}{
		{name: "missing file", content: nil, wantProblem: "file does not exist"},
		{name: "empty file", content: ptr(""), wantProblem: "file is empty"},
		{name: "whitespace only", content: ptr("\n  \n\t\n"), wantProblem: "file is empty"},
		{name: "malformed yaml", content: ptr("clusters:\n- name: x\n  cluster: [\n"), wantProblem: "parse "},
		{name: "wrong kind", content: ptr("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"), wantProblem: `no kind "Pod"`},
		{name: "wrong type", content: ptr("clusters: 7\n"), wantProblem: "parse "},
		{name: "comments only", content: ptr("# nothing here\n"), wantLoaded: true, wantProblem: "file defines no clusters, users, contexts or current-context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			good := writeFile(t, dir, "good", singleContext("good", "c", "https://good.example", "u"))
			bad := filepath.Join(dir, "bad")
			if tt.content != nil {
				writeFile(t, dir, "bad", *tt.content)
			}
			good2 := writeFile(t, dir, "good2", singleContext("good2", "c2", "https://good2.example", "u2"))

			cfg := kubeconfig.Load([]string{good, bad, good2})

			files := cfg.Files()
			require.Len(t, files, 3)
			assert.Equal(t, bad, files[1].Path)
			assert.Equal(t, tt.wantLoaded, files[1].Loaded)
			assert.Contains(t, files[1].Problem, tt.wantProblem)
			if strings.HasPrefix(tt.wantProblem, "parse") || strings.HasPrefix(tt.wantProblem, "no kind") {
				assert.Contains(t, files[1].Problem, bad, "a parse problem names the file")
			}
			for _, f := range []kubeconfig.FileStatus{files[0], files[2]} {
				assert.True(t, f.Loaded, f.Path)
				assert.Empty(t, f.Problem, f.Path)
			}
			for _, name := range []string{"good", "good2"} {
				assert.True(t, contextByName(t, cfg, name).Valid(), name)
				_, err := cfg.RESTConfig(name, "test")
				assert.NoError(t, err, "the other files stay usable")
			}
		})
	}
}

func TestLoadFromKUBECONFIG(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", singleContext("good", "c", "https://good.example", "u"))
	missing := filepath.Join(dir, "missing.yaml")
	malformed := writeFile(t, dir, "malformed.yaml", "apiVersion: v1\nkind: Config\nclusters: {{{\n")
	t.Setenv("KUBECONFIG", strings.Join([]string{good, missing, malformed}, string(os.PathListSeparator)))

	cfg := kubeconfig.Load(kubeconfig.Paths())

	files := cfg.Files()
	require.Len(t, files, 3)
	assert.Equal(t, kubeconfig.FileStatus{Path: good, Loaded: true}, files[0])
	assert.Equal(t, kubeconfig.FileStatus{Path: missing, Problem: "file does not exist"}, files[1])
	assert.False(t, files[2].Loaded)
	assert.Contains(t, files[2].Problem, "parse "+malformed+": ")

	require.Equal(t, []string{"good"}, contextNames(cfg))
	rc, err := cfg.RESTConfig("good", "test")
	require.NoError(t, err)
	assert.Equal(t, "https://good.example", rc.Host)
}

func TestPaths(t *testing.T) {
	sep := string(os.PathListSeparator)
	tests := []struct {
		name       string
		kubeconfig *string // nil: unset
		want       func(home string) []string
	}{
		{
			name:       "unset uses ~/.kube/config",
			kubeconfig: nil,
			want:       func(home string) []string { return []string{filepath.Join(home, ".kube", "config")} },
		},
		{
			name:       "empty uses ~/.kube/config",
			kubeconfig: ptr(""),
			want:       func(home string) []string { return []string{filepath.Join(home, ".kube", "config")} },
		},
		{
			name:       "single path",
			kubeconfig: ptr("/a/config"),
			want:       func(string) []string { return []string{"/a/config"} },
		},
		{
			name:       "several paths in order",
			kubeconfig: ptr(strings.Join([]string{"/b", "/a", "/c"}, sep)),
			want:       func(string) []string { return []string{"/b", "/a", "/c"} },
		},
		{
			name:       "duplicates and empty entries dropped, first kept",
			kubeconfig: ptr(strings.Join([]string{"", "/a", "/b", "", "/a", "/c", "/b", ""}, sep)),
			want:       func(string) []string { return []string{"/a", "/b", "/c"} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("USERPROFILE", home)
			t.Setenv("KUBECONFIG", "")
			if tt.kubeconfig == nil {
				require.NoError(t, os.Unsetenv("KUBECONFIG")) // t.Setenv restores it afterwards
			} else {
				t.Setenv("KUBECONFIG", *tt.kubeconfig)
			}
			assert.Equal(t, tt.want(home), kubeconfig.Paths())
		})
	}
}

func TestLoadNothing(t *testing.T) {
	cfg := kubeconfig.Load(nil)
	assert.Empty(t, cfg.Files())
	assert.Empty(t, cfg.Contexts())
	assert.Empty(t, cfg.Current())
	_, err := cfg.RESTConfig("", "test")
	assert.ErrorIs(t, err, kubeconfig.ErrContextNotFound)

	var nilCfg *kubeconfig.Config
	assert.Empty(t, nilCfg.Contexts())
	_, err = nilCfg.RESTConfig("x", "test")
	assert.ErrorIs(t, err, kubeconfig.ErrContextNotFound)
}

func ptr[T any](v T) *T { return &v }
