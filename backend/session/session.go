// Package session connects one kubeconfig context at a time. A Session owns
// everything of one connected context (clients, informers, cache access,
// open views, the notice coalescer); the Switchboard builds sessions and
// tears the old one down when the user switches context.
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"
	"k8s.io/utils/clock"

	"crowsnest/backend/actions"
	"crowsnest/backend/changes"
	"crowsnest/backend/dao"
	"crowsnest/backend/events"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/metrics"
	"crowsnest/backend/model"
	"crowsnest/backend/plugin"
	"crowsnest/backend/terminal"
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
	// User is the context's kubeconfig user, named in the app log's
	// record of each write.
	User string

	ctx        context.Context
	cancel     context.CancelFunc
	conns      *connTracker
	cfg        *rest.Config
	httpClient *http.Client
	client     kubernetes.Interface
	dyn        dynamic.Interface
	// kinds is what this session's server serves: the built-in kinds and
	// the kinds learnt from it (kinds.go).
	kinds    *kinds.Registry
	owner    *informer.Owner
	bases    *view.Bases
	fulls    fullObjects
	reviewer *informer.Reviewer
	// plugins supervises the context's exec credential plugin, if any:
	// Stop ends a plugin that hangs, and errors name it and quote it.
	plugins  *plugin.Runs
	access   *dao.Access
	notices  *events.Coalescer
	emit     events.Emitter
	lastSeen atomic.Int64
	// statusPending is set while a status event for object changes is due.
	statusPending atomic.Bool
	// learnKick and learnGone wake the learner (kinds.go).
	learnKick chan struct{}
	learnGone chan kinds.ID
	learning  sync.Once
	// logLimits gives the ring caps of a new log view (the settings);
	// nil means the defaults.
	logLimits func() LogLimits
	// nodeShellSettings gives the node shell settings of a context; nil
	// means node shells are off.
	nodeShellSettings func(context string) NodeShellConfig
	// shellsWG counts node shell opens in progress and the goroutines
	// that delete a node shell's pod when its terminal ends: Stop waits
	// for them before the session's connections close.
	shellsWG sync.WaitGroup
	// readOnly says why writes to a context are disabled (write.go); nil
	// means never.
	readOnly func(context string) string
	// metrics polls metrics.k8s.io while views or details hold targets
	// (metrics.go); metricsInterval gives the settings' interval (nil:
	// the default).
	metrics         *metrics.Poller
	metricsInterval func() time.Duration

	wg sync.WaitGroup // the recovery probe, the learner, the namespaces warm-up and log downloads

	mu         sync.Mutex
	stopped    bool
	phase      string
	message    string
	reached    bool  // the server answered at least once
	staleSince int64 // Unix ms; see model.SessionStatus
	recovering bool  // the recovery probe runs
	views      map[string]*view.Live
	watches    map[string]*detailsWatch
	logViews   map[string]*logView
	downloads  map[string]context.CancelFunc
	// portForwards is built on first use (forwards.go).
	portForwards *portForwards
	terminals    map[string]*terminal.Terminal
	// drains are the node drains started this session (actions.go).
	drains map[string]*actions.Drain
	// shells is what the session holds of its node shells (nodeshell.go).
	shells nodeShellState
	nextID int
	// namespace is the one the user is looking at ("" for all): the
	// status also counts namespaced kinds there.
	namespace string

	// drafts, the edits and applies being previewed, are built on first
	// use (edit.go).
	drafts *drafts

	// changes records the change timeline; changeViews are its open
	// Changes views (changes.go).
	changes     *changes.Recorder
	changeViews changeViews
	// metricsHolds releases the metrics target of each view and details
	// watch that holds one, by id.
	metricsHolds map[string]func()
}

// ErrStopped is returned by a session that has been stopped (the user
// switched context or quit).
var ErrStopped = fmt.Errorf("session stopped")

