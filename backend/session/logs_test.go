package session_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"crowsnest/backend/events"
	"crowsnest/backend/logs"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/podsim"
	"crowsnest/hack/testcluster"
)

func logPodSpec(ns, name string, annotations map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: annotations},
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "app", Image: "registry.example.com/shop/cart:2.7.3"},
			{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2"},
		}},
	}
}

// logFileTexts is a log file's lines as the page shows their text: escape
// sequences interpreted, not shown.
func logFileTexts(t *testing.T, path string) []string {
	t.Helper()
	lines, err := podsim.ReadLog(path)
	require.NoError(t, err)
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = logs.StripANSI(l.Text)
	}
	return out
}

func lineText(l model.LogLine) string {
	var b strings.Builder
	for _, s := range l.Spans {
		b.WriteString(s.Text)
	}
	return b.String()
}

func lineTexts(lines []model.LogLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = lineText(l)
	}
	return out
}

// waitLogs waits until pred holds for the log view's status, looking again
// after every event the session sends (its notices among them).
func waitLogs(t *testing.T, rec *events.Recorder, s *session.Session, id, what string, pred func(model.LogStatus) bool) model.LogStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var st model.LogStatus
	err := rec.WaitFor(ctx, func([]events.Recorded) bool {
		var err error
		st, err = s.LogStatus(id)
		return err == nil && pred(st)
	})
	require.NoError(t, err, "%s; status %+v", what, st)
	return st
}

func lineCount(n int) func(model.LogStatus) bool {
	return func(st model.LogStatus) bool { return st.Next-st.First >= uint64(n) }
}

// allLogLines pages through every line a view holds, as the page would.
func allLogLines(t *testing.T, s *session.Session, id string) []model.LogLine {
	t.Helper()
	var out []model.LogLine
	for from := uint64(1); ; {
		w, err := s.LogLines(id, from, 100)
		require.NoError(t, err)
		if len(w.Lines) == 0 {
			return out
		}
		out = append(out, w.Lines...)
		from = w.Next
	}
}

func sourceState(st model.LogStatus, pod, container string) string {
	for _, src := range st.Sources {
		if src.Pod == pod && src.Container == container {
			return src.State
		}
	}
	return ""
}

