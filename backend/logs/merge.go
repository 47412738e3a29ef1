package logs

import (
	"slices"
	"time"
)

// Merging. Each container's lines wait in a queue of their own, in the order
// the container wrote them; the ring takes, among the queues' first lines,
// the one with the oldest timestamp (earliest arrival on a tie), so each
// container keeps its own order, however its timestamps run, and different
// containers interleave by time. That first line goes only when no other
// container can still send an older one. Another container holds it back:
//
//   - while connecting for the first time (at most connectWait), or while it
//     has sent no line and has not waited firstLineWait MergeDelays on its
//     connection (an empty log);
//   - while it is reading (or has waited on its connection for less than
//     MergeDelay), if the line is newer than the newest line it sent: what it
//     is reading may be older;
//   - once it has waited MergeDelay on its connection (it has sent all it
//     had), if the line is newer than its newest line and arrived less than
//     MergeDelay ago: a line written just before, by a container whose
//     output came a little later, still goes first;
//   - never when it reconnects, has ended, failed or was removed: lines it
//     sends after a reconnect enter when they come.
//
// A single container is never held back. Waiting is measured while the
// reader is blocked on the connection, not since bytes last came, so a busy
// machine that is slow to parse a backlog does not break the order; arrival
// times are this machine's, so the nodes' clocks do not matter.

// connectWait bounds how long a container still connecting holds back the
// lines of the others.
const connectWait = 2 * time.Second

// firstLineWait is how many MergeDelays a container that has sent nothing
// yet must wait on its connection before it counts as empty.
const firstLineWait = 5

// maxPending bounds the lines waiting to be merged; beyond it the oldest
// enter the ring whatever the frontiers say.
const maxPending = 50_000

type pendingLine struct {
	line    Line
	arrival uint64    // order of arrival over the whole stream
	at      time.Time // when it arrived
}

// queue is the lines of one source waiting to be merged, oldest first.
type queue struct {
	lines []pendingLine
	head  int
}

func (q *queue) len() int            { return len(q.lines) - q.head }
func (q *queue) first() *pendingLine { return &q.lines[q.head] }

func (q *queue) push(p pendingLine) {
	if q.head > 0 && q.head == len(q.lines) {
		q.lines, q.head = q.lines[:0], 0
	}
	q.lines = append(q.lines, p)
}

func (q *queue) pop() Line {
	l := q.lines[q.head].line
	q.lines[q.head] = pendingLine{}
	q.head++
	return l
}

// before orders the first lines of two queues.
func before(a, b *pendingLine) bool {
	if c := a.line.Time.Compare(b.line.Time); c != 0 {
		return c < 0
	}
	return a.arrival < b.arrival
}

// holds reports whether src holds back line p of another source, and when
// that may change by itself (zero: not by time).
func (s *Stream) holds(src *source, p *pendingLine, now time.Time) (bool, time.Time) {
	switch {
	case src.removed:
		return false, time.Time{}
	case src.state == StateConnecting:
		if until := src.opened.Add(connectWait); now.Before(until) {
			return true, until
		}
		return false, time.Time{}
	case src.state != StateStreaming:
		return false, time.Time{}
	}
	quiet := s.opts.MergeDelay
	if !src.hasLine {
		quiet *= firstLineWait
	}
	caughtUp, until := false, time.Time{}
	if src.waiting {
		until = src.waitSince.Add(quiet)
		caughtUp = !now.Before(until)
	}
	switch {
	case !src.hasLine:
		return !caughtUp, until
	case !p.line.Time.After(src.lastTs):
		return false, time.Time{}
	case !caughtUp:
		return true, until
	}
	if late := p.at.Add(s.opts.MergeDelay); now.Before(late) {
		return true, late
	}
	return false, time.Time{}
}

// release moves every line that may enter the ring from the queues to the
// ring and returns when to look again (zero: when lines arrive). Called
// with s.mu held.
func (s *Stream) release(now time.Time) time.Time {
	moved := false
	var wake time.Time
	for {
		var next *source
		for _, src := range s.queued {
			if src.queue.len() > 0 && (next == nil || before(src.queue.first(), next.queue.first())) {
				next = src
			}
		}
		if next == nil {
			break
		}
		head := next.queue.first()
		held := false
		if s.pendingLines <= maxPending {
			for _, e := range s.pods {
				for _, src := range e.sources {
					if src == next {
						continue
					}
					if h, until := s.holds(src, head, now); h {
						held = true
						if !until.IsZero() && (wake.IsZero() || until.Before(wake)) {
							wake = until
						}
					}
				}
			}
		}
		if held {
			break
		}
		s.ring.add(next.queue.pop())
		s.pendingLines--
		moved = true
	}
	s.queued = slices.DeleteFunc(s.queued, func(src *source) bool { return src.queue.len() == 0 })
	if moved {
		s.version++
	}
	if s.pendingLines == 0 {
		return time.Time{}
	}
	return wake
}

// merge is the goroutine that releases lines held back once their wait is
// over; lines that need no wait are released as they arrive.
func (s *Stream) merge() {
	defer s.wg.Done()
	var timer <-chan time.Time
	var stop func() bool
	for {
		select {
		case <-s.ctx.Done():
			if stop != nil {
				stop()
			}
			return
		case <-s.kick:
		case <-timer:
		}
		s.mu.Lock()
		before := s.version
		now := s.opts.Clock.Now()
		wake := s.release(now)
		changed := s.version != before
		s.mu.Unlock()
		if stop != nil {
			stop()
		}
		timer, stop = nil, nil
		if !wake.IsZero() {
			t := s.opts.Clock.NewTimer(wake.Sub(now))
			timer, stop = t.C(), t.Stop
		}
		if changed {
			s.changed()
		}
	}
}

// kickMerge asks the merger to look again (a source's state changed).
func (s *Stream) kickMerge() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}
