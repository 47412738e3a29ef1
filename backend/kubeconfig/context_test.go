package kubeconfig_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/kubeconfig"
)

// TestContextProblems checks that each broken context gets a specific
// problem, that RESTConfig refuses it with the same message, and that a valid
// context in the same file is unaffected.
func TestContextProblems(t *testing.T) {
	// Every case's YAML is appended to this, which holds a valid context "ok".
	const base = `apiVersion: v1
kind: Config
clusters:
- name: ok
  cluster:
    server: https://ok.example:6443
users:
- name: ok
  user:
    token: ` + secretToken + `
contexts:
- name: ok
  context:
    cluster: ok
    user: ok
`
	tests := []struct {
		name     string
		yaml     string // extra list items; see below
		wantAll  []string
		wantIsNF bool // the error matches fs.ErrNotExist
	}{
		{
			name: "cluster missing",
			yaml: `
contexts+:
- name: broken
  context:
    cluster: prod
    user: ok
`,
			wantAll: []string{`cluster "prod" not found in any kubeconfig file`},
		},
		{
			name: "user missing",
			yaml: `
contexts+:
- name: broken
  context:
    cluster: ok
    user: bob
`,
			wantAll: []string{`user "bob" not found in any kubeconfig file`},
		},
		{
			name: "cluster and user missing",
			yaml: `
contexts+:
- name: broken
  context:
    cluster: prod
    user: bob
`,
			wantAll: []string{`cluster "prod" not found`, `user "bob" not found`},
		},
		{
			name: "context without cluster",
			yaml: `
contexts+:
- name: broken
  context:
    user: ok
`,
			wantAll: []string{"context sets no cluster"},
		},
		{
			name: "cluster without server",
			yaml: `
clusters+:
- name: x
  cluster:
    insecure-skip-tls-verify: true
contexts+:
- name: broken
  context:
    cluster: x
    user: ok
`,
			wantAll: []string{`no server set for cluster "x"`},
		},
		{
			name: "server not a URL",
			yaml: `
clusters+:
- name: x
  cluster:
    server: "https://user:` + secretToken + `@bad host"
contexts+:
- name: broken
  context:
    cluster: x
    user: ok
`,
			wantAll: []string{`server of cluster "x" is not a URL or host:port`},
		},
		{
			name: "missing certificate-authority file",
			yaml: `
clusters+:
- name: x
  cluster:
    server: https://x.example
    certificate-authority: /nonexistent-crowsnest/ca.crt
contexts+:
- name: broken
  context:
    cluster: x
    user: ok
`,
			wantAll:  []string{"certificate-authority file /nonexistent-crowsnest/ca.crt: no such file or directory"},
			wantIsNF: true,
		},
		{
			name: "missing relative client certificate and key",
			yaml: `
users+:
- name: certs
  user:
    client-certificate: certs/missing.crt
    client-key: certs/missing.key
contexts+:
- name: broken
  context:
    cluster: ok
    user: certs
`,
			wantAll:  []string{"client-certificate file {{dir}}/certs/missing.crt: no such file or directory", "client-key file {{dir}}/certs/missing.key: no such file or directory"},
			wantIsNF: true,
		},
		{
			name: "client certificate without key",
			yaml: `
users+:
- name: certs
  user:
    client-certificate-data: Y2VydA==
contexts+:
- name: broken
  context:
    cluster: ok
    user: certs
`,
			wantAll: []string{`user "certs" has a client certificate but no client-key or client-key-data`},
		},
		{
			name: "missing token file",
			yaml: `
users+:
- name: tf
  user:
    tokenFile: tokens/missing
contexts+:
- name: broken
  context:
    cluster: ok
    user: tf
`,
			wantAll:  []string{"tokenFile file {{dir}}/tokens/missing: no such file or directory"},
			wantIsNF: true,
		},
		{
			name: "token and basic auth",
			yaml: `
users+:
- name: two
  user:
    token: ` + secretToken + `
    username: admin
    password: ` + secretToken + `-pw
contexts+:
- name: broken
  context:
    cluster: ok
    user: two
`,
			wantAll: []string{`user "two" sets both a token and a username/password; keep one`},
		},
		{
			name: "invalid namespace",
			yaml: `
contexts+:
- name: broken
  context:
    cluster: ok
    user: ok
    namespace: Not_A_Namespace
`,
			wantAll: []string{`namespace "Not_A_Namespace" is not a valid namespace name`},
		},
		{
			name: "insecure together with a CA",
			yaml: `
clusters+:
- name: x
  cluster:
    server: https://x.example
    insecure-skip-tls-verify: true
    certificate-authority-data: Y2E=
contexts+:
- name: broken
  context:
    cluster: x
    user: ok
`,
			wantAll: []string{`cluster "x" sets insecure-skip-tls-verify together with a certificate authority`},
		},
		{
			name: "bad proxy-url",
			yaml: `
clusters+:
- name: x
  cluster:
    server: https://x.example
    proxy-url: ftp://user:` + secretToken + `@proxy.example
contexts+:
- name: broken
  context:
    cluster: x
    user: ok
`,
			wantAll: []string{`proxy-url of cluster "x" is not an http, https or socks5 URL`},
		},
		{
			name: "gcp auth provider",
			yaml: `
users+:
- name: gke
  user:
    auth-provider:
      name: gcp
      config:
        access-token: ` + secretToken + `
contexts+:
- name: broken
  context:
    cluster: ok
    user: gke
`,
			wantAll: []string{`auth provider "gcp" was removed from client-go; install the gke-gcloud-auth-plugin exec plugin`, "https://cloud.google.com/"},
		},
		{
			name: "azure auth provider",
			yaml: `
users+:
- name: aks
  user:
    auth-provider:
      name: azure
      config:
        access-token: ` + secretToken + `
contexts+:
- name: broken
  context:
    cluster: ok
    user: aks
`,
			wantAll: []string{`auth provider "azure" was removed from client-go`, "kubelogin convert-kubeconfig", "https://azure.github.io/kubelogin/"},
		},
		{
			name: "oidc without client-id",
			yaml: `
users+:
- name: sso
  user:
    auth-provider:
      name: oidc
      config:
        idp-issuer-url: https://issuer.example
        id-token: ` + secretToken + `
contexts+:
- name: broken
  context:
    cluster: ok
    user: sso
`,
			wantAll: []string{`auth provider "oidc" of user "sso" sets no client-id`},
		},
		{
			name: "unknown auth provider",
			yaml: `
users+:
- name: other
  user:
    auth-provider:
      name: openstack
contexts+:
- name: broken
  context:
    cluster: ok
    user: other
`,
			wantAll: []string{`auth provider "openstack" of user "other" is not supported; switch the user to an exec credential plugin`},
		},
		{
			name: "exec plugin not in PATH shows the install hint",
			yaml: `
users+:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: crowsnest-no-such-plugin
      installHint: "Install it with: brew install crowsnest-no-such-plugin"
contexts+:
- name: broken
  context:
    cluster: ok
    user: eks
`,
			wantAll: []string{`exec plugin "crowsnest-no-such-plugin" not found in PATH "`, `settings); Install it with: brew install crowsnest-no-such-plugin`},
		},
		{
			name: "exec plugin v1 without interactiveMode",
			yaml: `
users+:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/sh
contexts+:
- name: broken
  context:
    cluster: ok
    user: eks
`,
			wantAll: []string{`exec plugin of user "eks" must set interactiveMode (Never or IfAvailable)`},
		},
		{
			name: "exec plugin that needs a terminal",
			yaml: `
users+:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/sh
      interactiveMode: Always
contexts+:
- name: broken
  context:
    cluster: ok
    user: eks
`,
			wantAll: []string{`exec plugin of user "eks" needs a terminal (interactiveMode: Always)`},
		},
		{
			name: "exec plugin without command or apiVersion",
			yaml: `
users+:
- name: eks
  user:
    exec:
      interactiveMode: Never
contexts+:
- name: broken
  context:
    cluster: ok
    user: eks
`,
			wantAll: []string{`exec plugin of user "eks" sets no command`, `exec plugin of user "eks" sets no apiVersion`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir()) // no plugins to be found
			dir := t.TempDir()
			path := writeFile(t, dir, "config", mergeLists(t, base, tt.yaml))

			cfg := kubeconfig.Load([]string{path})
			require.Equal(t, kubeconfig.FileStatus{Path: path, Loaded: true}, cfg.Files()[0])

			broken := contextByName(t, cfg, "broken")
			assert.False(t, broken.Valid())
			_, err := cfg.RESTConfig("broken", "test")
			require.Error(t, err)
			assert.ErrorIs(t, err, kubeconfig.ErrContextInvalid)
			assert.Contains(t, err.Error(), `context "broken"`)
			for _, want := range tt.wantAll {
				want = replaceDir(want, dir)
				assert.True(t, containsSubstring(broken.Problems, want), "problems %q lack %q", broken.Problems, want)
			}
			for _, p := range broken.Problems {
				assert.Contains(t, err.Error(), p, "RESTConfig reports the listed problem verbatim")
				assert.NotContains(t, p, secretToken)
			}
			assert.NotContains(t, err.Error(), secretToken)
			if tt.wantIsNF {
				assert.ErrorIs(t, err, fs.ErrNotExist)
			}

			ok := contextByName(t, cfg, "ok")
			assert.True(t, ok.Valid(), "problems: %v", ok.Problems)
			_, err = cfg.RESTConfig("ok", "test")
			assert.NoError(t, err, "the other context stays usable")
		})
	}
}

