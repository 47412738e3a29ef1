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
	// DefaultMaxPending bounds the output waiting to be sent. A command
	// printing faster than the page takes it is held back once this much
	// waits: the stream's Write blocks, so the server stops reading the
	// command's TTY and the command waits, as it would on a slow
	// terminal. Nothing is dropped.
	DefaultMaxPending = 256 << 10
	// DefaultWindow is how many chunks may be sent and not yet
	// acknowledged by the page (Terminal.Ack) before sending waits: the
	// page sets the pace, so a page that falls behind is never flooded
	// with events it cannot draw.
	DefaultWindow = 8
)

// Chunk is one batch of a terminal's output, in order.
type Chunk struct {
	// Seq numbers the chunks of a terminal from 1.
	Seq uint64
	// Data is the output, cut between UTF-8 sequences.
	Data string
}

// batcher collects a stream's output and hands it on as Chunks: the first
// as soon as it is written, later ones at most one per interval and at
// most maxChunk bytes each; what arrives meanwhile is coalesced. At most
// window chunks are sent and not acknowledged (ack); past maxPending
// waiting bytes, Write blocks until a chunk is taken or the output ends:
// the page's pace reaches the command, and no output is lost.
//
// Write, ack and end may be called from any goroutine; run from one,
// which is the only one that calls emit.
type batcher struct {
	maxChunk, maxPending int
	window               uint64
	interval             time.Duration
	emit                 func(Chunk)
	kick                 chan struct{} // capacity 1: something to send, an ack, or the end

	mu    sync.Mutex
	space *sync.Cond // signalled when bytes are taken or the output ends
	buf   []byte
	ended bool
	seq   uint64 // the last chunk sent
	acked uint64 // the last chunk the page acknowledged
}

func newBatcher(o Options, emit func(Chunk)) *batcher {
	b := &batcher{maxChunk: o.MaxChunk, maxPending: o.MaxPending, interval: o.Interval, emit: emit,
		kick: make(chan struct{}, 1), window: uint64(max(o.Window, 0))}
	b.space = sync.NewCond(&b.mu)
	if b.window == 0 {
		b.window = DefaultWindow
	}
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

// Write queues p, waiting while maxPending bytes wait to be sent. It
// never fails; output after end (or what a Write waiting at the end had
// left) is discarded.
func (b *batcher) Write(p []byte) (int, error) {
	n := len(p)
	b.mu.Lock()
	for len(p) > 0 && !b.ended {
		room := b.maxPending - len(b.buf)
		if room <= 0 {
			b.space.Wait()
			continue
		}
		part := p[:min(room, len(p))]
		b.buf = append(b.buf, part...)
		p = p[len(part):]
		b.wake()
	}
	b.mu.Unlock()
	return n, nil
}

// end says no more output will come: run sends what waits, then returns;
// a Write waiting for room returns.
func (b *batcher) end() {
	b.mu.Lock()
	b.ended = true
	b.space.Broadcast()
	b.mu.Unlock()
	b.wake()
}

// ack records that the page has taken the chunks up to seq.
func (b *batcher) ack(seq uint64) {
	b.mu.Lock()
	if seq > b.acked && seq <= b.seq {
		b.acked = seq
	}
	b.mu.Unlock()
	b.wake()
}

func (b *batcher) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// take removes the next chunk from the buffer, unless window chunks wait
// for the page's acknowledgement. It holds back an incomplete UTF-8
// sequence at the end until the rest arrives (or the output ends). done
// says the output ended and nothing is left.
func (b *batcher) take() (c Chunk, done bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seq-b.acked >= b.window {
		return c, false
	}
	n := min(len(b.buf), b.maxChunk)
	if n < len(b.buf) || !b.ended {
		n = completeRunes(b.buf[:n])
	}
	if n > 0 {
		c.Data = string(b.buf[:n])
		b.buf = b.buf[n:]
		if len(b.buf) == 0 {
			b.buf = nil // let the array go
		}
		b.seq++
		c.Seq = b.seq
		b.space.Broadcast()
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
