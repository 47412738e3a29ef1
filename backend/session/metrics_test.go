package session_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/transport"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// metricsInterval is the tests' poll interval: the settings' floor.
const metricsInterval = 5 * time.Second

// metricsBoard is a Switchboard connected to context whose metrics
// requests are counted, polling every metricsInterval.
func metricsBoard(t *testing.T, env *testcluster.Env, context string) (*session.Session, *requests) {
	t.Helper()
	counter := &requests{group: "metrics.k8s.io", byPath: true, n: map[string]int{}}
	b := session.NewSwitchboard(t.Context(), session.Options{
		Version: "test", Emitter: &events.Recorder{}, Paths: func() []string { return []string{env.Kubeconfig()} },
		WrapTransport:   transport.WrapperFunc(counter.wrap),
		MetricsInterval: func() time.Duration { return metricsInterval },
	})
	t.Cleanup(b.Stop)
	_, err := b.Switch(context)
	require.NoError(t, err)
	waitConnected(t, b)
	return mustCurrent(t, b), counter
}

// usagePod runs a pod whose two containers kwok measures at cpu and
// memory each (its annotations), requesting 100m and 128Mi each.
func usagePod(t *testing.T, env *testcluster.Env, ns, name, cpu, memory string) *corev1.Pod {
	t.Helper()
	req := corev1.ResourceRequirements{Requests: corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")}}
	return env.RunPod(t, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: map[string]string{
			controlplane.UsageCPUAnnotation: cpu, controlplane.UsageMemoryAnnotation: memory}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "app", Image: "registry.example.com/shop/cart:2.7.3", Resources: req},
			{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2", Resources: req},
		}},
	})
}

// cellsOf reads a view's rows as name -> cell of column col.
func cellsOf(t *testing.T, s *session.Session, id string, col int) ([]string, map[string]string) {
	t.Helper()
	w, err := s.ViewRows(id, 0, 100)
	require.NoError(t, err)
	var names []string
	cells := map[string]string{}
	for _, r := range w.Rows {
		names = append(names, r.Name)
		cells[r.Name] = r.Cells[col]
	}
	return names, cells
}

