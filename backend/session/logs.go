package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/access"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/logs"
	"crowsnest/backend/model"
)

// Bounds on what the page may ask of a log view in one call.
const (
	// MaxLogWindow is the most lines a window of a log view returns.
	MaxLogWindow = 2000
	// MaxLogMatches is the most sequence numbers a search returns (about
	// 40 KB as JSON).
	MaxLogMatches = 5000
	// MaxLogViews bounds the log views a session holds open at once; a
	// page that forgets to close them cannot make it stream more.
	MaxLogViews = 32
	// maxLogWindowBytes bounds a window's lines as the page receives them,
	// spans included (DESIGN: windows under ~64 KB).
	maxLogWindowBytes = 64 << 10
)

// ErrNoLogView is wrapped by the error for a log view id this session does
// not hold (closed, or opened by an earlier session).
var ErrNoLogView = errors.New("no such log view")

// LogLimits cap a log view's ring (settings); zero means the default.
type LogLimits struct {
	MaxLines int
	MaxBytes int64
}

// logView is one open log view: a logs.Stream over the pods of its target,
// kept in step with the pods informer. Its handler runs on the informer's
// dispatch goroutine; the stream's OnChange on the stream's goroutines.
type logView struct {
	id        string
	namespace string
	object    string // the target's name
	// name is the pod of a pod's logs; a workload's or Service's pods are
	// those its selector selects (see selector).
	name   string
	stream *logs.Stream
	pods   *informer.Handle
	reg    *informer.Registration
	// kind is the target's kind; target follows the target itself, whose
	// selector may change (a Service's): the view's pods change with it.
	kind   *kinds.Kind
	target *informer.Handle
	tReg   *informer.Registration

	// selMu guards sel (nil: selects no pod).
	selMu sync.RWMutex
	sel   labels.Selector

	mu      sync.Mutex
	matched map[string]*logPodState // by pod name: the pods of the target now
	// podsMoved counts changes of matched (LogStatus.Pods): with the
	// stream's States it makes the status version.
	podsMoved uint64
	closed    bool
	// noticeMu orders notices, so the last one sent carries the newest
	// counts.
	noticeMu sync.Mutex
}

// OpenLogs opens a log view of target: a pod's containers, or every pod a
// workload or Service selects (from the pods cache, joining and leaving as
// pods come and go; at most logs.DefaultMaxStreams containers are streamed
// at once, the rest wait and the status says so). It fails before any
// stream opens when the kind has no logs, the object does not exist, or the
// user may not get pods/log in its namespace (apierrors.IsForbidden). The
// view sends EventLogsChanged notices (at most ten a second) until
// CloseLogs or the session's end.
func (s *Session) OpenLogs(target model.LogTarget) (model.LogStatus, error) {
	k, ns, name, err := s.Object(target.Kind, target.Namespace, target.Name)
	if err != nil {
		return model.LogStatus{}, err
	}
	if !k.HasLogs() {
		return model.LogStatus{}, fmt.Errorf("%s have no container logs", k.Label)
	}
	opts, err := logOptions(target)
	if err != nil {
		return model.LogStatus{}, err
	}
	if s.logLimits != nil {
		l := s.logLimits()
		opts.MaxLines, opts.MaxBytes = l.MaxLines, l.MaxBytes
	}
	s.mu.Lock()
	switch {
	case s.stopped:
		s.mu.Unlock()
		return model.LogStatus{}, ErrStopped
	case len(s.logViews) >= MaxLogViews:
		s.mu.Unlock()
		return model.LogStatus{}, fmt.Errorf("too many log views open at once (%d); close one", MaxLogViews)
	}
	id := s.newIDLocked("l")
	s.mu.Unlock()

	// Permission first (logs.Open asks), so a user who may not read logs
	// learns that rather than whatever else it may not do; then the
	// object: a pod's logs list its ephemeral containers too, which only
	// the full pod has; a workload gives its selector.
	lv := &logView{id: id, namespace: ns, object: name, matched: map[string]*logPodState{}}
	opts.OnChange = func() { s.logsChanged(lv) }
	stream, err := logs.Open(s.ctx, s.client, ns, opts)
	if err != nil {
		return model.LogStatus{}, s.plugins.Explain(err)
	}
	lv.stream = stream
	var first []logs.Pod
	var pod *corev1.Pod
	obj, err := s.access.Full(s.ctx, k, ns, name)
	if err != nil {
		stream.Close()
		return model.LogStatus{}, s.plugins.Explain(err)
	}
	lv.kind = k
	if k.OwnLogs {
		lv.name = name
		pod, _ = obj.(*corev1.Pod)
	} else {
		lv.sel = k.PodSelector(obj)
	}
	podsKind := kinds.Builtin(kinds.Pods)
	{
		h, err := s.owner.Informer(podsKind)
		if err != nil {
			stream.Close()
			return model.LogStatus{}, err
		}
		lv.pods = h
		// Subscribe, then read: a pod that changes in between is in both,
		// and adding a pod twice does nothing.
		lv.reg = h.Subscribe(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    lv.changed,
			UpdateFunc: func(_, obj any) { lv.changed(obj) },
			DeleteFunc: lv.deleted,
		})
		if !k.OwnLogs {
			first, err = lv.selected(s)
			if err != nil {
				lv.close()
				return model.LogStatus{}, s.plugins.Explain(err)
			}
			// The target's selector can change (a Service's): follow it.
			// Without a watch of the kind the view keeps the selector it
			// opened with.
			if th, err := s.owner.Informer(k); err == nil {
				lv.target = th
				lv.tReg = th.Subscribe(toolscache.ResourceEventHandlerFuncs{
					UpdateFunc: func(_, obj any) { lv.retarget(s, name, obj) },
				})
			}
		} else if pod == nil {
			lv.close()
			return model.LogStatus{}, fmt.Errorf("pod %s/%s: unexpected object %T", ns, name, obj)
		} else if p, ok := logPod(pod); ok && lv.track(p, pod) {
			first = append(first, p)
		}
	}
	// Pods found at open start together, so their first lines merge in
	// order.
	stream.AddPod(first...)

	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		lv.close()
		return model.LogStatus{}, ErrStopped
	}
	s.logViews[id] = lv
	s.mu.Unlock()
	return s.logStatus(lv), nil
}

