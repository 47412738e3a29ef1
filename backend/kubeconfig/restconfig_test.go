package kubeconfig_test

import (
	"context"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/rest"

	"crowsnest/backend/kubeconfig"
)

func TestRESTConfig(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "config", singleContext("dev", "dev", "https://dev.example:6443", "dev"))
	cfg := kubeconfig.Load([]string{path})

	tests := []struct {
		name    string
		context string
		version string
		check   func(t *testing.T, rc *rest.Config, err error)
	}{
		{
			name:    "unknown context",
			context: "nope",
			version: "1.2.3",
			check: func(t *testing.T, rc *rest.Config, err error) {
				require.Error(t, err)
				assert.Nil(t, rc)
				assert.ErrorIs(t, err, kubeconfig.ErrContextNotFound)
				assert.Contains(t, err.Error(), `context "nope"`)
			},
		},
		{
			name:    "client settings",
			context: "dev",
			version: "1.2.3",
			check: func(t *testing.T, rc *rest.Config, err error) {
				require.NoError(t, err)
				assert.Equal(t, "https://dev.example:6443", rc.Host)
				assert.Equal(t, "crowsnest/1.2.3", rc.UserAgent)
				assert.InDelta(t, 50, rc.QPS, 0)
				assert.Equal(t, 100, rc.Burst)
				assert.Zero(t, rc.Timeout, "a client timeout would cut long-running watches")
				assert.NotNil(t, rc.Dial)
				assert.Empty(t, rc.ContentType, "client-go negotiates protobuf for built-in kinds")
				assert.Equal(t, secretToken, rc.BearerToken)
				assert.False(t, rc.DisableCompression, "a remote server's responses stay compressed")
			},
		},
		{
			name:    "empty version",
			context: "dev",
			version: "",
			check: func(t *testing.T, rc *rest.Config, err error) {
				require.NoError(t, err)
				assert.Equal(t, "crowsnest/dev", rc.UserAgent)
			},
		},
		{
			name:    "dial function connects",
			context: "dev",
			version: "1.2.3",
			check: func(t *testing.T, rc *rest.Config, err error) {
				require.NoError(t, err)
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				defer ln.Close()
				conn, err := rc.Dial(context.Background(), "tcp", ln.Addr().String())
				require.NoError(t, err)
				require.NoError(t, conn.Close())
			},
		},
		{
			name:    "each call returns an independent config",
			context: "dev",
			version: "1.2.3",
			check: func(t *testing.T, rc *rest.Config, err error) {
				require.NoError(t, err)
				rc.Host = "https://changed.example"
				rc.BearerToken = "changed"
				again, err := cfg.RESTConfig("dev", "1.2.3")
				require.NoError(t, err)
				assert.Equal(t, "https://dev.example:6443", again.Host)
				assert.Equal(t, secretToken, again.BearerToken)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := cfg.RESTConfig(tt.context, tt.version)
			tt.check(t, rc, err)
		})
	}
}

// TestRESTConfigTalksToServer connects through a relative CA path with the
// built config, checking what the server sees.
func TestRESTConfigTalksToServer(t *testing.T) {
	var gotAgent, gotAuth string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAgent, gotAuth = r.UserAgent(), r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"major":"1","minor":"37","gitVersion":"v1.37.0"}`)
	}))
	defer srv.Close()

	dir := t.TempDir()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	writeFile(t, dir, "kube/pki/ca.crt", string(caPEM))
	path := writeFile(t, dir, "kube/config", `apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: `+srv.URL+`
    certificate-authority: pki/ca.crt
users:
- name: local
  user:
    token: `+secretToken+`
contexts:
- name: local
  context:
    cluster: local
    user: local
