package testcluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"

	"crowsnest/hack/controlplane"
	"crowsnest/hack/podsim"
)

// The hooks below let tests drive what kwok serves for a pod of the demo
// cluster: its logs (files written by hack/podsim, which tests may append
// to), the directory its exec'd commands run in, and where its ports lead.

// WaitPodLogs waits until the pod is Running and kwok serves its logs from
// the files podsim wrote for it (not the shared files every pod starts
// with), and returns the pod as it is then. Use it before reading or
// appending to a pod's logs.
func (e *Env) WaitPodLogs(t testing.TB, namespace, name string) *corev1.Pod {
	t.Helper()
	cs := e.Client(t, controlplane.ContextDemoAdmin)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var last error
	for {
		pod, err := cs.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			if last = e.servesOwnLogs(ctx, cs, pod); last == nil {
				return pod
			}
		} else {
			last = err
		}
		select {
		case <-ctx.Done():
			t.Fatalf("logs of pod %s/%s are not served from its own files: %v", namespace, name, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// RunPod creates pod on the demo cluster and returns it once it runs and
// its logs are served (WaitPodLogs).
func (e *Env) RunPod(t testing.TB, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	if _, err := e.Client(t, controlplane.ContextDemoAdmin).CoreV1().Pods(pod.Namespace).Create(t.Context(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	return e.WaitPodLogs(t, pod.Namespace, pod.Name)
}

// servesOwnLogs checks that the API returns the first line of the pod's
// first container's log file, to the nanosecond.
func (e *Env) servesOwnLogs(ctx context.Context, cs kubernetes.Interface, pod *corev1.Pod) error {
	if pod.Status.Phase != corev1.PodRunning && pod.Status.Phase != corev1.PodSucceeded {
		return fmt.Errorf("phase %s", pod.Status.Phase)
	}
	container := pod.Spec.Containers[0].Name
	lines, err := podsim.ReadLog(e.LogFile(pod, container))
	if err != nil || len(lines) == 0 {
		return fmt.Errorf("no log file yet: %v", err)
	}
	raw, err := cs.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{
		Container: container, Timestamps: true, LimitBytes: new(int64(64 << 10)),
	}).DoRaw(ctx)
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(string(raw), "\n")
	ts, text, _ := strings.Cut(first, " ")
	got, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return fmt.Errorf("served log line %q: %w", first, err)
	}
	if !got.Equal(lines[0].Time) || text != lines[0].Text {
		return fmt.Errorf("served %q, not the pod's own log", first)
	}
	return nil
}

// LogFile is the file kwok serves as the current log of a container of pod.
func (e *Env) LogFile(pod *corev1.Pod, container string) string {
	return podsim.LogPath(e.opts.PodSimDir(controlplane.Demo), pod, container)
}

// PreviousLogFile is the file kwok serves for `logs --previous`, or "" when
// the container has not restarted (see podsim.RestartsAnnotation).
func (e *Env) PreviousLogFile(pod *corev1.Pod, container string) string {
	return podsim.PreviousLogPath(e.opts.PodSimDir(controlplane.Demo), pod, container)
}

// ExecDir is the working directory of commands exec'd in pod.
func (e *Env) ExecDir(pod *corev1.Pod) string {
	return podsim.WorkDir(e.opts.PodSimDir(controlplane.Demo), pod)
}

var (
	stampMu sync.Mutex
	stamp   time.Time
)

// now returns the current time, later than any time it returned before, so
// lines appended in a row never share a timestamp.
func now() time.Time {
	stampMu.Lock()
	defer stampMu.Unlock()
	t := time.Now()
	if !t.After(stamp) {
		t = stamp.Add(time.Microsecond)
	}
	stamp = t
	return t
}

// AppendLog appends lines (stdout, stamped now) to the current log of a
// container of pod; a follower of the log sees them. For other streams or
// timestamps use podsim.Append on LogFile.
func (e *Env) AppendLog(t testing.TB, pod *corev1.Pod, container string, texts ...string) []podsim.Line {
	t.Helper()
	lines := make([]podsim.Line, len(texts))
	for i, s := range texts {
		lines[i] = podsim.Line{Time: now(), Text: s}
	}
	if err := podsim.Append(e.LogFile(pod, container), lines...); err != nil {
		t.Fatalf("append to the log of %s/%s %s: %v", pod.Namespace, pod.Name, container, err)
	}
	return lines
}

// ForwardPodPort makes kwok forward port of pod to a new loopback listener,
// waits until a connection through the API server's port-forward arrives
// there, and returns the listener: the test serves on it. Without it a
// pod's ports lead to podsim's HTTP server.
func (e *Env) ForwardPodPort(t testing.TB, pod *corev1.Pod, port int32) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	dyn, err := dynamic.NewForConfig(e.Admin(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	e.mu.Lock()
	if e.forwards == nil {
		e.forwards = map[string]map[int32]string{}
	}
	targets := e.forwards[string(pod.UID)]
	if targets == nil {
		targets = map[int32]string{}
		e.forwards[string(pod.UID)] = targets
	}
	targets[port] = ln.Addr().String()
	obj, err := podsim.PortForwardObject(pod, targets, fmt.Sprintf("127.0.0.1:%d", e.opts.Ports(controlplane.Demo).PodSim))
	e.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	ri := dyn.Resource(podsim.PortForwardResource).Namespace(pod.Namespace)
	if cur, err := ri.Get(ctx, pod.Name, metav1.GetOptions{}); err == nil {
		obj.SetResourceVersion(cur.GetResourceVersion())
		_, err = ri.Update(ctx, obj, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update PortForward %s/%s: %v", pod.Namespace, pod.Name, err)
		}
	} else if apierrors.IsNotFound(err) {
		if _, err := ri.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create PortForward %s/%s: %v", pod.Namespace, pod.Name, err)
		}
	} else {
		t.Fatal(err)
	}

	// Until kwok has seen the object, connections reach podsim instead.
	addr, stop := e.PortForward(t, e.Admin(t), pod, port)
	defer stop()
	tcp := ln.(*net.TCPListener)
	deadline := time.Now().Add(60 * time.Second)
	for {
		probe, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial the port-forward of %s/%s: %v", pod.Namespace, pod.Name, err)
		}
		_ = tcp.SetDeadline(time.Now().Add(500 * time.Millisecond))
		c, err := tcp.Accept()
		probe.Close()
		if err == nil {
			c.Close()
			_ = tcp.SetDeadline(time.Time{})
			return ln
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) || time.Now().After(deadline) {
			t.Fatalf("port %d of %s/%s never reached the test's listener: %v", port, pod.Namespace, pod.Name, err)
		}
	}
}

// PortForward forwards a free loopback port to port of pod through the API
// server with cfg's credentials, as kubectl port-forward does (WebSocket,
// falling back to SPDY), and returns its address and a stop function that
// also runs when the test ends.
func (e *Env) PortForward(t testing.TB, cfg *rest.Config, pod *corev1.Pod, port int32) (string, func()) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(pod.Namespace).Name(pod.Name).SubResource("portforward").URL()
	transport, upgrader, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	spdyDialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	wsDialer, err := portforward.NewSPDYOverWebsocketDialer(u, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dialer := portforward.NewFallbackDialer(wsDialer, spdyDialer, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	stopCh, ready := make(chan struct{}), make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, stopCh, ready, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- fw.ForwardPorts() }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("port-forward to %s/%s:%d: %v", pod.Namespace, pod.Name, port, err)
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) != 1 {
		t.Fatalf("port-forward to %s/%s:%d: ports %v: %v", pod.Namespace, pod.Name, port, ports, err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			close(stopCh)
			<-done
		})
	}
	t.Cleanup(stop)
	return fmt.Sprintf("127.0.0.1:%d", ports[0].Local), stop
}

