package logs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clocktesting "k8s.io/utils/clock/testing"

	"crowsnest/backend/events"
	"crowsnest/backend/logs"
)

// changes counts OnChange calls and wakes waiters.
type changes struct {
	n  atomic.Int64
	ch chan struct{}
}

func newChanges() *changes { return &changes{ch: make(chan struct{}, 1)} }

func (c *changes) notify() {
	c.n.Add(1)
	select {
	case c.ch <- struct{}{}:
	default:
	}
}

// waitFor waits until pred holds for the stream's status, checking after
// every change notice.
func waitFor(t *testing.T, s *logs.Stream, c *changes, what string, pred func(logs.Status) bool) logs.Status {
	t.Helper()
	st, err := waitStatus(t.Context(), s, c, what, pred)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitStatus is waitFor for goroutines other than the test's.
func waitStatus(ctx context.Context, s *logs.Stream, c *changes, what string, pred func(logs.Status) bool) (logs.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		st := s.Status()
		if pred(st) {
			return st, nil
		}
		select {
		case <-c.ch:
		case <-ctx.Done():
			return st, fmt.Errorf("waiting for %s: last status %+v", what, st)
		}
	}
}

func allLines(s *logs.Stream) []logs.Line {
	var out []logs.Line
	for from := uint64(0); ; {
		w := s.Window(from, 1000)
		if len(w.Lines) == 0 {
			return out
		}
		out = append(out, w.Lines...)
		from = w.Next
	}
}

func lineCount(n int) func(logs.Status) bool {
	return func(st logs.Status) bool { return st.Lines >= n }
}

func stateOf(st logs.Status, pod, container string) logs.State {
	for _, c := range st.Containers {
		if c.Pod == pod && c.Container == container {
			return c.State
		}
	}
	return ""
}

func open(t *testing.T, f *fakeServer, c *changes, opts logs.Options) *logs.Stream {
	t.Helper()
	opts.OnChange = c.notify
	s := logs.OpenWith(t.Context(), "ns", f.open, opts)
	t.Cleanup(s.Close)
	return s
}

var t0 = time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC)

func TestMergedStreamIsInTimestampOrder(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	f, c := newFakeServer(), newChanges()
	// Three pods whose lines interleave in time; app and sidecar in one.
	f.add("web-1", "app", series("web-1", t0, 3*time.Millisecond, 200)...)
	f.add("web-2", "app", series("web-2", t0.Add(time.Millisecond), 3*time.Millisecond, 200)...)
	f.add("web-3", "app", series("web-3", t0.Add(2*time.Millisecond), 3*time.Millisecond, 150)...)
	f.add("web-3", "envoy", series("web-3 envoy", t0.Add(500*time.Microsecond), 7*time.Millisecond, 100)...)
	s := open(t, f, c, logs.Options{TailLines: logs.TailAll})
	s.AddPod(
		logs.Pod{Name: "web-1", Containers: []string{"app"}},
		logs.Pod{Name: "web-2", Containers: []string{"app"}},
		logs.Pod{Name: "web-3", Containers: []string{"app", "envoy"}},
	)
	waitFor(t, s, c, "every line", lineCount(650))
	lines := allLines(s)
	require.Len(t, lines, 650)
	seen := map[string]int{}
	for i, l := range lines {
		assert.Equal(t, uint64(i+1), l.Seq)
		if i > 0 {
			require.False(t, l.Time.Before(lines[i-1].Time), "line %d (%s) is older than line %d (%s)", i, l.Text, i-1, lines[i-1].Text)
		}
		prefix := l.Pod
		if l.Container == "envoy" {
			prefix += " envoy"
		}
		require.True(t, strings.HasPrefix(l.Text, prefix+" line "), "line %q is tagged %s/%s", l.Text, l.Pod, l.Container)
		seen[l.Pod+"/"+l.Container]++
	}
	assert.Equal(t, map[string]int{"web-1/app": 200, "web-2/app": 200, "web-3/app": 150, "web-3/envoy": 100}, seen)
	st := waitFor(t, s, c, "every log ended", func(st logs.Status) bool {
		return !slices.ContainsFunc(st.Containers, func(c logs.ContainerStatus) bool { return c.State != logs.StateEnded })
	})
	assert.Len(t, st.Containers, 4)
	// Every request asked for timestamps, the tail and no follow.
	for _, r := range f.requestsFor("web-3", "envoy") {
		assert.True(t, r.Timestamps)
		assert.False(t, r.Follow)
		assert.Nil(t, r.TailLines, "TailAll asks for the whole log")
	}
	s.Close()
}

