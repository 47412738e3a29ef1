// Command logflood drives the logs benchmark (frontend/e2e/logs.bench.ts):
// it makes sure a pod exists on the demo cluster with a log file of its own
// (written by podsim, served by kwok), then appends lines to that file at a
// steady rate, as a chatty container would. Each line carries the time it
// was written (Unix ms, "t=<ms>"), so the page can time it to the screen on
// the same clock (performance.timeOrigin + performance.now()).
//
//	go run ./hack/cmd/logflood -kubeconfig K -root <cluster dir>/demo/podsim \
//	    -namespace logbench -pod flood -rate 20000 -duration 50s
//
// -rate 0 only sets the pod up. Output, one JSON object a line:
// {"ready":"<ns>/<name>","file":"..."} once the pod's log is its own, then
// {"lines":N,"seconds":S,"bytes":B} at the end.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/hack/podsim"
)

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig file")
	kctx := flag.String("context", "demo-admin", "kubeconfig context")
	root := flag.String("root", "", "podsim's directory of the cluster (<cluster dir>/demo/podsim)")
	namespace := flag.String("namespace", "logbench", "namespace of the pod")
	name := flag.String("pod", "flood", "name of the pod")
	rate := flag.Float64("rate", 20000, "lines per second (0: only set the pod up)")
	duration := flag.Duration("duration", 50*time.Second, "how long to write")
	lines := flag.Int("lines", 0, "stop after this many lines (0: after -duration)")
	pad := flag.Int("pad", 60, "filler bytes in each line")
	flag.Parse()
	if err := run(*kubeconfig, *kctx, *root, *namespace, *name, *rate, *duration, *lines, *pad); err != nil {
		fmt.Fprintln(os.Stderr, "logflood:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, kctx, root, namespace, name string, rate float64, duration time.Duration, limit, pad int) error {
	if root == "" {
		return errors.New("-root is required")
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: kctx}).ClientConfig()
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration+2*time.Minute)
	defer cancel()
	pod, err := ensurePod(ctx, cs, namespace, name)
	if err != nil {
		return err
	}
	file := podsim.LogPath(root, pod, pod.Spec.Containers[0].Name)
	out := json.NewEncoder(os.Stdout)
	_ = out.Encode(map[string]any{"ready": namespace + "/" + name, "file": file})
	if rate <= 0 {
		return nil
	}
	n, bytes, took, err := flood(file, rate, duration, limit, pad)
	_ = out.Encode(map[string]any{"lines": n, "bytes": bytes, "seconds": took.Seconds()})
	return err
}

// ensurePod creates the pod unless it exists and waits until it runs and
// podsim has written its own log file.
func ensurePod(ctx context.Context, cs kubernetes.Interface, namespace, name string) (*corev1.Pod, error) {
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	_, err = cs.CoreV1().Pods(namespace).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{"app": name}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/bench/flood:1"}}},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	for {
		pod, err := cs.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		if err == nil && pod.Status.Phase == corev1.PodRunning {
			return pod, nil // podsim writes its log file soon after: flood waits for it
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("pod %s/%s not running: %v", namespace, name, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// flood appends lines at rate per second in batches every 5 ms, each
// stamped (CRI time and t=) with the time of its batch's write.
func flood(file string, rate float64, duration time.Duration, limit, pad int) (int, int64, time.Duration, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return 0, 0, 0, fmt.Errorf("podsim wrote no log file %s", file)
		}
		time.Sleep(50 * time.Millisecond)
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	filler := strings.Repeat("x", pad)
	start := time.Now()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var n int
	var bytes int64
	var buf []byte
	for now := start; now.Sub(start) < duration && (limit == 0 || n < limit); now = <-tick.C {
		due := int(rate * time.Since(start).Seconds())
		if limit > 0 {
			due = min(due, limit)
		}
		if due <= n {
			continue
		}
		at := time.Now()
		ms := strconv.FormatFloat(float64(at.UnixMicro())/1000, 'f', 3, 64)
		buf = buf[:0]
		for ; n < due; n++ {
			buf, err = podsim.Line{Time: at, Text: fmt.Sprintf("flood seq=%d t=%s level=info msg=\"request handled\" %s", n, ms, filler)}.AppendTo(buf)
			if err != nil {
				return n, bytes, time.Since(start), err
			}
		}
		k, err := w.Write(buf)
		bytes += int64(k)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return n, bytes, time.Since(start), err
		}
	}
	return n, bytes, time.Since(start), nil
}
