package informer

import (
	"sync"
	"sync/atomic"

	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
)

// Handle is one kind's cache in a session, whatever the user may see of it:
// one informer when the kind may be listed and watched cluster-wide, one per
// namespace when only some namespaces allow it, none when nothing does.
// Queries and views read a Handle the same way in every case.
//
// Parts appear after the Handle is returned (access is checked in the
// background, so no caller waits on the API server) and may go again when
// access is lost; subscribers see the objects of a part that goes as
// deleted. All methods may be called from any goroutine. Objects returned
// are shared with the stores and must NEVER be modified.
//
// Each part's informer has one event handler, which hands every change to
// the Handle's subscribers in the order the informer delivers them. A new
// subscriber gets no replay of the objects already cached (client-go
// replays every object to each handler added, 120–345 ms at 100,000 pods):
// it reads them from the stores itself, after subscribing, and must
// tolerate changes it already has (same resourceVersion) and deletions of
// objects it never saw.
type Handle struct {
	kind kinds.ID

	// subs is replaced whole on (un)subscribe, so dispatching takes no lock.
	subs    atomic.Pointer[[]subscriber]
	subMu   sync.Mutex
	closed  atomic.Bool
	mu      sync.RWMutex
	parts   []*part
	decided bool // access is known and every part exists
}

type subscriber struct {
	reg *Registration
	h   cache.ResourceEventHandler
}

// part is one informer of a Handle: cluster-wide (ns "") or one namespace.
type part struct {
	ns   string
	inf  cache.SharedIndexInformer
	stop func() // cancels the informer's context
	// counted is the informer's one handler: counts and dispatch.
	counted cache.ResourceEventHandlerRegistration
	// derived, for a kind that collapses its objects (kinds.Kind.Collapse),
	// holds the collapsed objects, which the Handle serves instead of the
	// informer's own.
	derived cache.Indexer
}

// store is what the part serves: the collapsed objects, or the informer's.
func (p *part) store() cache.Indexer {
	if p.derived != nil {
		return p.derived
	}
	return p.inf.GetIndexer()
}

// Registration identifies a subscriber of a Handle.
type Registration struct{ _ byte }

func newHandle(k kinds.ID) *Handle {
	h := &Handle{kind: k}
	h.subs.Store(&[]subscriber{})
	return h
}

// Kind returns the handle's kind.
func (h *Handle) Kind() kinds.ID { return h.kind }

// Closed reports whether the handle's kind was forgotten (its CRD went):
// its stores are empty and it hears of no more changes.
func (h *Handle) Closed() bool { return h.closed.Load() }

// List returns every cached object of the kind.
func (h *Handle) List() []any {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.parts) == 1 {
		return h.parts[0].store().List()
	}
	var out []any
	for _, p := range h.parts {
		out = append(out, p.store().List()...)
	}
	return out
}

// ByIndex returns the objects whose index named index holds value.
func (h *Handle) ByIndex(index, value string) ([]any, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []any
	for _, p := range h.parts {
		objs, err := p.store().ByIndex(index, value)
		if err != nil {
			return nil, err
		}
		if len(h.parts) == 1 {
			return objs, nil
		}
		out = append(out, objs...)
	}
	return out, nil
}

// GetByKey returns the object with this "namespace/name" (or "name") key.
func (h *Handle) GetByKey(key string) (any, bool, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, p := range h.parts {
		if obj, ok, err := p.store().GetByKey(key); err != nil || ok {
			return obj, ok, err
		}
	}
	return nil, false, nil
}

// HasSynced reports whether access is known, some scope is allowed and
// every part has listed. A kind with no access never syncs.
func (h *Handle) HasSynced() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if !h.decided || len(h.parts) == 0 {
		return false
	}
	for _, p := range h.parts {
		if !p.counted.HasSynced() {
			return false
		}
	}
	return true
}

// Namespaces returns the namespaces the kind is cached for, or nil when it
// is cached cluster-wide (or not at all).
func (h *Handle) Namespaces() []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []string
	for _, p := range h.parts {
		if p.ns == "" {
			return nil
		}
		out = append(out, p.ns)
	}
	return out
}

