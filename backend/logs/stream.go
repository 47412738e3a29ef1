package logs

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"
)

// Defaults for Options.
const (
	DefaultTail           = 500
	DefaultMaxLines       = 100_000
	DefaultMaxBytes       = 32 << 20
	DefaultMaxStreams     = 20
	DefaultMaxLineBytes   = 256 << 10
	DefaultMaxWindowBytes = 64 << 10
	DefaultMergeDelay     = 100 * time.Millisecond
	// TailAll asks for a container's whole log.
	TailAll = -1
)

// Options configure a Stream. Zero values mean the defaults, which
// withDefaults fills in one place.
type Options struct {
	// Containers to stream in each pod; empty means all of them (init,
	// regular and ephemeral: whatever Pod.Containers lists).
	Containers []string
	// Follow keeps streams open for new lines.
	Follow bool
	// Previous reads the log of each container's previous run; it never
	// follows.
	Previous bool
	// Since and SinceTime keep only lines from that long ago, or from that
	// time, on; with both, the later bound wins.
	Since     time.Duration
	SinceTime time.Time
	// TailLines is how many of each container's last lines to start with:
	// 0 means DefaultTail, TailAll the whole log.
	TailLines int64
	// MaxLines and MaxBytes cap the lines kept; the oldest fall out first
	// and are counted in Status.Dropped.
	MaxLines int
	MaxBytes int64
	// MaxStreams caps the containers streamed at once; pods beyond it wait
	// (Status.Waiting, Status.Notice) until others are removed.
	MaxStreams int
	// MaxLineBytes cuts longer lines (Line.Truncated).
	MaxLineBytes int
	// MaxWindowBytes bounds a Window's lines as JSON.
	MaxWindowBytes int
	// MergeDelay is how long lines wait for older lines from other
	// containers of a merged stream: a container that has sent nothing for
	// this long is taken to be caught up.
	MergeDelay time.Duration
	// OnChange is called after lines were added or a state changed; see
	// Stream for when. It is typically a Coalescer's Notify.
	OnChange func()
	// Clock drives backoff and merging; nil means the real clock.
	Clock clock.WithTicker
	// Backoff bounds the wait between reconnection attempts.
	MinBackoff, MaxBackoff time.Duration
}

