package session_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/events"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/plugin"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// The test binary supervises the sessions' exec plugins, as the app does.
func TestMain(m *testing.M) {
	plugin.Main()
	os.Exit(testcluster.Main(m))
}

func newBoard(t *testing.T, env *testcluster.Env) (*session.Switchboard, *events.Recorder) {
	t.Helper()
	rec := &events.Recorder{}
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{env.Kubeconfig()} },
	})
	t.Cleanup(b.Stop)
	return b, rec
}

func waitConnected(t *testing.T, b *session.Switchboard) {
	t.Helper()
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseConnected }, 15*time.Second, 20*time.Millisecond,
		"status: %+v", b.Status())
}

// connectedDemo switches a new board to demo-admin and waits until it is
// connected.
func connectedDemo(t *testing.T, env *testcluster.Env) (*session.Switchboard, *events.Recorder, *session.Session) {
	t.Helper()
	b, rec := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	return b, rec, mustCurrent(t, b)
}

func mustCurrent(t *testing.T, b *session.Switchboard) *session.Session {
	t.Helper()
	s, err := b.Current()
	require.NoError(t, err)
	return s
}

// mustKind parses a kind name as the bound methods do.
func mustKind(t *testing.T, s *session.Session, name string) *kinds.Kind {
	t.Helper()
	k, err := s.Kind(name)
	require.NoError(t, err)
	return k
}

func TestViewFollowsPodLifecycle(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	b, rec, s := connectedDemo(t, env)

	info, err := s.OpenView(model.ViewSpec{Kind: "pods", Namespace: ns, Selector: "app=web", SortBy: "name"})
	require.NoError(t, err)
	assert.Equal(t, 0, info.Count)

	ctx := t.Context()
	for _, p := range []struct{ name, app string }{{"web-b", "web"}, {"web-a", "web"}, {"db-0", "db"}} {
		_, err := cs.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: p.name, Labels: map[string]string{"app": p.app}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example.com/" + p.app}}},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	noticeWith := func(count, since int) func([]events.Recorded) bool {
		return func(evs []events.Recorded) bool {
			for _, e := range evs[min(since, len(evs)):] {
				if n, ok := e.Payload.(model.ViewNotice); ok && n.ViewID == info.ID && n.Count == count && n.Generation == info.Generation {
					return true
				}
			}
			return false
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(wctx, noticeWith(2, 0)), "a notice says the view holds the two web pods")

	win, err := s.ViewRows(info.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, win.Rows, 2)
	assert.Equal(t, []string{"web-a", "web-b"}, []string{win.Rows[0].Name, win.Rows[1].Name}, "sorted by name")
	assert.Equal(t, 2, win.Count)

	require.Eventually(t, func() bool {
		w, err := s.ViewRows(info.ID, 0, 10)
		return err == nil && len(w.Rows) == 2 && w.Rows[0].Status == "Running" && w.Rows[1].Status == "Running"
	}, 30*time.Second, 50*time.Millisecond, "kwok's status updates reach the window")

	before := len(rec.Events())
	require.NoError(t, cs.CoreV1().Pods(ns).Delete(ctx, "web-a", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
	require.NoError(t, rec.WaitFor(wctx, noticeWith(1, before)), "a notice says one pod is left")
	win, err = s.ViewRows(info.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, win.Rows, 1)
	assert.Equal(t, "web-b", win.Rows[0].Name)

	_, err = s.UpdateView(info.ID, model.ViewSpec{Kind: "pods", Namespace: ns, Selector: "app in (web,db)", SortBy: "name", Desc: true})
	require.NoError(t, err)
	win, err = s.ViewRows(info.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, win.Rows, 2)
	assert.Equal(t, "web-b", win.Rows[0].Name, "descending")

	_, err = s.UpdateView(info.ID, model.ViewSpec{Kind: "pods", Selector: "app in (web"})
	assert.ErrorContains(t, err, "invalid label selector")

	st := b.Status()
	assert.Equal(t, model.PhaseConnected, st.Phase)
	assert.GreaterOrEqual(t, st.Watches, 1)
	assert.NotZero(t, st.LastChange)
	for _, k := range st.Kinds {
		if k.Kind == "pods" {
			assert.Equal(t, "synced", k.State)
			assert.GreaterOrEqual(t, k.Count, 2, "counts per kind travel in the status")
		}
	}
	require.NoError(t, rec.WaitFor(wctx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			if st, ok := e.Payload.(model.SessionStatus); ok && e.Name == model.EventSessionStatus && st.Phase == model.PhaseConnected {
				return true
			}
		}
		return false
	}), "status events are emitted")

	d, err := s.Details(ctx, mustKind(t, s, "pods"), ns, "web-b")
	require.NoError(t, err)
	assert.Equal(t, "web-b", d.Row.Name)
	assert.NotEmpty(t, d.Containers, "details read the full pod, not the slimmed cached one")
	assert.NotEmpty(t, d.Conditions, "a running pod has conditions")
	var relatedKinds []string
	for _, r := range d.Related {
		relatedKinds = append(relatedKinds, r.Kind)
	}
	assert.Contains(t, relatedKinds, "nodes", "a running pod links to its node")
}

// nodeNames opens a node view on the current session and returns its rows.
func nodeNames(t *testing.T, b *session.Switchboard) []string {
	t.Helper()
	s := mustCurrent(t, b)
	info, err := s.OpenView(model.ViewSpec{Kind: "nodes"})
	require.NoError(t, err)
	var names []string
	require.Eventually(t, func() bool {
		w, err := s.ViewRows(info.ID, 0, 50)
		if err != nil || len(w.Rows) == 0 {
			return false
		}
		names = names[:0]
		for _, r := range w.Rows {
			names = append(names, r.Name)
		}
		return true
	}, 15*time.Second, 20*time.Millisecond)
	return names
}

// TestConnectWarmsNamespaces: a session that connects starts its
// namespaces informer itself (the namespace picker needs the list in every
// view), so its status shows namespaces synced without anyone asking.
func TestConnectWarmsNamespaces(t *testing.T) {
	env := testcluster.Get(t)
	_, rec, s := connectedDemo(t, env)
	wctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(wctx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			st, ok := e.Payload.(model.SessionStatus)
			if !ok || st.Generation != s.Generation || st.Phase != model.PhaseConnected {
				continue
			}
			for _, k := range st.Kinds {
				if k.Kind == "namespaces" && k.State == "synced" && k.Count > 0 {
					return true
				}
			}
		}
		return false
	}), "a connected status with namespaces synced; status now %+v", s.Status())
}