// logOptions checks a target's options and turns them into the stream's.
func logOptions(t model.LogTarget) (logs.Options, error) {
	if len(t.Containers) > 64 {
		return logs.Options{}, errors.New("too many containers named")
	}
	for _, c := range t.Containers {
		if c == "" || len(c) > 253 {
			return logs.Options{}, fmt.Errorf("invalid container name %q", c)
		}
	}
	if t.TailLines < logs.TailAll {
		return logs.Options{}, fmt.Errorf("invalid tailLines %d: -1 (the whole log), 0 (the default) or more", t.TailLines)
	}
	if t.SinceSeconds < 0 || t.SinceTime < 0 || t.SinceSeconds > 100*365*24*3600 {
		return logs.Options{}, errors.New("invalid sinceSeconds or sinceTime")
	}
	o := logs.Options{Containers: t.Containers, Follow: t.Follow, Previous: t.Previous, TailLines: t.TailLines,
		Since: time.Duration(t.SinceSeconds) * time.Second}
	if t.SinceTime > 0 {
		o.SinceTime = time.Unix(t.SinceTime, 0)
	}
	return o, nil
}

// logPod describes a cached pod for a stream: its init and regular
// containers (the cache keeps no ephemeral ones).
func logPod(obj any) (logs.Pod, bool) {
	switch p := obj.(type) {
	case *kinds.PodSummary:
		out := logs.Pod{Name: p.Name, UID: string(p.UID)}
		for _, c := range p.InitContainers {
			out.Containers = append(out.Containers, c.Name)
		}
		for _, c := range p.Containers {
			out.Containers = append(out.Containers, c.Name)
		}
		return out, true
	case *corev1.Pod:
		return logs.PodOf(p), true
	}
	return logs.Pod{}, false
}

// logPodState is a pod of a log view's target.
type logPodState struct {
	uid string
	// streamed says the stream has the pod: once one of its containers
	// has started (before that the API has no log to give, and a request
	// would only fail and back off).
	streamed bool
}

// started reports whether a cached pod may have logs: it is past Pending
// or one of its containers has run.
func started(obj any) bool {
	switch p := obj.(type) {
	case *kinds.PodSummary:
		if p.Phase != corev1.PodPending && p.Phase != "" {
			return true
		}
		for _, cs := range [][]kinds.ContainerSummary{p.InitContainers, p.Containers} {
			for _, c := range cs {
				if c.State == kinds.ContainerRunning || c.State == kinds.ContainerTerminated {
					return true
				}
			}
		}
	case *corev1.Pod:
		if p.Status.Phase != corev1.PodPending && p.Status.Phase != "" {
			return true
		}
		for _, cs := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
			for _, c := range cs {
				if c.State.Running != nil || c.State.Terminated != nil {
					return true
				}
			}
		}
	}
	return false
}

