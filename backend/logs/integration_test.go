package logs_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/logs"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/faultproxy"
	"crowsnest/hack/podsim"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// mergeDelay is generous: the shared test machine can be slow to answer.
const mergeDelay = 500 * time.Millisecond

func createPod(t *testing.T, env *testcluster.Env, ns, name string, annotations map[string]string) *corev1.Pod {
	t.Helper()
	return env.RunPod(t, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: annotations},
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "app", Image: "registry.example.com/shop/cart:2.7.3"},
			{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2"},
		}},
	})
}

func fileTexts(t *testing.T, path string) []string {
	t.Helper()
	lines, err := podsim.ReadLog(path)
	require.NoError(t, err)
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

func openStream(t *testing.T, cs kubernetes.Interface, ns string, c *changes, opts logs.Options) *logs.Stream {
	t.Helper()
	opts.OnChange = c.notify
	s, err := logs.Open(t.Context(), cs, ns, opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestFollowDeliversAppendedLinesInOrder(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := createPod(t, env, ns, "cart", nil)
	have := fileTexts(t, env.LogFile(pod, "app"))

	c := newChanges()
	s := openStream(t, cs, ns, c, logs.Options{Follow: true, Containers: []string{"app"}, TailLines: logs.TailAll})
	s.AddPod(logs.PodOf(pod))
	waitFor(t, s, c, "the log so far", lineCount(len(have)))
	assert.Equal(t, have, texts(allLines(s)))

	var want []string
	for round := range 5 {
		batch := make([]string, 20)
		for i := range batch {
			batch[i] = fmt.Sprintf("round %d line %d", round, i)
		}
		env.AppendLog(t, pod, "app", batch...)
		want = append(want, batch...)
		waitFor(t, s, c, fmt.Sprintf("round %d", round), lineCount(len(have)+len(want)))
	}
	lines := allLines(s)
	assert.Equal(t, want, texts(lines[len(have):]), "appended lines arrive once, in order")
	for _, l := range lines {
		assert.Equal(t, pod.Name, l.Pod)
		assert.Equal(t, "app", l.Container)
	}
	assert.Equal(t, logs.StateStreaming, stateOf(s.Status(), pod.Name, "app"))
}

func TestPreviousTailSinceAndTimestamps(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := createPod(t, env, ns, "importer", map[string]string{podsim.RestartsAnnotation: "3"})

	t.Run("previous", func(t *testing.T) {
		want := fileTexts(t, env.PreviousLogFile(pod, "app"))
		c := newChanges()
		s := openStream(t, cs, ns, c, logs.Options{Previous: true, Containers: []string{"app"}, TailLines: logs.TailAll})
		s.AddPod(logs.PodOf(pod))
		waitFor(t, s, c, "the previous log ended", func(st logs.Status) bool { return stateOf(st, pod.Name, "app") == logs.StateEnded })
		assert.Equal(t, want, texts(allLines(s)))
	})

	now := time.Now()
	old := []podsim.Line{
		{Time: now.Add(-2 * time.Hour), Text: "two hours ago"},
		{Time: now.Add(-20 * time.Minute), Text: "twenty minutes ago"},
		{Time: now.Add(-time.Minute), Stream: "stderr", Text: "a minute ago"},
	}
	require.NoError(t, podsim.Append(env.LogFile(pod, "app"), old...))

	t.Run("tail", func(t *testing.T) {
		c := newChanges()
		s := openStream(t, cs, ns, c, logs.Options{Containers: []string{"app"}, TailLines: 2})
		s.AddPod(logs.PodOf(pod))
		waitFor(t, s, c, "ended", func(st logs.Status) bool { return stateOf(st, pod.Name, "app") == logs.StateEnded })
		lines := allLines(s)
		assert.Equal(t, []string{"twenty minutes ago", "a minute ago"}, texts(lines))
		// The runtime's timestamps, to the nanosecond.
		assert.True(t, lines[0].Time.Equal(old[1].Time), "%s != %s", lines[0].Time, old[1].Time)
		assert.True(t, lines[1].Time.Equal(old[2].Time))
	})

	t.Run("since", func(t *testing.T) {
		c := newChanges()
		s := openStream(t, cs, ns, c, logs.Options{Containers: []string{"app"}, TailLines: logs.TailAll, Since: time.Hour})
		s.AddPod(logs.PodOf(pod))
		waitFor(t, s, c, "ended", func(st logs.Status) bool { return stateOf(st, pod.Name, "app") == logs.StateEnded })
		got := texts(allLines(s))
		assert.NotContains(t, got, "two hours ago")
		assert.Equal(t, []string{"twenty minutes ago", "a minute ago"}, got[len(got)-2:])
	})

	t.Run("default tail", func(t *testing.T) {
		for range 600 / 50 {
			batch := make([]string, 50)
			for i := range batch {
				batch[i] = "filler"
			}
			env.AppendLog(t, pod, "app", batch...)
		}
		c := newChanges()
		s := openStream(t, cs, ns, c, logs.Options{Containers: []string{"app"}})
		s.AddPod(logs.PodOf(pod))
		st := waitFor(t, s, c, "ended", func(st logs.Status) bool { return stateOf(st, pod.Name, "app") == logs.StateEnded })
		assert.Equal(t, logs.DefaultTail, st.Lines)
	})
}

// TestWorkloadStreamMergesReplicas streams a 3-replica Deployment's pods
// and checks the merged lines are in timestamp order with every pod's lines.
func TestWorkloadStreamMergesReplicas(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pods := env.RunDeployment(t, ns, "web", 3,
		corev1.Container{Name: "web", Image: "registry.example.com/shop/storefront:1.42.0"},
		corev1.Container{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2"},
	)
	want := map[string][]string{}
	total := 0
	for i, p := range pods {
		pods[i] = env.WaitPodLogs(t, ns, p.Name)
		for _, c := range []string{"web", "envoy"} {
			want[p.Name+"/"+c] = fileTexts(t, env.LogFile(pods[i], c))
			total += len(want[p.Name+"/"+c])
		}
	}

	c := newChanges()
	s := openStream(t, cs, ns, c, logs.Options{Follow: true, TailLines: logs.TailAll, MergeDelay: mergeDelay})
	s.AddPod(logs.PodOf(pods[0]), logs.PodOf(pods[1]), logs.PodOf(pods[2]))
	waitFor(t, s, c, "every replica's lines", lineCount(total))

	// New lines from all three, written concurrently.
	var wg sync.WaitGroup
	for _, p := range pods {
		wg.Go(func() {
			for i := range 10 {
				env.AppendLog(t, p, "web", fmt.Sprintf("%s live %d", p.Name, i))
			}
		})
	}
	wg.Wait()
	for _, p := range pods {
		for i := range 10 {
			want[p.Name+"/web"] = append(want[p.Name+"/web"], fmt.Sprintf("%s live %d", p.Name, i))
		}
	}
	waitFor(t, s, c, "the live lines", lineCount(total+30))

	lines := allLines(s)
	got := map[string][]string{}
	for i, l := range lines {
		if i > 0 {
			require.False(t, l.Time.Before(lines[i-1].Time), "line %d of %s/%s is older than line %d", i, l.Pod, l.Container, i-1)
		}
		got[l.Pod+"/"+l.Container] = append(got[l.Pod+"/"+l.Container], l.Text)
	}
	assert.Equal(t, want, got, "every pod's and container's lines, each in its own order")
}

func TestPodsLeaveAndJoin(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	a := createPod(t, env, ns, "a", nil)
	b := createPod(t, env, ns, "b", nil)
	aLines := fileTexts(t, env.LogFile(a, "app"))
	bLines := fileTexts(t, env.LogFile(b, "app"))

	c := newChanges()
	s := openStream(t, cs, ns, c, logs.Options{Follow: true, Containers: []string{"app"}, TailLines: logs.TailAll, MergeDelay: mergeDelay})
	s.AddPod(logs.PodOf(a), logs.PodOf(b))
	waitFor(t, s, c, "both pods", lineCount(len(aLines)+len(bLines)))

	// The pod goes: the informer tells the session, which removes it.
	require.NoError(t, cs.CoreV1().Pods(ns).Delete(t.Context(), a.Name, metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
	s.RemovePod(a.Name)
	st := s.Status()
	assert.Len(t, st.Containers, 1)
	assert.Equal(t, len(aLines)+len(bLines), st.Lines, "a's lines stay")

	n := createPod(t, env, ns, "n", nil)
	nLines := fileTexts(t, env.LogFile(n, "app"))
	s.AddPod(logs.PodOf(n))
	waitFor(t, s, c, "the new pod's lines", lineCount(len(aLines)+len(bLines)+len(nLines)))
	env.AppendLog(t, n, "app", "n is live")
	waitFor(t, s, c, "a live line of the new pod", lineCount(len(aLines)+len(bLines)+len(nLines)+1))
	count := map[string]int{}
	for _, l := range allLines(s) {
		count[l.Pod]++
	}
	assert.Equal(t, map[string]int{"a": len(aLines), "b": len(bLines), "n": len(nLines) + 1}, count)
}

// TestCutConnectionResumes resets the connection to the API server in the
// middle of a followed log whose lines share timestamps, and checks that the
// stream reconnects and ends with every line exactly once.
func TestCutConnectionResumes(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := createPod(t, env, ns, "flaky", nil)
	path := env.LogFile(pod, "app")

	cfg := env.Admin(t)
	proxy, err := faultproxy.Start(strings.TrimPrefix(cfg.Host, "https://"))
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	cfg.Host = "https://" + proxy.Addr()
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)

	// The state is sampled on every change: the cut must show as a reconnect.
	var sawReconnect atomic.Bool
	var opened atomic.Pointer[logs.Stream]
	c := newChanges()
	s, err := logs.Open(t.Context(), cs, ns, logs.Options{
		Follow: true, Containers: []string{"app"}, TailLines: logs.TailAll, MinBackoff: 50 * time.Millisecond,
		OnChange: func() {
			if st := opened.Load(); st != nil && stateOf(st.Status(), pod.Name, "app") == logs.StateReconnecting {
				sawReconnect.Store(true)
			}
			c.notify()
		},
	})
	require.NoError(t, err)
	opened.Store(s)
	t.Cleanup(s.Close)
	s.AddPod(logs.PodOf(pod))
	have := fileTexts(t, path)
	waitFor(t, s, c, "the log so far", lineCount(len(have)))

	// Three lines with one timestamp, then the cut, then more with the same
	// timestamp and after.
	same := time.Now()
	require.NoError(t, podsim.Append(path, podsim.Line{Time: same, Text: "same 1"}, podsim.Line{Time: same, Text: "same 2"}, podsim.Line{Time: same, Text: "same 3"}))
	waitFor(t, s, c, "the same-stamp lines", lineCount(len(have)+3))
	proxy.Reset()
	require.NoError(t, podsim.Append(path, podsim.Line{Time: same, Text: "same 4"}, podsim.Line{Time: same.Add(time.Microsecond), Text: "after the cut"}))
	waitFor(t, s, c, "the lines written around the cut", lineCount(len(have)+5))
	env.AppendLog(t, pod, "app", "live again")
	waitFor(t, s, c, "a live line", lineCount(len(have)+6))

	assert.True(t, sawReconnect.Load(), "the cut was seen as a reconnect")
	want := append(have, "same 1", "same 2", "same 3", "same 4", "after the cut", "live again")
	assert.Equal(t, want, texts(allLines(s)), "no line lost or repeated")
	assert.Equal(t, logs.StateStreaming, stateOf(s.Status(), pod.Name, "app"))
}

func TestRestrictedUserIsRefusedBeforeAnyStream(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := createPod(t, env, ns, "secret-app", nil)

	var logRequests atomic.Int64
	cfg := env.Viewer(t)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/log") {
				logRequests.Add(1)
			}
			return rt.RoundTrip(r)
		})
	}
	viewer, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)

	access, err := logs.CanReadLogs(t.Context(), viewer, ns)
	require.NoError(t, err)
	assert.False(t, access.Allowed)

	_, err = logs.Open(t.Context(), viewer, ns, logs.Options{Follow: true})
	require.Error(t, err)
	assert.True(t, apierrors.IsForbidden(err), "a Forbidden error: %v", err)
	assert.Contains(t, err.Error(), fmt.Sprintf("you may not read pod logs in namespace %q", ns))
	assert.Zero(t, logRequests.Load(), "no log was requested")

	// The same user reads logs in its own namespace.
	access, err = logs.CanReadLogs(t.Context(), viewer, controlplane.ViewerNamespace)
	require.NoError(t, err)
	assert.True(t, access.Allowed)
	admin, err := logs.CanReadLogs(t.Context(), env.Client(t, controlplane.ContextDemoAdmin), ns)
	require.NoError(t, err)
	assert.True(t, admin.Allowed)
	_ = pod
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDownloadWritesTheWholeLog(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := createPod(t, env, ns, "dl", nil)
	big := make([]string, 5000)
	for i := range big {
		big[i] = fmt.Sprintf("line %05d %s", i, strings.Repeat("·", 100))
	}
	env.AppendLog(t, pod, "app", big...)
	want := strings.Join(fileTexts(t, env.LogFile(pod, "app")), "\n") + "\n"

	path := filepath.Join(t.TempDir(), "dl.log")
	var reports []int64
	n, err := logs.DownloadFile(t.Context(), cs, logs.DownloadRequest{Namespace: ns, Pod: pod.Name, Container: "app"}, path,
		func(written int64) { reports = append(reports, written) })
	require.NoError(t, err)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "the whole log, not a tail")
	assert.Equal(t, int64(len(want)), n)
	require.Greater(t, len(reports), 2, "progress along the way")
	assert.Equal(t, n, reports[len(reports)-1])

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cancelled := filepath.Join(t.TempDir(), "cancelled.log")
	_, err = logs.DownloadFile(ctx, cs, logs.DownloadRequest{Namespace: ns, Pod: pod.Name, Container: "app"}, cancelled, nil)
	require.ErrorIs(t, err, context.Canceled)
	entries, err := os.ReadDir(filepath.Dir(cancelled))
	require.NoError(t, err)
	assert.Empty(t, entries, "a cancelled download leaves no file")

	_, err = logs.Download(t.Context(), cs, logs.DownloadRequest{Namespace: ns, Pod: "missing", Container: "app"}, &strings.Builder{}, nil)
	assert.True(t, apierrors.IsNotFound(err), "%v", err)
}