// TestMetricsInViewsAndDetails: metrics-server serving kwok's usage fills
// the pods table's CPU and memory columns and sorts it by them; a pod's
// details chart its containers, a node's table its usage; one request per
// poll of each target; none while nothing shows metrics.
func TestMetricsInViewsAndDetails(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	usagePod(t, env, ns, "big", "400m", "256Mi")
	usagePod(t, env, ns, "small", "50m", "32Mi")
	s, counter := metricsBoard(t, env, controlplane.ContextDemoAdmin)
	pods, nodes := mustKind(t, s, "pods"), mustKind(t, s, "nodes")

	// A table without usage columns asks nothing of metrics.k8s.io.
	_, err := s.OpenView(model.ViewSpec{Kind: "services", Namespace: ns})
	require.NoError(t, err)
	assert.Equal(t, model.MetricsState{}, s.Status().Metrics.Pods, "not asked")

	v, err := s.OpenView(model.ViewSpec{Kind: "pods", Namespace: ns, SortBy: "cpu", Desc: true})
	require.NoError(t, err)
	cpu, mem, cpuReq := pods.Column("cpu"), pods.Column("memory"), pods.Column("cpuRequest")
	// metrics-server reports a CPU rate after its second scrape of kwok.
	require.Eventually(t, func() bool {
		names, cells := cellsOf(t, s, v.ID, cpu)
		return len(names) == 2 && cells["big"] != "" && cells["small"] != ""
	}, 90*time.Second, 100*time.Millisecond, "usage cells of %s", ns)
	names, cells := cellsOf(t, s, v.ID, cpu)
	assert.Equal(t, []string{"big", "small"}, names, "sorted by CPU, descending")
	assert.InDelta(t, 800, number(t, strings.TrimSuffix(cells["big"], "m")), 40, "two containers at about 400m (a rate): %s", cells["big"])
	_, mems := cellsOf(t, s, v.ID, mem)
	assert.Equal(t, "512Mi", mems["big"])
	_, pcts := cellsOf(t, s, v.ID, cpuReq)
	assert.InDelta(t, 400, number(t, pcts["big"]), 20, "about 800m of 200m requested: %s%%", pcts["big"])
	st := s.Status().Metrics
	assert.Equal(t, model.MetricsAvailable, st.Pods.State)
	assert.Equal(t, 5, st.IntervalSeconds)

	_, err = s.UpdateView(v.ID, model.ViewSpec{Kind: "pods", Namespace: ns, SortBy: "memory"})
	require.NoError(t, err)
	names, _ = cellsOf(t, s, v.ID, mem)
	assert.Equal(t, []string{"small", "big"}, names, "sorted by memory, ascending")

	// One request per poll: the status's version moves once per poll.
	path := "/apis/metrics.k8s.io/v1beta1/namespaces/" + ns + "/pods"
	before, version := counter.get(path), s.Status().Metrics.Version
	require.Eventually(t, func() bool { return s.Status().Metrics.Version >= version+2 }, 30*time.Second, 50*time.Millisecond)
	polls := s.Status().Metrics.Version - version
	assert.InDelta(t, float64(polls), float64(counter.get(path)-before), 1, "one request per poll of the namespace")
	assert.Equal(t, counter.total(), counter.get(path), "nothing but the namespace's pods: %v", counter.paths())

	// Details: the pod's chart, its total then each container.
	watch, err := s.WatchDetails(pods, ns, "big")
	require.NoError(t, err)
	var h model.UsageHistory
	require.Eventually(t, func() bool {
		h, err = s.Usage(pods, ns, "big")
		return err == nil && len(h.Series) == 3 && len(h.Series[0].Points) > 0
	}, 30*time.Second, 50*time.Millisecond)
	assert.Equal(t, []string{"", "app", "envoy"}, []string{h.Series[0].Name, h.Series[1].Name, h.Series[2].Name})
	last := h.Series[0].Points[len(h.Series[0].Points)-1]
	assert.Equal(t, int64(512<<20), last.Memory)

	// Nodes: their own target, cluster-wide.
	nv, err := s.OpenView(model.ViewSpec{Kind: "nodes", SortBy: "cpu", Desc: true})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		names, cells := cellsOf(t, s, nv.ID, nodes.Column("cpu"))
		return len(names) > 0 && cells[names[0]] != ""
	}, 60*time.Second, 100*time.Millisecond)
	assert.Equal(t, model.MetricsAvailable, s.Status().Metrics.Nodes.State)
	assert.Positive(t, counter.get("/apis/metrics.k8s.io/v1beta1/nodes"))

	// Nothing on screen shows metrics: no request over three intervals.
	s.CloseView(v.ID)
	s.CloseView(nv.ID)
	s.UnwatchDetails(watch)
	after := counter.total()
	require.Never(t, func() bool { return counter.total() > after }, 3*metricsInterval, 100*time.Millisecond,
		"a metrics request with nothing shown")
}

