package controlplane

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
)

func TestRequiredVersion(t *testing.T) {
	tests := []struct {
		name, goMod, module, want string
		wantErr                   bool
	}{
		{name: "single line", goMod: "module x\n\nrequire k8s.io/kubernetes v1.37.2\n", module: "k8s.io/kubernetes", want: "v1.37.2"},
		{name: "block", goMod: "module x\n\nrequire (\n\tgo.etcd.io/etcd/api/v3 v3.6.16\n\tgo.etcd.io/etcd/server/v3 v3.6.16 // indirect\n)\n", module: "go.etcd.io/etcd/server/v3", want: "v3.6.16"},
		{name: "prefix of another module does not match", goMod: "require sigs.k8s.io/kwok-extra v9.9.9\n", module: "sigs.k8s.io/kwok", wantErr: true},
		{name: "replace lines are not requires", goMod: "replace k8s.io/api => k8s.io/api v0.37.2\n", module: "k8s.io/api", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "go.mod")
			require.NoError(t, os.WriteFile(p, []byte(tt.goMod), 0o644))
			got, err := requiredVersion(p, tt.module)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestToolsModulesPinVersions(t *testing.T) {
	root, err := FindRepoRoot()
	require.NoError(t, err)
	want := map[string]string{"etcd": "v3.6.16", "kube": "v1.37.2", "kwok": "v0.8.0", "metrics-server": "v0.8.0"}
	for _, tl := range tools {
		if tl.sources != nil {
			continue
		}
		v, err := requiredVersion(filepath.Join(tl.modDir(root), "go.mod"), tl.module)
		require.NoError(t, err)
		assert.Equal(t, want[tl.dir], v, tl.dir)
	}
}

func TestIsZombie(t *testing.T) {
	assert.True(t, isZombie([]byte("123 (kube-apiserver) Z 1 2 3")))
	assert.False(t, isZombie([]byte("123 (kube-apiserver) S 1 2 3")))
	assert.False(t, isZombie([]byte("123 (odd) name) R 1")))
	assert.False(t, isZombie([]byte("garbage")))
}

func TestWriteConfigs(t *testing.T) {
	opts := Options{Dir: t.TempDir(), PortBase: 31000}.withDefaults()
	p, err := ensurePKI(opts.Dir, allUsers(opts))
	require.NoError(t, err)
	require.NoError(t, writeConfigs(opts, p))

	cfg, err := clientcmd.LoadFromFile(opts.KubeconfigPath())
	require.NoError(t, err)
	assert.Len(t, cfg.Contexts, 5)
	assert.Equal(t, ContextDemoAdmin, cfg.CurrentContext)
	sso := cfg.AuthInfos[ContextDemoSSO].Exec
	require.NotNil(t, sso, "demo-sso runs a credential plugin")
	assert.Equal(t, "demo", cfg.Contexts[ContextDemoSSO].Cluster)
	out, err := exec.Command(sso.Command, sso.Args...).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the plugin fails")
	assert.Contains(t, string(out), "run 'acme-sso login'")
	assert.Equal(t, "https://127.0.0.1:31010", cfg.Clusters["demo"].Server)
	assert.Equal(t, "https://127.0.0.1:31020", cfg.Clusters["staging"].Server)
	assert.Equal(t, "https://127.0.0.1:31099", cfg.Clusters["offline"].Server)
	assert.NotEqual(t, cfg.AuthInfos[ContextDemoAdmin].Token, cfg.AuthInfos[ContextStagingAdmin].Token)

	tokens, err := os.ReadFile(filepath.Join(opts.Dir, "demo", "tokens.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(tokens), p.Tokens[ContextDemoViewer]+",shop-viewer,demo-viewer,\"\"\n")
	assert.Contains(t, string(tokens), p.Tokens[ContextDemoAdmin]+",crowsnest-admin,demo-admin,\"system:masters\"\n")

	// Key material survives a second run, so issued kubeconfigs stay valid.
	again, err := ensurePKI(opts.Dir, allUsers(opts))
	require.NoError(t, err)
	assert.Equal(t, p.Tokens, again.Tokens)
}

func TestValidate(t *testing.T) {
	assert.Error(t, Options{Clusters: []string{"prod"}}.withDefaults().validate())
	assert.Error(t, Options{PortBase: 80}.withDefaults().validate())
	assert.NoError(t, Options{}.withDefaults().validate())
}

// TestPodSimSourcesKeyItsBuild checks what sourceHash relies on: podsim
// imports nothing from this module outside the directories that key it.
func TestPodSimSourcesKeyItsBuild(t *testing.T) {
	root, err := FindRepoRoot()
	require.NoError(t, err)
	out, err := outputGo(t.Context(), root, "list", "-deps", "./hack/cmd/podsim")
	require.NoError(t, err)
	var own []string
	for _, pkg := range strings.Fields(out) {
		if strings.HasPrefix(pkg, "crowsnest/") {
			own = append(own, pkg)
		}
	}
	assert.ElementsMatch(t, []string{"crowsnest/hack/podsim", "crowsnest/hack/cmd/podsim"}, own)
	for _, tl := range tools {
		if tl.dir == "podsim" {
			assert.ElementsMatch(t, []string{"hack/podsim", "hack/cmd/podsim"}, tl.sources)
		}
	}
}
