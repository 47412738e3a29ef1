package kubeconfig_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/kubeconfig"
)

const execContext = `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster:
    server: https://eks.example:443
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: crowsnest-test-plugin
      args: [eks, get-token]
      installHint: "Install the AWS CLI:\n  https://aws.amazon.com/cli/\u0007"
      interactiveMode: Never
contexts:
- name: eks
  context: {cluster: eks, user: eks}
`

// TestMissingPluginNamesBinaryPathAndHint: the error a user sees for a
// plugin the app cannot find names the binary, the PATH searched and the
// kubeconfig's install hint; once the directory is on PATH (from the login
// shell or the settings' extra entries) the context works.
func TestMissingPluginNamesBinaryPathAndHint(t *testing.T) {
	bin := t.TempDir()
	searched := bin + string(os.PathListSeparator) + "/nonexistent/bin"
	t.Setenv("PATH", searched)
	path := writeFile(t, t.TempDir(), "config", execContext)

	_, err := kubeconfig.Load([]string{path}).RESTConfig("eks", "test")
	require.Error(t, err)
	assert.ErrorIs(t, err, kubeconfig.ErrContextInvalid)
	assert.ErrorIs(t, err, kubeconfig.ErrPluginNotFound)
	msg := err.Error()
	assert.Contains(t, msg, `exec plugin "crowsnest-test-plugin" not found in PATH "`+searched+`"`)
	assert.Contains(t, msg, "extra PATH entries in the settings")
	assert.Contains(t, msg, "Install the AWS CLI: https://aws.amazon.com/cli/")
	assert.NotContains(t, msg, "\a", "control characters of the hint are dropped")

	require.NoError(t, os.WriteFile(filepath.Join(bin, "crowsnest-test-plugin"), []byte("#!/bin/sh\n"), 0o755))
	rc, err := kubeconfig.Load([]string{path}).RESTConfig("eks", "test")
	require.NoError(t, err)
	require.NotNil(t, rc.ExecProvider)
	assert.Equal(t, "crowsnest-test-plugin", rc.ExecProvider.Command)
}