// Subscribe adds a subscriber that hears of every change from now on, in
// the informer's order, without a replay of the objects already cached
// (see Handle). Its calls come from the informers' handler goroutines; a
// call may still arrive, once, after Unsubscribe returns.
func (h *Handle) Subscribe(handler cache.ResourceEventHandler) *Registration {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	reg := &Registration{}
	old := *h.subs.Load()
	next := make([]subscriber, len(old), len(old)+1)
	copy(next, old)
	next = append(next, subscriber{reg: reg, h: handler})
	h.subs.Store(&next)
	return reg
}

// Unsubscribe removes a subscriber added by Subscribe.
func (h *Handle) Unsubscribe(reg *Registration) {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	old := *h.subs.Load()
	next := make([]subscriber, 0, len(old))
	for _, s := range old {
		if s.reg != reg {
			next = append(next, s)
		}
	}
	h.subs.Store(&next)
}

func (h *Handle) dispatchAdd(obj any) {
	if h.closed.Load() {
		return
	}
	for _, s := range *h.subs.Load() {
		s.h.OnAdd(obj, false)
	}
}

func (h *Handle) dispatchUpdate(old, obj any) {
	if h.closed.Load() {
		return
	}
	for _, s := range *h.subs.Load() {
		s.h.OnUpdate(old, obj)
	}
}

func (h *Handle) dispatchDelete(obj any) {
	if h.closed.Load() {
		return
	}
	for _, s := range *h.subs.Load() {
		s.h.OnDelete(obj)
	}
}

// close marks the handle forgotten: no change is dispatched any more.
func (h *Handle) close() { h.closed.Store(true) }

// addPart adds a new, not yet running informer whose handler dispatches
// to the Handle's subscribers.
func (h *Handle) addPart(p *part) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.parts = append(h.parts, p)
	return nil
}

// dropPart stops the part for namespace ns and reports its objects to every
// subscriber as deleted, outside the Handle's lock (subscribers take their
// own locks, which callers may hold while calling into the Handle). It
// returns how many objects went, and whether there was such a part.
func (h *Handle) dropPart(ns string) (int, bool) {
	h.mu.Lock()
	var gone *part
	for i, p := range h.parts {
		if p.ns == ns {
			gone = p
			h.parts = append(h.parts[:i:i], h.parts[i+1:]...)
			break
		}
	}
	if gone == nil {
		h.mu.Unlock()
		return 0, false
	}
	_ = gone.inf.RemoveEventHandler(gone.counted)
	h.mu.Unlock()
	gone.stop()
	objs := gone.store().List()
	for _, obj := range objs {
		h.dispatchDelete(obj)
	}
	return len(objs), true
}

// decide records that access is known and every part exists.
func (h *Handle) decide() {
	h.mu.Lock()
	h.decided = true
	h.mu.Unlock()
}

// syncedChecks returns a channel per part that closes once it has listed.
func (h *Handle) syncedChecks() []<-chan struct{} {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]<-chan struct{}, len(h.parts))
	for i, p := range h.parts {
		out[i] = p.counted.HasSyncedChecker().Done()
	}
	return out
}

// snapshotScopes returns the scopes of the current parts.
func (h *Handle) snapshotScopes() []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]string, len(h.parts))
	for i, p := range h.parts {
		out[i] = p.ns
	}
	return out
}

// HandleOf wraps an informer that its caller runs and stops (benchmarks and
// tests that feed an informer themselves) as a cluster-wide Handle.
func HandleOf(k kinds.ID, inf cache.SharedIndexInformer) (*Handle, error) {
	h := newHandle(k)
	counted, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    h.dispatchAdd,
		UpdateFunc: h.dispatchUpdate,
		DeleteFunc: h.dispatchDelete,
	})
	if err != nil {
		return nil, err
	}
	if err := h.addPart(&part{inf: inf, counted: counted, stop: func() {}}); err != nil {
		return nil, err
	}
	h.decide()
	return h, nil
}