func (o Options) withDefaults() Options {
	if o.TailLines == 0 {
		o.TailLines = DefaultTail
	}
	if o.MaxLines <= 0 {
		o.MaxLines = DefaultMaxLines
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = DefaultMaxStreams
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.MaxWindowBytes <= 0 {
		o.MaxWindowBytes = DefaultMaxWindowBytes
	}
	if o.MergeDelay <= 0 {
		o.MergeDelay = DefaultMergeDelay
	}
	if o.OnChange == nil {
		o.OnChange = func() {}
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 250 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Second
	}
	if o.Previous {
		o.Follow = false
	}
	return o
}

// Pod is a pod whose logs a Stream reads. The caller resolves workloads to
// pods (from its informer cache) and passes every container that can have
// a log.
type Pod struct {
	Name string
	// UID tells a pod re-created under the same name (a StatefulSet's)
	// from the one before; empty means "the same pod".
	UID        string
	Containers []string // init, regular and ephemeral
}

// PodOf describes a pod object for AddPod.
func PodOf(p *corev1.Pod) Pod {
	out := Pod{Name: p.Name, UID: string(p.UID)}
	for _, c := range p.Spec.InitContainers {
		out.Containers = append(out.Containers, c.Name)
	}
	for _, c := range p.Spec.Containers {
		out.Containers = append(out.Containers, c.Name)
	}
	for _, c := range p.Spec.EphemeralContainers {
		out.Containers = append(out.Containers, c.Name)
	}
	return out
}

// State is where one container's stream stands.
type State string

const (
	StateConnecting   State = "connecting"   // the first request is on its way
	StateStreaming    State = "streaming"    // lines arrive (or may)
	StateReconnecting State = "reconnecting" // the connection dropped; retrying with backoff
	StateEnded        State = "ended"        // the log ended (no follow, or the server closed it)
	StateError        State = "error"        // the API refused; Message says why; no retry
)

// ContainerStatus is the state of one container's stream.
type ContainerStatus struct {
	Pod       string `json:"pod"`
	Container string `json:"container"`
	State     State  `json:"state"`
	Message   string `json:"message,omitempty"` // the API's message for errors and reconnects
	Lines     int64  `json:"lines"`             // lines received
}

// Status is a snapshot of a Stream.
type Status struct {
	Version uint64 `json:"version"` // changes whenever anything here or in the lines changes
	// States changes whenever Containers, Waiting or Notice may have: a
	// reader that has them at some States need not read them again until
	// it moves (Progress carries it with every change).
	States uint64 `json:"states"`
	// First and Next bound the sequence numbers held: [First, Next).
	First      uint64            `json:"first"`
	Next       uint64            `json:"next"`
	Lines      int               `json:"lines"`
	Bytes      int64             `json:"bytes"`
	Dropped    uint64            `json:"dropped"` // lines that fell out of the ring
	Containers []ContainerStatus `json:"containers"`
	// Waiting lists pods that are not streamed because MaxStreams
	// containers already are; Notice says so in words.
	Waiting []string `json:"waiting,omitempty"`
	Notice  string   `json:"notice,omitempty"`
}

// Window is a run of consecutive lines (or, filtered, of matching lines).
type Window struct {
	Lines []Line `json:"lines"`
	// Next is where the following window starts.
	Next uint64 `json:"next"`
	// Skipped counts lines between the requested start and the first line
	// returned that had already fallen out of the ring.
	Skipped uint64 `json:"skipped,omitempty"`
}

// opener opens one container's log as the API server streams it.
type opener func(ctx context.Context, pod, container string, o *corev1.PodLogOptions) (io.ReadCloser, error)

// Stream reads the logs of a set of pods into a bounded ring.
//
// Concurrency contract:
//   - Every method may be called from any goroutine, concurrently.
//   - AddPod and RemovePod change which pods are read; a removed pod's lines
//     already received stay (those waiting to be merged enter the ring),
//     lines still on their way when it is removed are dropped.
//   - Lines are numbered in the order they enter the ring; the ring only
//     appends. Each container's lines keep the order it wrote them in; lines
//     of different containers enter in timestamp order when each container's
//     own timestamps increase and its lines come without gaps longer than
//     MergeDelay. A container that joins later, or reconnects, adds its
//     lines when they arrive.
//   - OnChange is called from the Stream's goroutines (and from AddPod and
//     RemovePod), without the Stream's lock, possibly concurrently and very
//     often: it must be cheap and must not block; it may call any read
//     method. Coalesce it (events.Coalescer) before telling the page.
//   - Close, or the end of the context given to Open, stops every goroutine.
//     Once Close has returned no goroutine of the Stream runs, OnChange is
//     not called again, AddPod and RemovePod do nothing, and the read methods
//     still answer from the lines kept.
type Stream struct {
	namespace string
	open      opener
	opts      Options
	since     time.Time // lines before are dropped; zero means none
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	kick      chan struct{} // capacity 1: the merger should look again

	mu           sync.Mutex
	ring         *ring
	queued       []*source // sources with lines waiting to be merged, removed ones too
	pendingLines int       // lines in their queues
	arrivals     uint64
	pods         []*podEntry // in the order added; streamed ones first come first
	// left holds where each container of a pod that left the stream
	// (RemovePod) stopped, so that the same pod coming back resumes there
	// instead of reading its log again (at most maxLeft).
	left    map[leftKey]resumePoint
	version uint64
	states  uint64 // Status.States
	closed  bool
}

// leftKey names one container of one pod (by UID: a pod re-created under
// the same name starts afresh).
type leftKey struct{ pod, uid, container string }

// maxLeft bounds Stream.left; past it, an arbitrary entry goes (that pod,
// if it ever comes back, is read again with the stream's options).
const maxLeft = 4096

type podEntry struct {
	pod     Pod
	sources []*source // nil while waiting
}

// Open checks that the user may read logs in namespace (see CanReadLogs)
// and returns a Stream that reads the pods added to it. It fails with a
// Forbidden error (apierrors.IsForbidden) when the user may not, before any
// stream opens. The Stream ends with ctx or Close.
func Open(ctx context.Context, client kubernetes.Interface, namespace string, opts Options) (*Stream, error) {
	access, err := CanReadLogs(ctx, client, namespace)
	if err != nil {
		return nil, err
	}
	if !access.Allowed {
		return nil, access.Err()
	}
	return newStream(ctx, namespace, apiOpener(client, namespace), opts), nil
}

func apiOpener(client kubernetes.Interface, namespace string) opener {
	return func(ctx context.Context, pod, container string, o *corev1.PodLogOptions) (io.ReadCloser, error) {
		o.Container = container
		return client.CoreV1().Pods(namespace).GetLogs(pod, o).Stream(ctx)
	}
}

func newStream(ctx context.Context, namespace string, open opener, opts Options) *Stream {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	s := &Stream{
		namespace: namespace, open: open, opts: opts,
		ctx: ctx, cancel: cancel, kick: make(chan struct{}, 1),
		ring: newRing(opts.MaxLines, opts.MaxBytes),
	}
	now := opts.Clock.Now()
	if opts.Since > 0 {
		s.since = now.Add(-opts.Since)
	}
	if opts.SinceTime.After(s.since) {
		s.since = opts.SinceTime
	}
	s.wg.Add(1)
	go s.merge()
	return s
}

// Namespace is the namespace of the Stream's pods.
func (s *Stream) Namespace() string { return s.namespace }

// Close stops every stream and returns once all of the Stream's goroutines
// have ended. The lines stay readable. It may be called more than once.
func (s *Stream) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

func (s *Stream) changed() {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		s.opts.OnChange()
	}
}