// matches reports whether a cached pod belongs to the view's target.
func (lv *logView) matches(obj any) bool {
	m, ok := obj.(interface {
		GetNamespace() string
		GetName() string
		GetLabels() map[string]string
	})
	if !ok || m.GetNamespace() != lv.namespace {
		return false
	}
	if lv.name != "" {
		return m.GetName() == lv.name
	}
	sel := lv.selector()
	return sel != nil && sel.Matches(labels.Set(m.GetLabels()))
}

// track records a matching pod; true when the stream should add it (it
// has started, and is new or re-created under its name).
func (lv *logView) track(p logs.Pod, obj any) bool {
	if !lv.matches(obj) {
		return false
	}
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.closed {
		return false
	}
	st, seen := lv.matched[p.Name]
	if !seen || st.uid != p.UID {
		st = &logPodState{uid: p.UID}
		lv.matched[p.Name] = st
		lv.podsMoved++
	}
	if st.streamed || !started(obj) {
		return false
	}
	st.streamed = true
	return true
}

// selector is the view's pod selector now (nil: no pod).
func (lv *logView) selector() labels.Selector {
	lv.selMu.RLock()
	defer lv.selMu.RUnlock()
	return lv.sel
}

// selected tracks the cached pods the selector selects and returns those
// the stream should add.
func (lv *logView) selected(s *Session) ([]logs.Pod, error) {
	sel := lv.selector()
	if sel == nil {
		return nil, nil
	}
	objs, err := s.access.List(s.ctx, kinds.Builtin(kinds.Pods), lv.namespace, sel.String())
	if err != nil {
		return nil, err
	}
	var add []logs.Pod
	for _, o := range objs {
		if p, ok := logPod(o); ok && lv.track(p, o) {
			add = append(add, p)
		}
	}
	return add, nil
}

// retarget follows an update of the target (on its informer's goroutine):
// when its selector changed, pods it no longer selects leave the stream
// (their lines stay) and those it now selects join.
func (lv *logView) retarget(s *Session, name string, obj any) {
	m, ok := obj.(interface{ GetName() string })
	if !ok || m.GetName() != name || !lv.matchesNamespace(obj) {
		return
	}
	sel := lv.kind.PodSelector(obj)
	lv.selMu.Lock()
	same := selectorString(sel) == selectorString(lv.sel)
	lv.sel = sel
	lv.selMu.Unlock()
	if same {
		return
	}
	lv.mu.Lock()
	lv.podsMoved++ // the status may say the object selects no pod
	var gone []string
	for pod := range lv.matched {
		gone = append(gone, pod)
	}
	lv.mu.Unlock()
	// Pods still selected are tracked again (and stay); the others go.
	add, err := lv.selected(s)
	if err != nil {
		add = nil
	}
	lv.stream.AddPod(add...)
	for _, pod := range gone {
		if o, ok := lv.cachedPod(s, pod); !ok || !lv.matches(o) {
			lv.forget(pod)
		}
	}
	s.logsChanged(lv)
}

// cachedPod is the pods cache's object of a pod of the view's namespace.
func (lv *logView) cachedPod(s *Session, name string) (any, bool) {
	obj, err := s.access.Get(s.ctx, kinds.Builtin(kinds.Pods), lv.namespace, name)
	return obj, err == nil && obj != nil
}

func selectorString(sel labels.Selector) string {
	if sel == nil {
		return "<none>"
	}
	return sel.String()
}

func (lv *logView) matchesNamespace(obj any) bool {
	m, ok := obj.(interface{ GetNamespace() string })
	return ok && m.GetNamespace() == lv.namespace
}

// changed follows a pod added or updated in the cache: a pod that starts
// to match joins the stream, one that stops matching leaves it.
func (lv *logView) changed(obj any) {
	p, ok := logPod(obj)
	if !ok {
		return
	}
	if lv.track(p, obj) {
		lv.stream.AddPod(p)
		return
	}
	if !lv.matches(obj) {
		lv.forget(p.Name)
	}
}

func (lv *logView) deleted(obj any) {
	if gone, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = gone.Obj
	}
	if p, ok := logPod(obj); ok && lv.matches(obj) {
		lv.forget(p.Name)
	}
}

