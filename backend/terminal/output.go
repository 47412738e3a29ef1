package terminal

import (
	"sync"
	"time"
	"unicode/utf8"
)

// Defaults of the output batcher (Options overrides them).
const (
	// DefaultMaxChunk is the most bytes one Output carries: small enough
	// for Wails' event path (a script evaluated in the webview), large
	// enough that a screenful goes in one.
	DefaultMaxChunk = 16 << 10
	// DefaultInterval is the least time between two Outputs of a
	// terminal: at most 60 a second.
	DefaultInterval = time.Second / 60
	// DefaultMaxPending bounds the output waiting to be sent. Output
	// beyond it (a command printing faster than the page takes it)
	// drops the oldest waiting bytes, which the next Output counts.
	DefaultMaxPending = 1 << 20
)

// Chunk is one batch of a terminal's output, in order.
type Chunk struct {
	// Seq numbers the chunks of a terminal from 1.
	Seq uint64
	// Data is the output, cut between UTF-8 sequences.
	Data string
	// Dropped is how many bytes of output were dropped just before Data
	// (the pending buffer was full).
	Dropped int64
}

// batcher collects a stream's output and hands it on as Chunks: the first
// as soon as it is written, later ones at most one per interval and at
// most maxChunk bytes each; what arrives meanwhile is coalesced. Write
// never blocks (the stream is never held back by the page); past
// maxPending the oldest bytes are dropped and counted.
//
// Write and end may be called from any goroutine; run from one, which is
// the only one that calls emit.
type batcher struct {
	maxChunk, maxPending int
	interval             time.Duration
	emit                 func(Chunk)
	kick                 chan struct{} // capacity 1: something to send, or the end

	mu      sync.Mutex
	buf     []byte
	dropped int64
	ended   bool
	seq     uint64
}

func newBatcher(o Options, emit func(Chunk)) *batcher {
	b := &batcher{maxChunk: o.MaxChunk, maxPending: o.MaxPending, interval: o.Interval, emit: emit,
		kick: make(chan struct{}, 1)}
	if b.maxChunk <= 0 {
		b.maxChunk = DefaultMaxChunk
	}
	if b.maxPending <= 0 {
		b.maxPending = DefaultMaxPending
	}
	b.maxPending = max(b.maxPending, b.maxChunk)
	if b.interval <= 0 {
		b.interval = DefaultInterval
	}
	return b
}

// Write queues p. It never blocks and never fails; output after end is
// discarded.
func (b *batcher) Write(p []byte) (int, error) {
	b.mu.Lock()
	if !b.ended {
		b.buf = append(b.buf, p...)
		if over := len(b.buf) - b.maxPending; over > 0 {
			// Never keep the middle of a UTF-8 sequence.
			for over < len(b.buf) && !utf8.RuneStart(b.buf[over]) {
				over++
			}
			b.buf = b.buf[over:]
			b.dropped += int64(over)
		}
	}
	b.mu.Unlock()
	b.wake()
	return len(p), nil
}

// end says no more output will come: run sends what waits, then returns.
func (b *batcher) end() {
	b.mu.Lock()
	b.ended = true
	b.mu.Unlock()
	b.wake()
}

func (b *batcher) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// take removes the next chunk from the buffer. It holds back an
// incomplete UTF-8 sequence at the end until the rest arrives (or the
// output ends). done says the output ended and nothing is left.
func (b *batcher) take() (c Chunk, done bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(b.buf), b.maxChunk)
	if n < len(b.buf) || !b.ended {
		n = completeRunes(b.buf[:n])
	}
	c.Dropped, b.dropped = b.dropped, 0
	if n > 0 {
		c.Data = string(b.buf[:n])
		b.buf = b.buf[n:]
		if len(b.buf) == 0 {
			b.buf = nil // let the array go
		}
	}
	if c.Data != "" || c.Dropped > 0 {
		b.seq++
		c.Seq = b.seq
	}
	return c, b.ended && len(b.buf) == 0
}

// completeRunes is the length of p without an incomplete UTF-8 sequence
// at its end (bytes that are not UTF-8 at all count as complete).
func completeRunes(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				return i
			}
			break
		}
	}
	return len(p)
}

// run sends chunks until the output has ended and been sent, or stop is
// closed (then it sends nothing more).
func (b *batcher) run(stop <-chan struct{}) {
	for {
		c, done := b.take()
		if c.Seq != 0 {
			b.emit(c)
			t := time.NewTimer(b.interval)
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return
			}
			continue
		}
		if done {
			return
		}
		select {
		case <-b.kick:
		case <-stop:
			return
		}
	}
}
