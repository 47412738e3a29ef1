package view_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/kinds"
	wire "crowsnest/backend/model"
	"crowsnest/backend/view"
)

// noticeLog records the notices of a view.
type noticeLog struct {
	mu sync.Mutex
	ns []wire.ViewNotice
}

func (l *noticeLog) add(n wire.ViewNotice) { l.mu.Lock(); l.ns = append(l.ns, n); l.mu.Unlock() }
func (l *noticeLog) len() int              { l.mu.Lock(); defer l.mu.Unlock(); return len(l.ns) }

func cell(t *testing.T, v *view.Live, name, col string) string {
	t.Helper()
	w, err := v.Window(0, view.MaxWindow)
	require.NoError(t, err)
	for _, r := range w.Rows {
		if r.Name == name {
			return r.Cells[pods.Column(col)]
		}
	}
	t.Fatalf("no row %q", name)
	return ""
}

// A poll's measurements reach open views without their objects changing:
// the cells of every view, the order of a view sorted by a usage column,
// one notice each; other views of the kind keep their order.
func TestUsageFillsCellsAndSorts(t *testing.T) {
	cs, src := startPods(t, testPod("shop", "aaa-1", "Running", 1), testPod("shop", "bbb-2", "Running", 2),
		testPod("shop", "ccc-3", "Running", 3))
	bases := view.NewBases(src)
	t.Cleanup(bases.Close)
	var byName, byCPU noticeLog
	plain, err := view.Open("plain", 1, bases, pods, wire.ViewSpec{Kind: "pods"}, byName.add)
	require.NoError(t, err)
	sorted, err := view.Open("cpu", 1, bases, pods, wire.ViewSpec{Kind: "pods", SortBy: "cpu", Desc: true}, byCPU.add)
	require.NoError(t, err)

	assert.Equal(t, "", cell(t, plain, "aaa-1", "cpu"), "no measurement: an empty cell")
	assert.Equal(t, []string{"aaa-1", "bbb-2", "ccc-3"}, viewNames(t, sorted), "unmeasured rows tie and sort by key")

	before := plain.Info().Version
	bases.SetUsage(kinds.Pods, kinds.Usages{
		"shop/aaa-1": {CPU: 10, Memory: 1 << 20}, "shop/bbb-2": {CPU: 300, Memory: 5 << 20}, "shop/ccc-3": {CPU: 20, Memory: 2 << 20},
	})
	assert.Equal(t, "300m", cell(t, plain, "bbb-2", "cpu"))
	assert.Equal(t, "5Mi", cell(t, plain, "bbb-2", "memory"))
	assert.Equal(t, []string{"aaa-1", "bbb-2", "ccc-3"}, viewNames(t, plain), "the default order is kept")
	assert.Greater(t, plain.Info().Version, before, "the version moves, so the page reads the window again")
	assert.Equal(t, []string{"bbb-2", "ccc-3", "aaa-1"}, viewNames(t, sorted))
	assert.Equal(t, 1, byName.len())
	assert.Equal(t, 1, byCPU.len())

	// The next poll re-sorts.
	bases.SetUsage(kinds.Pods, kinds.Usages{"shop/aaa-1": {CPU: 900}, "shop/bbb-2": {CPU: 1}})
	assert.Equal(t, []string{"aaa-1", "bbb-2", "ccc-3"}, viewNames(t, sorted), "ccc-3 is unmeasured now: last when descending")
	assert.Equal(t, "", cell(t, plain, "ccc-3", "cpu"))

	// An object that changes keeps its place by its measurement.
	p := testPod("shop", "ddd-4", "Running", 4)
	_, err = cs.CoreV1().Pods("shop").Create(context.Background(), p, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return sorted.Info().Count == 4 }, waitFor, tick)
	assert.Equal(t, []string{"aaa-1", "bbb-2", "ccc-3", "ddd-4"}, viewNames(t, sorted))
	bases.SetUsage(kinds.Pods, kinds.Usages{"shop/ddd-4": {CPU: 5000}, "shop/aaa-1": {CPU: 900}})
	assert.Equal(t, []string{"ddd-4", "aaa-1", "bbb-2", "ccc-3"}, viewNames(t, sorted))
	require.NoError(t, cs.CoreV1().Pods("shop").Delete(context.Background(), "aaa-1", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool { return sorted.Info().Count == 3 }, waitFor, tick)
	assert.Equal(t, []string{"ddd-4", "bbb-2", "ccc-3"}, viewNames(t, sorted))

	// A view opened later starts from the latest measurements, ascending.
	asc, err := view.Open("asc", 1, bases, pods, wire.ViewSpec{Kind: "pods", SortBy: "cpu"}, func(wire.ViewNotice) {})
	require.NoError(t, err)
	assert.Equal(t, []string{"bbb-2", "ccc-3", "ddd-4"}, viewNames(t, asc), "unmeasured first when ascending, as empty cells")

	// No measurements at all: cells empty again.
	bases.SetUsage(kinds.Pods, nil)
	assert.Equal(t, "", cell(t, plain, "ddd-4", "cpu"))
}

// Percentages of requests sort like any usage column.
func TestUsageSortsByPercentOfRequests(t *testing.T) {
	small := testPod("shop", "aaa-small", "Running", 1)
	small.Spec.Containers[0].Resources.Requests = cpuRequest("100m")
	big := testPod("shop", "bbb-big", "Running", 2)
	big.Spec.Containers[0].Resources.Requests = cpuRequest("2")
	none := testPod("shop", "ccc-none", "Running", 3)
	_, src := startPods(t, small, big, none)
	bases := view.NewBases(src)
	t.Cleanup(bases.Close)
	bases.SetUsage(kinds.Pods, kinds.Usages{"shop/aaa-small": {CPU: 50}, "shop/bbb-big": {CPU: 1500}, "shop/ccc-none": {CPU: 9000}})
	v, err := view.Open("v", 1, bases, pods, wire.ViewSpec{Kind: "pods", SortBy: "cpuRequest", Desc: true}, func(wire.ViewNotice) {})
	require.NoError(t, err)
	assert.Equal(t, []string{"bbb-big", "aaa-small", "ccc-none"}, viewNames(t, v), "75%, 50%, then no request")
	assert.Equal(t, "75", cell(t, v, "bbb-big", "cpuRequest"))
	assert.Equal(t, "", cell(t, v, "ccc-none", "cpuRequest"))
	assert.Equal(t, "9000m", cell(t, v, "ccc-none", "cpu"))
}

const (
	waitFor = 5 * time.Second
	tick    = 5 * time.Millisecond
)

func cpuRequest(q string) corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(q)}
}