// AddPod starts reading the selected containers of the pods, or queues
// them when MaxStreams containers are already read. Pods added in one call
// start together, so their first lines merge in order; pods added later join
// with their lines as they come. Adding a pod again updates its containers
// (an ephemeral container added later starts streaming); a different UID
// replaces it.
func (s *Stream) AddPod(pods ...Pod) {
	s.mu.Lock()
	if s.closed || s.ctx.Err() != nil {
		s.mu.Unlock()
		return
	}
	for _, pod := range pods {
		s.addLocked(pod)
	}
	s.scheduleLocked()
	s.version++
	s.states++
	s.mu.Unlock()
	s.changed()
}

func (s *Stream) addLocked(pod Pod) {
	pod.Containers = s.selected(pod.Containers)
	i := slices.IndexFunc(s.pods, func(e *podEntry) bool { return e.pod.Name == pod.Name })
	switch {
	case i >= 0 && (pod.UID == "" || s.pods[i].pod.UID == "" || pod.UID == s.pods[i].pod.UID):
		e := s.pods[i]
		e.pod.Containers = pod.Containers
		if e.sources != nil {
			for _, c := range pod.Containers {
				if !slices.ContainsFunc(e.sources, func(src *source) bool { return src.container == c }) {
					e.sources = append(e.sources, s.startLocked(pod, c))
				}
			}
		}
	default:
		if i >= 0 {
			s.stopLocked(s.pods[i])
			s.pods = slices.Delete(s.pods, i, i+1)
		}
		s.pods = append(s.pods, &podEntry{pod: pod})
	}
}

// RemovePod stops reading pod (gone, or no longer matching); the lines
// already read stay. A waiting pod takes its place.
func (s *Stream) RemovePod(name string) {
	s.mu.Lock()
	i := slices.IndexFunc(s.pods, func(e *podEntry) bool { return e.pod.Name == name })
	if i < 0 || s.closed {
		s.mu.Unlock()
		return
	}
	e := s.pods[i]
	for _, src := range e.sources {
		if !src.hasLine {
			continue
		}
		if s.left == nil {
			s.left = map[leftKey]resumePoint{}
		}
		if len(s.left) >= maxLeft {
			for k := range s.left {
				delete(s.left, k)
				break
			}
		}
		s.left[leftKey{e.pod.Name, e.pod.UID, src.container}] = resumePoint{at: src.lastTs, n: src.atLastTs}
	}
	s.stopLocked(e)
	s.pods = slices.Delete(s.pods, i, i+1)
	s.scheduleLocked()
	s.release(s.opts.Clock.Now())
	s.version++
	s.states++
	s.mu.Unlock()
	s.changed()
}

