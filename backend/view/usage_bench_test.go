package view_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	wire "crowsnest/backend/model"
	"crowsnest/backend/view"
)

// BenchmarkUsagePoll is the budget for metrics: a poll's
// measurements of every pod merged into the open views of pods (one in
// the default order, one sorted by CPU descending) within 300 ms of the
// poll's answer. Each iteration publishes new measurements (every pod's
// CPU changed) and reads a window of each view, as the page then does.
func BenchmarkUsagePoll(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			bases, keys := benchBases(b, n)
			plain, err := view.Open("plain", 1, bases, pods, wire.ViewSpec{Kind: "pods"}, func(wire.ViewNotice) {})
			if err != nil {
				b.Fatal(err)
			}
			byCPU, err := view.Open("cpu", 1, bases, pods, wire.ViewSpec{Kind: "pods", SortBy: "cpu", Desc: true}, func(wire.ViewNotice) {})
			if err != nil {
				b.Fatal(err)
			}
			round := int64(0)
			var worst time.Duration
			for b.Loop() {
				b.StopTimer()
				round++
				u := make(kinds.Usages, len(keys))
				for i, k := range keys {
					u[k] = kinds.Usage{CPU: (int64(i)*7919 + round*104729) % 4000, Memory: int64(i%512) << 20}
				}
				b.StartTimer()
				start := time.Now()
				bases.SetUsage(kinds.Pods, u)
				if _, err := byCPU.Window(0, 100); err != nil {
					b.Fatal(err)
				}
				if _, err := plain.Window(0, 100); err != nil {
					b.Fatal(err)
				}
				worst = max(worst, time.Since(start))
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}

// benchBases is the bases of n pods held by a synced pods informer.
func benchBases(b *testing.B, n int) (*view.Bases, []string) {
	b.Helper()
	cs := fake.NewClientset()
	f := informers.NewSharedInformerFactory(cs, 0)
	inf := f.Core().V1().Pods().Informer()
	keys := make([]string, n)
	for i := range n {
		ns := "load-" + strconv.Itoa(i%20)
		name := "pod-" + strconv.Itoa(i)
		keys[i] = ns + "/" + name
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: "1"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "img", Resources: corev1.ResourceRequirements{Requests: cpuRequest("100m")}}}}}
		if err := inf.GetStore().Add(kinds.SummarizePod(p, nil)); err != nil {
			b.Fatal(err)
		}
	}
	h, err := informer.HandleOf(kinds.Pods, inf)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	_ = toolscache.WaitForCacheSync(ctx.Done(), func() bool { return true })
	bases := view.NewBases(podSource{inf: inf, h: h})
	b.Cleanup(bases.Close)
	return bases, keys
}