// TestHundredStreamsLeaveNoGoroutine opens and closes 100 followed streams
// against the real API server.
func TestHundredStreamsLeaveNoGoroutine(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := createPod(t, env, ns, "busy", nil)
	before := goleak.IgnoreCurrent()
	cfg := env.Admin(t)
	cfg.QPS, cfg.Burst = 1000, 1000 // two requests a stream: no client-side throttling
	var base http.RoundTripper
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { base = rt; return rt }
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	// Ten rounds of ten streams open at once, each closed once it has its
	// lines.
	for round := range 10 {
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				c := newChanges()
				s, err := logs.Open(context.Background(), cs, ns, logs.Options{Follow: true, TailLines: 5, Containers: []string{"app"}, OnChange: c.notify})
				if !assert.NoError(t, err) {
					return
				}
				defer s.Close()
				s.AddPod(logs.PodOf(pod))
				_, err = waitStatus(t.Context(), s, c, fmt.Sprintf("stream %d of round %d", i, round), lineCount(5))
				assert.NoError(t, err)
			})
		}
		wg.Wait()
	}
	// HTTP/2 streams end in the connection's read loop after Close.
	assert.Eventually(t, func() bool {
		utilnet.CloseIdleConnectionsFor(base)
		return goleak.Find(before) == nil
	}, 10*time.Second, 50*time.Millisecond)
	goleak.VerifyNone(t, before)
}
