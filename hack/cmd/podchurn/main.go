// Command podchurn drives pod changes for the frontend benchmark: it patches
// a label on existing pods at a steady rate (the background load) and, at an
// interval, creates a probe pod whose row sorts to the top of the pod table,
// printing when each probe was sent so the benchmark can time how long the
// change takes to reach the screen. Probes are deleted when it ends.
//
//	go run ./hack/cmd/podchurn -kubeconfig K -context demo-admin -namespace load \
//	    -rate 1000 -duration 20s -probe-namespace default -probe-every 250ms
//
// Output, one JSON object a line: {"probe":"<ns>/<name>","sent":<unix ms>,
// "acked":<unix ms>} for each probe (when its create was sent and answered), then {"patches":N,"failed":F,"seconds":S,"firstError":"..."}.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// seqLabel is the label each patch sets to the patch's sequence number.
const seqLabel = "crowsnest.dev/churn-seq"

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig file")
	kctx := flag.String("context", "demo-admin", "kubeconfig context")
	namespace := flag.String("namespace", "load", "namespace of the pods to patch")
	rate := flag.Float64("rate", 1000, "label patches per second")
	workers := flag.Int("workers", 32, "concurrent patch requests")
	duration := flag.Duration("duration", 20*time.Second, "how long to run")
	probeNS := flag.String("probe-namespace", "default", "namespace of the probe pods")
	probeEvery := flag.Duration("probe-every", 250*time.Millisecond, "interval between probe pods (0: none)")
	flag.Parse()
	if err := run(*kubeconfig, *kctx, *namespace, *rate, *workers, *duration, *probeNS, *probeEvery); err != nil {
		fmt.Fprintln(os.Stderr, "podchurn:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, kctx, namespace string, rate float64, workers int, duration time.Duration, probeNS string, probeEvery time.Duration) error {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: kctx},
	).ClientConfig()
	if err != nil {
		return err
	}
	// Client-side throttling would cap the rate far below what we ask for.
	cfg.QPS, cfg.Burst = float32(rate*2+100), int(rate*2+100)
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	// A few thousand pods are enough to spread the patches over; listing all
	// 50,000 would take longer than the run on a busy machine.
	listCtx, cancelList := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelList()
	list, err := client.CoreV1().Pods(namespace).List(listCtx, metav1.ListOptions{Limit: 5000})
	if err != nil {
		return fmt.Errorf("listing pods in %s: %w", namespace, err)
	}
	if len(list.Items) == 0 {
		return fmt.Errorf("no pods in namespace %s to patch", namespace)
	}
	names := make([]string, len(list.Items))
	for i, p := range list.Items {
		names[i] = p.Name
	}

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	// Requests sent before the end may finish after it: they get a deadline
	// of their own, so the end does not cut them off mid-answer.
	reqCtx, cancelReq := context.WithTimeout(context.Background(), duration+time.Minute)
	defer cancelReq()

	out := json.NewEncoder(os.Stdout)
	var outMu sync.Mutex
	emit := func(v any) {
		outMu.Lock()
		defer outMu.Unlock()
		_ = out.Encode(v)
	}

	var probes []string
	var probeWG sync.WaitGroup
	if probeEvery > 0 {
		probeWG.Add(1)
		go func() {
			defer probeWG.Done()
			probes = runProbes(ctx, reqCtx, client, probeNS, probeEvery, emit)
		}()
	}

	// A ticker hands out patch sequence numbers at the rate; workers send them.
	seqs := make(chan int64, workers)
	var done, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range seqs {
				name := names[int(seq)%len(names)]
				patch := []byte(`{"metadata":{"labels":{"` + seqLabel + `":"` + strconv.FormatInt(seq, 10) + `"}}}`)
				_, err := client.CoreV1().Pods(namespace).Patch(reqCtx, name, types.MergePatchType, patch, metav1.PatchOptions{})
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				} else {
					done.Add(1)
				}
			}
		}()
	}
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	next := start
	var seq int64
loop:
	for {
		next = next.Add(interval)
		if d := time.Until(next); d > 0 {
			select {
			case <-ctx.Done():
				break loop
			case <-time.After(d):
			}
		}
		select {
		case seqs <- seq:
			seq++
		case <-ctx.Done():
			break loop
		}
	}
	close(seqs)
	wg.Wait()
	elapsed := time.Since(start)
	probeWG.Wait()

	// Leave the namespace as we found it.
	cleanup, cancelCleanup := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelCleanup()
	zero := int64(0)
	for _, p := range probes {
		_ = client.CoreV1().Pods(probeNS).Delete(cleanup, p, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	}
	fe, _ := firstErr.Load().(string)
	emit(map[string]any{"patches": done.Load(), "failed": failed.Load(), "seconds": elapsed.Seconds(), "firstError": fe})
	return nil
}

// runProbes creates a pod every interval until ctx ends, reporting each as
// it is sent, and returns their names.
func runProbes(ctx, reqCtx context.Context, client kubernetes.Interface, ns string, every time.Duration, emit func(any)) []string {
	var names []string
	base := "aaa-probe-" + strconv.FormatInt(time.Now().Unix()%100000, 36)
	t := time.NewTicker(every)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return names
		case <-t.C:
		}
		// Counting down, so each probe sorts above the ones before it and
		// lands in the top rows the table shows.
		name := fmt.Sprintf("%s-%05d", base, 99999-i)
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": "churn-probe"}},
			Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "main", Image: "registry.local/probe:1"}},
			},
		}
		sentAt := time.Now()
		if _, err := client.CoreV1().Pods(ns).Create(reqCtx, pod, metav1.CreateOptions{}); err != nil {
			emit(map[string]any{"probeError": err.Error()})
			continue
		}
		names = append(names, name)
		acked := time.Now()
		emit(map[string]any{"probe": ns + "/" + name, "sent": unixMs(sentAt), "acked": unixMs(acked)})
	}
}

func unixMs(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }
