package kubeconfig_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// secretToken is distinctive so that any leak into a message is easy to spot.
const secretToken = "crowsnest-secret-TOKEN-6f1d0c"

// writeFile writes content to dir/name (creating parent directories) and
// returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// singleContext is a minimal valid kubeconfig with one context.
func singleContext(ctx, cluster, server, user string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: ` + cluster + `
  cluster:
    server: ` + server + `
users:
- name: ` + user + `
  user:
    token: ` + secretToken + `
contexts:
- name: ` + ctx + `
  context:
    cluster: ` + cluster + `
    user: ` + user + `
`
}

// mergeLists adds list items to a kubeconfig. extra holds sections headed
// "clusters+:", "users+:" or "contexts+:" whose items go into base's list of
// that name, so a test can state only what it adds.
func mergeLists(t *testing.T, base, extra string) string {
	t.Helper()
	sections := map[string][]string{}
	current := ""
	for _, line := range strings.Split(extra, "\n") {
		if strings.HasSuffix(line, "+:") && !strings.HasPrefix(line, " ") {
			current = strings.TrimSuffix(line, "+:")
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		require.NotEmpty(t, current, "item outside a section: %q", line)
		sections[current] = append(sections[current], line)
	}
	out := base
	for name, items := range sections {
		header := "\n" + name + ":\n"
		require.Contains(t, out, header)
		out = strings.Replace(out, header, header+strings.Join(items, "\n")+"\n", 1)
	}
	return out
}

func replaceDir(s, dir string) string { return strings.ReplaceAll(s, "{{dir}}", dir) }

func containsSubstring(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
