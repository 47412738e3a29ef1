package events

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Coalescer rate-limits notices per key. The first notice for a key goes out
// at once; later ones within the interval are merged (only the latest name
// and payload are kept) and sent when the interval has passed since the last
// send. So a key gets at most one notice per interval, and the latest state
// always goes out eventually. A key that has been quiet for a whole interval
// is treated like a new one.
//
// Concurrency contract:
//   - Notify, Forget and Stop may be called from any goroutine, concurrently.
//   - The Emitter is called one call at a time, with the Coalescer's lock
//     held: from the goroutine calling Notify for a notice that goes out at
//     once, from the Coalescer's own goroutine for a merged one. Emit must
//     return promptly and must not call back into the Coalescer.
//   - Once Stop has returned, Emit is never called again and the Coalescer's
//     goroutine has exited; pending notices are dropped. Later calls of any
//     method are harmless no-ops.
//   - Once ctx is done, no new Emit call starts (one already running when ctx
//     is cancelled may finish) and the goroutine exits on its own. Stop may
//     still be called; it then only waits for that exit.
//
// The Coalescer runs one goroutine and at most one timer, armed for the
// earliest pending key; it does no work between notices.
type Coalescer struct {
	ctx      context.Context
	emit     Emitter
	interval time.Duration
	clock    clock.Clock

	wake     chan struct{} // capacity 1: the timer was replaced
	quit     chan struct{} // closed by Stop
	done     chan struct{} // closed when run has returned
	stopOnce sync.Once

	mu      sync.Mutex // guards what follows; held while calling emit
	stopped bool
	keys    map[string]*keyState
	timer   clock.Timer // fires at armed; nil when nothing is pending
	armed   time.Time
}

type keyState struct {
	lastSent time.Time
	pending  bool // a merged notice waits for lastSent+interval
	name     string
	payload  any
}

// NewCoalescer starts a Coalescer that sends through emit at most one notice
// per key per interval (an interval of 0 or less sends every notice at
// once). A nil clock means the real one. It stops when ctx is done or Stop
// is called, whichever comes first.
func NewCoalescer(ctx context.Context, emit Emitter, interval time.Duration, clk clock.Clock) *Coalescer {
	if clk == nil {
		clk = clock.RealClock{}
	}
	c := &Coalescer{
		ctx:      ctx,
		emit:     emit,
		interval: interval,
		clock:    clk,
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		keys:     map[string]*keyState{},
	}
	go c.run()
	return c
}

// Notify sends the notice for key now if the key has been quiet for an
// interval, and otherwise keeps it, replacing any notice already waiting for
// that key, until the interval since the key's last send has passed.
func (c *Coalescer) Notify(key, name string, payload any) { c.notify(key, name, payload, false) }

// NotifyNow sends the notice for key at once, whatever the interval, and
// drops the notice waiting for that key (this one supersedes it). Later
// notices are rate-limited from now. It is for rare, important changes
// (a phase or sync state) that must not wait behind routine ones.
func (c *Coalescer) NotifyNow(key, name string, payload any) { c.notify(key, name, payload, true) }

func (c *Coalescer) notify(key, name string, payload any, now bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closedLocked() {
		return
	}
	at := c.clock.Now()
	st, seen := c.keys[key]
	if !seen {
		st = &keyState{}
		c.keys[key] = st
	}
	if now || !seen || (!st.pending && !at.Before(st.lastSent.Add(c.interval))) {
		superseded := st.pending
		st.pending, st.name, st.payload, st.lastSent = false, "", nil, at
		c.emit.Emit(name, payload)
		if superseded {
			c.rearmLocked(at)
		}
		return
	}
	st.name, st.payload = name, payload
	if !st.pending {
		st.pending = true
		if due := st.lastSent.Add(c.interval); c.timer == nil || due.Before(c.armed) {
			c.armLocked(at, due)
		}
	}
}

// Forget drops the key's waiting notice, if any, and its rate-limit state:
// the next notice for the key goes out at once. Call it when the view (or
// whatever the key names) goes away.
func (c *Coalescer) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closedLocked() {
		return
	}
	st, ok := c.keys[key]
	if !ok {
		return
	}
	delete(c.keys, key)
	if st.pending {
		c.rearmLocked(c.clock.Now())
	}
}

// Stop drops every waiting notice, stops the Coalescer's goroutine and
// returns once it has exited. After Stop returns nothing more is emitted. It
// may be called more than once, but not from Emit.
func (c *Coalescer) Stop() {
	c.shutdown()
	c.stopOnce.Do(func() { close(c.quit) })
	<-c.done
}

func (c *Coalescer) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	c.keys = nil
	c.disarmLocked()
}

func (c *Coalescer) closedLocked() bool {
	return c.stopped || c.ctx.Err() != nil
}

func (c *Coalescer) run() {
	defer close(c.done)
	var fired <-chan time.Time
	for {
		select {
		case <-c.ctx.Done():
			c.shutdown()
			return
		case <-c.quit:
			return
		case <-c.wake:
			c.mu.Lock()
			fired = nil
			if c.timer != nil {
				fired = c.timer.C()
			}
			c.mu.Unlock()
		case <-fired:
			fired = nil
			c.flush()
		}
	}
}

// flush sends every merged notice whose interval has passed.
func (c *Coalescer) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closedLocked() {
		return
	}
	now := c.clock.Now()
	type dueNotice struct {
		key     string
		due     time.Time
		name    string
		payload any
	}
	var due []dueNotice
	for k, st := range c.keys {
		at := st.lastSent.Add(c.interval)
		switch {
		case now.Before(at):
		case st.pending:
			due = append(due, dueNotice{key: k, due: at, name: st.name, payload: st.payload})
			st.pending, st.name, st.payload, st.lastSent = false, "", nil, now
		default:
			delete(c.keys, k) // quiet for an interval: the same as never seen
		}
	}
	// Arm for what is still pending before emitting, so that whoever sees
	// these notices sees the timer for the next ones already set.
	c.rearmLocked(now)
	slices.SortFunc(due, func(a, b dueNotice) int {
		return cmp.Or(a.due.Compare(b.due), cmp.Compare(a.key, b.key))
	})
	for _, n := range due {
		c.emit.Emit(n.name, n.payload)
	}
}

// rearmLocked points the timer at the earliest pending key, or stops it.
func (c *Coalescer) rearmLocked(now time.Time) {
	var next time.Time
	for _, st := range c.keys {
		if at := st.lastSent.Add(c.interval); st.pending && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	switch {
	case next.IsZero():
		c.disarmLocked()
	case c.timer == nil || !next.Equal(c.armed):
		c.armLocked(now, next)
	}
}

// armLocked replaces the timer with one that fires at due and tells run.
func (c *Coalescer) armLocked(now, due time.Time) {
	c.disarmLocked()
	c.timer = c.clock.NewTimer(due.Sub(now))
	c.armed = due
	select {
	case c.wake <- struct{}{}:
	default: // run has not yet picked up the previous timer; it will read this one
	}
}

func (c *Coalescer) disarmLocked() {
	if c.timer != nil {
		c.timer.Stop()
		c.timer, c.armed = nil, time.Time{}
	}
}
