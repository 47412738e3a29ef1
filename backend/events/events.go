// Package events carries notices from the backend to the frontend: the
// Emitter the app adapts Wails' runtime.EventsEmit to, a Recorder for tests,
// and a Coalescer that rate-limits notices per key.
package events

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Emitter sends an event to the frontend. The app adapts Wails'
// runtime.EventsEmit to it; tests use Recorder.
type Emitter interface {
	Emit(name string, payload any)
}

// Recorded is one event a Recorder was given.
type Recorded struct {
	Name    string
	Payload any
	At      time.Time // from Recorder.Clock
}

// Recorder is an Emitter that keeps what it was given. It is safe for
// concurrent use; the zero value is ready to use.
type Recorder struct {
	// Clock stamps Recorded.At; nil means the real clock. Set it before the
	// first Emit (a fake clock makes At exact in tests).
	Clock clock.PassiveClock

	mu      sync.Mutex
	events  []Recorded
	changed chan struct{} // closed by the next Emit; nil when nobody waits
}

// Emit records an event.
func (r *Recorder) Emit(name string, payload any) {
	var at time.Time
	if r.Clock != nil {
		at = r.Clock.Now()
	} else {
		at = time.Now()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Recorded{Name: name, Payload: payload, At: at})
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// Events returns a copy of everything recorded so far, oldest first.
func (r *Recorder) Events() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// WaitFor blocks until pred holds for the events recorded so far, checking
// now and after every Emit, or until ctx is done. pred gets a copy it may
// keep. The error wraps ctx.Err() and says how many events there were.
func (r *Recorder) WaitFor(ctx context.Context, pred func([]Recorded) bool) error {
	for {
		r.mu.Lock()
		events := slices.Clone(r.events)
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		changed := r.changed
		r.mu.Unlock()

		if pred(events) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("events: condition not met with %d events recorded: %w", len(events), ctx.Err())
		case <-changed:
		}
	}
}
