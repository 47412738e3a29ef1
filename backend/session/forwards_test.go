package session_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"crowsnest/backend/events"
	"crowsnest/backend/forward"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// webContainer serves HTTP on port 8080, named http (podsim answers
// whatever reaches a pod's port).
var webContainer = corev1.Container{Name: "app", Image: "registry.example.com/shop/web:1.4.0",
	Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "echo", ContainerPort: 7000}}}

func webPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{webContainer}}}
}

// waitForward waits until pred holds for the forward, looking again after
// every event the session sends.
func waitForward(t *testing.T, rec *events.Recorder, s *session.Session, id, what string, pred func(model.Forward) bool) model.Forward {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var last model.Forward
	err := rec.WaitFor(ctx, func([]events.Recorded) bool {
		list, err := s.Forwards()
		if err != nil {
			return false
		}
		for _, f := range list {
			if f.ID == id {
				last = f
				return pred(f)
			}
		}
		return false
	})
	require.NoError(t, err, "%s; forward %+v", what, last)
	return last
}

// get makes one HTTP request through a forward and returns the body.
func get(t *testing.T, address, path string) string {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	resp, err := c.Get("http://" + address + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	return string(body)
}

// assertLoopbackOnly checks that a forward listens on 127.0.0.1 and not on
// the machine's other addresses.
func assertLoopbackOnly(t *testing.T, address string) {
	t.Helper()
	host, port, err := net.SplitHostPort(address)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", host)
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	for _, a := range addrs {
		ip, ok := a.(*net.IPNet)
		if !ok || ip.IP.IsLoopback() || ip.IP.IsLinkLocalUnicast() {
			continue
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.IP.String(), port), 2*time.Second)
		if err == nil {
			c.Close()
			t.Errorf("the forward on %s also answers on %s", address, ip.IP)
		}
	}
}

func TestPodForwardCarriesBytes(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, webPod(ns, "web"))
	// Port 7000 leads to an echo server of the test's own.
	echo := env.ForwardPodPort(t, pod, 7000)
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	_, rec, s := connectedDemo(t, env)

	p, err := s.CanPortForward(ns)
	require.NoError(t, err)
	assert.True(t, p.Allowed)

	web, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "http"})
	require.NoError(t, err)
	assert.Equal(t, model.ForwardActive, web.State)
	assert.Equal(t, pod.Name, web.Pod)
	assert.Equal(t, int32(8080), web.RemotePort, "the named port resolved")
	assertLoopbackOnly(t, web.Address)
	body := get(t, web.Address, "/hello?x=1")
	assert.Contains(t, body, "crowsnest podsim")
	assert.Contains(t, body, `request: GET "/hello?x=1"`)

	ec, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "7000"})
	require.NoError(t, err)
	c, err := net.Dial("tcp", ec.Address)
	require.NoError(t, err)
	payload := make([]byte, 1<<20)
	_, _ = rand.Read(payload)
	go func() { _, _ = c.Write(payload) }()
	back := make([]byte, len(payload))
	_, err = io.ReadFull(c, back)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(payload, back), "the echo came back unchanged")
	waitForward(t, rec, s, ec.ID, "one connection open, 1 MiB each way", func(f model.Forward) bool {
		return f.Connections == 1 && f.BytesOut == int64(len(payload)) && f.BytesIn == int64(len(payload))
	})
	c.Close()
	waitForward(t, rec, s, ec.ID, "the connection closed", func(f model.Forward) bool { return f.Connections == 0 && f.TotalConnections == 1 })

	// Stopped: the port refuses connections; restarted: it is the same
	// port again, and carries requests.
	st, err := s.StopForward(web.ID)
	require.NoError(t, err)
	assert.Equal(t, model.ForwardStopped, st.State)
	_, err = net.Dial("tcp", web.Address)
	require.Error(t, err, "a stopped forward refuses connections")
	st, err = s.RestartForward(web.ID)
	require.NoError(t, err)
	assert.Equal(t, model.ForwardActive, st.State)
	assert.Equal(t, web.Address, st.Address)
	assert.Contains(t, get(t, st.Address, "/again"), `request: GET "/again"`)

	require.NoError(t, s.RemoveForward(web.ID))
	list, err := s.Forwards()
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, ec.ID, list[0].ID)
	assert.ErrorIs(t, s.RemoveForward(web.ID), forward.ErrNoForward)
}