// forget ends a pod's streams; its lines stay.
func (lv *logView) forget(name string) {
	lv.mu.Lock()
	_, seen := lv.matched[name]
	delete(lv.matched, name)
	if seen {
		lv.podsMoved++
	}
	closed := lv.closed
	lv.mu.Unlock()
	if seen && !closed {
		lv.stream.RemovePod(name)
	}
}

func (lv *logView) podCount() int {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return len(lv.matched)
}

// statusVersion is LogStatus.StatusVersion: it moves whenever the stream's
// sources or the matched pods change (both counters only grow).
func (lv *logView) statusVersion(streamStates uint64) uint64 {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return streamStates + lv.podsMoved
}

// close stops following pods and ends every stream; the lines stay
// readable until the view is dropped.
func (lv *logView) close() {
	lv.mu.Lock()
	lv.closed = true
	lv.mu.Unlock()
	if lv.reg != nil {
		lv.pods.Unsubscribe(lv.reg)
	}
	if lv.tReg != nil {
		lv.target.Unsubscribe(lv.tReg)
	}
	lv.stream.Close()
}

// logsChanged sends the view's notice, coalesced to ten a second.
func (s *Session) logsChanged(lv *logView) {
	lv.noticeMu.Lock()
	defer lv.noticeMu.Unlock()
	p := lv.stream.Progress()
	s.notices.Notify(lv.id, model.EventLogsChanged, model.LogNotice{
		ID: lv.id, Generation: s.Generation, Version: p.Version, StatusVersion: lv.statusVersion(p.States),
		Next: p.Next, Dropped: p.Dropped,
	})
}

func (s *Session) logView(id string) (*logView, error) {
	return held(s, func(s *Session) map[string]*logView { return s.logViews }, "log view", ErrNoLogView, id, false)
}

// held finds id in one of the session's maps of streams (picked under its
// lock), and removes it when remove is set. It fails with ErrStopped once
// the session has stopped, and with missing, naming what, for an id it
// does not hold.
func held[T any](s *Session, pick func(*Session) map[string]T, what string, missing error, id string, remove bool) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	if s.stopped {
		return zero, ErrStopped
	}
	m := pick(s)
	v, ok := m[id]
	if !ok {
		return zero, fmt.Errorf("%s %q: %w", what, id, missing)
	}
	if remove {
		delete(m, id)
	}
	return v, nil
}

// LogStatus returns a log view's status: its lines' range, what fell out,
// every container's stream and the pods waiting.
func (s *Session) LogStatus(id string) (model.LogStatus, error) {
	lv, err := s.logView(id)
	if err != nil {
		return model.LogStatus{}, err
	}
	return s.logStatus(lv), nil
}

func (s *Session) logStatus(lv *logView) model.LogStatus {
	st := lv.stream.Status()
	out := model.LogStatus{
		ID: lv.id, Generation: s.Generation, Version: st.Version, StatusVersion: lv.statusVersion(st.States),
		First: st.First, Next: st.Next,
		Dropped: st.Dropped, Bytes: st.Bytes, Pods: lv.podCount(), Waiting: st.Waiting, Notice: st.Notice,
		Sources: make([]model.LogSource, 0, len(st.Containers)),
	}
	if lv.name == "" && lv.selector() == nil {
		out.Notice = "this object selects no pods"
	}
	for _, c := range st.Containers {
		out.Sources = append(out.Sources, model.LogSource{Pod: c.Pod, Container: c.Container, State: string(c.State),
			Message: s.plugins.ExplainText(c.Message)})
	}
	return out
}

// LogLines returns up to limit lines from sequence number from on.
func (s *Session) LogLines(id string, from uint64, limit int) (model.LogWindow, error) {
	lv, err := s.logView(id)
	if err != nil {
		return model.LogWindow{}, err
	}
	return s.logWindow(lv, lv.stream.Window(from, limit), false), nil
}

// LogTail returns the last limit lines (as many of the newest as fit).
func (s *Session) LogTail(id string, limit int) (model.LogWindow, error) {
	lv, err := s.logView(id)
	if err != nil {
		return model.LogWindow{}, err
	}
	return s.logWindow(lv, lv.stream.Tail(limit), true), nil
}

// LogFilterLines returns up to limit lines matching q from sequence
// number from on: the filter mode. Next says where the scan stopped.
func (s *Session) LogFilterLines(id string, q model.LogQuery, from uint64, limit int) (model.LogWindow, error) {
	lv, err := s.logView(id)
	if err != nil {
		return model.LogWindow{}, err
	}
	m, err := logs.Compile(logs.Query(q))
	if err != nil {
		return model.LogWindow{}, err
	}
	return s.logWindow(lv, lv.stream.FilterWindow(m, from, limit), false), nil
}