// start builds a session for cfg. It does not contact the server: probe
// does that in the background, so no caller waits on an unreachable host.
// When it fails, nothing of the session is left behind.
func start(parent context.Context, gen uint64, name, namespace string, cfg *rest.Config, emit events.Emitter) (_ *Session, err error) {
	cfg = rest.CopyConfig(cfg)
	// The wrapped config also keeps client-go from sharing one cached
	// plugin runner (and its credentials) between two sessions.
	exec, plugins, err := plugin.Supervise(cfg.ExecProvider)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", name, err)
	}
	defer func() {
		if err != nil {
			plugins.Close() // its directory: no plugin has run yet
			err = fmt.Errorf("context %q: %w", name, err)
		}
	}()
	cfg.ExecProvider = exec
	conns := &connTracker{}
	cfg.Dial = conns.wrap(cfg.Dial)
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	md, err := metadata.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	ext, err := apiextensionsclient.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("context %q: %w", name, err)
	}
	mc, err := metricsclient.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(parent)
	s := &Session{
		Generation: gen, Context: name, Server: cfg.Host,
		ctx: ctx, cancel: cancel, conns: conns, cfg: cfg, httpClient: httpClient, client: cs, dyn: dyn, emit: emit, plugins: plugins,
		kinds: kinds.NewRegistry(), learnKick: make(chan struct{}, 1), learnGone: make(chan kinds.ID, 64),
		phase: model.PhaseConnecting, views: map[string]*view.Live{}, watches: map[string]*detailsWatch{},
		logViews: map[string]*logView{}, downloads: map[string]context.CancelFunc{},
		terminals: map[string]*terminal.Terminal{}, metricsHolds: map[string]func(){},
		shells: nodeShellState{plans: map[string]nodeShellPlan{}, pods: map[string]bool{}},
	}
	s.notices = events.NewCoalescer(ctx, emit, NoticeInterval, clock.RealClock{})
	s.changes = s.newRecorder()
	s.reviewer = &informer.Reviewer{Client: cs, Namespace: namespace}

	s.owner = informer.New(ctx, informer.Options{
		Client: cs, Metadata: md, Dynamic: dyn, Extensions: ext, Config: cfg, Kinds: s.kinds,
		Access: s.reviewer, Observer: s.changes,
		OnStatus: func(informer.Status) { s.publishStatusNow() },
		OnWatchError: func(k kinds.ID, err error) {
			if unreachable(err) {
				s.lostServer(err)
			}
			s.kindGone(k, err)
		},
		OnChange: func(kinds.ID) {
			s.lastSeen.Store(time.Now().UnixMilli())
			s.statusDirty()
		},
	})
	s.bases = view.NewBases(s.owner)
	s.metrics = s.newMetrics(mc)
	s.access = dao.New(s.owner, dyn, md)
	conns.onDialError = s.lostServer
	return s, nil
}

// probe asks the server for its version, bounded by timeout, and records
// whether the context is reachable. If it is not, the session keeps probing
// in the background (a server that comes back, a laptop that wakes up).
func (s *Session) probe(timeout time.Duration) {
	if err := s.ping(timeout); err != nil {
		s.setPhase(model.PhaseError, s.unreachableMessage(err))
		s.startRecovery()
		return
	}
	s.setPhase(model.PhaseConnected, "")
}

// connected starts, once per session, what waits for the server to
// answer: warming the namespaces and learning what the server serves.
func (s *Session) connected() {
	s.learning.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.stopped {
			return
		}
		s.wg.Add(2)
		go func() {
			defer s.wg.Done()
			s.warmNamespaces()
		}()
		go func() {
			defer s.wg.Done()
			s.learn()
		}()
	})
}

func (s *Session) ping(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	return s.client.CoreV1().RESTClient().Get().AbsPath("/version").Do(ctx).Error()
}

// unreachableMessage says why the server did not answer the probe. A
// credential plugin that failed is not a server out of reach.
func (s *Session) unreachableMessage(err error) string {
	if strings.Contains(err.Error(), "getting credentials: ") {
		return fmt.Sprintf("cannot log in to %s: %v", s.Server, err)
	}
	return fmt.Sprintf("cannot reach %s: %v", s.Server, err)
}

// setPhase records the phase and sends the status at once.
func (s *Session) setPhase(phase, message string) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	switch {
	case phase == model.PhaseConnected:
		s.reached, s.staleSince = true, 0
		s.changes.Regained()
	case s.reached && s.staleSince == 0:
		s.staleSince = time.Now().UnixMilli()
		s.changes.Lost(message)
	}
	s.phase, s.message = phase, message
	s.mu.Unlock()
	s.publishStatusNow()
	if phase == model.PhaseConnected {
		s.connected()
	}
}

// warmNamespaces starts the namespaces informer when the session first
// connects: the namespace picker needs the list in every view, so it is
// read at connect (one LIST+WATCH that later namespace views share), and
// its sync in the status (and so in the app's log) shows a working
// connection. Runs after the connected status has gone out.
func (s *Session) warmNamespaces() {
	if _, err := s.access.List(s.ctx, kinds.Builtin(kinds.Namespaces), "", ""); err != nil && s.ctx.Err() == nil {
		slog.Warn("list namespaces at connect", "context", s.Context, "error", s.plugins.Explain(err))
	}
}

