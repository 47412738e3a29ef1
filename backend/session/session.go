// Package session connects one kubeconfig context at a time. A Session owns
// everything of one connected context (clients, informers, cache access,
// open views, the notice coalescer); the Switchboard builds sessions and
// tears the old one down when the user switches context.
package session

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"

	"crowsnest/backend/dao"
	"crowsnest/backend/events"
	"crowsnest/backend/informer"
	"crowsnest/backend/model"
	"crowsnest/backend/view"
)

// NoticeInterval is the least time between two notices of one view (and
// between two status events): the first goes out at once, the rest are
// coalesced, so at most 10 per second.
const NoticeInterval = 100 * time.Millisecond

// Session is one connected context. Its methods may be called from any
// goroutine. After Stop returns, no goroutine, watch or event of the session
// remains, and every method returns ErrStopped.
type Session struct {
	Generation uint64
	Context    string
	Server     string

	ctx      context.Context
	cancel   context.CancelFunc
	conns    *connTracker
	client   kubernetes.Interface
	owner    *informer.Owner
	access   *dao.Access
	notices  *events.Coalescer
	emit     events.Emitter
	lastSeen atomic.Int64
	// statusPending is set while a status event for object changes is due.
	statusPending atomic.Bool

	mu      sync.Mutex
	stopped bool
	phase   string
	message string
	views   map[string]*view.Live
	nextID  int
}

// ErrStopped is returned by a session that has been stopped (the user
// switched context or quit).
var ErrStopped = fmt.Errorf("session stopped")

// start builds a session for cfg. It does not contact the server: probe
// does that in the background, so no caller waits on an unreachable host.
func start(parent context.Context, gen uint64, name string, cfg *rest.Config, emit events.Emitter) (*Session, error) {
	cfg = rest.CopyConfig(cfg)
	conns := &connTracker{}
	cfg.Dial = conns.wrap(cfg.Dial)
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", name, err)
	}
	cs, err := kubernetes.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", name, err)
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", name, err)
	}
	md, err := metadata.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", name, err)
	}
	ctx, cancel := context.WithCancel(parent)
	s := &Session{
		Generation: gen, Context: name, Server: cfg.Host,
		ctx: ctx, cancel: cancel, conns: conns, client: cs, emit: emit,
		phase: model.PhaseConnecting, views: map[string]*view.Live{},
	}
	s.notices = events.NewCoalescer(ctx, emit, NoticeInterval, clock.RealClock{})
	s.owner = informer.New(ctx, informer.Options{
		Client: cs, Metadata: md,
		OnStatus: func(informer.Status) { s.publishStatus() },
		OnChange: func(informer.Kind) {
			s.lastSeen.Store(time.Now().UnixMilli())
			s.statusDirty()
		},
	})
	s.access = dao.New(s.owner, dyn, md)
	return s, nil
}

// probe asks the server for its version, bounded by timeout, and records
// whether the context is reachable.
func (s *Session) probe(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	err := s.client.CoreV1().RESTClient().Get().AbsPath("/version").Do(ctx).Error()
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	if err != nil {
		s.phase, s.message = model.PhaseError, fmt.Sprintf("cannot reach %s: %v", s.Server, err)
	} else {
		s.phase, s.message = model.PhaseConnected, ""
	}
	s.mu.Unlock()
	s.publishStatus()
}

// Status reports the session's phase and every kind's sync state.
func (s *Session) Status() model.SessionStatus {
	s.mu.Lock()
	phase, msg := s.phase, s.message
	s.mu.Unlock()
	st := model.SessionStatus{Generation: s.Generation, Context: s.Context, Server: s.Server,
		Phase: phase, Message: msg, LastChange: s.lastSeen.Load()}
	for _, ks := range s.owner.Statuses() {
		k := model.KindStatus{Kind: string(ks.Kind), State: string(ks.State)}
		if ks.Err != nil {
			k.Error = ks.Err.Error()
		}
		if ks.State != informer.StatePending {
			st.Watches++
			k.Count = s.owner.Count(ks.Kind)
		}
		st.Kinds = append(st.Kinds, k)
	}
	return st
}

func (s *Session) publishStatus() {
	s.notices.Notify("session", model.EventSessionStatus, s.Status())
}