func TestPodLogsWindowsFollowAndSearch(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "cart", nil))
	have := logFileTexts(t, env.LogFile(pod, "app"))
	_, rec, s := connectedDemo(t, env)

	st, err := s.OpenLogs(model.LogTarget{Kind: "pods", Namespace: ns, Name: pod.Name, Containers: []string{"app"}, Follow: true, TailLines: -1})
	require.NoError(t, err)
	id := st.ID
	assert.Equal(t, s.Generation, st.Generation)
	assert.Equal(t, 1, st.Pods)
	waitLogs(t, rec, s, id, "the log so far", lineCount(len(have)))

	lines := allLogLines(t, s, id)
	assert.Equal(t, have, lineTexts(lines))
	for i, l := range lines {
		assert.Equal(t, uint64(i+1), l.Seq)
		assert.Equal(t, pod.Name, l.Pod)
		assert.Equal(t, "app", l.Container)
		assert.NotZero(t, l.Time)
	}
	tail, err := s.LogTail(id, 3)
	require.NoError(t, err)
	assert.Equal(t, have[len(have)-3:], lineTexts(tail.Lines))
	assert.Equal(t, uint64(len(have)+1), tail.Next)

	// Following: appended lines arrive, announced by a notice that says
	// how far the lines go.
	appended := env.AppendLog(t, pod, "app", "zebra started", "\x1b[31mzebra FAILED\x1b[0m: card declined", `{"level":"info","msg":"retry"}`)
	want := uint64(len(have) + len(appended) + 1)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(ctx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			if n, ok := e.Payload.(model.LogNotice); ok && e.Name == model.EventLogsChanged && n.ID == id && n.Next >= want {
				return true
			}
		}
		return false
	}), "a notice announces the appended lines")
	w, err := s.LogLines(id, uint64(len(have)+1), 10)
	require.NoError(t, err)
	require.Len(t, w.Lines, 3)
	assert.Equal(t, []string{"zebra started", "zebra FAILED: card declined", `{"level":"info","msg":"retry"}`}, lineTexts(w.Lines))
	failed := w.Lines[1].Spans
	require.Len(t, failed, 2)
	assert.Equal(t, "1", failed[0].FG, "a red span, as a palette index")
	assert.True(t, w.Lines[2].JSON)
	assert.False(t, w.Lines[0].JSON)

	m, err := s.LogSearch(id, model.LogQuery{Text: "zebra"}, 1, 10, false)
	require.NoError(t, err)
	assert.Equal(t, []uint64{want - 3, want - 2}, m.Seqs)
	assert.Zero(t, m.Next, "nothing left to search")
	m, err = s.LogSearch(id, model.LogQuery{Text: "ZEBRA", CaseSensitive: true}, 1, 10, false)
	require.NoError(t, err)
	assert.Empty(t, m.Seqs)
	m, err = s.LogSearch(id, model.LogQuery{Text: `zebra \w+`, Regexp: true}, want, 1, true)
	require.NoError(t, err)
	assert.Equal(t, []uint64{want - 2}, m.Seqs, "backward: the nearest match first")
	assert.Equal(t, want-2, m.Next)
	fw, err := s.LogFilterLines(id, model.LogQuery{Text: "zebra failed"}, 1, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"zebra FAILED: card declined"}, lineTexts(fw.Lines))
	_, err = s.LogSearch(id, model.LogQuery{Text: "(", Regexp: true}, 1, 10, false)
	assert.ErrorContains(t, err, "search:")

	// A line whose colour changes at every character has many times
	// more spans than text: its window still stays within 64 KB.
	var rainbow strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&rainbow, "\x1b[3%dm%c", i%8, 'a'+i%26)
	}
	env.AppendLog(t, pod, "app", rainbow.String())
	waitLogs(t, rec, s, id, "the rainbow line", lineCount(int(want)))
	w, err = s.LogLines(id, want, 10)
	require.NoError(t, err)
	require.Len(t, w.Lines, 1)
	assert.True(t, w.Lines[0].Truncated)
	assert.True(t, strings.HasPrefix(logs.StripANSI(rainbow.String()), lineText(w.Lines[0])))
	tail, err = s.LogTail(id, 50)
	require.NoError(t, err)
	require.NotEmpty(t, tail.Lines)
	assert.Equal(t, want, tail.Lines[len(tail.Lines)-1].Seq, "the tail ends with the newest line")
	for _, win := range []model.LogWindow{w, tail} {
		b, err := json.Marshal(win)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(b), 64<<10)
	}

	require.NoError(t, s.CloseLogs(id))
	_, err = s.LogStatus(id)
	assert.ErrorIs(t, err, session.ErrNoLogView)
	_, err = s.LogLines(id, 1, 10)
	assert.ErrorIs(t, err, session.ErrNoLogView)
	assert.ErrorIs(t, s.CloseLogs(id), session.ErrNoLogView)
}

