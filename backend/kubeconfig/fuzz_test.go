package kubeconfig_test

import (
	"os"
	"path/filepath"
	"testing"

	"crowsnest/backend/kubeconfig"
)

// FuzzLoad feeds arbitrary bytes to Load as a kubeconfig file, next to a
// missing and a valid file, and checks that nothing panics and that every
// context listed as valid gets a client configuration.
// Run with: go test -run xxx -fuzz FuzzLoad -fuzztime 30s ./backend/kubeconfig/
func FuzzLoad(f *testing.F) {
	seeds := []string{
		singleContext("a", "c", "https://c.example:6443", "u"),
		"",
		"\n",
		"{}",
		"null",
		"[1, 2]",
		"apiVersion: v1\nkind: Pod\n",
		"apiVersion: v1\nkind: Config\ncurrent-context: a\n",
		"clusters:\n- name: x\n  cluster: [\n",
		"clusters: 7\n",
		"users:\n- name: a\n  user:\n    token: t\n    {k: 1}: 2\n",
		`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: "::::"
    certificate-authority: rel/ca.crt
    certificate-authority-data: Y2E=
    insecure-skip-tls-verify: true
    proxy-url: "%zz"
users:
- name: u
  user:
    client-certificate: c.crt
    client-key-data: a2V5
    tokenFile: tok
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin
      env: [{name: "", value: x}]
    auth-provider: {name: gcp}
contexts:
- name: ""
  context: {cluster: c, user: u}
- name: a
  context: {cluster: c, user: u, namespace: "NOT valid"}
- name: b
  context: {}
`,
		`{"apiVersion":"v1","kind":"Config","contexts":[{"name":"j","context":{"cluster":"c"}}],"clusters":[{"name":"c","cluster":{"server":"http://localhost"}}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		good := filepath.Join(dir, "good")
		if err := os.WriteFile(good, []byte(singleContext("fuzz-good", "fuzz-good", "https://good.example", "fuzz-good")), 0o600); err != nil {
			t.Fatal(err)
		}

		cfg := kubeconfig.Load([]string{path, filepath.Join(dir, "missing"), good})
		if got := len(cfg.Files()); got != 3 {
			t.Fatalf("Files() = %d entries, want 3", got)
		}
		_ = cfg.Current()
		for _, c := range cfg.Contexts() {
			_ = c.Valid()
			rc, err := cfg.RESTConfig(c.Name, "fuzz")
			if err == nil && rc == nil {
				t.Fatalf("RESTConfig(%q) returned neither config nor error", c.Name)
			}
			// A context listed as valid must be one RESTConfig accepts:
			// the picker must not offer what cannot connect.
			if err != nil && c.Valid() {
				t.Fatalf("context %q is listed as valid but RESTConfig fails: %v", c.Name, err)
			}
		}
		if _, err := cfg.RESTConfig("fuzz-missing-context", "fuzz"); err == nil {
			t.Fatal("RESTConfig of an unknown context succeeded")
		}
	})
}