// TestMergeHoldsLinesForAQuietContainer drives the merge with a fake clock:
// lines wait for a container that may still send older ones, and go once it
// has been quiet for MergeDelay.
func TestMergeHoldsLinesForAQuietContainer(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	clk := clocktesting.NewFakeClock(t0)
	f.add("a", "app", fakeLine{t0.Add(1 * time.Second), "a1"}, fakeLine{t0.Add(3 * time.Second), "a3"})
	f.add("b", "app") // an empty log
	s := open(t, f, c, logs.Options{Follow: true, Clock: clk, MergeDelay: time.Second})
	s.AddPod(logs.Pod{Name: "a", Containers: []string{"app"}}, logs.Pod{Name: "b", Containers: []string{"app"}})
	waitFor(t, s, c, "both streaming with a's lines read", func(st logs.Status) bool {
		return stateOf(st, "b", "app") == logs.StateStreaming && len(st.Containers) == 2 && st.Containers[0].Lines == 2
	})
	assert.Empty(t, allLines(s), "b has sent nothing yet, so a's lines wait")

	f.add("b", "app", fakeLine{t0.Add(2 * time.Second), "b2"})
	waitFor(t, s, c, "lines up to b's newest", lineCount(2))
	assert.Equal(t, []string{"a1", "b2"}, texts(allLines(s)), "a3 waits: b may still send something older")

	require.Eventually(t, clk.HasWaiters, 10*time.Second, time.Millisecond, "the merger waits on the clock")
	clk.Step(time.Second)
	waitFor(t, s, c, "b quiet for MergeDelay", lineCount(3))
	assert.Equal(t, []string{"a1", "b2", "a3"}, texts(allLines(s)))

	// A new line waits MergeDelay from its arrival, in case b has written
	// something just before that has not come yet.
	f.add("a", "app", fakeLine{t0.Add(5 * time.Second), "a5"})
	waitFor(t, s, c, "a5 read", func(st logs.Status) bool { return st.Containers[0].Lines == 3 })
	assert.Equal(t, 3, s.Status().Lines, "a5 waits")
	f.add("b", "app", fakeLine{t0.Add(4 * time.Second), "b4, written before a5, came after"})
	waitFor(t, s, c, "b4", lineCount(4))
	require.Eventually(t, clk.HasWaiters, 10*time.Second, time.Millisecond)
	clk.Step(time.Second)
	waitFor(t, s, c, "a5 after MergeDelay", lineCount(5))
	assert.Equal(t, []string{"a1", "b2", "a3", "b4, written before a5, came after", "a5"}, texts(allLines(s)))
}

// TestSingleContainerIsNeverHeld: with one container there is nothing to
// wait for, whatever the clock says.
func TestSingleContainerIsNeverHeld(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	clk := clocktesting.NewFakeClock(t0)
	f.add("a", "app", fakeLine{t0, "first"})
	s := open(t, f, c, logs.Options{Follow: true, Clock: clk, MergeDelay: time.Hour})
	s.AddPod(logs.Pod{Name: "a", Containers: []string{"app"}})
	waitFor(t, s, c, "the first line", lineCount(1))
	f.add("a", "app", fakeLine{t0.Add(time.Second), "second"})
	waitFor(t, s, c, "the second line", lineCount(2))
}