func TestLogTargetsRefused(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	_, _, s := connectedDemo(t, env)
	for _, tc := range []struct {
		name   string
		target model.LogTarget
		want   string
	}{
		{"unknown kind", model.LogTarget{Kind: "gadgets", Namespace: ns, Name: "x"}, "unknown kind"},
		{"no logs", model.LogTarget{Kind: "configmaps", Namespace: ns, Name: "x"}, "have no container logs"},
		{"bad name", model.LogTarget{Kind: "pods", Namespace: ns, Name: "Not A Name"}, "invalid name"},
		{"bad tail", model.LogTarget{Kind: "pods", Namespace: ns, Name: "x", TailLines: -2}, "invalid tailLines"},
		{"missing pod", model.LogTarget{Kind: "pods", Namespace: ns, Name: "nobody"}, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.OpenLogs(tc.target)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	_, err := s.LogStatus("g1l999")
	assert.ErrorIs(t, err, session.ErrNoLogView)
	assert.Error(t, s.CancelDownload("g1dl999"))
}

// TestDeploymentLogsMergePodsAndFollowThem: a Deployment's log view holds
// every replica's lines, tagged with pod and container; a pod that appears
// joins, one that goes keeps its lines.
func TestDeploymentLogsMergePodsAndFollowThem(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	pods := env.RunDeployment(t, ns, "web", 2, corev1.Container{Name: "web", Image: "registry.example.com/shop/storefront:1.42.0"})
	total := 0
	want := map[string][]string{}
	for i, p := range pods {
		pods[i] = env.WaitPodLogs(t, ns, p.Name)
		want[p.Name] = logFileTexts(t, env.LogFile(pods[i], "web"))
		total += len(want[p.Name])
	}
	_, rec, s := connectedDemo(t, env)

	st, err := s.OpenLogs(model.LogTarget{Kind: "deployments", Namespace: ns, Name: "web", Follow: true, TailLines: -1})
	require.NoError(t, err)
	id := st.ID
	st = waitLogs(t, rec, s, id, "both replicas' lines", lineCount(total))
	assert.Equal(t, 2, st.Pods)
	lines := allLogLines(t, s, id)
	got := map[string][]string{}
	// Each pod's lines in its order; the order across pods depends on
	// how fast each connection delivers, and backend/logs tests it with a
	// merge delay fit for a loaded machine.
	for _, l := range lines {
		assert.Equal(t, "web", l.Container)
		got[l.Pod] = append(got[l.Pod], lineText(l))
	}
	assert.Equal(t, want, got)

	// The merged lines saved to a file, as the page shows them, tagged.
	path := filepath.Join(t.TempDir(), "web.log")
	n, err := s.SaveLogView(id, path, false)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, total)
	saved, err := os.ReadFile(path)
	require.NoError(t, err)
	savedLines := strings.Split(strings.TrimSuffix(string(saved), "\n"), "\n")
	require.Len(t, savedLines, n)
	for i, l := range lines {
		assert.True(t, strings.HasPrefix(savedLines[i], "["+l.Pod+"/web] "), "line %d tagged with its pod: %q", i, savedLines[i])
	}
	_, err = s.SaveLogView(id, "relative.log", false)
	assert.ErrorContains(t, err, "not an absolute path")

	// A third replica joins the view with its lines.
	_, err = cs.AppsV1().Deployments(ns).Patch(t.Context(), "web", types.MergePatchType, []byte(`{"spec":{"replicas":3}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	st = waitLogs(t, rec, s, id, "a third pod streamed", func(st model.LogStatus) bool { return st.Pods == 3 && len(st.Sources) == 3 })
	var joined string
	for _, src := range st.Sources {
		if !slices.ContainsFunc(pods, func(p *corev1.Pod) bool { return p.Name == src.Pod }) {
			joined = src.Pod
		}
	}
	require.NotEmpty(t, joined, "the new pod is streamed: %+v", st.Sources)
	// A pod that goes ends its stream; its lines stay.
	require.NoError(t, cs.CoreV1().Pods(ns).Delete(t.Context(), pods[0].Name, metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
	waitLogs(t, rec, s, id, "the deleted pod's stream ends", func(st model.LogStatus) bool {
		return sourceState(st, pods[0].Name, "web") == ""
	})
	m, err := s.LogSearch(id, model.LogQuery{Text: want[pods[0].Name][0]}, 1, 1, false)
	require.NoError(t, err)
	assert.Len(t, m.Seqs, 1, "the deleted pod's lines are kept")
}

// TestServiceLogsFollowItsSelector: a pod that comes to match a Service's
// selector joins its log view; one that stops matching leaves, its lines
// kept.
func TestServiceLogsFollowItsSelector(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	a := logPodSpec(ns, "front-a", nil)
	a.Labels = map[string]string{"app": "front"}
	a = env.RunPod(t, a)
	aLines := logFileTexts(t, env.LogFile(a, "app"))
	_, err := cs.CoreV1().Services(ns).Create(t.Context(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "front"},
		Spec:       corev1.ServiceSpec{Selector: map[string]string{"app": "front"}, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	// b runs, with its own logs, before it matches.
	b := env.RunPod(t, logPodSpec(ns, "front-b", nil))
	bLines := logFileTexts(t, env.LogFile(b, "app"))
	_, rec, s := connectedDemo(t, env)

	st, err := s.OpenLogs(model.LogTarget{Kind: "services", Namespace: ns, Name: "front", Containers: []string{"app"}, Follow: true, TailLines: -1})
	require.NoError(t, err)
	id := st.ID
	st = waitLogs(t, rec, s, id, "front-a's lines", lineCount(len(aLines)))
	assert.Equal(t, 1, st.Pods)

	label := func(pod, value string) {
		patch := `{"metadata":{"labels":{"app":null}}}`
		if value != "" {
			patch = `{"metadata":{"labels":{"app":"` + value + `"}}}`
		}
		_, err := cs.CoreV1().Pods(ns).Patch(t.Context(), pod, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
		require.NoError(t, err)
	}
	label(b.Name, "front")
	waitLogs(t, rec, s, id, "front-b joins with its lines", lineCount(len(aLines)+len(bLines)))
	env.AppendLog(t, b, "app", "front-b is live")
	waitLogs(t, rec, s, id, "front-b's live line", lineCount(len(aLines)+len(bLines)+1))

	label(a.Name, "")
	st = waitLogs(t, rec, s, id, "front-a leaves", func(st model.LogStatus) bool { return st.Pods == 1 })
	assert.Empty(t, sourceState(st, a.Name, "app"))
	count := map[string]int{}
	for _, l := range allLogLines(t, s, id) {
		count[l.Pod]++
	}
	assert.Equal(t, map[string]int{a.Name: len(aLines), b.Name: len(bLines) + 1}, count, "front-a's lines are kept")

	// The Service's selector changes: front-a (now labelled back) joins, front-b leaves.
	label(a.Name, "back")
	_, err = cs.CoreV1().Services(ns).Patch(t.Context(), "front", types.MergePatchType,
		[]byte(`{"spec":{"selector":{"app":"back"}}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	st = waitLogs(t, rec, s, id, "the new selector's pods", func(st model.LogStatus) bool {
		return sourceState(st, a.Name, "app") != "" && sourceState(st, b.Name, "app") == ""
	})
	assert.Equal(t, 1, st.Pods)
	env.AppendLog(t, a, "app", "front-a is back")
	// front-a joins again and resumes from its last line: its earlier
	// lines are not read twice.
	var back []uint64
	waitLogs(t, rec, s, id, "front-a's live line", func(model.LogStatus) bool {
		m, err := s.LogSearch(id, model.LogQuery{Text: "front-a is back"}, 1, 10, false)
		back = m.Seqs
		return err == nil && len(m.Seqs) > 0
	})
	require.Len(t, back, 1)
	w, err := s.LogLines(id, back[0], 1)
	require.NoError(t, err)
	require.Len(t, w.Lines, 1)
	assert.Equal(t, a.Name, w.Lines[0].Pod)
	count = map[string]int{}
	for _, l := range allLogLines(t, s, id) {
		count[l.Pod]++
	}
	assert.Equal(t, map[string]int{a.Name: len(aLines) + 1, b.Name: len(bLines) + 1}, count, "nothing read twice")

	// A selector that selects nothing says so.
	_, err = cs.CoreV1().Services(ns).Patch(t.Context(), "front", types.JSONPatchType,
		[]byte(`[{"op":"remove","path":"/spec/selector"}]`), metav1.PatchOptions{})
	require.NoError(t, err)
	st = waitLogs(t, rec, s, id, "no pod selected", func(st model.LogStatus) bool { return st.Pods == 0 })
	assert.Equal(t, "this object selects no pods", st.Notice)
}

func TestPreviousContainerLogs(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "importer", map[string]string{podsim.RestartsAnnotation: "3"}))
	want := logFileTexts(t, env.PreviousLogFile(pod, "app"))
	_, rec, s := connectedDemo(t, env)

	st, err := s.OpenLogs(model.LogTarget{Kind: "pods", Namespace: ns, Name: pod.Name, Containers: []string{"app"}, Previous: true, TailLines: -1})
	require.NoError(t, err)
	waitLogs(t, rec, s, st.ID, "the previous log read to its end", func(st model.LogStatus) bool {
		return sourceState(st, pod.Name, "app") == model.LogEnded
	})
	assert.Equal(t, want, lineTexts(allLogLines(t, s, st.ID)))
}

// TestViewerMayNotReadLogs: a user without get pods/log is refused with
// the reason, before any stream opens, and told so by CanReadLogs.
func TestViewerMayNotReadLogs(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "secret-app", nil))
	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)

	_, err = s.OpenLogs(model.LogTarget{Kind: "pods", Namespace: ns, Name: pod.Name, Follow: true})
	require.Error(t, err)
	assert.True(t, apierrors.IsForbidden(err), "Forbidden: %v", err)
	assert.Contains(t, err.Error(), fmt.Sprintf("you may not read pod logs in namespace %q", ns))

	p, err := s.CanReadLogs(ns)
	require.NoError(t, err)
	assert.False(t, p.Allowed)
	assert.Contains(t, p.Reason, "get pods/log")
	p, err = s.CanReadLogs(controlplane.ViewerNamespace)
	require.NoError(t, err)
	assert.True(t, p.Allowed, "the viewer reads logs in its own namespace")

	_, err = s.StartLogDownload(session.LogDownload{Namespace: ns, Pod: pod.Name, Container: "app", Path: filepath.Join(t.TempDir(), "x.log")})
	assert.True(t, apierrors.IsForbidden(err), "Forbidden: %v", err)
}

