package session_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/faultproxy"
	"crowsnest/hack/testcluster"
)

// proxiedBoard is a Switchboard whose demo-admin context reaches the demo
// cluster through a fault proxy; the other contexts are unchanged.
func proxiedBoard(t *testing.T, env *testcluster.Env) (*session.Switchboard, *events.Recorder, *faultproxy.Proxy) {
	t.Helper()
	path, proxy := proxiedKubeconfig(t, env.Kubeconfig())
	rec := &events.Recorder{}
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{path} },
	})
	t.Cleanup(b.Stop) // runs before proxy.Close
	return b, rec, proxy
}

// proxiedKubeconfig copies a kubeconfig with the demo-admin context's
// cluster behind a fault proxy, closed when the test ends.
// privateControlPlane starts a control plane of the test's own (one it may
// restart) and a switchboard that reaches it through a fault proxy; it
// returns the control plane, an admin client, the proxy and the switchboard.
func privateControlPlane(t *testing.T) (controlplane.Options, kubernetes.Interface, *faultproxy.Proxy, *session.Switchboard) {
	t.Helper()
	testcluster.Get(t) // skips under -short like every integration test
	root, err := controlplane.FindRepoRoot()
	require.NoError(t, err)
	base, err := privatePortBase()
	require.NoError(t, err)
	opts := controlplane.Options{Dir: t.TempDir(), RepoRoot: root, PortBase: base, Clusters: []string{controlplane.Demo}}
	require.NoError(t, controlplane.Up(t.Context(), opts))
	t.Cleanup(func() { require.NoError(t, controlplane.Down(opts)) })
	adminCfg, err := controlplane.RESTConfig(opts, controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	admin, err := kubernetes.NewForConfig(adminCfg)
	require.NoError(t, err)

	path, proxy := proxiedKubeconfig(t, opts.KubeconfigPath())
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: &events.Recorder{}, Paths: func() []string { return []string{path} },
	})
	t.Cleanup(b.Stop)
	return opts, admin, proxy, b
}

func proxiedKubeconfig(t *testing.T, kubeconfig string) (string, *faultproxy.Proxy) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	require.NoError(t, err)
	cluster := cfg.Clusters[cfg.Contexts[controlplane.ContextDemoAdmin].Cluster]
	u, err := url.Parse(cluster.Server)
	require.NoError(t, err)
	proxy, err := faultproxy.Start(u.Host)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	cluster.Server = "https://" + proxy.Addr()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, clientcmd.WriteToFile(*cfg, path))
	return path, proxy
}

func phases(rec *events.Recorder, gen uint64) []string {
	var out []string
	for _, e := range rec.Events() {
		if st, ok := e.Payload.(model.SessionStatus); ok && st.Generation == gen {
			if len(out) == 0 || out[len(out)-1] != st.Phase {
				out = append(out, st.Phase)
			}
		}
	}
	return out
}

// TestBlackHoledServer is a server that accepts connections and never
// answers: the status says so, calls return, switching away works at once,
// and when the server answers again the session connects by itself.
func TestBlackHoledServer(t *testing.T) {
	env := testcluster.Get(t)
	b, _, proxy := proxiedBoard(t, env)
	proxy.BlackHole(true)

	st, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	assert.Equal(t, model.PhaseConnecting, st.Phase)
	s := mustCurrent(t, b)
	info, err := s.OpenView(model.ViewSpec{Kind: "pods"})
	require.NoError(t, err, "opening a view never waits on the server")
	assert.False(t, info.Synced)
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseError }, 20*time.Second, 50*time.Millisecond)
	assert.Contains(t, b.Status().Message, "cannot reach")
	_, err = s.Details(t.Context(), mustKind(t, s, "pods"), "default", "nothing")
	require.Error(t, err, "a live read gives up instead of hanging")

	proxy.BlackHole(false)
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseConnected }, 30*time.Second, 50*time.Millisecond,
		"the session reconnects once the server answers: %+v", b.Status())
	assert.Zero(t, b.Status().StaleSince)

	proxy.BlackHole(true)
	_, err = b.Switch(controlplane.ContextStagingAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
}

// TestWatchCutsLoseNothing cuts every connection of the session again and
// again while objects are created, changed and deleted: the view ends with
// exactly what the API server has, and the session said it was
// reconnecting and came back.
func TestWatchCutsLoseNothing(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	b, rec, proxy := proxiedBoard(t, env)
	st, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	info, err := s.OpenView(model.ViewSpec{Kind: "configmaps", Namespace: ns, Selector: "test=cuts"})
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	cuts := make(chan int)
	go func() {
		n := 0
		defer func() { cuts <- n }()
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(300 * time.Millisecond):
				proxy.Reset()
				n++
			}
		}
	}()
	for i := range 30 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%02d", i), Labels: map[string]string{"test": "cuts", "v": "0"}}}
		_, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	for round := 1; round <= 3; round++ {
		for i := range 30 {
			patch := fmt.Sprintf(`{"metadata":{"labels":{"v":"%d"}}}`, round*100+i)
			_, err := admin.CoreV1().ConfigMaps(ns).Patch(ctx, fmt.Sprintf("cm-%02d", i), "application/merge-patch+json", []byte(patch), metav1.PatchOptions{})
			require.NoError(t, err)
			time.Sleep(10 * time.Millisecond)
		}
	}
	for i := 0; i < 30; i += 3 {
		require.NoError(t, admin.CoreV1().ConfigMaps(ns).Delete(ctx, fmt.Sprintf("cm-%02d", i), metav1.DeleteOptions{}))
	}
	cancel()
	require.Positive(t, <-cuts)

	want := map[string]string{}
	list, err := admin.CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{LabelSelector: "test=cuts"})
	require.NoError(t, err)
	for _, cm := range list.Items {
		want[cm.Name] = cm.Labels["v"]
	}
	require.Len(t, want, 20)
	var got map[string]string
	require.Eventually(t, func() bool {
		w, err := s.ViewRows(info.ID, 0, 100)
		if err != nil {
			return false
		}
		got = map[string]string{}
		for _, r := range w.Rows {
			got[r.Name] = r.Labels["v"]
		}
		return assert.ObjectsAreEqual(want, got)
	}, 30*time.Second, 100*time.Millisecond, "view %v, API %v", keys(got), keys(want))

	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseConnected }, 30*time.Second, 50*time.Millisecond)
	assert.Equal(t, []string{model.PhaseConnecting, model.PhaseConnected}, phases(rec, st.Generation),
		"connections cut and made again at once are not a lost server")
}

