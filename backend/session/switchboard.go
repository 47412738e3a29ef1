package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/transport"

	"crowsnest/backend/events"
	"crowsnest/backend/kubeconfig"
	"crowsnest/backend/model"
)

// ProbeTimeout bounds the first request of a new session; after it the
// status says the server is unreachable.
const ProbeTimeout = 5 * time.Second

// Options configure a Switchboard.
type Options struct {
	Version string         // for the user agent
	Emitter events.Emitter // where status events and notices go
	// Paths returns the kubeconfig files to read; kubeconfig.Paths by default.
	Paths func() []string
	// WrapTransport, if set, wraps every session's HTTP transport: the
	// scale benchmark counts the requests a session makes with it.
	WrapTransport transport.WrapperFunc
	// LogLimits, if set, gives the ring caps of each new log view (from
	// the settings, which may change while the app runs).
	LogLimits func() LogLimits
	// NodeShell, if set, gives a context's node shell settings (which
	// may change while the app runs); nil means node shells are off.
	NodeShell func(context string) NodeShellConfig
	// ReadOnly, if set, says why writes to a context are disabled ("" when
	// they are allowed), asked at each write (the settings may change).
	ReadOnly func(context string) string
	// ChangeBudget, if set, gives the bytes each session's change
	// timeline may take (0: the default); Session.SetChangeBudget applies
	// a change.
	ChangeBudget func() int
	// MetricsInterval, if set, gives the time between two metrics polls
	// (the settings; metrics.MinInterval at least).
	MetricsInterval func() time.Duration
}

// Switchboard holds the current session and switches between contexts.
// Its methods may be called from any goroutine. Switches are serialised and
// the last one requested wins: a switch overtaken by a later request while
// it waited does not connect at all.
type Switchboard struct {
	appCtx context.Context
	opts   Options
	wg     sync.WaitGroup // probes and old sessions' stops in flight

	switching sync.Mutex // held for a whole switch
	requested atomic.Uint64

	mu      sync.Mutex
	gen     uint64
	current *Session
	failed  model.SessionStatus // status of the last context that could not start
	stopped bool
}

// NewSwitchboard returns a Switchboard whose sessions live under appCtx
// (the context Wails gives OnStartup).
func NewSwitchboard(appCtx context.Context, opts Options) *Switchboard {
	if opts.Paths == nil {
		opts.Paths = kubeconfig.Paths
	}
	if opts.Emitter == nil {
		opts.Emitter = discard{}
	}
	return &Switchboard{appCtx: appCtx, opts: opts, failed: model.SessionStatus{Phase: model.PhaseIdle}}
}

// Kubeconfig loads the kubeconfig files afresh, so edits made while the
// app runs show up. Loading runs no exec plugin.
func (b *Switchboard) Kubeconfig() *kubeconfig.Config { return kubeconfig.Load(b.opts.Paths()) }

// Contexts lists every context of the kubeconfig files for the picker.
func (b *Switchboard) Contexts() []model.ContextInfo {
	var out []model.ContextInfo
	for _, c := range b.Kubeconfig().Contexts() {
		ci := model.ContextInfo{Name: c.Name, Cluster: c.Cluster, Server: c.Server, User: c.User,
			Namespace: c.Namespace, Current: c.Current, Valid: c.Valid(), Problems: c.Problems, File: c.File}
		if c.Exec != nil {
			ci.ExecCommand = c.Exec.Command
		}
		out = append(out, ci)
	}
	return out
}