func TestDownloadLogs(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "dl", nil))
	raw, err := podsim.ReadLog(env.LogFile(pod, "envoy"))
	require.NoError(t, err)
	var want strings.Builder
	for _, l := range raw {
		want.WriteString(l.Text + "\n")
	}
	_, rec, s := connectedDemo(t, env)

	path := filepath.Join(t.TempDir(), "envoy.log")
	id, err := s.StartLogDownload(session.LogDownload{Namespace: ns, Pod: pod.Name, Container: "envoy", Path: path})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var last model.DownloadProgress
	require.NoError(t, rec.WaitFor(ctx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			if p, ok := e.Payload.(model.DownloadProgress); ok && e.Name == model.EventLogDownload && p.ID == id && (p.Done || p.Error != "") {
				last = p
				return true
			}
		}
		return false
	}))
	assert.True(t, last.Done, "%+v", last)
	assert.Empty(t, last.Error)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want.String(), string(got))
	assert.Equal(t, int64(len(got)), last.Written)
	assert.Error(t, s.CancelDownload(id), "a finished download cannot be cancelled")
}

// TestLogViewsEndWithTheirSession: closing a log view and stopping a
// session with log views and a download open leave no goroutine behind.
func TestLogViewsEndWithTheirSession(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "leaky", nil))
	ignore := goleak.IgnoreCurrent()
	func() {
		b, rec := newBoard(t, env)
		_, err := b.Switch(controlplane.ContextDemoAdmin)
		require.NoError(t, err)
		waitConnected(t, b)
		s := mustCurrent(t, b)
		var ids []string
		for range 5 {
			st, err := s.OpenLogs(model.LogTarget{Kind: "pods", Namespace: ns, Name: pod.Name, Follow: true})
			require.NoError(t, err)
			ids = append(ids, st.ID)
		}
		for _, id := range ids {
			waitLogs(t, rec, s, id, "streaming", func(st model.LogStatus) bool {
				return sourceState(st, pod.Name, "app") == model.LogStreaming && sourceState(st, pod.Name, "envoy") == model.LogStreaming
			})
		}
		require.NoError(t, s.CloseLogs(ids[0]))
		b.Stop()
		_, err = s.LogStatus(ids[1])
		assert.ErrorIs(t, err, session.ErrStopped)
	}()
	goleak.VerifyNone(t, ignore)
}