// TestServiceForwardMovesToAnotherPod: deleting the pod a Service's (or a
// Deployment's) forward goes to moves it to another Ready pod, with no
// user action, on the same local port.
func TestServiceForwardMovesToAnotherPod(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pods := env.RunDeployment(t, ns, "shop", 2, webContainer)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, err := admin.CoreV1().Services(ns).Create(t.Context(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "shop"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "shop"}, Ports: []corev1.ServicePort{
			{Name: "web", Port: 80, TargetPort: intstr.FromString("http")},
		}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, rec, s := connectedDemo(t, env)

	f, err := s.StartForward(model.ForwardRequest{Kind: "services", Namespace: ns, Name: "shop", Port: "80"})
	require.NoError(t, err)
	assert.Equal(t, model.ForwardActive, f.State)
	assert.Equal(t, int32(8080), f.RemotePort, "the target port's name resolved")
	assert.Contains(t, []string{pods[0].Name, pods[1].Name}, f.Pod)
	assert.Contains(t, get(t, f.Address, "/before"), `request: GET "/before"`)

	require.NoError(t, admin.CoreV1().Pods(ns).Delete(t.Context(), f.Pod, metav1.DeleteOptions{}))
	moved := waitForward(t, rec, s, f.ID, "moved to another pod", func(g model.Forward) bool {
		return g.State == model.ForwardActive && g.Pod != "" && g.Pod != f.Pod
	})
	assert.Equal(t, f.Address, moved.Address, "the listener stayed")
	assert.Contains(t, moved.Message, "moved from pod "+f.Pod)
	assert.Contains(t, get(t, moved.Address, "/after"), `request: GET "/after"`)

	// A workload's forward moves the same way.
	w, err := s.StartForward(model.ForwardRequest{Kind: "deployments", Namespace: ns, Name: "shop", Port: "http"})
	require.NoError(t, err)
	assert.Equal(t, int32(8080), w.RemotePort)
	require.NoError(t, admin.CoreV1().Pods(ns).Delete(t.Context(), w.Pod, metav1.DeleteOptions{}))
	wm := waitForward(t, rec, s, w.ID, "the workload's forward moved", func(g model.Forward) bool {
		return g.State == model.ForwardActive && g.Pod != "" && g.Pod != w.Pod
	})
	assert.Contains(t, get(t, wm.Address, "/workload"), `request: GET "/workload"`)
}

// TestPodForwardReportsItsPodGone: a pod's own forward has nowhere to
// move; it says so and stops listening.
func TestPodForwardReportsItsPodGone(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, webPod(ns, "brief"))
	_, rec, s := connectedDemo(t, env)
	f, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "8080"})
	require.NoError(t, err)
	require.NoError(t, env.Client(t, controlplane.ContextDemoAdmin).CoreV1().Pods(ns).Delete(t.Context(), pod.Name, metav1.DeleteOptions{}))
	gone := waitForward(t, rec, s, f.ID, "error", func(g model.Forward) bool { return g.State == model.ForwardError })
	assert.Regexp(t, "pod brief (is being deleted|was deleted)", gone.Message)
	_, err = net.Dial("tcp", f.Address)
	assert.Error(t, err, "the listener is closed")

	_, err = s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: "never", Port: "8080"})
	assert.True(t, apierrors.IsNotFound(err), "NotFound: %v", err)
}

// TestLocalPortInUse: a chosen port that is taken, by another program or
// by another forward, is refused with a clear error.
func TestLocalPortInUse(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, webPod(ns, "busy"))
	_, _, s := connectedDemo(t, env)

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	_, err = s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "8080", LocalPort: port})
	require.ErrorIs(t, err, forward.ErrPortInUse)
	assert.EqualError(t, err, fmt.Sprintf("127.0.0.1:%d is already in use", port))
	taken.Close()

	first, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "8080", LocalPort: port})
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:"+strconv.Itoa(port), first.Address)
	_, err = s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "7000", LocalPort: port})
	assert.EqualError(t, err, fmt.Sprintf("127.0.0.1:%d is already in use", port))
	list, err := s.Forwards()
	require.NoError(t, err)
	assert.Len(t, list, 1, "a forward that could not start is not kept")
}

