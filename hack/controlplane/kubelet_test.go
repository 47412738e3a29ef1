package controlplane_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/utils/exec"

	"crowsnest/hack/controlplane"
	"crowsnest/hack/podsim"
	"crowsnest/hack/testcluster"
)

// newPod runs a pod with an init container, an app and a sidecar on the
// demo cluster and returns it once kwok serves its own logs.
func newPod(t *testing.T, env *testcluster.Env, ns, name string, annotations map[string]string) *corev1.Pod {
	t.Helper()
	return env.RunPod(t, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: annotations},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "migrate", Image: "registry.example.com/shop/migrations:1.0"}},
			Containers: []corev1.Container{
				{Name: "app", Image: "registry.example.com/shop/cart:2.7.3"},
				{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2"},
			},
		},
	})
}

// texts returns the text of each line.
func texts(lines []podsim.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

func splitLines(raw []byte) []string {
	return strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
}

// TestNodesAdvertiseKwokOverTLS checks that every node's kubelet endpoint is
// kwok's loopback port, served over TLS with a certificate of our CA.
func TestNodesAdvertiseKwokOverTLS(t *testing.T) {
	env := testcluster.Get(t)
	opts := env.Options()
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig())
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(cfg.Clusters[controlplane.Demo].CertificateAuthorityData))
	for _, c := range []struct{ cluster, context string }{
		{controlplane.Demo, controlplane.ContextDemoAdmin}, {controlplane.Staging, controlplane.ContextStagingAdmin},
	} {
		nodes, err := env.Client(t, c.context).CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
		require.NoError(t, err)
		require.NotEmpty(t, nodes.Items)
		port := opts.Ports(c.cluster).Kwok
		for _, n := range nodes.Items {
			assert.Equal(t, int32(port), n.Status.DaemonEndpoints.KubeletEndpoint.Port, "node %s", n.Name)
			assert.Contains(t, n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}, "node %s", n.Name)
		}
		conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		require.NoError(t, err, "kwok of %s serves TLS with a certificate of our CA", c.cluster)
		conn.Close()
	}
}

func TestLogsCurrentPreviousAndInit(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "cart", map[string]string{podsim.RestartsAnnotation: "2"})
	pods := cs.CoreV1().Pods(ns)

	for _, c := range []string{"migrate", "app", "envoy"} {
		want, err := podsim.ReadLog(env.LogFile(pod, c))
		require.NoError(t, err)
		require.Greater(t, len(want), 10, "podsim writes a realistic log for %s", c)
		raw, err := pods.GetLogs(pod.Name, &corev1.PodLogOptions{Container: c}).DoRaw(t.Context())
		require.NoError(t, err, "logs of %s", c)
		assert.Equal(t, texts(want), splitLines(raw), "logs of %s are its file", c)
	}

	prevFile := env.PreviousLogFile(pod, "app")
	require.NotEmpty(t, prevFile)
	assert.Equal(t, filepathBase(prevFile), "1.log", "the previous of 2 restarts is run 1")
	want, err := podsim.ReadLog(prevFile)
	require.NoError(t, err)
	raw, err := pods.GetLogs(pod.Name, &corev1.PodLogOptions{Container: "app", Previous: true}).DoRaw(t.Context())
	require.NoError(t, err)
	assert.Equal(t, texts(want), splitLines(raw))
	assert.Equal(t, "stderr", want[len(want)-1].Stream, "the previous run ends in a crash on stderr")

	// podsim makes the status agree with the previous log.
	err = wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		p, err := pods.Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, s := range p.Status.ContainerStatuses {
			if s.Name == "app" {
				return s.RestartCount == 2 && s.LastTerminationState.Terminated != nil, nil
			}
		}
		return false, nil
	})
	require.NoError(t, err, "app shows 2 restarts and its last termination")

	// The init container did not restart: asking for its previous log fails.
	_, err = pods.GetLogs(pod.Name, &corev1.PodLogOptions{Container: "migrate", Previous: true}).DoRaw(t.Context())
	assert.Error(t, err)
}