// Switch stops the current session and connects to the named context. It
// returns as soon as the new session exists (phase connecting); reaching the
// server happens in the background and shows in the status events. The old
// session emits nothing once Switch has begun; its goroutines end in the
// background, and all have ended when Stop returns. A
// context that cannot be used returns its error and leaves the app with no
// session and an error status.
func (b *Switchboard) Switch(name string) (model.SessionStatus, error) {
	ticket := b.requested.Add(1)
	b.switching.Lock()
	defer b.switching.Unlock()
	if ticket != b.requested.Load() {
		return b.Status(), fmt.Errorf("switch to %q superseded by a later switch", name)
	}

	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return model.SessionStatus{}, ErrStopped
	}
	old := b.current
	b.current = nil
	b.gen++
	gen := b.gen
	b.mu.Unlock()
	if old != nil {
		// The old session goes quiet at once (its context is cancelled, so
		// it emits nothing more) and finishes stopping in the background:
		// client-go's reflector sleeps out its retry backoff (up to 30 s)
		// without watching its context, which would otherwise hold this
		// switch while the old context's server is unreachable. Stop waits
		// for these.
		old.cancel()
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			old.Stop()
		}()
	}

	kc := b.Kubeconfig()
	cfg, err := kc.RESTConfig(name, b.opts.Version)
	var s *Session
	if err == nil && b.opts.WrapTransport != nil {
		cfg.Wrap(b.opts.WrapTransport)
	}
	if err == nil {
		s, err = start(b.appCtx, gen, name, contextNamespace(kc.Contexts(), name), cfg, b.opts.Emitter)
	}
	if err == nil {
		s.logLimits = b.opts.LogLimits
		s.nodeShellSettings = b.opts.NodeShell
		s.readOnly = b.opts.ReadOnly
		if b.opts.ChangeBudget != nil {
			s.SetChangeBudget(b.opts.ChangeBudget())
		}
		s.metricsInterval = b.opts.MetricsInterval
		s.User = contextUser(kc.Contexts(), name)
	}
	// Events go out after b.mu is released, so an Emitter may call back
	// into the Switchboard. The switch still holds b.switching, so no later
	// switch's events overtake these.
	b.mu.Lock()
	if err != nil {
		b.failed = model.SessionStatus{Generation: gen, Context: name, Phase: model.PhaseError, Message: err.Error()}
		failed := b.failed
		b.mu.Unlock()
		b.opts.Emitter.Emit(model.EventSessionStatus, failed)
		return failed, err
	}
	if b.stopped {
		b.mu.Unlock()
		s.Stop()
		return model.SessionStatus{}, ErrStopped
	}
	b.current = s
	b.wg.Add(1)
	b.mu.Unlock()
	// The session's first status goes through its own coalescer, in order
	// with every later status of the session, and before the probe starts,
	// so "connecting" never follows "connected".
	st := s.publishStatusNow()
	go func() {
		defer b.wg.Done()
		s.probe(ProbeTimeout)
	}()
	return st, nil
}

// ErrNoSession means no context is connected.
var ErrNoSession = errors.New("no context connected")

// Current returns the connected session.
func (b *Switchboard) Current() (*Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current == nil {
		return nil, ErrNoSession
	}
	return b.current, nil
}

// Status is the current session's status, or why there is none.
func (b *Switchboard) Status() model.SessionStatus {
	b.mu.Lock()
	s, failed := b.current, b.failed
	b.mu.Unlock()
	if s == nil {
		return failed
	}
	return s.Status()
}

// Stop ends the current session and waits for its background work and for
// every earlier session to have stopped: after it returns no goroutine,
// watch or plugin process of any session remains. Call it from OnShutdown.
func (b *Switchboard) Stop() {
	b.mu.Lock()
	b.stopped = true
	s := b.current
	b.current = nil
	b.mu.Unlock()
	if s != nil {
		s.Stop()
	}
	b.wg.Wait()
}

type discard struct{}

func (discard) Emit(string, any) {}

// contextNamespace is the namespace a context names ("default" if none):
// a user who may not list namespaces can still be granted that one.
// contextUser is the kubeconfig user of context name, for the app log's
// record of writes.
func contextUser(contexts []kubeconfig.Context, name string) string {
	for _, c := range contexts {
		if c.Name == name {
			return c.User
		}
	}
	return ""
}

func contextNamespace(contexts []kubeconfig.Context, name string) string {
	for _, c := range contexts {
		if c.Name == name && c.Namespace != "" {
			return c.Namespace
		}
	}
	return "default"
}