`)
	cfg := kubeconfig.Load([]string{path})
	rc, err := cfg.RESTConfig("local", "9.9.9")
	require.NoError(t, err)
	assert.True(t, rc.DisableCompression, "no gzip over loopback")

	client, err := rest.HTTPClientFor(rc)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/version", nil)
	require.NoError(t, err)
	// rest.HTTPClientFor adds the user agent and token through its round trippers.
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "crowsnest/9.9.9", gotAgent)
	assert.Equal(t, "Bearer "+secretToken, gotAuth)
}

// TestSecretsNeverInMessages loads configs that are broken in many ways
// around a distinctive token and checks no message carries it.
func TestSecretsNeverInMessages(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{
			name: "broken contexts around credentials",
			content: `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://admin:` + secretToken + `@c.example
    certificate-authority: /nonexistent-crowsnest/ca.crt
    proxy-url: "ftp://u:` + secretToken + `@proxy"
users:
- name: both
  user:
    token: ` + secretToken + `
    username: admin
    password: ` + secretToken + `
    client-certificate-data: Y2VydA==
- name: gcp
  user:
    auth-provider:
      name: gcp
      config:
        access-token: ` + secretToken + `
        refresh-token: ` + secretToken + `
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ` + secretToken + `-plugin-not-a-secret
      env:
      - name: API_TOKEN
        value: ` + secretToken + `
contexts:
- name: a
  context: {cluster: c, user: both}
- name: b
  context: {cluster: c, user: gcp}
- name: c
  context: {cluster: missing, user: exec}
`,
		},
		{
			name: "parse error quoting a token",
			content: `apiVersion: v1
kind: Config
users:
- name: a
  user:
    token: ` + secretToken + `
    {` + secretToken + `: 1}: 2
`,
		},
		{
			name:    "json parse error",
			content: `{"users": [{"name": "a", "user": {"token": "` + secretToken + `", {"` + secretToken + `": 1}: 2}}]}`,
		},
		{
			name: "wrong type for token",
			content: `users:
- name: a
  user:
    token: [` + secretToken + `]
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir())
			dir := t.TempDir()
			path := writeFile(t, dir, "config", tt.content)
			cfg := kubeconfig.Load([]string{path})

			var messages []string
			for _, f := range cfg.Files() {
				messages = append(messages, f.Problem)
			}
			for _, c := range cfg.Contexts() {
				messages = append(messages, c.Problems...)
				messages = append(messages, c.Server)
				_, err := cfg.RESTConfig(c.Name, "test")
				if err != nil {
					messages = append(messages, err.Error())
				}
			}
			_, err := cfg.RESTConfig(secretToken, "test")
			require.Error(t, err)

			require.NotEmpty(t, strings.Join(messages, ""), "the case should produce messages")
			for _, m := range messages {
				// The exec command deliberately starts with the token text
				// (a command is not a secret); only the bare token must not appear.
				m = strings.ReplaceAll(m, secretToken+"-plugin-not-a-secret", "<command>")
				assert.NotContains(t, m, secretToken)
			}
		})
	}
}

// TestConcurrentUse shares one Config between goroutines, as the app does;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "config", singleContext("dev", "dev", "https://dev.example", "dev"))
	cfg := kubeconfig.Load([]string{path})
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 50 {
				_ = cfg.Contexts()
				rc, err := cfg.RESTConfig("dev", "test")
				if assert.NoError(t, err) {
					rc.Host = "changed"
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	rc, err := cfg.RESTConfig("dev", "test")
	require.NoError(t, err)
	assert.Equal(t, "https://dev.example", rc.Host)
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		server string
		want   bool
	}{
		{"https://127.0.0.1:6443", true},
		{"https://127.3.2.1", true},
		{"https://localhost:8443", true},
		{"https://LOCALHOST", true},
		{"https://[::1]:6443", true},
		{"127.0.0.1:6443", true},
		{"https://10.0.0.1:6443", false},
		{"https://kube.example.com", false},
		{"https://localhost.example.com", false},
		{"https://[2001:db8::1]:443", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.server, func(t *testing.T) {
			assert.Equal(t, tc.want, kubeconfig.IsLoopback(tc.server))
		})
	}
}
