package informer

import (
	"sync"

	"k8s.io/client-go/tools/cache"
)

// Handle is one kind's cache in a session, whatever the user may see of it:
// one informer when the kind may be listed and watched cluster-wide, one per
// namespace when only some namespaces allow it, none when nothing does.
// Queries and views read a Handle the same way in every case.
//
// Parts appear after the Handle is returned (access is checked in the
// background, so no caller waits on the API server) and may go again when
// access is lost; event handlers see the objects of a part that goes as
// deleted. All methods may be called from any goroutine. Objects returned
// are shared with the stores and must NEVER be modified.
type Handle struct {
	kind Kind

	mu       sync.RWMutex
	parts    []*part
	handlers map[*Registration]cache.ResourceEventHandler
	decided  bool // access is known and every part exists
}

// part is one informer of a Handle: cluster-wide (ns "") or one namespace.
type part struct {
	ns      string
	inf     cache.SharedIndexInformer
	stop    func() // cancels the informer's context
	counted cache.ResourceEventHandlerRegistration
	regs    map[*Registration]cache.ResourceEventHandlerRegistration
}

// Registration identifies an event handler added to a Handle.
type Registration struct{ _ byte }

func newHandle(k Kind) *Handle {
	return &Handle{kind: k, handlers: map[*Registration]cache.ResourceEventHandler{}}
}

// Kind returns the handle's kind.
func (h *Handle) Kind() Kind { return h.kind }

// List returns every cached object of the kind.
func (h *Handle) List() []any {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.parts) == 1 {
		return h.parts[0].inf.GetStore().List()
	}
	var out []any
	for _, p := range h.parts {
		out = append(out, p.inf.GetStore().List()...)
	}
	return out
}

// ByIndex returns the objects whose index named index holds value.
func (h *Handle) ByIndex(index, value string) ([]any, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []any
	for _, p := range h.parts {
		objs, err := p.inf.GetIndexer().ByIndex(index, value)
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
		if obj, ok, err := p.inf.GetIndexer().GetByKey(key); err != nil || ok {
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

// AddEventHandler adds handler to every part, now and to come. Like an
// informer's, it first receives the objects already cached, as adds.
func (h *Handle) AddEventHandler(handler cache.ResourceEventHandler) (*Registration, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	reg := &Registration{}
	for _, p := range h.parts {
		r, err := p.inf.AddEventHandler(handler)
		if err != nil {
			h.removeLocked(reg)
			return nil, err
		}
		p.regs[reg] = r
	}
	h.handlers[reg] = handler
	return reg, nil
}

// RemoveEventHandler removes a handler added by AddEventHandler.
func (h *Handle) RemoveEventHandler(reg *Registration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(reg)
}

func (h *Handle) removeLocked(reg *Registration) {
	delete(h.handlers, reg)
	for _, p := range h.parts {
		if r, ok := p.regs[reg]; ok {
			_ = p.inf.RemoveEventHandler(r)
			delete(p.regs, reg)
		}
	}
}

// addPart attaches a new, not yet running informer to every handler.
func (h *Handle) addPart(p *part) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	p.regs = map[*Registration]cache.ResourceEventHandlerRegistration{}
	for reg, handler := range h.handlers {
		r, err := p.inf.AddEventHandler(handler)
		if err != nil {
			return err
		}
		p.regs[reg] = r
	}
	h.parts = append(h.parts, p)
	return nil
}

// dropPart stops the part for namespace ns and reports its objects to every
// handler as deleted, outside the Handle's lock (handlers take their own
// locks, which callers may hold while calling into the Handle). It returns
// how many objects went, and whether there was such a part.
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
	handlers := make([]cache.ResourceEventHandler, 0, len(gone.regs))
	for reg, r := range gone.regs {
		_ = gone.inf.RemoveEventHandler(r)
		handlers = append(handlers, h.handlers[reg])
	}
	_ = gone.inf.RemoveEventHandler(gone.counted)
	h.mu.Unlock()
	gone.stop()
	objs := gone.inf.GetStore().List()
	for _, handler := range handlers {
		for _, obj := range objs {
			handler.OnDelete(obj)
		}
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
func HandleOf(k Kind, inf cache.SharedIndexInformer) (*Handle, error) {
	counted, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{})
	if err != nil {
		return nil, err
	}
	h := newHandle(k)
	if err := h.addPart(&part{inf: inf, counted: counted, stop: func() {}}); err != nil {
		return nil, err
	}
	h.decide()
	return h, nil
}