// selected keeps the containers Options.Containers asks for.
func (s *Stream) selected(containers []string) []string {
	if len(s.opts.Containers) == 0 {
		return slices.Clone(containers)
	}
	var out []string
	for _, c := range containers {
		if slices.Contains(s.opts.Containers, c) {
			out = append(out, c)
		}
	}
	return out
}

// scheduleLocked starts waiting pods, in the order they were added, while
// their containers fit under MaxStreams.
func (s *Stream) scheduleLocked() {
	running := 0
	for _, e := range s.pods {
		running += len(e.sources)
	}
	for _, e := range s.pods {
		if e.sources != nil || len(e.pod.Containers) == 0 {
			continue
		}
		if running+len(e.pod.Containers) > s.opts.MaxStreams && running > 0 {
			break
		}
		for _, c := range e.pod.Containers {
			e.sources = append(e.sources, s.startLocked(e.pod, c))
		}
		running += len(e.sources)
	}
}

func (s *Stream) stopLocked(e *podEntry) {
	for _, src := range e.sources {
		src.removed = true
		src.cancel()
	}
	e.sources = nil
}

// Status returns a snapshot of the Stream.
func (s *Stream) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{
		Version: s.version, States: s.states, First: s.ring.first(), Next: s.ring.next,
		Lines: s.ring.n, Bytes: s.ring.bytes, Dropped: s.ring.dropped,
	}
	streamed := 0
	for _, e := range s.pods {
		if e.sources == nil && len(e.pod.Containers) > 0 {
			st.Waiting = append(st.Waiting, e.pod.Name)
			continue
		}
		streamed++
		for _, src := range e.sources {
			st.Containers = append(st.Containers, ContainerStatus{
				Pod: src.pod, Container: src.container, State: src.state, Message: src.message, Lines: src.lines,
			})
		}
	}
	if len(st.Waiting) > 0 {
		st.Notice = fmt.Sprintf("%d pods match; showing the logs of %d (at most %d containers are streamed at once)",
			streamed+len(st.Waiting), streamed, s.opts.MaxStreams)
	}
	return st
}

// Window returns lines from sequence number from on, at most limit lines
// (and at most MaxWindowBytes as JSON, but always one line if there is
// one). A from below the oldest line held starts at the oldest.
func (s *Stream) Window(from uint64, limit int) Window {
	return s.window(from, limit, nil)
}

// Tail returns the last limit lines, as many of the newest as fit in
// MaxWindowBytes (at least one).
func (s *Stream) Tail(limit int) Window {
	s.mu.Lock()
	first, from := s.ring.first(), s.ring.next
	budget := s.opts.MaxWindowBytes
	for n := 0; n < limit && from > first; n++ {
		l := s.ring.at(from - 1)
		cost := jsonCost(l.Text) + jsonCost(l.Pod) + jsonCost(l.Container) + lineJSONOverhead
		if cost > budget && n > 0 {
			break
		}
		budget -= cost
		from--
	}
	s.mu.Unlock()
	return s.window(from, limit, nil)
}

// Progress is the part of Status a change notice or a window needs, without
// the containers: cheap enough for every change.
type Progress struct {
	Version, States, First, Next, Dropped uint64
}

// Progress returns the Stream's version and the bounds of its lines.
func (s *Stream) Progress() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Progress{Version: s.version, States: s.states, First: s.ring.first(), Next: s.ring.next, Dropped: s.ring.dropped}
}

// FilterWindow is Window restricted to the lines m matches: the filter
// mode. Next tells where the scan stopped; it may be past lines that did
// not match.
func (s *Stream) FilterWindow(m *Matcher, from uint64, limit int) Window {
	return s.window(from, limit, m)
}