func TestSwitchShowsOnlyTheRightCluster(t *testing.T) {
	env := testcluster.Get(t)
	b, _ := newBoard(t, env)
	for _, step := range []struct {
		context string
		nodes   []string
	}{
		{controlplane.ContextDemoAdmin, []string{"demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4"}},
		{controlplane.ContextStagingAdmin, []string{"staging-worker-1", "staging-worker-2"}},
		{controlplane.ContextDemoAdmin, []string{"demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4"}},
	} {
		st, err := b.Switch(step.context)
		require.NoError(t, err)
		assert.Equal(t, step.context, st.Context)
		assert.ElementsMatch(t, step.nodes, nodeNames(t, b), step.context)
	}
}

// TestViewerSeesItsNamespace is a namespace-scoped user opening an
// all-namespace view: the objects of their namespace, no error, nothing of
// other namespaces; nodes say "no access".
func TestViewerSeesItsNamespace(t *testing.T) {
	env := testcluster.Get(t)
	other := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	ctx := t.Context()
	for _, ns := range []string{controlplane.ViewerNamespace, other} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "viewer-test-" + other}}
		_, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
		require.NoError(t, err)
		t.Cleanup(func() {
			_ = admin.CoreV1().ConfigMaps(ns).Delete(context.Background(), cm.Name, metav1.DeleteOptions{})
		})
	}

	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	cms, err := s.OpenView(model.ViewSpec{Kind: "configmaps", Filter: "viewer-test-" + other})
	require.NoError(t, err)
	_, err = s.OpenView(model.ViewSpec{Kind: "nodes"})
	require.NoError(t, err)
	kind := func(k string) model.KindStatus {
		for _, ks := range s.Status().Kinds {
			if ks.Kind == k {
				return ks
			}
		}
		return model.KindStatus{}
	}
	require.Eventually(t, func() bool {
		return kind("configmaps").State == "synced" && kind("nodes").State == "forbidden"
	}, 30*time.Second, 20*time.Millisecond, "status %+v", s.Status())
	assert.Equal(t, []string{controlplane.ViewerNamespace}, kind("configmaps").Namespaces)
	assert.Contains(t, kind("nodes").Error, "no access")
	assert.Equal(t, 1, s.Status().Watches, "one watch: configmaps in shop")

	w, err := s.ViewRows(cms.ID, 0, 100)
	require.NoError(t, err)
	require.Len(t, w.Rows, 1, "only the shop one of the two")
	assert.Equal(t, controlplane.ViewerNamespace, w.Rows[0].Namespace)
}

func TestOfflineContextReportsError(t *testing.T) {
	env := testcluster.Get(t)
	b, _ := newBoard(t, env)
	st, err := b.Switch(controlplane.ContextOffline)
	require.NoError(t, err)
	assert.Equal(t, model.PhaseConnecting, st.Phase, "switching returns before the server answers (or fails to)")
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseError }, 15*time.Second, 50*time.Millisecond)
	assert.Contains(t, b.Status().Message, "connection refused")

	_, err = b.Switch("no-such-context")
	require.Error(t, err)
	assert.Equal(t, model.PhaseError, b.Status().Phase)
	assert.Contains(t, b.Status().Message, "no-such-context")

	_, err = b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
}