// TestViewerMayNotForward: a user without create pods/portforward is told
// so by CanPortForward and refused before any tunnel opens.
func TestViewerMayNotForward(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, webPod(ns, "guarded"))
	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)

	for _, n := range []string{ns, controlplane.ViewerNamespace} {
		p, err := s.CanPortForward(n)
		require.NoError(t, err)
		assert.False(t, p.Allowed, n)
		assert.Contains(t, p.Reason, "create pods/portforward")
	}
	_, err = s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "8080"})
	require.Error(t, err)
	assert.True(t, apierrors.IsForbidden(err), "Forbidden: %v", err)
	list, err := s.Forwards()
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestForwardsEndWithTheirSession: many forwards started, used and
// removed, then a context switch and a stop with forwards active and a
// connection open, leave no goroutine behind.
func TestForwardsEndWithTheirSession(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, webPod(ns, "many"))
	ignore := goleak.IgnoreCurrent()
	func() {
		b, rec := newBoard(t, env)
		_, err := b.Switch(controlplane.ContextDemoAdmin)
		require.NoError(t, err)
		waitConnected(t, b)
		s := mustCurrent(t, b)
		var ids []string
		for i := range 30 {
			f, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "8080"})
			require.NoError(t, err)
			if i%3 == 0 {
				get(t, f.Address, "/"+strconv.Itoa(i))
			}
			ids = append(ids, f.ID)
		}
		for _, id := range ids[:20] {
			require.NoError(t, s.RemoveForward(id))
		}
		list, err := s.Forwards()
		require.NoError(t, err)
		require.Len(t, list, 10)
		// A connection stays open across the switch.
		c, err := net.Dial("tcp", list[0].Address)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Write([]byte("GET /open HTTP/1.1\r\nHost: x\r\n\r\n"))
		require.NoError(t, err)
		line, err := bufio.NewReader(c).ReadString('\n')
		require.NoError(t, err)
		assert.Contains(t, line, "200 OK")
		waitForward(t, rec, s, list[0].ID, "connection open", func(f model.Forward) bool { return f.Connections == 1 })

		_, err = b.Switch(controlplane.ContextDemoViewer)
		require.NoError(t, err)
		b.Stop()
		_, err = s.Forwards()
		assert.ErrorIs(t, err, session.ErrStopped)
		_, err = net.Dial("tcp", list[1].Address)
		assert.Error(t, err, "a forward of a stopped session listens no more")
	}()
	// spdystream's Close finishes in a goroutine of its own that may wait
	// up to a second to hand over a close error nobody reads.
	assert.Eventually(t, func() bool { return goleak.Find(ignore) == nil }, 10*time.Second, 50*time.Millisecond)
	goleak.VerifyNone(t, ignore)
}

// benchSession connects a session to demo-admin for a benchmark.
func benchSession(b *testing.B, env *testcluster.Env) *session.Session {
	b.Helper()
	board := session.NewSwitchboard(context.Background(), session.Options{
		Version: "bench", Paths: func() []string { return []string{env.Kubeconfig()} },
	})
	b.Cleanup(board.Stop)
	_, err := board.Switch(controlplane.ContextDemoAdmin)
	require.NoError(b, err)
	require.Eventually(b, func() bool { return board.Status().Phase == model.PhaseConnected }, 15*time.Second, 20*time.Millisecond)
	s, err := board.Current()
	require.NoError(b, err)
	return s
}

// BenchmarkForwardThroughput sends 8 MiB a round through a pod forward to a
// sink of the benchmark's own, which acknowledges each round with one byte:
// the budget is 50 MB/s over loopback (docs/PERFORMANCE.md).
func BenchmarkForwardThroughput(b *testing.B) {
	env := testcluster.Get(b)
	ns := env.Namespace(b)
	pod := env.RunPod(b, webPod(ns, "throughput"))
	sink := env.ForwardPodPort(b, pod, 7000)
	const round = 8 << 20
	go func() {
		for {
			c, err := sink.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					if _, err := io.CopyN(io.Discard, c, round); err != nil {
						return
					}
					if _, err := c.Write([]byte{1}); err != nil {
						return
					}
				}
			}()
		}
	}()
	s := benchSession(b, env)
	f, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "7000"})
	require.NoError(b, err)
	c, err := net.Dial("tcp", f.Address)
	require.NoError(b, err)
	defer c.Close()
	buf := make([]byte, round)
	ack := make([]byte, 1)
	b.SetBytes(round)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, ack); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartForward opens a forward to a pod (permission check, the
// pod read, listener, tunnel) and removes it: the budget is 200 ms to open.
func BenchmarkStartForward(b *testing.B) {
	env := testcluster.Get(b)
	ns := env.Namespace(b)
	pod := env.RunPod(b, webPod(ns, "opening"))
	s := benchSession(b, env)
	for b.Loop() {
		f, err := s.StartForward(model.ForwardRequest{Kind: "pods", Namespace: ns, Name: pod.Name, Port: "http"})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.RemoveForward(f.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