// statusDirty publishes the status for an object change (new counts, last
// change time) at most every NoticeInterval, building it only when sent.
func (s *Session) statusDirty() {
	if s.statusPending.CompareAndSwap(false, true) {
		time.AfterFunc(NoticeInterval, func() {
			s.statusPending.Store(false)
			if s.ctx.Err() == nil {
				s.publishStatus()
			}
		})
	}
}

// OpenView opens a live table; see view.Open.
func (s *Session) OpenView(spec model.ViewSpec) (model.ViewInfo, error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return model.ViewInfo{}, ErrStopped
	}
	s.nextID++
	// The generation in the id: a late CloseView from the previous session's
	// page must not close this session's view of the same number.
	id := "g" + strconv.FormatUint(s.Generation, 10) + "v" + strconv.Itoa(s.nextID)
	s.mu.Unlock()
	v, err := view.Open(id, s.Generation, s.owner, spec, func(n model.ViewNotice) {
		s.notices.Notify(n.ViewID, model.EventViewChanged, n)
	})
	if err != nil {
		return model.ViewInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		v.Close()
		return model.ViewInfo{}, ErrStopped
	}
	s.views[id] = v
	return v.Info(), nil
}

func (s *Session) view(id string) (*view.Live, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, ErrStopped
	}
	v, ok := s.views[id]
	if !ok {
		return nil, fmt.Errorf("no open view %q", id)
	}
	return v, nil
}

// UpdateView changes a view's kind, namespace, selector, filter or sort.
func (s *Session) UpdateView(id string, spec model.ViewSpec) (model.ViewInfo, error) {
	v, err := s.view(id)
	if err != nil {
		return model.ViewInfo{}, err
	}
	if err := v.Update(spec); err != nil {
		return model.ViewInfo{}, err
	}
	return v.Info(), nil
}

// ViewRows returns a window of a view.
func (s *Session) ViewRows(id string, offset, limit int) (model.Window, error) {
	v, err := s.view(id)
	if err != nil {
		return model.Window{}, err
	}
	return v.Window(offset, limit)
}

// CloseView closes a view; closing an unknown view is not an error.
func (s *Session) CloseView(id string) {
	s.mu.Lock()
	v, ok := s.views[id]
	delete(s.views, id)
	s.mu.Unlock()
	if ok {
		v.Close()
		s.notices.Forget(id)
	}
}

// Access is the session's data access, for details and related objects.
func (s *Session) Access() *dao.Access { return s.access }

// Ctx is the session's context, cancelled by Stop.
func (s *Session) Ctx() context.Context { return s.ctx }

// Stop closes the views, cancels the informers and waits for them, stops
// the coalescer and closes the session's connections. Safe to call twice.
func (s *Session) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	views := s.views
	s.views = nil
	s.mu.Unlock()
	for _, v := range views {
		v.Close()
	}
	s.cancel()
	s.owner.Stop()
	s.notices.Stop()
	// Closing the session's sockets ends the HTTP/2 read loops of
	// connections that were still busy when the watches were cancelled.
	s.conns.closeAll()
}

// connTracker remembers every connection a session dials, so that Stop can
// close them all, busy or idle.
type connTracker struct {
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

type dialFunc = func(ctx context.Context, network, address string) (net.Conn, error)

func (t *connTracker) wrap(dial dialFunc) dialFunc {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := dial(ctx, network, address)
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.closed {
			c.Close()
			return nil, ErrStopped
		}
		if t.conns == nil {
			t.conns = map[net.Conn]struct{}{}
		}
		t.conns[c] = struct{}{}
		return trackedConn{Conn: c, t: t}, nil
	}
}

func (t *connTracker) closeAll() {
	t.mu.Lock()
	t.closed = true
	conns := t.conns
	t.conns = nil
	t.mu.Unlock()
	for c := range conns {
		c.Close()
	}
}

// trackedConn forgets itself when closed, so long sessions do not keep
// every connection they ever made.
type trackedConn struct {
	net.Conn
	t *connTracker
}

func (c trackedConn) Close() error {
	c.t.mu.Lock()
	delete(c.t.conns, c.Conn)
	c.t.mu.Unlock()
	return c.Conn.Close()
}
