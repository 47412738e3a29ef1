package view_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	wire "crowsnest/backend/model"
	"crowsnest/backend/view"
)

// podSource serves one pod informer over a fake clientset.
type podSource struct {
	inf toolscache.SharedIndexInformer
	h   *informer.Handle
}

func newPodSource(t *testing.T, inf toolscache.SharedIndexInformer) podSource {
	h, err := informer.HandleOf(kinds.Pods, inf)
	require.NoError(t, err)
	return podSource{inf: inf, h: h}
}

func (p podSource) Informer(*kinds.Kind) (*informer.Handle, error) { return p.h, nil }
func (p podSource) Synced(kinds.ID) bool                           { return p.inf.HasSynced() }

var pods = kinds.Builtin(kinds.Pods)

// open opens a view of pods on its own bases.
func open(t *testing.T, src view.Source, spec wire.ViewSpec, notify func(wire.ViewNotice)) (*view.Live, error) {
	t.Helper()
	bases := view.NewBases(src)
	t.Cleanup(bases.Close)
	return view.Open("v", 1, bases, pods, spec, notify)
}

func testPod(ns, name, phase string, created int64) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + name), ResourceVersion: "1",
			CreationTimestamp: metav1.NewTime(time.Unix(created, 0)), Labels: map[string]string{"app": name[:3]}},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "img"}}, NodeName: "node-" + ns},
		Status: corev1.PodStatus{Phase: corev1.PodPhase(phase)},
	}
}

func startPods(t *testing.T, pods ...*corev1.Pod) (*fake.Clientset, podSource) {
	t.Helper()
	cs := fake.NewClientset()
	for _, p := range pods {
		_, err := cs.CoreV1().Pods(p.Namespace).Create(context.Background(), p, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	f := informers.NewSharedInformerFactory(cs, 0)
	inf := f.Core().V1().Pods().Informer()
	ctx, cancel := context.WithCancel(context.Background())
	f.Start(ctx.Done())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	require.True(t, toolscache.WaitForCacheSync(ctx.Done(), inf.HasSynced))
	return cs, newPodSource(t, inf)
}

func viewNames(t *testing.T, v *view.Live) []string {
	t.Helper()
	w, err := v.Window(0, view.MaxWindow)
	require.NoError(t, err)
	out := make([]string, len(w.Rows))
	for i, r := range w.Rows {
		out[i] = r.Name
	}
	return out
}

func TestLiveSortsFiltersAndProjectsRows(t *testing.T) {
	cs, src := startPods(t,
		testPod("b", "web-2", "Running", 300), testPod("a", "web-1", "Pending", 100),
		testPod("a", "db-1", "Failed", 200), testPod("c", "web-3", "Running", 400))
	notices := make(chan wire.ViewNotice, 100)
	tests := []struct {
		name string
		spec wire.ViewSpec
		want []string
	}{
		{"default: namespace then name", wire.ViewSpec{Kind: "pods"}, []string{"db-1", "web-1", "web-2", "web-3"}},
		{"name descending", wire.ViewSpec{Kind: "pods", SortBy: "name", Desc: true}, []string{"web-3", "web-2", "web-1", "db-1"}},
		{"age: newest first", wire.ViewSpec{Kind: "pods", SortBy: "age"}, []string{"web-3", "web-2", "db-1", "web-1"}},
		{"status reads rows", wire.ViewSpec{Kind: "pods", SortBy: "status"}, []string{"db-1", "web-1", "web-2", "web-3"}},
		{"node reads rows; ties by key", wire.ViewSpec{Kind: "pods", SortBy: "node", Desc: true}, []string{"web-3", "web-2", "db-1", "web-1"}},
		{"text filter on status", wire.ViewSpec{Kind: "pods", Filter: "runn"}, []string{"web-2", "web-3"}},
		{"namespace and selector", wire.ViewSpec{Kind: "pods", Namespace: "a", Selector: "app=web"}, []string{"web-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := open(t, src, tc.spec, func(n wire.ViewNotice) { notices <- n })
			require.NoError(t, err)
			defer v.Close()
			assert.Equal(t, tc.want, viewNames(t, v))
		})
	}

	// A window projects full rows, whatever the sort.
	v, err := open(t, src, wire.ViewSpec{Kind: "pods"}, func(n wire.ViewNotice) { notices <- n })
	require.NoError(t, err)
	defer v.Close()
	w, err := v.Window(1, 1)
	require.NoError(t, err)
	require.Len(t, w.Rows, 1)
	assert.Equal(t, wire.Row{Key: "a/web-1", Kind: "pods", Name: "web-1", Namespace: "a", UID: "uid-web-1", Created: 100,
		Labels: map[string]string{"app": "web"}, Status: "Pending", Health: wire.HealthWarn,
		Images: []string{"img"}, Cells: []string{"web-1", "a", "0/1", "Pending", "0", "100", "node-a", "", "", "", "", "", "", ""}}, w.Rows[0])

	// Switching to a sort that reads rows, then changing a pod, keeps order.
	require.NoError(t, v.Update(pods, wire.ViewSpec{Kind: "pods", SortBy: "status"}))
	p := testPod("a", "web-1", "Succeeded", 100)
	p.ResourceVersion = "2"
	_, err = cs.CoreV1().Pods("a").Update(context.Background(), p, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		got := viewNames(t, v)
		return len(got) == 4 && got[3] == "web-1"
	}, 5*time.Second, 10*time.Millisecond, "the updated pod moves to its new status position")
}