// ReadLine reads one line from r, without its newline.
func ReadLine(r *bufio.Reader) (string, error) {
	s, err := r.ReadString('\n')
	return strings.TrimSuffix(s, "\n"), err
}

// RunDeployment creates a Deployment on the demo cluster whose pods (label
// app=<name>) run containers, waits until replicas of them are Running on
// kwok nodes, owned by its ReplicaSet, and returns them.
func (e *Env) RunDeployment(t testing.TB, namespace, name string, replicas int32, containers ...corev1.Container) []*corev1.Pod {
	t.Helper()
	cs := e.Client(t, controlplane.ContextDemoAdmin)
	labels := map[string]string{"app": name}
	_, err := cs.AppsV1().Deployments(namespace).Create(t.Context(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: containers},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create deployment %s/%s: %v", namespace, name, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	for {
		list, err := cs.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
		var running []*corev1.Pod
		if err == nil {
			for i := range list.Items {
				p := &list.Items[i]
				if p.Status.Phase == corev1.PodRunning && p.Spec.NodeName != "" && metav1.GetControllerOf(p) != nil {
					running = append(running, p)
				}
			}
			if len(running) == int(replicas) {
				return running
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("deployment %s/%s: %d of %d pods running (%v)", namespace, name, len(running), replicas, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