func TestRelativePathsResolvedAgainstTheirFile(t *testing.T) {
	dir := t.TempDir()
	caPath := writeFile(t, dir, "kube/certs/ca.crt", "not checked at this point\n")
	tokenPath := writeFile(t, dir, "kube/tokens/dev", "token-from-file")
	// The kubeconfig lives in kube/, so relative paths start there, whatever
	// the working directory of the process.
	path := writeFile(t, dir, "kube/config", `apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster:
    server: https://dev.example
    certificate-authority: certs/ca.crt
users:
- name: dev
  user:
    tokenFile: ./tokens/dev
contexts:
- name: dev
  context:
    cluster: dev
    user: dev
`)
	cfg := kubeconfig.Load([]string{path})
	dev := contextByName(t, cfg, "dev")
	require.True(t, dev.Valid(), "problems: %v", dev.Problems)

	rc, err := cfg.RESTConfig("dev", "test")
	require.NoError(t, err)
	assert.True(t, filepath.IsAbs(rc.TLSClientConfig.CAFile), rc.TLSClientConfig.CAFile)
	assert.Equal(t, caPath, rc.TLSClientConfig.CAFile)
	assert.FileExists(t, rc.TLSClientConfig.CAFile)
	assert.Equal(t, tokenPath, rc.BearerTokenFile)
	assert.Equal(t, "token-from-file", rc.BearerToken)
}