// scanChunk is how many lines a search or filter looks at per hold of the
// lock, so appends never wait long.
const scanChunk = 4096

func (s *Stream) window(from uint64, limit int, m *Matcher) Window {
	w := Window{Next: max(from, 1)}
	if limit <= 0 {
		return w
	}
	budget := s.opts.MaxWindowBytes
	for {
		s.mu.Lock()
		first, next := s.ring.first(), s.ring.next
		if w.Next < first {
			w.Skipped += first - w.Next
			w.Next = first
		}
		end := min(next, w.Next+scanChunk)
		var chunk []Line
		for seq := w.Next; seq < end; seq++ {
			chunk = append(chunk, *s.ring.at(seq))
		}
		s.mu.Unlock()
		if len(chunk) == 0 {
			return w
		}
		for _, l := range chunk {
			if m != nil && !m.Match(l.Text) {
				w.Next = l.Seq + 1
				continue
			}
			cost := jsonCost(l.Text) + jsonCost(l.Pod) + jsonCost(l.Container) + lineJSONOverhead
			if cost > budget {
				if len(w.Lines) > 0 {
					return w
				}
				l = truncateForWindow(l, budget)
				cost = budget
			}
			w.Lines = append(w.Lines, l)
			w.Next = l.Seq + 1
			budget -= cost
			if len(w.Lines) == limit {
				return w
			}
		}
	}
}

// truncateForWindow cuts a line that alone exceeds a window's budget to
// the longest prefix that fits.
func truncateForWindow(l Line, budget int) Line {
	room := budget - lineJSONOverhead - jsonCost(l.Pod) - jsonCost(l.Container) - 2
	i := 0
	for i < len(l.Text) {
		_, size := utf8.DecodeRuneInString(l.Text[i:])
		if c := jsonCost(l.Text[i:i+size]) - 2; c <= room {
			room -= c
			i += size
			continue
		}
		break
	}
	if i < len(l.Text) {
		l.Text = l.Text[:i]
		l.Truncated = true
	}
	return l
}

// SearchResult lists the sequence numbers of matching lines.
type SearchResult struct {
	Seqs []uint64 `json:"seqs"`
	// Next is where to continue a forward search; Done says nothing is
	// left to scan now.
	Next uint64 `json:"next"`
	Done bool   `json:"done"`
}

// Search returns up to limit matching lines from sequence number from on.
func (s *Stream) Search(m *Matcher, from uint64, limit int) SearchResult {
	r := SearchResult{Next: from}
	for len(r.Seqs) < limit {
		s.mu.Lock()
		if first := s.ring.first(); r.Next < first {
			r.Next = first
		}
		end := min(s.ring.next, r.Next+scanChunk)
		texts := make([]string, 0, end-r.Next)
		for seq := r.Next; seq < end; seq++ {
			texts = append(texts, s.ring.at(seq).Text)
		}
		start := r.Next
		s.mu.Unlock()
		if len(texts) == 0 {
			r.Done = true
			return r
		}
		for i, t := range texts {
			r.Next = start + uint64(i) + 1
			if m.Match(t) {
				r.Seqs = append(r.Seqs, start+uint64(i))
				if len(r.Seqs) == limit {
					return r
				}
			}
		}
	}
	return r
}

// SearchBefore returns up to limit matching lines before sequence number
// before, nearest first: the "previous match" of a search.
func (s *Stream) SearchBefore(m *Matcher, before uint64, limit int) []uint64 {
	var out []uint64
	for len(out) < limit {
		s.mu.Lock()
		first := s.ring.first()
		before = min(before, s.ring.next)
		if before <= first {
			s.mu.Unlock()
			return out
		}
		start := max(first, before-min(before, scanChunk))
		texts := make([]string, 0, before-start)
		for seq := start; seq < before; seq++ {
			texts = append(texts, s.ring.at(seq).Text)
		}
		s.mu.Unlock()
		for i := len(texts) - 1; i >= 0; i-- {
			if m.Match(texts[i]) {
				out = append(out, start+uint64(i))
				if len(out) == limit {
					return out
				}
			}
		}
		before = start
	}
	return out
}
