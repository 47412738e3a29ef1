package logs_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"crowsnest/backend/logs"
)

// generated is a log of n lines made up as they are read, so a million
// lines cost the test nothing to hold.
type generated struct {
	n, i int
	buf  []byte
	at   time.Time
}

func (g *generated) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		t := g.at.Add(time.Duration(g.i) * time.Microsecond)
		g.buf = t.AppendFormat(g.buf, time.RFC3339Nano)
		g.buf = fmt.Appendf(g.buf, ` {"level":"info","msg":"request handled","path":"/api/cart/items","n":%d}`+"\n", g.i)
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMillionLinesKeepMemoryBounded streams 1,000,000 lines through the
// default 100,000-line ring and measures the heap after GC: it must stay
// within the ring's byte cap plus 16 MB (the budget).
func TestMillionLinesKeepMemoryBounded(t *testing.T) {
	const total = 1_000_000
	open := func(ctx context.Context, pod, container string, o *corev1.PodLogOptions) (io.ReadCloser, error) {
		return io.NopCloser(&generated{n: total, at: t0}), nil
	}
	base := heap()
	c := newChanges()
	s := logs.OpenWith(t.Context(), "ns", open, logs.Options{TailLines: logs.TailAll, OnChange: c.notify})
	defer s.Close()
	s.AddPod(logs.Pod{Name: "chatty", Containers: []string{"app"}})
	st := waitFor(t, s, c, "a million lines", func(st logs.Status) bool { return stateOf(st, "chatty", "app") == logs.StateEnded })
	require.Equal(t, uint64(total+1), st.Next)
	assert.Equal(t, logs.DefaultMaxLines, st.Lines)
	assert.Equal(t, uint64(total-logs.DefaultMaxLines), st.Dropped, "what fell out is counted")
	assert.LessOrEqual(t, st.Bytes, int64(logs.DefaultMaxBytes))

	grown := int64(heap()) - int64(base)
	t.Logf("heap grew by %.1f MiB for %d lines kept (%.1f MiB accounted)", float64(grown)/(1<<20), st.Lines, float64(st.Bytes)/(1<<20))
	assert.LessOrEqual(t, grown, int64(logs.DefaultMaxBytes+16<<20))
	// And the accounting is honest: the ring's estimate is not far below
	// what the lines really cost.
	assert.GreaterOrEqual(t, st.Bytes, grown/2)

	w := s.Tail(1)
	require.Len(t, w.Lines, 1)
	assert.Contains(t, w.Lines[0].Text, fmt.Sprintf(`"n":%d`, total-1))
	runtime.KeepAlive(s)
}