// lostServer is a watch failing to reach a server that had answered: the
// session says it is reconnecting, keeps its cache (stale from now), and
// probes until the server answers; the informers reconnect on their own.
func (s *Session) lostServer(err error) {
	s.mu.Lock()
	connected := s.phase == model.PhaseConnected
	s.mu.Unlock()
	if !connected {
		return
	}
	s.setPhase(model.PhaseReconnecting, fmt.Sprintf("lost contact with %s: %v", s.Server, err))
	s.startRecovery()
}

// startRecovery probes the server with backoff (1 s doubling to 10 s) until
// it answers or the session stops. One probe loop at a time.
func (s *Session) startRecovery() {
	s.mu.Lock()
	if s.stopped || s.recovering {
		s.mu.Unlock()
		return
	}
	s.recovering = true
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			s.recovering = false
			s.mu.Unlock()
		}()
		delay := time.Second
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(delay):
			}
			if err := s.ping(ProbeTimeout); err == nil {
				s.setPhase(model.PhaseConnected, "")
				return
			} else if s.ctx.Err() == nil {
				s.mu.Lock()
				phase := s.phase
				s.mu.Unlock()
				s.setPhase(phase, s.unreachableMessage(err))
			}
			delay = min(2*delay, 10*time.Second)
		}
	}()
}

// unreachable reports whether a watch error means the server could not be
// reached or dropped the connection, as opposed to an answer from it (an
// API status such as Forbidden or Gone) or the session ending.
func unreachable(err error) bool {
	var status apierrors.APIStatus
	return err != nil && !errors.As(err, &status) && !errors.Is(err, context.Canceled)
}

// FocusNamespace says which namespace the user is looking at ("" for all),
// so that the status counts namespaced kinds there too, and publishes it.
func (s *Session) FocusNamespace(namespace string) error {
	if namespace != "" {
		if errs := validation.IsDNS1123Label(namespace); len(errs) > 0 {
			return errors.New("invalid namespace " + strconv.Quote(namespace) + ": " + errs[0])
		}
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return ErrStopped
	}
	changed := s.namespace != namespace
	s.namespace = namespace
	s.mu.Unlock()
	if changed {
		s.publishStatusNow()
	}
	return nil
}

// Status reports the session's phase and every kind's sync state.
func (s *Session) Status() model.SessionStatus {
	s.mu.Lock()
	phase, msg, stale, ns := s.phase, s.message, s.staleSince, s.namespace
	s.mu.Unlock()
	st := model.SessionStatus{Generation: s.Generation, Context: s.Context, Server: s.Server,
		Phase: phase, Message: s.plugins.ExplainText(msg), LastChange: s.lastSeen.Load(), StaleSince: stale, Namespace: ns,
		KindsVersion: s.kinds.Version(), Kinds: []model.KindStatus{}}
	if s.metrics != nil {
		st.Metrics = s.metrics.Status()
	}
	for _, ks := range s.owner.Statuses() {
		k := model.KindStatus{Kind: string(ks.Kind), State: string(ks.State), Namespaces: ks.Namespaces}
		if ks.Err != nil {
			k.Error = s.plugins.ExplainText(ks.Err.Error())
		}
		switch {
		case ks.State == informer.StatePending || ks.State == informer.StateForbidden:
		case ks.Namespaces != nil:
			st.Watches += len(ks.Namespaces)
		default:
			st.Watches++
		}
		if ks.State != informer.StatePending {
			k.Count = s.owner.Count(ks.Kind)
			if kind, err := s.kinds.Lookup(string(ks.Kind)); err == nil && ns != "" && kind.Namespaced {
				k.NamespaceCount = s.owner.CountIn(ks.Kind, ns)
			}
		}
		st.Kinds = append(st.Kinds, k)
	}
	return st
}

func (s *Session) publishStatus() {
	s.notices.Notify("session", model.EventSessionStatus, s.Status())
}