func TestConcurrentSwitchesEndInTheLastAndLeakNothing(t *testing.T) {
	env := testcluster.Get(t)
	ignore := goleak.IgnoreCurrent()
	func() {
		b, _ := newBoard(t, env)
		contexts := []string{controlplane.ContextDemoAdmin, controlplane.ContextStagingAdmin, controlplane.ContextDemoViewer}
		for i := range 50 {
			_, err := b.Switch(contexts[i%len(contexts)])
			require.NoError(t, err)
			if s, err := b.Current(); err == nil {
				_, err := s.OpenView(model.ViewSpec{Kind: "pods"})
				require.NoError(t, err)
			}
		}
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() { _, _ = b.Switch(contexts[i%len(contexts)]) })
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
		last := contexts[1]
		_, err := b.Switch(last)
		require.NoError(t, err)
		assert.Equal(t, last, b.Status().Context)
		b.Stop()
	}()
	goleak.VerifyNone(t, ignore)
}

func TestBadViewSpecs(t *testing.T) {
	env := testcluster.Get(t)
	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	s := mustCurrent(t, b)
	for _, spec := range []model.ViewSpec{{Kind: "widgets"}, {Kind: "pods", Selector: "a=b,,"}} {
		_, err := s.OpenView(spec)
		assert.Error(t, err, fmt.Sprintf("%+v", spec))
	}
	_, err = s.ViewRows("v999", 0, 10)
	assert.ErrorContains(t, err, `no open view "v999"`)
}

// TestRelatedObjects walks Deployment → ReplicaSet → Pods → Node and
// Service → Pods on objects the real controllers made.
func TestRelatedObjects(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ctx := t.Context()
	labels := map[string]string{"app": "shop-api"}
	replicas := int32(2)
	_, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "shop-api"},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: "registry.example.com/api:1"}}}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "shop-api"},
		Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	b, _ := newBoard(t, env)
	_, err = b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	s := mustCurrent(t, b)
	related := func(kind, name string) map[string][]string {
		d, err := s.Details(ctx, mustKind(t, s, kind), ns, name)
		if err != nil {
			return nil
		}
		out := map[string][]string{}
		for _, r := range d.Related {
			out[r.Kind] = append(out[r.Kind], r.Name)
		}
		return out
	}
	var rsName string
	require.Eventually(t, func() bool {
		rs := related("deployments", "shop-api")["replicasets"]
		if len(rs) == 1 {
			rsName = rs[0]
		}
		return len(rs) == 1
	}, 30*time.Second, 50*time.Millisecond, "deployment → replicaset")
	require.Eventually(t, func() bool {
		r := related("replicasets", rsName)
		return len(r["pods"]) == 2 && len(r["deployments"]) == 1
	}, 30*time.Second, 50*time.Millisecond, "replicaset → pods, and its owner")
	require.Eventually(t, func() bool { return len(related("services", "shop-api")["pods"]) == 2 },
		30*time.Second, 50*time.Millisecond, "service → pods by selector")
	pods := related("services", "shop-api")["pods"]
	require.Eventually(t, func() bool {
		r := related("pods", pods[0])
		return len(r["replicasets"]) == 1 && len(r["nodes"]) == 1
	}, 30*time.Second, 50*time.Millisecond, "pod → replicaset and node")
}

// TestStatusCountsTheFocusedNamespace: the navigation counts a namespaced
// kind in the namespace the user looks at, and follows changes there.
func TestStatusCountsTheFocusedNamespace(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	_, rec, s := connectedDemo(t, env)
	_, err := s.OpenView(model.ViewSpec{Kind: "configmaps", SortBy: "name"})
	require.NoError(t, err)
	assert.ErrorContains(t, s.FocusNamespace("Not_A_Namespace"), "invalid namespace")

	require.NoError(t, s.FocusNamespace(ns))
	countIn := func() (int, int) {
		st := s.Status()
		for _, k := range st.Kinds {
			if k.Kind == "configmaps" && st.Namespace == ns && k.State == "synced" {
				return k.NamespaceCount, k.Count
			}
		}
		return -1, -1
	}
	require.Eventually(t, func() bool { n, _ := countIn(); return n == 1 }, 20*time.Second, 20*time.Millisecond,
		"the namespace's kube-root-ca.crt")
	_, err = cs.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "extra"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { n, _ := countIn(); return n == 2 }, 20*time.Second, 20*time.Millisecond)
	n, all := countIn()
	assert.Greater(t, all, n, "the cluster-wide count stays beside it")

	wctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(wctx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			if st, ok := e.Payload.(model.SessionStatus); ok && st.Namespace == ns {
				return true
			}
		}
		return false
	}), "the status event names the namespace")

	require.NoError(t, s.FocusNamespace(""))
	assert.Empty(t, s.Status().Namespace)
}