// LogSearch returns up to limit matching lines' sequence numbers from from
// on, or, backward, before from (nearest first). Next is where to go on, 0
// when the lines kept are exhausted in that direction.
func (s *Session) LogSearch(id string, q model.LogQuery, from uint64, limit int, backward bool) (model.LogMatches, error) {
	lv, err := s.logView(id)
	if err != nil {
		return model.LogMatches{}, err
	}
	m, err := logs.Compile(logs.Query(q))
	if err != nil {
		return model.LogMatches{}, err
	}
	out := model.LogMatches{Seqs: []uint64{}}
	if backward {
		seqs := lv.stream.SearchBefore(m, from, limit)
		if len(seqs) > 0 {
			out.Seqs = seqs
		}
		if len(seqs) == limit && limit > 0 {
			out.Next = seqs[len(seqs)-1]
		}
		return out, nil
	}
	r := lv.stream.Search(m, from, limit)
	if len(r.Seqs) > 0 {
		out.Seqs = r.Seqs
	}
	if !r.Done {
		out.Next = r.Next
	}
	return out, nil
}

// LogViewName is a log view's target as namespace and name (for a file
// name).
func (s *Session) LogViewName(id string) (namespace, name string, err error) {
	lv, err := s.logView(id)
	if err != nil {
		return "", "", err
	}
	return lv.namespace, lv.object, nil
}

// SaveLogView writes the lines a log view keeps now to the file at path
// (see logs.Stream.Save), each tagged with its pod and container when the
// view reads more than one, and returns how many it wrote.
func (s *Session) SaveLogView(id, path string, timestamps bool) (int, error) {
	if !filepath.IsAbs(path) {
		return 0, fmt.Errorf("save: %q is not an absolute path", path)
	}
	lv, err := s.logView(id)
	if err != nil {
		return 0, err
	}
	tags := lv.name == "" || len(lv.stream.Status().Containers) > 1
	return lv.stream.Save(path, logs.SaveOptions{Timestamps: timestamps, Tags: tags})
}

// CloseLogs ends a log view's streams and drops its lines.
func (s *Session) CloseLogs(id string) error {
	lv, err := held(s, func(s *Session) map[string]*logView { return s.logViews }, "log view", ErrNoLogView, id, true)
	if err != nil {
		return err
	}
	lv.close()
	s.notices.Forget(id)
	return nil
}

// logWindow turns the stream's lines into the page's, styled, within
// maxLogWindowBytes once encoded: a window keeps its first lines, a tail
// its last.
func (s *Session) logWindow(lv *logView, w logs.Window, tail bool) model.LogWindow {
	p := lv.stream.Progress()
	out := model.LogWindow{ID: lv.id, Generation: s.Generation, Version: p.Version, First: p.First, Next: w.Next,
		Lines: make([]model.LogLine, 0, len(w.Lines))}
	lines := make([]model.LogLine, len(w.Lines))
	sizes := make([]int, len(w.Lines))
	for i, l := range w.Lines {
		lines[i] = logLine(l)
		sizes[i] = encodedSize(lines[i])
	}
	budget := maxLogWindowBytes - 256 // the window's own fields
	lo, hi := 0, len(lines)
	if tail {
		for lo = hi; lo > 0 && (sizes[lo-1] <= budget || lo == hi); lo-- {
			budget -= sizes[lo-1]
		}
	} else {
		for hi = lo; hi < len(lines) && (sizes[hi] <= budget || hi == lo); hi++ {
			budget -= sizes[hi]
		}
		if hi < len(lines) {
			out.Next = lines[hi].Seq
		}
	}
	for i := lo; i < hi; i++ {
		if sizes[i] > maxLogWindowBytes-256 {
			lines[i] = shrink(lines[i], maxLogWindowBytes-256)
		}
	}
	out.Lines = append(out.Lines, lines[lo:hi]...)
	return out
}

// logLine is a kept line as the page receives it: its text as styled
// spans (never markup), its time in Unix milliseconds.
func logLine(l logs.Line) model.LogLine {
	out := model.LogLine{Seq: l.Seq, Time: l.Time.UnixMilli(), Pod: l.Pod, Container: l.Container, Truncated: l.Truncated}
	spans := logs.ParseANSI(l.Text)
	out.Spans = make([]model.LogSpan, len(spans))
	var plain []byte
	for i, sp := range spans {
		out.Spans[i] = model.LogSpan{Text: sp.Text, FG: colour(sp.Style.FG), BG: colour(sp.Style.BG),
			Bold: sp.Style.Bold, Dim: sp.Style.Dim, Italic: sp.Style.Italic, Underline: sp.Style.Underline,
			Strike: sp.Style.Strike, Inverse: sp.Style.Inverse}
		plain = append(plain, sp.Text...)
	}
	out.JSON = logs.IsJSON(string(plain))
	return out
}