// TestWorkloadLogsStreamAtMost20Containers: a workload with more
// containers than a view streams at once reads 20 of them; the pods
// beyond wait, and the status says so.
func TestWorkloadLogsStreamAtMost20Containers(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	env.RunDeployment(t, ns, "wide", 11,
		corev1.Container{Name: "app", Image: "registry.example.com/shop/cart:2.7.3"},
		corev1.Container{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2"},
	)
	_, rec, s := connectedDemo(t, env)

	st, err := s.OpenLogs(model.LogTarget{Kind: "deployments", Namespace: ns, Name: "wide", Follow: true})
	require.NoError(t, err)
	st = waitLogs(t, rec, s, st.ID, "every pod seen", func(st model.LogStatus) bool { return st.Pods == 11 })
	assert.Len(t, st.Sources, logs.DefaultMaxStreams)
	assert.Len(t, st.Waiting, 1)
	assert.Contains(t, st.Notice, "11 pods match")
	require.NoError(t, s.CloseLogs(st.ID))
}

// TestCloseLogsEndsItsStreams: once CloseLogs returns, no goroutine of
// the view's streams runs, while the session (and its connections, which
// come and go with its watches) stays.
func TestCloseLogsEndsItsStreams(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "closing", nil))
	_, rec, s := connectedDemo(t, env)

	st, err := s.OpenLogs(model.LogTarget{Kind: "pods", Namespace: ns, Name: pod.Name, Follow: true})
	require.NoError(t, err)
	waitLogs(t, rec, s, st.ID, "streaming", func(st model.LogStatus) bool {
		return sourceState(st, pod.Name, "app") == model.LogStreaming && sourceState(st, pod.Name, "envoy") == model.LogStreaming
	})
	assert.NotEmpty(t, logGoroutines(), "the streams run")
	require.NoError(t, s.CloseLogs(st.ID))
	assert.Empty(t, logGoroutines(), "no stream runs once CloseLogs has returned")
}

// logGoroutines returns the stacks of the goroutines that run code of the
// logs package.
func logGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "crowsnest/backend/logs.") {
			out = append(out, g)
		}
	}
	return out
}