// TestServerDownAndBack closes the server's port under a connected session
// (a restart, a laptop going to sleep): the session says it is reconnecting
// and stale since when, keeps its rows, and comes back by itself with the
// changes made meanwhile.
func TestServerDownAndBack(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	b, rec, proxy := proxiedBoard(t, env)
	st, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	create := func(name string) {
		_, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
			Name: name, Labels: map[string]string{"test": "down"}}}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	create("before")
	info, err := s.OpenView(model.ViewSpec{Kind: "configmaps", Namespace: ns, Selector: "test=down"})
	require.NoError(t, err)
	rowNames := func() []string { return viewRowNames(t, s, info.ID) }
	require.Eventually(t, func() bool { return assert.ObjectsAreEqual([]string{"before"}, rowNames()) }, 30*time.Second, 50*time.Millisecond)

	require.NoError(t, proxy.Refuse(true))
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseReconnecting }, 60*time.Second, 50*time.Millisecond,
		"status %+v", b.Status())
	assert.NotZero(t, b.Status().StaleSince)
	assert.Contains(t, b.Status().Message, "lost contact")
	assert.Equal(t, []string{"before"}, rowNames(), "the stale rows stay")
	create("while-down")

	require.NoError(t, proxy.Refuse(false))
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseConnected }, 60*time.Second, 50*time.Millisecond)
	assert.Zero(t, b.Status().StaleSince)
	require.Eventually(t, func() bool { return assert.ObjectsAreEqual([]string{"before", "while-down"}, rowNames()) },
		60*time.Second, 100*time.Millisecond, "rows %v", rowNames())
	assert.Equal(t, []string{model.PhaseConnecting, model.PhaseConnected, model.PhaseReconnecting, model.PhaseConnected},
		phases(rec, st.Generation))
}

// viewRowNames returns the names in a view's first window.
func viewRowNames(t *testing.T, s *session.Session, id string) []string {
	t.Helper()
	w, err := s.ViewRows(id, 0, 100)
	require.NoError(t, err)
	var out []string
	for _, r := range w.Rows {
		out = append(out, r.Name)
	}
	return out
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// TestAPIServerRestart restarts the API server of a private cluster while
// the session is cut off from it and objects are deleted and created: the
// informers resume (an old resourceVersion the new server's watch cache
// no longer serves is answered 410 Gone, and they list again) and the view ends
// with exactly the API's objects: none missing, no duplicates, no ghosts
// of the deleted ones.
func TestAPIServerRestart(t *testing.T) {
	opts, admin, proxy, b := privateControlPlane(t)
	ctx := t.Context()

	cms := admin.CoreV1().ConfigMaps("default")
	create := func(name string) {
		_, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"test": "restart"}}}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	for i := range 5 {
		create(fmt.Sprintf("cm-%d", i))
	}
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	info, err := s.OpenView(model.ViewSpec{Kind: "configmaps", Selector: "test=restart"})
	require.NoError(t, err)
	rowNames := func() []string { return viewRowNames(t, s, info.ID) }
	require.Eventually(t, func() bool { return len(rowNames()) == 5 }, 30*time.Second, 50*time.Millisecond)

	require.NoError(t, proxy.Refuse(true))
	require.NoError(t, cms.Delete(ctx, "cm-0", metav1.DeleteOptions{}))
	require.NoError(t, cms.Delete(ctx, "cm-1", metav1.DeleteOptions{}))
	create("cm-new")
	require.NoError(t, controlplane.RestartAPIServer(ctx, opts, controlplane.Demo))
	require.NoError(t, proxy.Refuse(false))

	want := []string{"cm-2", "cm-3", "cm-4", "cm-new"}
	require.Eventually(t, func() bool { return assert.ObjectsAreEqual(want, rowNames()) }, 60*time.Second, 100*time.Millisecond,
		"rows %v", rowNames())
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseConnected }, 30*time.Second, 50*time.Millisecond)
	create("cm-after")
	require.Eventually(t, func() bool { return len(rowNames()) == 5 }, 30*time.Second, 50*time.Millisecond,
		"the watch follows the restarted server: rows %v", rowNames())
}
