package metrics_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	fakedynamic "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	fakemetrics "k8s.io/metrics/pkg/client/clientset/versioned/fake"
	clocktesting "k8s.io/utils/clock/testing"

	"crowsnest/backend/kinds"
	"crowsnest/backend/metrics"
	"crowsnest/backend/model"
)

// fixture is a Poller over a fake metrics clientset whose answers the
// test sets, on a fake clock; it counts the list requests per resource
// and namespace and hands each OnUsage to the test.
type fixture struct {
	t      *testing.T
	clock  *clocktesting.FakeClock
	client *fakemetrics.Clientset
	p      *metrics.Poller
	usage  chan published

	mu       sync.Mutex
	requests map[string]int // "pods/ns", "nodes/"
	answer   func(resource, ns string) (runtime.Object, error)
}

type published struct {
	resource string
	u        kinds.Usages
}

func newFixture(t *testing.T, opts metrics.Options) *fixture {
	f := &fixture{t: t, clock: clocktesting.NewFakeClock(time.Unix(1_800_000_000, 0)), client: fakemetrics.NewSimpleClientset(),
		usage: make(chan published, 64), requests: map[string]int{}}
	f.answer = func(resource, ns string) (runtime.Object, error) {
		if resource == metrics.Nodes {
			return &metricsv1beta1.NodeMetricsList{Items: []metricsv1beta1.NodeMetrics{{ObjectMeta: metav1.ObjectMeta{Name: "node-1"},
				Timestamp: metav1.NewTime(f.clock.Now()), Usage: usage(1500, 3<<30)}}}, nil
		}
		return podList(ns, f.clock.Now(), 100), nil
	}
	for _, res := range []string{"pods", "nodes"} {
		f.client.PrependReactor("list", res, func(a k8stesting.Action) (bool, runtime.Object, error) {
			f.mu.Lock()
			f.requests[res+"/"+a.GetNamespace()]++
			answer := f.answer
			f.mu.Unlock()
			obj, err := answer(res, a.GetNamespace())
			return true, obj, err
		})
	}
	opts.Client, opts.Clock = f.client, f.clock
	opts.OnUsage = func(resource string, u kinds.Usages) { f.usage <- published{resource, u} }
	f.p = metrics.New(context.Background(), opts)
	t.Cleanup(f.p.Stop)
	return f
}

func (f *fixture) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[key]
}

func (f *fixture) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.requests {
		n += c
	}
	return n
}

func (f *fixture) setAnswer(a func(resource, ns string) (runtime.Object, error)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

// next waits for the next published measurements.
func (f *fixture) next() published {
	f.t.Helper()
	select {
	case p := <-f.usage:
		return p
	case <-time.After(10 * time.Second):
		f.t.Fatal("no poll")
		return published{}
	}
}

// waitStatus waits until the status of resource is state.
func (f *fixture) waitStatus(resource, state string) model.MetricsState {
	f.t.Helper()
	var st model.MetricsState
	require.Eventually(f.t, func() bool {
		s := f.p.Status()
		st = s.Pods
		if resource == metrics.Nodes {
			st = s.Nodes
		}
		return st.State == state
	}, 10*time.Second, time.Millisecond)
	return st
}

// step moves the clock once the poller waits on its timer.
func (f *fixture) step(d time.Duration) {
	f.t.Helper()
	require.Eventually(f.t, f.clock.HasWaiters, 10*time.Second, time.Millisecond, "the poller waits")
	f.clock.Step(d)
}

func podList(ns string, at time.Time, cpu int64) *metricsv1beta1.PodMetricsList {
	if ns == "" {
		ns = "shop"
	}
	return &metricsv1beta1.PodMetricsList{Items: []metricsv1beta1.PodMetrics{{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}, Timestamp: metav1.NewTime(at), Window: metav1.Duration{Duration: 15 * time.Second},
		Containers: []metricsv1beta1.ContainerMetrics{
			{Name: "proxy", Usage: usage(5, 16<<20)}, // metrics-server's order varies: the series go by name
			{Name: "app", Usage: usage(cpu, 64<<20)},
		},
	}}}
}

func usage(milli, bytes int64) map[corev1.ResourceName]resource.Quantity {
	return map[corev1.ResourceName]resource.Quantity{
		"cpu": *resource.NewMilliQuantity(milli, resource.DecimalSI), "memory": *resource.NewQuantity(bytes, resource.BinarySI),
	}
}

