package terminal

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/remotecommand"
)

// recorder keeps the chunks a batcher sends, with the (bubble's) time of
// each.
// Unless manual is set, it acknowledges each chunk as it arrives, as a
// page that keeps up does.
type recorder struct {
	b      *batcher
	manual bool
	mu     sync.Mutex
	chunks []Chunk
	at     []time.Time
}

func (r *recorder) emit(c Chunk) {
	r.mu.Lock()
	r.chunks = append(r.chunks, c)
	r.at = append(r.at, time.Now())
	r.mu.Unlock()
	if !r.manual {
		r.b.ack(c.Seq)
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.chunks)
}

func (r *recorder) data() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, c := range r.chunks {
		b.WriteString(c.Data)
	}
	return b.String()
}

// startBatcher runs a batcher in the test's bubble until the test ends.
func startBatcher(t *testing.T, o Options) (*batcher, *recorder, chan struct{}) {
	return startBatcherAcking(t, o, false)
}

func startBatcherAcking(t *testing.T, o Options, manual bool) (*batcher, *recorder, chan struct{}) {
	r := &recorder{manual: manual}
	b := newBatcher(o, r.emit)
	r.b = b
	stop := make(chan struct{})
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		b.run(stop)
	}()
	t.Cleanup(func() {
		close(stop)
		<-ran
	})
	return b, r, ran
}

func TestBatcherSendsTheFirstOutputAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, r, _ := startBatcher(t, Options{})
		start := time.Now()
		_, _ = b.Write([]byte("$ "))
		synctest.Wait()
		require.Len(t, r.chunks, 1)
		assert.Equal(t, Chunk{Seq: 1, Data: "$ "}, r.chunks[0])
		assert.Equal(t, start, r.at[0], "no delay before the first chunk")
	})
}

// TestBatcherCapsSizeAndRate: a burst of output goes out in chunks of at
// most MaxChunk bytes, at most one per Interval (60 a second), in order
// and complete.
func TestBatcherCapsSizeAndRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, r, _ := startBatcher(t, Options{})
		want := strings.Repeat("0123456789abcdef", 40_000) // 640,000 bytes
		start := time.Now()
		for i := 0; i < len(want); i += 1000 {
			_, _ = b.Write([]byte(want[i : i+1000]))
		}
		b.end()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		require.True(t, want == r.data(), "the output arrives whole and in order")
		// The first write may go out alone, before the rest is written.
		assert.LessOrEqual(t, len(r.chunks), (len(want)+DefaultMaxChunk-1)/DefaultMaxChunk+1)
		for i, c := range r.chunks {
			assert.Equal(t, uint64(i+1), c.Seq)
			assert.LessOrEqual(t, len(c.Data), DefaultMaxChunk)
			if i > 0 {
				assert.GreaterOrEqual(t, r.at[i].Sub(r.at[i-1]), DefaultInterval, "chunk %d", i)
			}
		}
		perSecond := 0
		for _, at := range r.at {
			if at.Sub(start) < time.Second {
				perSecond++
			}
		}
		assert.LessOrEqual(t, perSecond, 60)
	})
}

// TestBatcherCoalesces: output written while a chunk's interval runs
// goes out together in the next chunk.
func TestBatcherCoalesces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, r, _ := startBatcher(t, Options{Interval: 100 * time.Millisecond})
		_, _ = b.Write([]byte("a"))
		synctest.Wait()
		for _, s := range []string{"b", "c", "d"} {
			time.Sleep(10 * time.Millisecond)
			_, _ = b.Write([]byte(s))
		}
		time.Sleep(time.Second)
		synctest.Wait()
		require.Len(t, r.chunks, 2)
		assert.Equal(t, "a", r.chunks[0].Data)
		assert.Equal(t, "bcd", r.chunks[1].Data)
	})
}

