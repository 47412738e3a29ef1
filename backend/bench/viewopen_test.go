package bench_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/bench"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/view"
	"crowsnest/hack/seed"
)

const (
	// viewPods and viewCRs are the cache sizes of issue 14's view budget;
	// $CROWSNEST_BENCH_VIEW_PODS and $CROWSNEST_BENCH_VIEW_CRS change them.
	viewPods   = 100_000
	viewCRs    = 10_000
	viewPodsNS = 20 // namespaces the pods spread over
	viewFilter = "orders"
)

// BenchmarkViewOpen is issue 14's budget for views, in process: a new
// view over a synced kind opens in under 30 ms at 100,000 pods and at
// 10,000 custom resources. Seeding 100,000 pods takes the local cluster
// about 50 minutes, so the caches here are fed without an API server, as
// replay_test.go feeds one: a pods informer whose list is 100,000
// PodSummaries (kinds.SummarizePod over seed.RunningLoadPods, 5,000 in
// each of 20 namespaces), and one of the bench CRD's kind whose list is
// 10,000 Summaries (its Summarize over seed.BenchResource). Views open on
// them through view.Open, as Session.OpenView opens them. It needs no
// cluster (CROWSNEST_BENCH is not read).
//
// For each view spec (a sub-benchmark), a fresh set of bases: the first
// view (the kind's base built: subscription, store read, default order)
// is opened and stays open, as the page's table would; then one open of
// the spec, reported apart as ms-first because a spec that filters or sorts
// by a column projects every row the first time (rows are kept per object
// afterwards); then the timed opens, each view closed and a GC run outside
// the timing. ms-median and ms-max are of the timed opens, cpu-ms-median
// the process's CPU time during them (what load on a shared machine does
// not inflate).
func BenchmarkViewOpen(b *testing.B) {
	pods, crs := countFromEnv(b, "CROWSNEST_BENCH_VIEW_PODS", viewPods), countFromEnv(b, "CROWSNEST_BENCH_VIEW_CRS", viewCRs)
	b.Run(fmt.Sprintf("pods=%d", pods), func(b *testing.B) {
		src := podsSource(b, pods)
		k := kinds.Builtin(kinds.Pods)
		openEach(b, src, k, map[string]model.ViewSpec{
			"default":   {Kind: string(k.ID)},
			"namespace": {Kind: string(k.ID), Namespace: "load-07"},
			"name":      {Kind: string(k.ID), SortBy: "name"},
			"restarts":  {Kind: string(k.ID), SortBy: "restarts", Desc: true},
			"filter":    {Kind: string(k.ID), Filter: viewFilter},
		})
	})
	b.Run(fmt.Sprintf("crs=%d", crs), func(b *testing.B) {
		src := customSource(b, crs)
		k := src.kind
		openEach(b, src, k, map[string]model.ViewSpec{
			"default":   {Kind: string(k.ID)},
			"namespace": {Kind: string(k.ID), Namespace: seed.BenchNamespace(3)},
			"name":      {Kind: string(k.ID), SortBy: "name"},
			"resources": {Kind: string(k.ID), SortBy: "resources", Desc: true},
			"filter":    {Kind: string(k.ID), Filter: viewFilter},
		})
	})
}

func countFromEnv(b *testing.B, env string, def int) int {
	v := os.Getenv(env)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: not a positive count", env, v)
	}
	return n
}

// viewOrder runs the specs in this order, so that the results read alike.
var viewOrder = []string{"default", "namespace", "name", "restarts", "resources", "filter"}

// openEach runs a sub-benchmark per spec; see BenchmarkViewOpen.
func openEach(b *testing.B, src *memorySource, k *kinds.Kind, specs map[string]model.ViewSpec) {
	for _, name := range viewOrder {
		spec, ok := specs[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			bases := view.NewBases(src)
			defer bases.Close()
			// open returns the view, its wall time and the process's CPU
			// time meanwhile (nothing else runs here but the GC, which
			// the open's allocations drive): unlike wall time, CPU time
			// does not grow when other processes share the machine.
			open := func(id string, spec model.ViewSpec) (*view.Live, time.Duration, time.Duration) {
				cpu, began := bench.CPUTime(), time.Now()
				v, err := view.Open(id, 1, bases, k, spec, func(model.ViewNotice) {})
				took := time.Since(began)
				cpu = bench.CPUTime() - cpu
				if err != nil {
					b.Fatal(err)
				}
				return v, took, cpu
			}
			page, baseTook, _ := open("page", model.ViewSpec{Kind: string(k.ID)})
			defer page.Close()
			v, first, _ := open("first", spec)
			v.Close()
			bench.GC2()
			var took, cpu bench.Durations
			rows := 0
			for i := 0; b.Loop(); i++ {
				v, d, c := open("v"+strconv.Itoa(i), spec)
				b.StopTimer()
				took, cpu, rows = append(took, d), append(cpu, c), v.Info().Count
				v.Close()
				runtime.GC()
				b.StartTimer()
			}
			b.ReportMetric(bench.MS(took.Median()), "ms-median")
			b.ReportMetric(bench.MS(took.Max()), "ms-max")
			b.ReportMetric(bench.MS(cpu.Median()), "cpu-ms-median")
			b.ReportMetric(bench.MS(first), "ms-first")
			b.ReportMetric(bench.MS(baseTook), "ms-base")
			b.ReportMetric(float64(rows), "rows")
			b.Logf("%s of %d: opens %v, CPU %v (first %v; the base %v)", name, src.len, took, cpu, first, baseTook)
		})
	}
}