func filepathBase(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

func TestLogsTailSinceTimestamps(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "web", nil)
	pods := cs.CoreV1().Pods(ns)

	// Lines an hour, half an hour and a minute old, appended after the
	// podsim history (a log need not be in order for these options).
	now := time.Now()
	old := []podsim.Line{
		{Time: now.Add(-time.Hour), Text: "an hour ago"},
		{Time: now.Add(-30 * time.Minute), Stream: "stderr", Text: "half an hour ago"},
		{Time: now.Add(-time.Minute), Text: "a minute ago"},
	}
	require.NoError(t, podsim.Append(env.LogFile(pod, "app"), old...))

	raw, err := pods.GetLogs(pod.Name, &corev1.PodLogOptions{Container: "app", TailLines: new(int64(2))}).DoRaw(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"half an hour ago", "a minute ago"}, splitLines(raw))

	// since skips lines older than the given time, wherever they are.
	raw, err = pods.GetLogs(pod.Name, &corev1.PodLogOptions{Container: "app", SinceSeconds: new(int64(45 * 60))}).DoRaw(t.Context())
	require.NoError(t, err)
	got := splitLines(raw)
	assert.NotContains(t, got, "an hour ago")
	assert.Equal(t, []string{"half an hour ago", "a minute ago"}, got[len(got)-2:])

	raw, err = pods.GetLogs(pod.Name, &corev1.PodLogOptions{Container: "app", TailLines: new(int64(1)), Timestamps: true}).DoRaw(t.Context())
	require.NoError(t, err)
	ts, text, ok := strings.Cut(strings.TrimSuffix(string(raw), "\n"), " ")
	require.True(t, ok)
	stamp, err := time.Parse(time.RFC3339Nano, ts)
	require.NoError(t, err)
	assert.True(t, stamp.Equal(old[2].Time), "timestamp %s is the line's own, %s", stamp, old[2].Time)
	assert.Equal(t, "a minute ago", text)
}

func TestLogsFollowSeesAppendedLines(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "checkout", nil)

	stream, err := cs.CoreV1().Pods(ns).GetLogs(pod.Name, &corev1.PodLogOptions{Container: "app", Follow: true, TailLines: new(int64(1))}).Stream(t.Context())
	require.NoError(t, err)
	defer stream.Close()
	r := bufio.NewReader(stream)
	_, err = testcluster.ReadLine(r) // the last line so far: the stream is open
	require.NoError(t, err)

	for round := range 3 {
		want := []string{fmt.Sprintf("order %d accepted", round), fmt.Sprintf("order %d paid", round)}
		env.AppendLog(t, pod, "app", want...)
		for _, w := range want {
			line, err := testcluster.ReadLine(r)
			require.NoError(t, err)
			assert.Equal(t, w, line)
		}
	}
}

// TestLiveLogGrows checks the live writer: a pod with a log rate gets new
// lines without anyone appending.
func TestLiveLogGrows(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "storefront", map[string]string{podsim.LogRateAnnotation: "20"})
	stream, err := cs.CoreV1().Pods(ns).GetLogs(pod.Name, &corev1.PodLogOptions{Container: "app", Follow: true, TailLines: new(int64(0)), Timestamps: true}).Stream(t.Context())
	require.NoError(t, err)
	defer stream.Close()
	r := bufio.NewReader(stream)
	var prev time.Time
	for range 5 {
		line, err := testcluster.ReadLine(r)
		require.NoError(t, err)
		ts, _, _ := strings.Cut(line, " ")
		stamp, err := time.Parse(time.RFC3339Nano, ts)
		require.NoError(t, err)
		assert.True(t, stamp.After(prev), "live lines are in order")
		prev = stamp
	}
}