// TestContainersKeepTheirOwnOrder: a container whose timestamps go back
// (a clock step, lines appended late) keeps its order; merging only
// interleaves containers.
func TestContainersKeepTheirOwnOrder(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	f.add("p", "app", fakeLine{t0.Add(3 * time.Second), "p first"}, fakeLine{t0.Add(time.Second), "p second, stamped earlier"}, fakeLine{t0.Add(4 * time.Second), "p third"})
	f.add("q", "app", fakeLine{t0.Add(2 * time.Second), "q only"})
	s := open(t, f, c, logs.Options{})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}}, logs.Pod{Name: "q", Containers: []string{"app"}})
	waitFor(t, s, c, "every line", lineCount(4))
	assert.Equal(t, []string{"q only", "p first", "p second, stamped earlier", "p third"}, texts(allLines(s)))
}

func texts(lines []logs.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

// TestReconnectResumesWithoutDuplicatesOrLoss cuts a followed log whose
// last lines share a timestamp, appends while it is down, and checks that
// the reconnect delivers every line exactly once.
func TestReconnectResumesWithoutDuplicatesOrLoss(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	clk := clocktesting.NewFakeClock(t0)
	same := t0.Add(10*time.Second + 250*time.Millisecond)
	f.add("p", "app",
		fakeLine{t0.Add(9*time.Second + 900*time.Millisecond), "before the second"},
		fakeLine{t0.Add(10*time.Second + 100*time.Millisecond), "same second, earlier"},
		fakeLine{same, "same stamp 1"},
		fakeLine{same, "same stamp 2"},
	)
	s := open(t, f, c, logs.Options{Follow: true, Clock: clk, MinBackoff: time.Second})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	waitFor(t, s, c, "the first lines", lineCount(4))

	f.cut("p", "app")
	waitFor(t, s, c, "reconnecting", func(st logs.Status) bool { return stateOf(st, "p", "app") == logs.StateReconnecting })
	st := s.Status()
	assert.Contains(t, st.Containers[0].Message, "unexpected EOF", "the state says why")
	// Written while the stream is down: one more line with the same stamp.
	f.add("p", "app", fakeLine{same, "same stamp 3"}, fakeLine{same.Add(time.Millisecond), "after"})

	require.Eventually(t, clk.HasWaiters, 10*time.Second, time.Millisecond, "the backoff waits on the clock")
	clk.Step(time.Second)
	waitFor(t, s, c, "the lines written while down", lineCount(6))
	f.add("p", "app", fakeLine{same.Add(2 * time.Millisecond), "live again"})
	waitFor(t, s, c, "a live line", lineCount(7))
	assert.Equal(t, []string{"before the second", "same second, earlier", "same stamp 1", "same stamp 2", "same stamp 3", "after", "live again"},
		texts(allLines(s)))

	reqs := f.requestsFor("p", "app")
	require.Len(t, reqs, 2)
	require.NotNil(t, reqs[1].SinceTime, "the reconnect resumes from the last line")
	assert.Equal(t, same.Truncate(time.Second), reqs[1].SinceTime.Time.UTC())
	assert.Nil(t, reqs[1].TailLines, "a resume wants everything since, not a tail")
	assert.Equal(t, logs.StateStreaming, stateOf(s.Status(), "p", "app"))
}

func TestPodsComeAndGo(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	f.add("old", "app", series("old", t0, time.Millisecond, 10)...)
	f.add("new", "app", series("new", t0.Add(time.Second), time.Millisecond, 5)...)
	s := open(t, f, c, logs.Options{Follow: true})
	s.AddPod(logs.Pod{Name: "old", Containers: []string{"app"}})
	waitFor(t, s, c, "old's lines", lineCount(10))

	s.RemovePod("old")
	st := s.Status()
	assert.Empty(t, st.Containers, "old no longer streams")
	assert.Equal(t, 10, st.Lines, "its lines stay")
	f.add("old", "app", fakeLine{t0.Add(time.Hour), "after removal"})

	s.AddPod(logs.Pod{Name: "new", Containers: []string{"app"}})
	waitFor(t, s, c, "new's lines", lineCount(15))
	lines := allLines(s)
	assert.Equal(t, "old", lines[9].Pod)
	assert.Equal(t, "new", lines[10].Pod)
	assert.NotContains(t, texts(lines), "after removal")
}

// TestPodThatComesBackResumes: a pod that leaves the stream (it stopped
// matching a Service's selector) and comes back resumes from its last
// line, as a reconnect does: nothing read twice, nothing written meanwhile
// lost. A pod re-created under the same name (another UID) starts afresh.
func TestPodThatComesBackResumes(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	f.add("p", "app", series("p", t0, time.Millisecond, 10)...)
	s := open(t, f, c, logs.Options{Follow: true, TailLines: -1})
	s.AddPod(logs.Pod{Name: "p", UID: "u1", Containers: []string{"app"}})
	waitFor(t, s, c, "p's lines", lineCount(10))

	s.RemovePod("p")
	f.add("p", "app", fakeLine{t0.Add(time.Second), "while away"})
	s.AddPod(logs.Pod{Name: "p", UID: "u1", Containers: []string{"app"}})
	waitFor(t, s, c, "the line written while away", lineCount(11))
	f.add("p", "app", fakeLine{t0.Add(2 * time.Second), "back"})
	waitFor(t, s, c, "a live line", lineCount(12))
	got := texts(allLines(s))
	assert.Equal(t, []string{"while away", "back"}, got[10:])
	reqs := f.requestsFor("p", "app")
	require.Len(t, reqs, 2)
	require.NotNil(t, reqs[1].SinceTime, "the pod resumes from its last line")
	assert.Nil(t, reqs[1].TailLines)

	s.RemovePod("p")
	s.AddPod(logs.Pod{Name: "p", UID: "u2", Containers: []string{"app"}})
	waitFor(t, s, c, "the new pod's whole log", lineCount(24))
	assert.Nil(t, f.requestsFor("p", "app")[2].SinceTime, "another pod under the same name is read with the view's options")
}

func TestStreamLimitQueuesPods(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	s := open(t, f, c, logs.Options{Follow: true, MaxStreams: 4, Containers: []string{"app", "envoy"}})
	for _, p := range []string{"p1", "p2", "p3"} {
		f.add(p, "app", fakeLine{t0, p + " app"})
		f.add(p, "envoy", fakeLine{t0, p + " envoy"})
		s.AddPod(logs.Pod{Name: p, Containers: []string{"init", "app", "envoy"}})
	}
	st := waitFor(t, s, c, "two pods' lines", lineCount(4))
	assert.Equal(t, []string{"p3"}, st.Waiting)
	assert.Contains(t, st.Notice, "3 pods match")
	assert.Len(t, st.Containers, 4, "init is not selected")

	s.RemovePod("p1")
	st = waitFor(t, s, c, "p3 streams", lineCount(6))
	assert.Empty(t, st.Waiting)
	assert.Empty(t, st.Notice)
}

func TestAPIErrorsShowInTheState(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	f.fail[key("denied", "app")] = apierrors.NewForbidden(schema.GroupResource{Resource: "pods/log"}, "denied", errors.New("no way"))
	f.fail[key("gone", "app")] = apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "gone")
	f.fail[key("flaky", "app")] = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	s := open(t, f, c, logs.Options{Follow: true, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	for _, p := range []string{"denied", "gone", "flaky"} {
		s.AddPod(logs.Pod{Name: p, Containers: []string{"app"}})
	}
	st := waitFor(t, s, c, "every state", func(st logs.Status) bool {
		return stateOf(st, "denied", "app") == logs.StateError && stateOf(st, "gone", "app") == logs.StateEnded &&
			stateOf(st, "flaky", "app") == logs.StateReconnecting
	})
	for _, cs := range st.Containers {
		switch cs.Pod {
		case "denied":
			assert.Contains(t, cs.Message, "no way")
		case "flaky":
			assert.Contains(t, cs.Message, "connection refused")
		}
	}
	// The flaky one keeps trying and recovers.
	require.Eventually(t, func() bool { return len(f.requestsFor("flaky", "app")) >= 3 }, 10*time.Second, time.Millisecond)
	f.mu.Lock()
	delete(f.fail, key("flaky", "app"))
	f.mu.Unlock()
	f.add("flaky", "app", fakeLine{t0, "finally"})
	waitFor(t, s, c, "flaky recovers", func(st logs.Status) bool { return stateOf(st, "flaky", "app") == logs.StateStreaming && st.Lines == 1 })
	assert.Len(t, f.requestsFor("denied", "app"), 1, "a refusal is not retried")
}

func TestSinceDropsOlderLinesOfTheSameSecond(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	since := t0.Add(500 * time.Millisecond)
	f.add("p", "app", fakeLine{t0.Add(100 * time.Millisecond), "too old"}, fakeLine{since, "at since"}, fakeLine{t0.Add(time.Second), "newer"})
	s := open(t, f, c, logs.Options{SinceTime: since})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	waitFor(t, s, c, "ended", func(st logs.Status) bool { return stateOf(st, "p", "app") == logs.StateEnded })
	assert.Equal(t, []string{"at since", "newer"}, texts(allLines(s)))
	assert.Equal(t, t0, f.requestsFor("p", "app")[0].SinceTime.Time.UTC(), "the API gets whole seconds")
	assert.Equal(t, int64(logs.DefaultTail), *f.requestsFor("p", "app")[0].TailLines)
}

func TestWindowsStayUnderTheirBudget(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	var lines []fakeLine
	for i := range 50 {
		lines = append(lines, fakeLine{t0.Add(time.Duration(i) * time.Millisecond), fmt.Sprintf("%d %s", i, strings.Repeat("\x1b[31m<&>\"", 1000))})
	}
	huge := strings.Repeat("é", 200<<10) // 400 KiB
	lines = append(lines, fakeLine{t0.Add(time.Second), huge})
	f.add("p", "app", lines...)
	s := open(t, f, c, logs.Options{})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	waitFor(t, s, c, "every line", lineCount(51))

	total := 0
	for from := uint64(0); ; {
		w := s.Window(from, 1000)
		if len(w.Lines) == 0 {
			break
		}
		b, err := json.Marshal(w)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(b), logs.DefaultMaxWindowBytes, "window from %d", from)
		total += len(w.Lines)
		from = w.Next
	}
	assert.Equal(t, 51, total, "paging reaches every line")
	last := s.Tail(1).Lines[0]
	assert.True(t, last.Truncated, "a line over the window budget is cut")
	assert.True(t, strings.HasPrefix(huge, last.Text))
	tail := s.Tail(20)
	require.Len(t, tail.Lines, 1, "the newest line alone fills a window")
	assert.Equal(t, uint64(51), tail.Lines[0].Seq, "a tail keeps the newest lines, not the first of the last 20")
	st := s.Status()
	assert.LessOrEqual(t, st.Bytes, int64(51*(logs.DefaultMaxLineBytes+64)))
}

func TestLongLinesAreCut(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	f.add("p", "app", fakeLine{t0, strings.Repeat("x", 300<<10)}, fakeLine{t0.Add(time.Millisecond), "next"})
	s := open(t, f, c, logs.Options{MaxLineBytes: 20 << 10})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	waitFor(t, s, c, "both lines", lineCount(2))
	s.Close()
	lines := allLines(s)
	assert.Equal(t, 20<<10, len(lines[0].Text))
	assert.True(t, lines[0].Truncated)
	assert.Equal(t, "next", lines[1].Text, "the rest of the long line is not a line of its own")
}

func TestSearchAndFilter(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	var lines []fakeLine
	for i := range 10000 {
		text := fmt.Sprintf("request %d ok", i)
		if i%1000 == 7 {
			text = fmt.Sprintf("request %d \x1b[31mERROR\x1b[0m timeout", i)
		}
		lines = append(lines, fakeLine{t0.Add(time.Duration(i) * time.Microsecond), text})
	}
	f.add("p", "app", lines...)
	s := open(t, f, c, logs.Options{TailLines: logs.TailAll})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	waitFor(t, s, c, "every line", lineCount(10000))

	m, err := logs.Compile(logs.Query{Text: "error timeout"})
	require.NoError(t, err)
	r := s.Search(m, 1, 4)
	assert.Equal(t, []uint64{8, 1008, 2008, 3008}, r.Seqs)
	r = s.Search(m, r.Next, 100)
	assert.Equal(t, []uint64{4008, 5008, 6008, 7008, 8008, 9008}, r.Seqs)
	assert.True(t, r.Done)
	assert.Equal(t, []uint64{5008, 4008}, s.SearchBefore(m, 6008, 2))

	re, err := logs.Compile(logs.Query{Text: `request 9\d\d\d ok`, Regexp: true, CaseSensitive: true})
	require.NoError(t, err)
	w := s.FilterWindow(re, 9000, 3)
	assert.Equal(t, []string{"request 8999 ok", "request 9000 ok", "request 9001 ok"}[1:], texts(w.Lines)[:2])
	assert.Len(t, w.Lines, 3)
	for _, l := range w.Lines {
		assert.True(t, re.Match(l.Text))
	}
}

func TestCloseEndsEveryGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	f := newFakeServer()
	f.add("p", "app", series("p", t0, time.Millisecond, 100)...)
	f.add("q", "app", series("q", t0, time.Millisecond, 100)...)
	f.fail[key("r", "app")] = errors.New("refused")
	for range 100 {
		c := newChanges()
		s := logs.OpenWith(context.Background(), "ns", f.open, logs.Options{Follow: true, OnChange: c.notify, MinBackoff: time.Millisecond})
		s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
		s.AddPod(logs.Pod{Name: "q", Containers: []string{"app"}})
		s.AddPod(logs.Pod{Name: "r", Containers: []string{"app"}})
		s.Close()
		calls := c.n.Load()
		s.AddPod(logs.Pod{Name: "late", Containers: []string{"app"}})
		assert.Equal(t, calls, c.n.Load(), "no notice after Close")
	}
	goleak.VerifyNone(t, ignore)

	// The end of the context stops it too.
	ctx, cancel := context.WithCancel(context.Background())
	s := logs.OpenWith(ctx, "ns", f.open, logs.Options{Follow: true})
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	cancel()
	s.Close()
	goleak.VerifyNone(t, ignore)
}

