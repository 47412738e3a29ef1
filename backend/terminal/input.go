package terminal

import (
	"errors"
	"io"
	"sync"

	"k8s.io/client-go/tools/remotecommand"
)

// DefaultMaxInput bounds the input waiting for the stream to take it (a
// paste into a terminal whose connection stalled).
const DefaultMaxInput = 1 << 20

// Errors of Write.
var (
	// ErrEnded: the terminal's command or stream has ended.
	ErrEnded = errors.New("the terminal has ended")
	// ErrInputFull: the stream has not taken the input already sent.
	ErrInputFull = errors.New("the terminal is not taking input (its connection may be stalled)")
)

// input is the stream's stdin: Write queues (never blocking the caller,
// at most max bytes waiting), Read hands the queue to the stream. One
// reader (the stream); any number of writers.
type input struct {
	max   int
	ready chan struct{} // capacity 1: data or the end

	mu     sync.Mutex
	buf    []byte
	closed bool
}

func newInput(limit int) *input {
	if limit <= 0 {
		limit = DefaultMaxInput
	}
	return &input{max: limit, ready: make(chan struct{}, 1)}
}

func (in *input) Write(p []byte) error {
	in.mu.Lock()
	switch {
	case in.closed:
		in.mu.Unlock()
		return ErrEnded
	case len(in.buf)+len(p) > in.max:
		in.mu.Unlock()
		return ErrInputFull
	}
	in.buf = append(in.buf, p...)
	in.mu.Unlock()
	in.signal()
	return nil
}

func (in *input) Read(p []byte) (int, error) {
	for {
		in.mu.Lock()
		if len(in.buf) > 0 {
			n := copy(p, in.buf)
			in.buf = in.buf[n:]
			if len(in.buf) == 0 {
				in.buf = nil
			}
			in.mu.Unlock()
			return n, nil
		}
		if in.closed {
			in.mu.Unlock()
			return 0, io.EOF
		}
		in.mu.Unlock()
		<-in.ready
	}
}

// close ends the input: what waits is dropped (the stream is ending),
// Read returns io.EOF, Write fails.
func (in *input) close() {
	in.mu.Lock()
	in.closed = true
	in.buf = nil
	in.mu.Unlock()
	in.signal()
}

func (in *input) signal() {
	select {
	case in.ready <- struct{}{}:
	default:
	}
}

// sizes is the stream's TerminalSizeQueue: only the newest size waits
// (a window dragged wider sends many; the process needs the last).
type sizes struct {
	mu   sync.Mutex
	next chan remotecommand.TerminalSize // capacity 1
	done chan struct{}
	once sync.Once
}

func newSizes() *sizes {
	return &sizes{next: make(chan remotecommand.TerminalSize, 1), done: make(chan struct{})}
}

func (s *sizes) push(sz remotecommand.TerminalSize) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.next: // replaced by the newer size
	default:
	}
	s.next <- sz
}

// Next returns the next size, or nil once the terminal has ended.
func (s *sizes) Next() *remotecommand.TerminalSize {
	select {
	case sz := <-s.next:
		return &sz
	case <-s.done:
		return nil
	}
}

func (s *sizes) close() { s.once.Do(func() { close(s.done) }) }