// Nothing is asked while nothing is on screen; a target is asked at once,
// then once per interval; released, nothing more; acquired again after
// an interval, at once; acquired twice, still once per interval.
func TestPollsOnlyWhileShownAndOncePerInterval(t *testing.T) {
	f := newFixture(t, metrics.Options{})
	assert.Equal(t, model.MetricsState{}, f.p.Status().Pods, "nothing asked yet")

	release := f.p.Acquire(metrics.Target{Resource: metrics.Pods})
	p := f.next()
	assert.Equal(t, metrics.Pods, p.resource)
	assert.Equal(t, kinds.Usages{"shop/web": {CPU: 105, Memory: 80 << 20}}, p.u, "the pod's total over its containers")
	assert.Equal(t, 1, f.count("pods/"))
	assert.Equal(t, model.MetricsAvailable, f.p.Status().Pods.State)

	second := f.p.Acquire(metrics.Target{Resource: metrics.Pods}) // a details panel beside the table
	f.step(14 * time.Second)
	f.step(time.Second)
	f.next()
	assert.Equal(t, 2, f.count("pods/"), "two holders, one request per interval")

	release()
	second()
	f.clock.Step(time.Hour) // released: even a timer still pending finds nothing to ask
	f.clock.Step(time.Hour)
	release = f.p.Acquire(metrics.Target{Resource: metrics.Pods})
	f.next()
	assert.Equal(t, 3, f.count("pods/"), "nothing was asked while released")
	release()
}

// Released, the poller holds no timer: nothing wakes it but a demand.
func TestReleasedPollerWaitsOnNothing(t *testing.T) {
	f := newFixture(t, metrics.Options{})
	release := f.p.Acquire(metrics.Target{Resource: metrics.Nodes})
	p := f.next()
	assert.Equal(t, kinds.Usages{"node-1": {CPU: 1500, Memory: 3 << 30}}, p.u)
	h := f.p.History(metrics.Nodes, "", "node-1")
	require.Len(t, h.Series, 1, "a node has its total only")
	assert.Equal(t, []model.UsagePoint{{T: f.clock.Now().UnixMilli(), CPU: 1500, Memory: 3 << 30}}, h.Series[0].Points)
	require.Eventually(t, f.clock.HasWaiters, 10*time.Second, time.Millisecond)
	release()
	require.Eventually(t, func() bool { return !f.clock.HasWaiters() }, 10*time.Second, time.Millisecond,
		"released, the poller waits on no timer")
}

// The interval comes from the settings, never under MinInterval.
func TestIntervalIsConfigurableWithAFloor(t *testing.T) {
	f := newFixture(t, metrics.Options{Interval: func() time.Duration { return time.Second }})
	assert.Equal(t, 5, f.p.Status().IntervalSeconds)
	defer f.p.Acquire(metrics.Target{Resource: metrics.Nodes})()
	f.next()
	f.step(4 * time.Second)
	f.step(time.Second)
	f.next()
	assert.Equal(t, 2, f.count("nodes/"))
}

// A pods target of one namespace is asked in that namespace, and not at
// all while all namespaces are asked for.
func TestNamespaceTargets(t *testing.T) {
	f := newFixture(t, metrics.Options{})
	shop := f.p.Acquire(metrics.Target{Resource: metrics.Pods, Namespace: "shop"})
	f.next()
	assert.Equal(t, 1, f.count("pods/shop"))
	all := f.p.Acquire(metrics.Target{Resource: metrics.Pods})
	f.next()
	assert.Equal(t, 1, f.count("pods/"))
	f.step(15 * time.Second)
	f.next()
	assert.Equal(t, 2, f.count("pods/"))
	assert.Equal(t, 1, f.count("pods/shop"), "covered by the cluster-wide request")
	all()
	shop()
}