// TestBulkPodsShareOneLog checks the catch-all: a pod podsim leaves alone
// is served the shared log.
func TestBulkPodsShareOneLog(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	_, err := cs.CoreV1().Pods(ns).Create(t.Context(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "bulk", Labels: map[string]string{podsim.BulkLabel: "true"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/load/app:1"}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	shared, err := podsim.ReadLog(podsim.SharedPreviousLog(env.Options().PodSimDir(controlplane.Demo)))
	require.NoError(t, err)
	// The previous log is never appended to, so it compares exactly.
	err = wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		raw, err := cs.CoreV1().Pods(ns).GetLogs("bulk", &corev1.PodLogOptions{Previous: true}).DoRaw(ctx)
		return err == nil && assert.ObjectsAreEqual(texts(shared), splitLines(raw)), nil
	})
	require.NoError(t, err, "the bulk pod is served the shared previous log")
}

// execIn runs cmd in a container of pod through the API server, as kubectl
// exec does (WebSocket, falling back to SPDY).
func execIn(ctx context.Context, cfg *rest.Config, pod *corev1.Pod, container string, cmd ...string) (string, string, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", "", err
	}
	u := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(pod.Namespace).Name(pod.Name).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Container: container, Command: cmd, Stdout: true, Stderr: true}, scheme.ParameterCodec).URL()
	ws, err := remotecommand.NewWebSocketExecutor(cfg, http.MethodGet, u.String())
	if err != nil {
		return "", "", err
	}
	sp, err := remotecommand.NewSPDYExecutor(cfg, http.MethodPost, u)
	if err != nil {
		return "", "", err
	}
	executor, err := remotecommand.NewFallbackExecutor(ws, sp, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return "", "", err
	}
	var stdout, stderr bytes.Buffer
	err = executor.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr})
	return stdout.String(), stderr.String(), err
}

func TestExecRunsInThePodsDirectory(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "toolbox", nil)

	out, _, err := execIn(t.Context(), env.Admin(t), pod, "app", "echo", "hi")
	require.NoError(t, err)
	assert.Equal(t, "hi\n", out)

	// kwok may still be on the shared working directory for a moment.
	want := env.ExecDir(pod) + "\n" + pod.Name + "\n"
	err = wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		out, _, err = execIn(ctx, env.Admin(t), pod, "envoy", "sh", "-c", `pwd; echo "$POD_NAME"`)
		return err == nil && out == want, err
	})
	require.NoError(t, err, "exec runs in the pod's directory, last output %q", out)

	_, stderr, err := execIn(t.Context(), env.Admin(t), pod, "app", "sh", "-c", "echo oops >&2; exit 3")
	require.Error(t, err, "a failing command is an error")
	assert.Equal(t, "oops\n", stderr)
	var exitErr exec.ExitError
	if errors.As(err, &exitErr) {
		assert.Equal(t, 3, exitErr.ExitStatus())
	} else {
		// kwok v0.8.0 wraps the command's error, so the API server reports
		// a failure without the exit code.
		assert.Contains(t, err.Error(), "exit status 3")
	}
}

func TestPortForwardCarriesBytes(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "echo", nil)

	ln := env.ForwardPodPort(t, pod, 7000)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	addr, _ := env.PortForward(t, env.Admin(t), pod, 7000)
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	payload := bytes.Repeat([]byte("crowsnest "), 10000)
	go func() { _, _ = conn.Write(payload) }()
	got := make([]byte, len(payload))
	_, err = io.ReadFull(conn, got)
	require.NoError(t, err)
	assert.Equal(t, payload, got, "100 kB echoed through the API server, kwok and back")

	// Any other port leads to podsim's HTTP server.
	addr, _ = env.PortForward(t, env.Admin(t), pod, 8080)
	resp, err := http.Get("http://" + addr + "/products")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "crowsnest podsim")
}

// TestViewerMayReadLogsOnlyInShop documents the restricted user's rights
// on the kubelet API: logs in its namespace, no exec or port-forward.
func TestViewerMayReadLogsOnlyInShop(t *testing.T) {
	env := testcluster.Get(t)
	viewer, err := kubernetes.NewForConfig(env.Viewer(t))
	require.NoError(t, err)
	can := func(ns, verb, sub string) bool {
		r, err := viewer.AuthorizationV1().SelfSubjectAccessReviews().Create(t.Context(), &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns, Verb: verb, Resource: "pods", Subresource: sub,
			}},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
		return r.Status.Allowed
	}
	assert.True(t, can(controlplane.ViewerNamespace, "get", "log"))
	assert.False(t, can("payments", "get", "log"))
	assert.False(t, can(controlplane.ViewerNamespace, "create", "exec"))
	assert.False(t, can(controlplane.ViewerNamespace, "create", "portforward"))
}