// publishStatusNow sends the status at once, and returns it, for a change
// of phase or of a kind's sync state: the UI should not wait out the
// coalescing interval of count updates to learn that pods have synced.
// Such changes are rare.
func (s *Session) publishStatusNow() model.SessionStatus {
	st := s.Status()
	s.notices.NotifyNow("session", model.EventSessionStatus, st)
	return st
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

// RetryKind checks the kind's access again and starts its informers where
// they are now allowed: the user's answer to "no access" or "access lost".
func (s *Session) RetryKind(k *kinds.Kind) error {
	if _, err := s.owner.Informer(k); err != nil {
		return err
	}
	s.owner.Recheck(k.ID)
	return nil
}

// Can reports whether the user may perform verb ("get", "delete",
// "patch"...) on kind in namespace, and if not, why; the UI disables what
// is not allowed. Answers are cached for the session.
func (s *Session) Can(verb string, k *kinds.Kind, namespace string) (model.Permission, error) {
	if !k.Namespaced {
		namespace = ""
	}
	ok, reason, err := s.reviewer.Can(s.ctx, verb, k.GVR, namespace)
	if err != nil {
		return model.Permission{}, s.plugins.Explain(err)
	}
	if !ok && reason == "" {
		where := "cluster-wide"
		if namespace != "" {
			where = "in namespace " + namespace
		}
		reason = fmt.Sprintf("your user may not %s %s %s", verb, k.GVR.GroupResource(), where)
	}
	return model.Permission{Allowed: ok, Reason: reason}, nil
}

// RevealSecretValue fetches one value of a Secret for the user who asked
// to see it; it is neither cached nor logged.
func (s *Session) RevealSecretValue(namespace, name, key string) (model.SecretValue, error) {
	v, err := s.access.RevealSecretValue(s.ctx, namespace, name, key)
	return v, s.plugins.Explain(err)
}

// newIDLocked returns a new id for something this session holds for the
// page, of one sort (v views, c Changes views, l log views, dl downloads,
// t terminals, d drains and details watches, p node shell plans). The generation is in the id:
// a late call from the previous session's page must not reach this
// session's thing of the same number. s.mu is held.
func (s *Session) newIDLocked(sort string) string {
	s.nextID++
	return "g" + strconv.FormatUint(s.Generation, 10) + sort + strconv.Itoa(s.nextID)
}

// OpenView opens a live table; see view.Open.
func (s *Session) OpenView(spec model.ViewSpec) (model.ViewInfo, error) {
	k, err := s.Kind(spec.Kind)
	if err != nil {
		return model.ViewInfo{}, err
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return model.ViewInfo{}, ErrStopped
	}
	id := s.newIDLocked("v")
	s.mu.Unlock()
	v, err := view.Open(id, s.Generation, s.bases, k, spec, func(n model.ViewNotice) {
		s.notices.Notify(n.ViewID, model.EventViewChanged, n)
	})
	if err != nil {
		return model.ViewInfo{}, err
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		v.Close()
		return model.ViewInfo{}, ErrStopped
	}
	s.views[id] = v
	s.mu.Unlock()
	s.holdMetrics(id, k, spec.Namespace)
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
	k, err := s.Kind(spec.Kind)
	if err != nil {
		return model.ViewInfo{}, err
	}
	v, err := s.view(id)
	if err != nil {
		return model.ViewInfo{}, err
	}
	if err := v.Update(k, spec); err != nil {
		return model.ViewInfo{}, err
	}
	s.holdMetrics(id, k, spec.Namespace)
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
	s.releaseMetrics(id)
}

// Access is the session's data access, for details and related objects.
func (s *Session) Access() *dao.Access { return s.access }

// Ctx is the session's context, cancelled by Stop.
func (s *Session) Ctx() context.Context { return s.ctx }

// Stop closes the terminals, views, log views and port-forwards, deletes
// the pods of node shells, cancels downloads and the informers and waits
// for them, stops the coalescer and closes the session's connections.
// Safe to call twice.
func (s *Session) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	views, watches, logViews, fwd, terminals := s.views, s.watches, s.logViews, s.portForwards, s.terminals
	s.views, s.watches, s.logViews, s.portForwards, s.terminals = nil, nil, nil, nil, nil
	s.mu.Unlock()
	for _, t := range terminals {
		t.Close()
	}
	if fwd != nil {
		fwd.close()
	}
	for _, v := range views {
		v.Close()
	}
	s.closeChangeViews()
	for _, w := range watches {
		w.stop()
	}
	for _, lv := range logViews {
		lv.close()
	}
	s.cancel()
	// The pods of node shells are deleted (each within
	// NodeShellDeleteTimeout) while the session can still reach the
	// server and run its credential plugin.
	s.shellsWG.Wait()
	// A credential plugin that hangs holds the requests (and goroutines)
	// waiting for it: its supervisor ends it now, and starts no other.
	s.plugins.Stop()
	// The poller's request ends with the session's context (or, waiting
	// for a plugin that hangs, with the plugin's stop).
	s.metrics.Stop()
	s.owner.Stop()
	s.wg.Wait()
	s.bases.Close()
	s.notices.Stop()
	// Closing the session's sockets ends the HTTP/2 read loops of
	// connections that were still busy when the watches were cancelled.
	s.conns.closeAll()
	s.plugins.Close()
}

// connTracker remembers every connection a session dials, so that Stop can
// close them all, busy or idle.
type connTracker struct {
	// onDialError, if set, hears of every failed dial: the earliest sign
	// that the server went away (a watch re-established by client-go fails
	// there without telling the informer's error handler).
	onDialError func(error)

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
			if t.onDialError != nil && ctx.Err() == nil {
				t.onDialError(err)
			}
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