// memorySource is a view.Source of one kind whose informer lists the
// objects it was given (what a synced cache holds) and whose watch never
// delivers anything.
type memorySource struct {
	kind   *kinds.Kind
	inf    toolscache.SharedIndexInformer
	handle *informer.Handle
	len    int
}

// objectList is a list the reflector can take items from.
type objectList struct {
	metav1.TypeMeta
	metav1.ListMeta
	Items []kruntime.Object
}

func (l *objectList) DeepCopyObject() kruntime.Object {
	c := *l
	c.Items = append([]kruntime.Object(nil), l.Items...) // the items are never modified
	return &c
}

// newMemorySource runs k's informer over objs, with the indexes the
// Owner gives it, until the benchmark ends.
func newMemorySource(b *testing.B, k *kinds.Kind, example kruntime.Object, objs []kruntime.Object) *memorySource {
	b.Helper()
	list := &objectList{ListMeta: metav1.ListMeta{ResourceVersion: "1"}, Items: objs}
	lw := replayLW{&toolscache.ListWatch{
		ListWithContextFunc: func(context.Context, metav1.ListOptions) (kruntime.Object, error) { return list, nil },
		WatchFuncWithContext: func(context.Context, metav1.ListOptions) (watch.Interface, error) {
			return watch.NewFake(), nil
		},
	}}
	indexers := k.AllIndexers()
	indexers[toolscache.NamespaceIndex] = toolscache.MetaNamespaceIndexFunc
	inf := toolscache.NewSharedIndexInformerWithOptions(lw, example, toolscache.SharedIndexInformerOptions{Indexers: indexers})
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go inf.RunWithContext(ctx)
	if !toolscache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		b.Fatal("in-memory informer never synced")
	}
	h, err := informer.HandleOf(k.ID, inf)
	if err != nil {
		b.Fatal(err)
	}
	return &memorySource{kind: k, inf: inf, handle: h, len: len(objs)}
}

func (m *memorySource) Informer(k *kinds.Kind) (*informer.Handle, error) {
	if k.ID != m.kind.ID {
		return nil, fmt.Errorf("this source has %s only, not %s", m.kind, k)
	}
	return m.handle, nil
}

func (m *memorySource) Synced(k kinds.ID) bool { return k == m.kind.ID && m.inf.HasSynced() }

// stringTable shares repeated strings, as the Owner's interner does.
type stringTable map[string]string

func (t stringTable) intern(s string) string {
	if v, ok := t[s]; ok {
		return v
	}
	s = strings.Clone(s)
	t[s] = s
	return s
}

// podsSource caches n generated pods as the Owner would hold them.
func podsSource(b *testing.B, n int) *memorySource {
	b.Helper()
	began := time.Now()
	strs := stringTable{}
	objs := make([]kruntime.Object, 0, n)
	nodes := []string{"demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4"}
	for i := range viewPodsNS {
		count := n / viewPodsNS
		if i < n%viewPodsNS {
			count++
		}
		seed.RunningLoadPods(fmt.Sprintf("load-%02d", i), count, nodes, func(p *corev1.Pod) {
			objs = append(objs, kinds.SummarizePod(p, strs.intern))
		})
	}
	src := newMemorySource(b, kinds.Builtin(kinds.Pods), &kinds.PodSummary{}, objs)
	b.Logf("%d pods generated and cached in %s", n, time.Since(began).Round(time.Millisecond))
	return src
}

// customSource caches n bench resources as the Owner would hold them.
func customSource(b *testing.B, n int) *memorySource {
	b.Helper()
	began := time.Now()
	crd := seed.BenchCRD(seed.BenchGroup)
	crd.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{
		{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue}}
	k, err := kinds.FromCRD(crd)
	if err != nil || k == nil {
		b.Fatalf("bench CRD: %v", err)
	}
	strs := stringTable{}
	objs := make([]kruntime.Object, 0, n)
	created := metav1.NewTime(time.Now().Add(-time.Hour).Truncate(time.Second))
	for i := range n {
		u := seed.BenchResource(seed.BenchGroup, i)
		// What the API server adds.
		u.SetUID(types.UID(fmt.Sprintf("bench-uid-%06d", i)))
		u.SetResourceVersion(strconv.Itoa(1000 + i))
		u.SetCreationTimestamp(created)
		s, err := k.Summarize(u, strs.intern)
		if err != nil {
			b.Fatal(err)
		}
		objs = append(objs, s.(kruntime.Object))
	}
	src := newMemorySource(b, k, &kinds.Summary{}, objs)
	b.Logf("%d custom resources generated and cached in %s", n, time.Since(began).Round(time.Millisecond))
	return src
}