// TestBatcherHoldsTheWriterBack: a page slower than the output sets its
// pace: at most Window chunks go out unacknowledged, then the output
// waits; past MaxPending waiting bytes the stream's Write waits too (so
// the command does). Nothing is lost, nothing reordered.
func TestBatcherHoldsTheWriterBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, r, _ := startBatcherAcking(t, Options{MaxChunk: 4, MaxPending: 8, Window: 2, Interval: time.Second}, true)
		var wrote sync.WaitGroup
		written := false
		wrote.Go(func() {
			_, _ = b.Write([]byte("0123456789abcdefghij"))
			written = true
		})
		time.Sleep(time.Minute)
		synctest.Wait()
		assert.Equal(t, 2, r.count(), "two chunks sent, then the window is full")
		assert.False(t, written, "the writer waits while 8 bytes wait and 2 chunks are unacknowledged")

		b.ack(2)
		time.Sleep(time.Minute)
		synctest.Wait()
		assert.Equal(t, 4, r.count())
		assert.True(t, written, "room again: the rest was queued")
		b.ack(4)
		b.end()
		time.Sleep(time.Minute)
		synctest.Wait()
		wrote.Wait()
		assert.Equal(t, "0123456789abcdefghij", r.data())
		for i, c := range r.chunks {
			assert.Equal(t, uint64(i+1), c.Seq)
		}
		b.ack(99) // an ack beyond what was sent is ignored
		assert.Equal(t, uint64(4), b.acked)
	})
}

// TestBatcherEndReleasesAWaitingWriter: a page that never acknowledges
// cannot hold the stream's goroutine: end (Terminal.Close calls it)
// returns a Write that waits for room, its output discarded.
func TestBatcherEndReleasesAWaitingWriter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, r, _ := startBatcherAcking(t, Options{MaxChunk: 4, MaxPending: 4, Window: 1, Interval: time.Millisecond}, true)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = b.Write([]byte(strings.Repeat("x", 100)))
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("Write returned while its output could not be queued")
		default:
		}
		b.end()
		<-done
		assert.Equal(t, 1, r.count())
	})
}

// TestBatcherCutsBetweenRunes: chunks never split a UTF-8 sequence, even
// when the sequence arrives in pieces or straddles the size cap.
func TestBatcherCutsBetweenRunes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, r, _ := startBatcher(t, Options{MaxChunk: 5, Interval: time.Millisecond})
		want := "añ€😀b"
		for i := range len(want) {
			_, _ = b.Write([]byte{want[i]})
			time.Sleep(5 * time.Millisecond)
		}
		_, _ = b.Write([]byte(strings.Repeat("€", 7)))
		b.end()
		time.Sleep(time.Second)
		synctest.Wait()
		assert.Equal(t, want+strings.Repeat("€", 7), r.data())
		for _, c := range r.chunks {
			assert.True(t, utf8.ValidString(c.Data), "%q", c.Data)
			assert.LessOrEqual(t, len(c.Data), 5)
		}
	})
}

func TestBatcherStopSendsNothingMore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		b := newBatcher(Options{Interval: time.Second}, r.emit)
		r.b = b
		stop := make(chan struct{})
		ran := make(chan struct{})
		go func() {
			defer close(ran)
			b.run(stop)
		}()
		_, _ = b.Write([]byte("one"))
		synctest.Wait()
		_, _ = b.Write([]byte("two"))
		close(stop)
		<-ran
		assert.Equal(t, "one", r.data())
	})
}

func TestInputIsBoundedAndEnds(t *testing.T) {
	in := newInput(4)
	require.NoError(t, in.Write([]byte("ab")))
	require.NoError(t, in.Write([]byte("cd")))
	assert.ErrorIs(t, in.Write([]byte("e")), ErrInputFull)
	p := make([]byte, 3)
	n, err := in.Read(p)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(p[:n]))
	require.NoError(t, in.Write([]byte("efg")))
	in.close()
	assert.ErrorIs(t, in.Write([]byte("h")), ErrEnded)
	_, err = in.Read(p)
	assert.Error(t, err)
}

func TestSizesKeepOnlyTheNewest(t *testing.T) {
	s := newSizes()
	for w := uint16(80); w <= 120; w++ {
		s.push(sizeOf(w, 24))
	}
	assert.Equal(t, sizeOf(120, 24), *s.Next())
	s.close()
	assert.Nil(t, s.Next())
}

func sizeOf(w, h uint16) remotecommand.TerminalSize {
	return remotecommand.TerminalSize{Width: w, Height: h}
}