// Failures are retried at most once a minute, each with its state.
func TestFailuresRetryOncePerMinute(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		groups  bool // discovery lists metrics.k8s.io
		cond    string
		state   string
		message string
	}{
		{name: "forbidden", err: apierrors.NewForbidden(schema.GroupResource{Group: "metrics.k8s.io", Resource: "pods"}, "", errFake("RBAC: no")),
			state: model.MetricsForbidden, message: `pods.metrics.k8s.io is forbidden: RBAC: no`},
		{name: "not installed", err: apierrors.NewNotFound(schema.GroupResource{Group: "metrics.k8s.io", Resource: "pods"}, ""),
			state: model.MetricsNotInstalled, message: "the server has no metrics.k8s.io API (metrics-server is not installed)"},
		{name: "unavailable", err: apierrors.NewServiceUnavailable("the server is currently unable to handle the request"), groups: true,
			cond: "failing or missing response from https://127.0.0.1:4443", state: model.MetricsUnavailable,
			message: "failing or missing response from https://127.0.0.1:4443"},
		{name: "unavailable without a readable APIService", err: apierrors.NewServiceUnavailable("the server is currently unable to handle the request"),
			groups: true, state: model.MetricsUnavailable, message: "the server is currently unable to handle the request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			disc := &fakediscovery.FakeDiscovery{Fake: &k8stesting.Fake{}}
			if tc.groups {
				disc.Resources = []*metav1.APIResourceList{{GroupVersion: "metrics.k8s.io/v1beta1"}}
			}
			var objs []runtime.Object
			if tc.cond != "" {
				objs = append(objs, apiService(tc.cond))
			}
			dyn := fakedynamic.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
				map[schema.GroupVersionResource]string{{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}: "APIServiceList"}, objs...)
			f := newFixture(t, metrics.Options{Discovery: disc, Dynamic: dyn})
			f.setAnswer(func(string, string) (runtime.Object, error) { return nil, tc.err })
			defer f.p.Acquire(metrics.Target{Resource: metrics.Pods})()
			st := f.waitStatus(metrics.Pods, tc.state)
			assert.Equal(t, tc.message, st.Message)
			assert.Equal(t, 1, f.total())
			f.step(15 * time.Second)
			f.step(44 * time.Second) // a request at 15 s would be counted below
			f.step(time.Second)
			require.Eventually(t, func() bool { return f.total() == 2 }, 10*time.Second, time.Millisecond)
			f.step(59 * time.Second)
			assert.Equal(t, 2, f.total(), "one request a minute")

			// Metrics come back: measurements again, every interval.
			f.setAnswer(func(_, ns string) (runtime.Object, error) { return podList(ns, f.clock.Now(), 7), nil })
			f.step(time.Second)
			p := f.next()
			assert.Equal(t, int64(12), p.u["shop/web"].CPU)
			assert.Equal(t, model.MetricsAvailable, f.p.Status().Pods.State)
		})
	}
}

// Measurements go when their metrics do: the views get nil.
func TestLosingMetricsClearsTheCells(t *testing.T) {
	f := newFixture(t, metrics.Options{})
	defer f.p.Acquire(metrics.Target{Resource: metrics.Pods})()
	require.NotEmpty(t, f.next().u)
	f.setAnswer(func(string, string) (runtime.Object, error) {
		return nil, apierrors.NewForbidden(schema.GroupResource{Group: "metrics.k8s.io", Resource: "pods"}, "", errFake("no"))
	})
	f.step(15 * time.Second)
	assert.Nil(t, f.next().u)
	assert.Empty(t, f.p.History(metrics.Pods, "shop", "web").Series)
}

// fakeAccess allows pod metrics in some namespaces only.
type fakeAccess struct {
	namespaces []string
	allowed    map[string]bool
}

func (a fakeAccess) Can(_ context.Context, verb string, gvr schema.GroupVersionResource, ns string) (bool, string, error) {
	return verb == "list" && gvr.Group == "metrics.k8s.io" && a.allowed[ns], "", nil
}
func (a fakeAccess) Namespaces(context.Context) ([]string, error) { return a.namespaces, nil }