// TestNoticesCoalesce shows the intended use of OnChange: a flood of
// changes becomes one notice per interval through events.Coalescer.
func TestNoticesCoalesce(t *testing.T) {
	clk := clocktesting.NewFakeClock(t0)
	rec := &events.Recorder{}
	co := events.NewCoalescer(t.Context(), rec, 100*time.Millisecond, clk)
	defer co.Stop()
	f, c := newFakeServer(), newChanges()
	f.add("p", "app", series("p", t0, time.Millisecond, 5000)...)
	s := logs.OpenWith(t.Context(), "ns", f.open, logs.Options{TailLines: logs.TailAll, OnChange: func() {
		co.Notify("logs/1", "logs:changed", "logs/1")
		c.notify()
	}})
	defer s.Close()
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	waitFor(t, s, c, "the log read", func(st logs.Status) bool { return stateOf(st, "p", "app") == logs.StateEnded })
	require.Greater(t, c.n.Load(), int64(3), "the stream changed many times")
	assert.Len(t, rec.Events(), 1, "one notice, the rest merged until the interval passes")
	clk.Step(100 * time.Millisecond)
	require.NoError(t, rec.WaitFor(t.Context(), func(ev []events.Recorded) bool { return len(ev) == 2 }))
}

// States moves with what Status says of the sources (a reconnect, a pod
// added or removed), not with lines: the page re-reads the status only
// when it moved.
func TestStatesMoveWithSourcesNotLines(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	clk := clocktesting.NewFakeClock(t0)
	f.add("p", "app", series("p", t0, time.Millisecond, 3)...)
	s := open(t, f, c, logs.Options{Follow: true, Clock: clk, MinBackoff: time.Second})
	before := s.Progress().States
	s.AddPod(logs.Pod{Name: "p", Containers: []string{"app"}})
	st := waitFor(t, s, c, "streaming with the first lines", func(st logs.Status) bool {
		return st.Lines == 3 && stateOf(st, "p", "app") == logs.StateStreaming
	})
	assert.Greater(t, st.States, before, "a pod added and its stream connected")
	streaming := st.States

	f.add("p", "app", series("more", t0.Add(time.Second), time.Millisecond, 5)...)
	st = waitFor(t, s, c, "more lines", lineCount(8))
	assert.Equal(t, streaming, st.States, "lines alone leave States")
	assert.Equal(t, streaming, s.Progress().States)

	f.cut("p", "app")
	st = waitFor(t, s, c, "reconnecting", func(st logs.Status) bool { return stateOf(st, "p", "app") == logs.StateReconnecting })
	assert.Greater(t, st.States, streaming, "a state change moves States")
	cut := st.States
	s.RemovePod("p")
	assert.Greater(t, s.Progress().States, cut, "a pod removed moves States")
}

