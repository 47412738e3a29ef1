package logs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// source reads one container's log, reconnecting when the connection
// drops. Its fields below the line are guarded by Stream.mu.
type source struct {
	pod, container string
	cancel         context.CancelFunc

	state   State
	message string
	lines   int64
	removed bool      // RemovePod or a replacing AddPod stopped it
	opened  time.Time // when the current request was made
	// waiting says the reader is blocked on the connection, since
	// waitSince: the container has sent everything it had.
	waiting   bool
	waitSince time.Time
	queue     queue // lines waiting to be merged
	// The resume point: the newest timestamp delivered and how many lines
	// carried it. A reconnect asks for lines since that second and skips
	// what it already has.
	hasLine  bool
	lastTs   time.Time
	atLastTs int
	// resumes says the source's pod left the stream and came back: its
	// first request resumes too.
	resumes bool
}

// startLocked starts reading one container of pod; a container of a pod
// that left the stream and comes back resumes where it stopped. Called
// with s.mu held.
func (s *Stream) startLocked(pod Pod, container string) *source {
	ctx, cancel := context.WithCancel(s.ctx)
	src := &source{pod: pod.Name, container: container, cancel: cancel, state: StateConnecting, opened: s.opts.Clock.Now()}
	k := leftKey{pod.Name, pod.UID, container}
	if p, ok := s.left[k]; ok {
		delete(s.left, k)
		src.hasLine, src.lastTs, src.atLastTs, src.resumes = true, p.at, p.n, true
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		s.run(ctx, src)
	}()
	return src
}

// maxAPIRetries bounds the retries of a log that does not follow when the
// API keeps answering with an error.
const maxAPIRetries = 3

// run reads src until its log ends, the API refuses it for good, or ctx
// ends.
func (s *Stream) run(ctx context.Context, src *source) {
	backoff := s.opts.MinBackoff
	apiErrors := 0
	for attempt := 0; ; attempt++ {
		opts, skip := s.request(src, attempt > 0)
		rc, err := s.open(ctx, src.pod, src.container, opts)
		if ctx.Err() != nil {
			if rc != nil {
				rc.Close()
			}
			return
		}
		if err != nil {
			var status apierrors.APIStatus
			switch {
			case apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err):
				s.setState(src, StateError, err.Error())
				return
			case apierrors.IsNotFound(err):
				s.setState(src, StateEnded, err.Error())
				return
			case errors.As(err, &status):
				apiErrors++
				if !s.opts.Follow && apiErrors > maxAPIRetries {
					s.setState(src, StateError, err.Error())
					return
				}
			}
			s.setState(src, StateReconnecting, err.Error())
			if !s.wait(ctx, &backoff) {
				return
			}
			continue
		}
		s.connected(src)
		got, err := s.read(ctx, src, rc, skip)
		rc.Close()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			s.setState(src, StateEnded, "")
			return
		}
		if got {
			backoff, apiErrors = s.opts.MinBackoff, 0
		}
		s.setState(src, StateReconnecting, err.Error())
		if !s.wait(ctx, &backoff) {
			return
		}
	}
}

// resumePoint is what a reconnect has already delivered: lines before at,
// and the first n lines stamped at.
type resumePoint struct {
	at time.Time
	n  int
}

// request builds the options of the next request for src and what to skip
// of its answer: a reconnect, or a pod come back, resumes from its last
// line; anything else asks with the stream's options.
func (s *Stream) request(src *source, retry bool) (*corev1.PodLogOptions, *resumePoint) {
	o := &corev1.PodLogOptions{Follow: s.opts.Follow, Previous: s.opts.Previous, Timestamps: true}
	s.mu.Lock()
	defer s.mu.Unlock()
	src.opened = s.opts.Clock.Now()
	if (retry || src.resumes) && src.hasLine {
		// The API takes whole seconds: ask from the second of the last
		// line, then skip what was delivered.
		o.SinceTime = &metav1.Time{Time: src.lastTs.Truncate(time.Second)}
		return o, &resumePoint{at: src.lastTs, n: src.atLastTs}
	}
	if s.opts.TailLines >= 0 {
		o.TailLines = &s.opts.TailLines
	}
	if !s.since.IsZero() {
		o.SinceTime = &metav1.Time{Time: s.since.Truncate(time.Second)}
	}
	return o, nil
}

func (s *Stream) connected(src *source) {
	s.mu.Lock()
	src.state, src.message = StateStreaming, ""
	s.version++
	s.states++
	s.mu.Unlock()
	s.kickMerge()
	s.changed()
}

func (s *Stream) setState(src *source, st State, msg string) {
	s.mu.Lock()
	if src.removed {
		s.mu.Unlock()
		return
	}
	src.state, src.message = st, msg
	s.version++
	s.states++
	s.mu.Unlock()
	s.kickMerge()
	s.changed()
}