// A user who may not list pod metrics cluster-wide is asked per allowed
// namespace; one allowed nowhere is forbidden without a request.
func TestRestrictedUserPolledPerNamespace(t *testing.T) {
	f := newFixture(t, metrics.Options{Access: fakeAccess{namespaces: []string{"default", "shop", "payments"},
		allowed: map[string]bool{"shop": true, "payments": true}}})
	defer f.p.Acquire(metrics.Target{Resource: metrics.Pods})()
	p := f.next()
	assert.Equal(t, 0, f.count("pods/"))
	assert.Equal(t, 0, f.count("pods/default"))
	assert.Equal(t, 1, f.count("pods/shop"))
	assert.Equal(t, 1, f.count("pods/payments"))
	assert.Len(t, p.u, 2)

	g := newFixture(t, metrics.Options{Access: fakeAccess{namespaces: []string{"default"}}})
	defer g.p.Acquire(metrics.Target{Resource: metrics.Pods})()
	st := g.waitStatus(metrics.Pods, model.MetricsForbidden)
	assert.Equal(t, "your user may not list pods.metrics.k8s.io in any namespace", st.Message)
	assert.Equal(t, 0, g.total())
}

// History: per container and in total, at most Points points over the
// Window, pods that went away dropped.
func TestHistory(t *testing.T) {
	f := newFixture(t, metrics.Options{})
	cpu := int64(0)
	f.setAnswer(func(_, ns string) (runtime.Object, error) {
		cpu += 10
		l := podList(ns, f.clock.Now(), cpu)
		if cpu > 1000 {
			l.Items = nil // the pod went away
		}
		return l, nil
	})
	defer f.p.Acquire(metrics.Target{Resource: metrics.Pods})()
	f.next()
	for range 80 {
		f.step(15 * time.Second)
		f.next()
	}
	h := f.p.History(metrics.Pods, "shop", "web")
	require.Len(t, h.Series, 3, "the total, then each container")
	assert.Equal(t, "", h.Series[0].Name)
	assert.Equal(t, "app", h.Series[1].Name)
	assert.Equal(t, "proxy", h.Series[2].Name)
	total := h.Series[0].Points
	require.Len(t, total, metrics.Points, "bounded")
	last := total[len(total)-1]
	assert.Equal(t, f.clock.Now().UnixMilli(), last.T)
	assert.Equal(t, int64(810+5), last.CPU)
	assert.Equal(t, int64(80<<20), last.Memory)
	assert.Equal(t, int64(810), h.Series[1].Points[len(total)-1].CPU)
	assert.Equal(t, time.Duration(last.T-total[0].T)*time.Millisecond, metrics.Window-15*time.Second, "the window")
	assert.Equal(t, 900, h.WindowSeconds)

	for range 20 {
		f.step(15 * time.Second)
		f.next()
	}
	assert.Empty(t, f.p.History(metrics.Pods, "shop", "web").Series, "gone from the answer, gone from the store")
}

// Polled faster than a point's spacing, the history keeps one point per
// Window/Points; the columns still get every measurement.
func TestHistorySpacing(t *testing.T) {
	f := newFixture(t, metrics.Options{Interval: func() time.Duration { return metrics.MinInterval }})
	cpu := int64(0)
	f.setAnswer(func(_, ns string) (runtime.Object, error) { cpu++; return podList(ns, f.clock.Now(), cpu), nil })
	defer f.p.Acquire(metrics.Target{Resource: metrics.Pods})()
	f.next()
	for range 9 {
		f.step(metrics.MinInterval)
		f.next()
	}
	pts := f.p.History(metrics.Pods, "shop", "web").Series[0].Points
	assert.Len(t, pts, 4, "points 0, 15, 30 and 45 s of 10 polls in 45 s")
	for i := 1; i < len(pts); i++ {
		assert.Equal(t, int64(15_000), pts[i].T-pts[i-1].T)
	}
}

func apiService(message string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v1beta1.metrics.k8s.io"},
		"status": map[string]any{"conditions": []any{map[string]any{
			"type": "Available", "status": "False", "reason": "FailedDiscoveryCheck", "message": message,
		}}},
	}}
}

type errFake string

func (e errFake) Error() string { return string(e) }

// A poller whose context ends while a target is due stops: it neither
// asks nor spins (a session cancelled while its pods table is open).
func TestStopsWhenItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	client := fakemetrics.NewSimpleClientset()
	asked := 0
	client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		asked++
		return true, &metricsv1beta1.PodMetricsList{}, nil
	})
	p := metrics.New(ctx, metrics.Options{Client: client, Clock: clocktesting.NewFakeClock(time.Unix(1_800_000_000, 0))})
	cancel()
	release := p.Acquire(metrics.Target{Resource: metrics.Pods})
	defer release()
	p.Stop() // the test's timeout catches a poller that spins instead
	assert.Zero(t, asked)
}