// colour writes a span's colour as the contract says: "" for the default,
// a palette index, or "#rrggbb".
func colour(c logs.Color) string {
	switch c.Kind {
	case logs.ColorPalette:
		return strconv.Itoa(int(c.Index))
	case logs.ColorRGB:
		return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
	}
	return ""
}

func encodedSize(l model.LogLine) int {
	b, err := json.Marshal(l)
	if err != nil {
		return maxLogWindowBytes
	}
	return len(b) + 1
}

// shrink drops a line's last spans until it fits in budget (a line whose
// colours change at every character can grow several times over its
// text), and marks it truncated.
func shrink(l model.LogLine, budget int) model.LogLine {
	for len(l.Spans) > 1 && encodedSize(l) > budget {
		l.Spans = l.Spans[:len(l.Spans)/2]
		l.Truncated = true
	}
	if encodedSize(l) > budget && len(l.Spans) == 1 {
		sp := l.Spans[0]
		r := []rune(sp.Text)
		for len(r) > 0 && encodedSize(l) > budget {
			r = r[:len(r)*3/4]
			l.Spans[0].Text = string(r)
		}
		l.Truncated = true
	}
	return l
}

// CanReadLogs reports whether the user may get pods/log in namespace, the
// permission every log of a pod or workload there needs, and if not, why.
func (s *Session) CanReadLogs(namespace string) (model.Permission, error) {
	return s.permission(logs.CanReadLogs(s.ctx, s.client, namespace))
}

// permission turns a review's answer into the page's.
func (s *Session) permission(a access.Answer, err error) (model.Permission, error) {
	if err != nil {
		return model.Permission{}, s.plugins.Explain(err)
	}
	return model.Permission{Allowed: a.Allowed, Reason: a.Denial()}, nil
}

// LogDownload names a container log to write to a file.
type LogDownload struct {
	Namespace, Pod, Container string
	Previous, Timestamps      bool
	// Path is the file the user chose.
	Path string
}

// StartLogDownload writes a container's whole log, streamed from the API
// (not the lines a view keeps), to d.Path in the background, and returns
// the id its EventLogDownload progress carries (coalesced; the last one
// says Done or Error). It fails at once when the user may not read logs
// in the namespace. CancelDownload or the session's end stop it, leaving
// no file behind.
func (s *Session) StartLogDownload(d LogDownload) (string, error) {
	if !filepath.IsAbs(d.Path) {
		return "", fmt.Errorf("download: %q is not an absolute path", d.Path)
	}
	a, err := logs.CanReadLogs(s.ctx, s.client, d.Namespace)
	if err != nil {
		return "", s.plugins.Explain(err)
	}
	if err := a.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return "", ErrStopped
	}
	id := s.newIDLocked("dl")
	ctx, cancel := context.WithCancel(s.ctx)
	s.downloads[id] = cancel
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer cancel()
		progress := func(written int64) {
			s.notices.Notify(id, model.EventLogDownload, model.DownloadProgress{ID: id, Path: d.Path, Written: written})
		}
		n, err := logs.DownloadFile(ctx, s.client, logs.DownloadRequest{Namespace: d.Namespace, Pod: d.Pod,
			Container: d.Container, Previous: d.Previous, Timestamps: d.Timestamps}, d.Path, progress)
		last := model.DownloadProgress{ID: id, Path: d.Path, Written: n, Done: err == nil}
		switch {
		case errors.Is(err, context.Canceled):
			last.Error = "cancelled"
		case err != nil:
			last.Error = s.plugins.ExplainText(err.Error())
		}
		s.mu.Lock()
		delete(s.downloads, id)
		s.mu.Unlock()
		s.notices.NotifyNow(id, model.EventLogDownload, last)
		s.notices.Forget(id)
	}()
	return id, nil
}

// CancelDownload stops a download; its partial file is removed.
func (s *Session) CancelDownload(id string) error {
	s.mu.Lock()
	cancel, ok := s.downloads[id]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("no download %q in progress", id)
	}
	cancel()
	return nil
}