// wait sleeps for the backoff, doubling it up to MaxBackoff; false means
// ctx ended.
func (s *Stream) wait(ctx context.Context, backoff *time.Duration) bool {
	t := s.opts.Clock.NewTimer(*backoff)
	defer t.Stop()
	*backoff = min(2**backoff, s.opts.MaxBackoff)
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}

// batchLines bounds the lines parsed before they are handed to the merger.
const batchLines = 512

// read reads lines from rc until it ends: nil at a clean end of the log,
// the error otherwise. got says whether any new line was delivered. A line
// cut off by an error is dropped; the reconnect reads it whole.
func (s *Stream) read(ctx context.Context, src *source, rc io.Reader, skip *resumePoint) (got bool, err error) {
	br := bufio.NewReaderSize(&waitReader{r: rc, s: s, src: src}, 64<<10)
	var batch []Line
	var long bytes.Buffer // a line longer than the reader's buffer
	flush := func() {
		if len(batch) > 0 {
			s.offer(src, batch)
			got = true
			batch = nil
		}
	}
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if long.Len() < s.opts.MaxLineBytes+64 {
				long.Write(chunk)
			}
			continue
		}
		if err != nil && (!errors.Is(err, io.EOF) || len(chunk) == 0 && long.Len() == 0) {
			flush()
			if errors.Is(err, io.EOF) {
				return got, nil
			}
			return got, err
		}
		raw := chunk
		if long.Len() > 0 {
			long.Write(chunk)
			raw = long.Bytes()
		}
		l, ok := s.parse(src, raw)
		long.Reset()
		if ok && s.keep(src, &l, &skip) {
			batch = append(batch, l)
		}
		if err != nil { // a last line without a newline, then EOF
			flush()
			return got, nil
		}
		if len(batch) >= batchLines || br.Buffered() == 0 {
			flush()
		}
		if ctx.Err() != nil {
			return got, ctx.Err()
		}
	}
}

// waitReader records when a source's reader waits on its connection, so
// the merger can tell a container that has sent everything from one whose
// lines are still being read.
type waitReader struct {
	r   io.Reader
	s   *Stream
	src *source
}

func (w *waitReader) Read(p []byte) (int, error) {
	w.s.mu.Lock()
	w.src.waiting, w.src.waitSince = true, w.s.opts.Clock.Now()
	w.s.mu.Unlock()
	w.s.kickMerge()
	n, err := w.r.Read(p)
	w.s.mu.Lock()
	w.src.waiting = false
	w.s.mu.Unlock()
	return n, err
}

// parse reads "<RFC3339Nano timestamp> <text>\n" as the API server sends
// lines with timestamps.
func (s *Stream) parse(src *source, raw []byte) (Line, bool) {
	raw = bytes.TrimSuffix(raw, []byte("\n"))
	l := Line{Pod: src.pod, Container: src.container}
	ts, text, found := bytes.Cut(raw, []byte(" "))
	t, err := time.Parse(time.RFC3339Nano, string(ts))
	if !found || err != nil {
		// Not stamped (it should always be): keep it, stamped on arrival.
		t, text = s.opts.Clock.Now(), raw
	}
	l.Time = t
	if len(text) > s.opts.MaxLineBytes {
		text = []byte(validPrefix(string(text[:s.opts.MaxLineBytes]), s.opts.MaxLineBytes))
		l.Truncated = true
	}
	l.Text = string(text)
	return l, true
}

// keep decides whether a parsed line is new: after a reconnect it skips
// what the last connection delivered (see resumePoint), and it drops lines
// before Options.Since (the API only filters by whole seconds).
func (s *Stream) keep(src *source, l *Line, skip **resumePoint) bool {
	if p := *skip; p != nil {
		switch {
		case l.Time.Before(p.at):
			return false
		case l.Time.Equal(p.at) && p.n > 0:
			p.n--
			return false
		}
		*skip = nil
	}
	return s.since.IsZero() || !l.Time.Before(s.since)
}

// offer hands new lines of src to the merger and releases what it can.
func (s *Stream) offer(src *source, lines []Line) {
	s.mu.Lock()
	if s.closed || src.removed {
		s.mu.Unlock()
		return
	}
	now := s.opts.Clock.Now()
	if src.queue.len() == 0 {
		s.queued = append(s.queued, src)
	}
	s.pendingLines += len(lines)
	for _, l := range lines {
		s.arrivals++
		src.queue.push(pendingLine{line: l, arrival: s.arrivals, at: now})
		switch {
		case !src.hasLine || l.Time.After(src.lastTs):
			src.lastTs, src.atLastTs, src.hasLine = l.Time, 1, true
		case l.Time.Equal(src.lastTs):
			src.atLastTs++
		}
	}
	src.lines += int64(len(lines))
	s.version++
	wake := s.release(now)
	s.mu.Unlock()
	if !wake.IsZero() {
		s.kickMerge()
	}
	s.changed()
}

// validPrefix cuts s to at most n bytes without splitting a UTF-8 sequence.
func validPrefix(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