func TestExecPluginIsNeverRun(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as the plugin")
	}
	dir := t.TempDir()
	marker := filepath.Join(dir, "plugin-ran")
	script := writeFile(t, dir, "kube/bin/plugin", "#!/bin/sh\ntouch '"+marker+"'\n")
	require.NoError(t, os.Chmod(script, 0o755))
	path := writeFile(t, dir, "kube/config", `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster:
    server: https://eks.example
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: bin/plugin
      args: [token, --cluster, eks]
      installHint: "\u001b[1mInstall\u001b[0m the plugin"
contexts:
- name: eks
  context:
    cluster: eks
    user: eks
`)

	cfg := kubeconfig.Load([]string{path})
	eks := contextByName(t, cfg, "eks")
	require.True(t, eks.Valid(), "problems: %v", eks.Problems)
	require.NotNil(t, eks.Exec)
	assert.Equal(t, &kubeconfig.Exec{
		Command:     script, // resolved against the kubeconfig's directory
		Args:        []string{"token", "--cluster", "eks"},
		InstallHint: "[1mInstall[0m the plugin", // escape characters removed
	}, eks.Exec)
	assert.Empty(t, eks.AuthProvider)

	rc, err := cfg.RESTConfig("eks", "test")
	require.NoError(t, err)
	require.NotNil(t, rc.ExecProvider)
	assert.Equal(t, script, rc.ExecProvider.Command)
	assert.True(t, rc.ExecProvider.StdinUnavailable, "a desktop app has no terminal for prompts")

	assert.NoFileExists(t, marker, "listing or configuring must not run the plugin")
}

func TestAuthProviderOIDCIsUsable(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "config", `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://c.example
users:
- name: sso
  user:
    auth-provider:
      name: oidc
      config:
        idp-issuer-url: https://issuer.example
        client-id: crowsnest
        id-token: `+secretToken+`
contexts:
- name: sso
  context:
    cluster: c
    user: sso
`)
	cfg := kubeconfig.Load([]string{path})
	sso := contextByName(t, cfg, "sso")
	assert.Equal(t, "oidc", sso.AuthProvider)
	assert.True(t, sso.Valid(), "problems: %v", sso.Problems)
	rc, err := cfg.RESTConfig("sso", "test")
	require.NoError(t, err)
	require.NotNil(t, rc.AuthProvider)
	assert.Equal(t, "oidc", rc.AuthProvider.Name)
}

func TestContextsAreCopies(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "config", singleContext("a", "c", "https://c.example", "u"))
	cfg := kubeconfig.Load([]string{path})
	list := cfg.Contexts()
	list[0].Name = "changed"
	list[0].Problems = append(list[0].Problems, "x")
	assert.Equal(t, "a", cfg.Contexts()[0].Name)
	assert.True(t, cfg.Contexts()[0].Valid())
	assert.Equal(t, "default", cfg.Contexts()[0].Namespace)
}
