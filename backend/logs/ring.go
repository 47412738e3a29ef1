package logs

import (
	"time"
	"unicode/utf8"
)

// Line is one log line as the stream keeps it. Text is exactly what the
// container wrote (without the timestamp the API server prefixes and without
// the newline): untrusted, possibly with ANSI escapes or invalid UTF-8.
// Render it as text (ParseANSI), never as markup.
type Line struct {
	Seq       uint64    `json:"seq"`  // position in the stream, from 1, never reused
	Time      time.Time `json:"time"` // the runtime's timestamp of the line
	Pod       string    `json:"pod"`
	Container string    `json:"container"`
	Text      string    `json:"text"`
	Truncated bool      `json:"truncated,omitempty"` // Text was cut (MaxLineBytes, or a window's budget)
}

// lineOverhead approximates what a kept line costs besides its text: the
// Line in the ring's slice (its strings' headers included; Pod and Container
// share their bytes with every line of the container).
const lineOverhead = 96

func (l *Line) cost() int64 { return int64(len(l.Text)) + lineOverhead }

// ring holds the newest lines of a stream, bounded by a line count and by
// the bytes they cost, whichever is reached first; the oldest fall out.
// Lines are appended in Seq order with no gaps, so the line with sequence s
// sits at a fixed offset from the oldest one and lookups are O(1).
//
// A ring is not safe for concurrent use; Stream guards it with its lock.
type ring struct {
	buf      []Line // circular; grows up to maxLines
	head     int    // index of the oldest line
	n        int    // lines held
	bytes    int64
	maxLines int
	maxBytes int64
	next     uint64 // Seq of the next line appended
	dropped  uint64 // lines that fell out
}

func newRing(maxLines int, maxBytes int64) *ring {
	return &ring{maxLines: maxLines, maxBytes: maxBytes, next: 1}
}

// add appends l, giving it the next sequence number, and drops the oldest
// lines while a cap is exceeded (never the line just added).
func (r *ring) add(l Line) {
	l.Seq = r.next
	r.next++
	if r.n == len(r.buf) && r.n < r.maxLines {
		r.grow()
	}
	if r.n == r.maxLines {
		r.dropOldest()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = l
	r.n++
	r.bytes += l.cost()
	for r.bytes > r.maxBytes && r.n > 1 {
		r.dropOldest()
	}
}

// grow doubles the buffer (up to maxLines) so a small stream costs little.
func (r *ring) grow() {
	size := min(max(2*len(r.buf), 1024), r.maxLines)
	buf := make([]Line, size)
	for i := range r.n {
		buf[i] = r.buf[(r.head+i)%len(r.buf)]
	}
	r.buf, r.head = buf, 0
}

func (r *ring) dropOldest() {
	old := &r.buf[r.head]
	r.bytes -= old.cost()
	*old = Line{} // let the text be collected
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	r.dropped++
}

// first is the Seq of the oldest line held (next when empty).
func (r *ring) first() uint64 { return r.next - uint64(r.n) }

// at returns the line with sequence seq, which must be held.
func (r *ring) at(seq uint64) *Line {
	return &r.buf[(r.head+int(seq-r.first()))%len(r.buf)]
}

// jsonCost estimates the bytes s takes as a JSON string: escapes for
// quotes, backslashes, control and HTML characters, invalid UTF-8.
func jsonCost(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			n += 2
			i++
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			n += 6
			i++
		case c < utf8.RuneSelf:
			n++
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				n += 6
			} else {
				n += size
			}
			i += size
		}
	}
	return n
}

// lineJSONOverhead approximates the rest of a line's JSON: field names,
// sequence number, timestamp, flags.
const lineJSONOverhead = 120
