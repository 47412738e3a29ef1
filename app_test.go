package main

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
)

// closedServer returns the address of a loopback port nobody listens on:
// every request to it fails at once.
func closedServer(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "https://" + addr
}

// fuzzApp is an App connected to a context whose server refuses
// connections, so that every bound method runs its validation and then
// reaches as far as the network.
func fuzzApp(t testing.TB) *App {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: closedServer(t), InsecureSkipTLSVerify: true}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "fuzz-token-not-a-secret"}
	cfg.Contexts["fuzz"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, clientcmd.WriteToFile(*cfg, path))
	b := session.NewSwitchboard(context.Background(), session.Options{Version: "test", Paths: func() []string { return []string{path} }})
	t.Cleanup(b.Stop)
	_, err := b.Switch("fuzz")
	require.NoError(t, err)
	return &App{board: b, saveFile: func(string, string) (string, error) {
		t.Error("no save dialog may open when the server refuses")
		return "", nil
	}}
}

// FuzzBoundMethods calls every bound method that takes arguments from the
// page with arbitrary ones: each returns an error or a result, never
// panics, and nothing invalid reaches the API.
func FuzzBoundMethods(f *testing.F) {
	f.Add("pods", "default", "web-1", "app=web,tier!=db", "web", "name", "get", 0, 100, uint64(1))
	f.Add("deployments", "", "", "env in (a,b)", "", "age", "delete", 5, 0, uint64(0))
	f.Add("nodes", "kube-system", "node-1", "!canary", "x", "ready", "list", -1, 1<<30, uint64(2))
	f.Add("secrets", "shop", "db-creds", "app=", "<img src=x onerror=alert(1)>", "", "password", 0, 201, uint64(1))
	f.Add("events", "default", "a.b.c.1789abc", "a b c", "\x00", "restarts", "", 10, 10, uint64(1))
	f.Add("../pods", "Default", "-web-", "app in (", "", "../../", "*", 0, 1, uint64(1))
	f.Add("pods", "a-very-long-namespace-name-that-is-more-than-sixty-three-characters-long", "x", "", "", "", "get", 0, 0, uint64(1))
	a := fuzzApp(f)
	f.Fuzz(func(t *testing.T, kind, ns, name, selector, filter, sortBy, text string, offset, limit int, gen uint64) {
		spec := model.ViewSpec{Kind: kind, Namespace: ns, Selector: selector, Filter: filter, SortBy: sortBy, Desc: offset%2 == 0}
		if info, err := a.OpenView(spec); err == nil {
			assert.NotNil(t, kinds.Builtin(kinds.ID(kind)), "a view of an unknown kind %q", kind)
			_, _ = a.UpdateView(info.ID, spec)
			_, _ = a.ViewTableRows(info.ID, offset, limit)
			a.CloseView(info.ID)
		}
		_, _ = a.UpdateView(text, spec)
		_, _ = a.ViewTableRows(text, offset, limit)
		a.CloseView(text)

		// These reach the API only with valid arguments, and the server
		// refuses: an answer without an error would be made up.
		_, err := a.Details(kind, ns, name)
		assert.Error(t, err)
		_, err = a.RevealSecretValue(ns, name, text)
		assert.Error(t, err)
		_, err = a.Can(text, kind, ns)
		assert.Error(t, err)
		if id, err := a.WatchDetails(kind, ns, name); err == nil {
			assert.NotNil(t, kinds.Builtin(kinds.ID(kind)), "a details watch of an unknown kind %q", kind)
			a.UnwatchDetails(id)
		}
		_ = a.FocusNamespace(gen, ns)
		_ = a.RetryKind(kind)

		// Log views: nothing opens against a server that refuses, and an
		// id the session never gave is refused.
		_, err = a.OpenLogs(model.LogTarget{Kind: kind, Namespace: ns, Name: name, Containers: []string{text},
			Follow: offset%2 == 0, TailLines: int64(offset)})
		assert.Error(t, err)
		_, err = a.LogStatus(text)
		assert.Error(t, err)
		_, err = a.LogLines(text, gen, limit)
		assert.Error(t, err)
		_, err = a.LogTail(text, limit)
		assert.Error(t, err)
		q := model.LogQuery{Text: filter, Regexp: offset%2 == 0, CaseSensitive: limit%2 == 0}
		_, err = a.LogSearch(text, q, gen, limit, offset%3 == 0)
		assert.Error(t, err)
		_, err = a.LogFilterLines(text, q, gen, limit)
		assert.Error(t, err)
		assert.Error(t, a.CloseLogs(text))
		_, _ = a.CanReadLogs(kind, ns, name)
		_, err = a.DownloadLogs(kind, ns, name, text, offset%2 == 0, limit%2 == 0)
		assert.Error(t, err)
		assert.Error(t, a.CancelDownload(text))
		_, err = a.SaveLogLines(text, offset%2 == 0)
		assert.Error(t, err, "no such log view: no dialog")

		// Port-forwards: none starts against a server that refuses, and an
		// id the session never gave is refused.
		_, err = a.StartForward(model.ForwardRequest{Kind: kind, Namespace: ns, Name: name, Port: text, LocalPort: offset})
		assert.Error(t, err)
		_, err = a.StopForward(text)
		assert.Error(t, err)
		_, err = a.RestartForward(text)
		assert.Error(t, err)
		assert.Error(t, a.RemoveForward(text))
		_, err = a.ForwardPorts(kind, ns, name)
		assert.Error(t, err)
		_, _ = a.CanPortForward(kind, ns, name)

		// Terminals: none opens against a server that refuses, and an id
		// the session never gave is refused.
		_, err = a.OpenTerminal(model.TerminalTarget{Namespace: ns, Pod: name, Container: text,
			Command: []string{filter}, Cols: offset, Rows: limit})
		assert.Error(t, err)
		_, _ = a.CanExec(ns)
		_, _ = a.TerminalPod(kind, ns, name)
		assert.Error(t, a.TerminalInput(text, filter))
		assert.Error(t, a.ResizeTerminal(text, offset, limit))
		assert.Error(t, a.TerminalAck(text, gen))
		assert.Error(t, a.CloseTerminal(text))

		// Node shells: off without settings, nothing is created, and a
		// plan or a generation the session never gave is refused.
		_, err = a.PlanNodeShell(name)
		assert.Error(t, err)
		_, err = a.OpenNodeShell(text, offset, limit)
		assert.Error(t, err)
		assert.Error(t, a.DeleteNodeShellPod(gen, ns, name))
		p, err := a.CanNodeShell()
		assert.NoError(t, err)
		assert.False(t, p.Allowed)
		_, err = a.NodeShellLeftovers()
		assert.Error(t, err)
	})
}