// TestMetricsRestrictedUser: the demo viewer may read its one namespace
// only, so pod metrics are asked there alone, and node metrics are
// forbidden, said once, asked at most once a minute.
func TestMetricsRestrictedUser(t *testing.T) {
	env := testcluster.Get(t)
	usagePod(t, env, controlplane.ViewerNamespace, "metrics-viewer", "100m", "64Mi")
	t.Cleanup(func() {
		_ = env.Client(t, controlplane.ContextDemoAdmin).CoreV1().Pods(controlplane.ViewerNamespace).Delete(context.Background(), "metrics-viewer", metav1.DeleteOptions{})
	})
	s, counter := metricsBoard(t, env, controlplane.ContextDemoViewer)

	nv, err := s.OpenView(model.ViewSpec{Kind: "nodes"})
	require.NoError(t, err)
	defer s.CloseView(nv.ID)
	require.Eventually(t, func() bool { return s.Status().Metrics.Nodes.State == model.MetricsForbidden }, 30*time.Second, 20*time.Millisecond)
	assert.Contains(t, s.Status().Metrics.Nodes.Message, `cannot list resource "nodes" in API group "metrics.k8s.io"`)

	v, err := s.OpenView(model.ViewSpec{Kind: "pods"})
	require.NoError(t, err)
	defer s.CloseView(v.ID)
	require.Eventually(t, func() bool { return s.Status().Metrics.Pods.State == model.MetricsAvailable }, 90*time.Second, 50*time.Millisecond,
		"status %+v", s.Status().Metrics)
	version := s.Status().Metrics.Version
	require.Eventually(t, func() bool { return s.Status().Metrics.Version >= version+3 }, 60*time.Second, 50*time.Millisecond)
	assert.Equal(t, 1, counter.get("/apis/metrics.k8s.io/v1beta1/nodes"), "forbidden: not asked again within a minute")
	assert.Zero(t, counter.get("/apis/metrics.k8s.io/v1beta1/pods"), "never cluster-wide")
	assert.Positive(t, counter.get("/apis/metrics.k8s.io/v1beta1/namespaces/"+controlplane.ViewerNamespace+"/pods"))
	assert.ElementsMatch(t, []string{"/apis/metrics.k8s.io/v1beta1/nodes", "/apis/metrics.k8s.io/v1beta1/namespaces/" + controlplane.ViewerNamespace + "/pods"},
		counter.paths())
}

// TestMetricsAPIServiceDeleted: without its APIService the API is gone:
// the state says "not installed", the cells empty, and the poller asks
// again only after a minute, however often its interval comes.
func TestMetricsAPIServiceDeleted(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	usagePod(t, env, ns, "gone", "100m", "64Mi")
	s, counter := metricsBoard(t, env, controlplane.ContextDemoAdmin)
	pods := mustKind(t, s, "pods")
	v, err := s.OpenView(model.ViewSpec{Kind: "pods", Namespace: ns})
	require.NoError(t, err)
	defer s.CloseView(v.ID)
	require.Eventually(t, func() bool {
		_, cells := cellsOf(t, s, v.ID, pods.Column("memory"))
		return cells["gone"] != ""
	}, 90*time.Second, 100*time.Millisecond)

	deleteAPIService(t, env)
	require.Eventually(t, func() bool {
		st := s.Status().Metrics.Pods.State
		return st == model.MetricsNotInstalled || st == model.MetricsUnavailable
	}, 30*time.Second, 50*time.Millisecond)
	t.Logf("without the APIService: %+v", s.Status().Metrics.Pods)
	_, cells := cellsOf(t, s, v.ID, pods.Column("memory"))
	assert.Empty(t, cells["gone"], "no measurements: an empty cell (the page shows —)")
	after := counter.total()
	require.Never(t, func() bool { return counter.total() > after }, 4*metricsInterval, 100*time.Millisecond,
		"asked again before a minute passed")
}

// deleteAPIService deletes metrics.k8s.io's APIService and puts it back
// when the test ends.
func deleteAPIService(t *testing.T, env *testcluster.Env) {
	t.Helper()
	dyn, err := dynamic.NewForConfig(env.Admin(t))
	require.NoError(t, err)
	gvr := schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	ctx := context.Background()
	o, err := dyn.Resource(gvr).Get(ctx, controlplane.MetricsAPIService, metav1.GetOptions{})
	require.NoError(t, err)
	require.NoError(t, dyn.Resource(gvr).Delete(ctx, controlplane.MetricsAPIService, metav1.DeleteOptions{}))
	t.Cleanup(func() {
		o.SetResourceVersion("")
		o.SetUID("")
		delete(o.Object, "status")
		_, err := dyn.Resource(gvr).Create(ctx, o, metav1.CreateOptions{})
		assert.NoError(t, err, "put the APIService back")
	})
}

func number(t *testing.T, s string) float64 {
	t.Helper()
	n, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "%q", s)
	return n
}