// Save writes the lines kept now, whole, tagged and stamped when asked,
// into a file that appears only once complete.
func TestSaveWritesTheKeptLines(t *testing.T) {
	f, c := newFakeServer(), newChanges()
	long := strings.Repeat("x", 3000) // longer than a window may carry
	f.add("a", "app", fakeLine{t0, "a first"}, fakeLine{t0.Add(2 * time.Millisecond), "a \x1b[31mred\x1b[0m"}, fakeLine{t0.Add(4 * time.Millisecond), long})
	f.add("b", "web", fakeLine{t0.Add(time.Millisecond), "b first"}, fakeLine{t0.Add(3 * time.Millisecond), "b second"})
	s := open(t, f, c, logs.Options{TailLines: logs.TailAll, MaxLines: 4, MaxWindowBytes: 1024})
	s.AddPod(logs.Pod{Name: "a", Containers: []string{"app"}}, logs.Pod{Name: "b", Containers: []string{"web"}})
	waitFor(t, s, c, "five lines, one fallen out", func(st logs.Status) bool { return st.Next == 6 && st.Dropped == 1 })

	path := filepath.Join(t.TempDir(), "shop.log")
	n, err := s.Save(path, logs.SaveOptions{Timestamps: true, Tags: true})
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	stamp := func(d time.Duration) string { return t0.Add(d).UTC().Format(time.RFC3339Nano) }
	assert.Equal(t, stamp(time.Millisecond)+" [b/web] b first\n"+
		stamp(2*time.Millisecond)+" [a/app] a \x1b[31mred\x1b[0m\n"+
		stamp(3*time.Millisecond)+" [b/web] b second\n"+
		stamp(4*time.Millisecond)+" [a/app] "+long+"\n", string(got), "the oldest fell out; the long line whole")

	plain := filepath.Join(t.TempDir(), "plain.log")
	_, err = s.Save(plain, logs.SaveOptions{})
	require.NoError(t, err)
	got, err = os.ReadFile(plain)
	require.NoError(t, err)
	assert.Equal(t, "b first\na \x1b[31mred\x1b[0m\nb second\n"+long+"\n", string(got))

	_, err = s.Save(filepath.Join(t.TempDir(), "missing", "x.log"), logs.SaveOptions{})
	require.Error(t, err, "a directory that does not exist")
	entries, _ := os.ReadDir(filepath.Dir(plain))
	assert.Len(t, entries, 1, "no partial file is left behind")
}
