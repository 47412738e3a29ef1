package kinds

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"crowsnest/backend/model"
)

// builtins are the kinds described in this package, by ID; their files
// register them at init.
var builtins = map[ID]*Kind{}

// register adds a built-in kind. Its ID must be new, its columns' IDs
// unique, and it must say how it is cached.
func register(k *Kind) {
	if _, dup := builtins[k.ID]; dup {
		panic("kinds: " + string(k.ID) + " registered twice")
	}
	if err := k.check(); err != nil {
		panic("kinds: " + err.Error())
	}
	if !k.Derived {
		k.Actions = withDelete(k.Actions)
	}
	builtins[k.ID] = k
}

// check reports what makes a kind unusable: duplicate or missing columns,
// a typed kind without an informer, a dynamic one without a summarizer.
func (k *Kind) check() error {
	seen := map[string]bool{}
	for _, c := range k.Columns {
		if c.ID == "" || seen[c.ID] {
			return fmt.Errorf("%s: column id %q empty or repeated", k.ID, c.ID)
		}
		seen[c.ID] = true
		if c.from == fromValue && c.Value == nil {
			return fmt.Errorf("%s: column %q has no value", k.ID, c.ID)
		}
		if c.from == fromUsage && k.UsageOf == "" {
			return fmt.Errorf("%s: usage column %q without UsageOf", k.ID, c.ID)
		}
		if c.from == fromStatus && k.Status == nil {
			return fmt.Errorf("%s: status column without a Status function", k.ID)
		}
	}
	if !seen["name"] {
		return fmt.Errorf("%s: no name column", k.ID)
	}
	if k.Namespaced != seen["namespace"] {
		return fmt.Errorf("%s: a namespace column is for namespaced kinds only", k.ID)
	}
	switch {
	case !k.Watchable():
	case k.Cache == Typed && k.NewInformer == nil:
		return fmt.Errorf("%s: typed kind without NewInformer", k.ID)
	case k.Cache == Dynamic && k.Summarize == nil:
		return fmt.Errorf("%s: dynamic kind without Summarize", k.ID)
	}
	if (k.Collapse == nil) != (k.CollapseKey == nil) {
		return fmt.Errorf("%s: Collapse and CollapseKey go together", k.ID)
	}
	if k.OwnLogs && k.PodSelector != nil {
		return fmt.Errorf("%s: both its own logs and a pod selector", k.ID)
	}
	if k.PodSelector != nil && !k.Namespaced {
		return fmt.Errorf("%s: a pod selector on a cluster-scoped kind", k.ID)
	}
	if k.SortBy != "" && !seen[k.SortBy] {
		return fmt.Errorf("%s: sorts by unknown column %q", k.ID, k.SortBy)
	}
	return nil
}

// Builtin returns a built-in kind by ID, or nil.
func Builtin(id ID) *Kind { return builtins[id] }

// Builtins returns every built-in kind in display order.
func Builtins() []*Kind {
	out := make([]*Kind, 0, len(builtins))
	for _, k := range builtins {
		out = append(out, k)
	}
	sortKinds(out)
	return out
}

// Registry is the set of kinds one session serves: the built-in kinds its
// server serves and the kinds learnt from it (custom resources, aggregated
// APIs). Lookup is the one place that decides "unknown kind". Its methods
// may be called from any goroutine; Kinds are immutable, so a Kind looked
// up stays valid (if stale) after an update replaces it.
type Registry struct {
	mu      sync.RWMutex
	version uint64
	byID    map[ID]*Kind
	byGK    map[schema.GroupKind]*Kind
	ordered []*Kind
}

// NewRegistry returns a registry of the built-in kinds, at version 1.
func NewRegistry() *Registry {
	r := &Registry{version: 1}
	r.set(Builtins())
	return r
}

func (r *Registry) set(ks []*Kind) {
	sortKinds(ks)
	r.ordered = ks
	r.byID = make(map[ID]*Kind, len(ks))
	r.byGK = make(map[schema.GroupKind]*Kind, len(ks))
	for _, k := range ks {
		r.byID[k.ID] = k
		// A derived kind is no API kind: nothing names it by group and kind.
		if _, taken := r.byGK[k.GroupKind()]; !taken && !k.Derived {
			r.byGK[k.GroupKind()] = k
		}
	}
}

// Lookup returns the kind named id, or an error wrapping ErrUnknownKind.
func (r *Registry) Lookup(id string) (*Kind, error) {
	r.mu.RLock()
	k, ok := r.byID[ID(id)]
	r.mu.RUnlock()
	if !ok {
		if len(id) > 80 {
			id = id[:80] + "…"
		}
		return nil, fmt.Errorf("%w %q", ErrUnknownKind, id)
	}
	return k, nil
}

// ForGroupKind returns the kind of an API group and kind, as owner
// references name them.
func (r *Registry) ForGroupKind(group, kind string) (*Kind, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.byGK[schema.GroupKind{Group: group, Kind: kind}]
	return k, ok
}

// All returns every kind in display order; the slice must not be modified.
func (r *Registry) All() []*Kind {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.ordered
}

// Version grows with every change to the set of kinds.
func (r *Registry) Version() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.version
}

// List is the kinds as the page sees them.
func (r *Registry) List(generation uint64) model.KindList {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := model.KindList{Generation: generation, Version: r.version, Kinds: make([]model.KindInfo, len(r.ordered))}
	for i, k := range r.ordered {
		out.Kinds[i] = k.Info()
	}
	return out
}

// Serve replaces what the server is known to serve: learnt are the kinds
// it serves beyond the built-in ones (from discovery and CRDs), and
// served reports whether it serves a built-in kind's resource (nil: every
// one). A built-in kind the server does not serve stays listed, as
// unavailable. A learnt kind with a built-in kind's group and resource is
// ignored. Serve returns the IDs of kinds that changed or went, whose
// caches must be dropped, and moves the version if anything changed.
func (r *Registry) Serve(learnt []*Kind, served func(schema.GroupVersionResource) bool) (stale []ID) {
	next := make([]*Kind, 0, len(builtins)+len(learnt))
	builtinGR := map[schema.GroupResource]bool{}
	for _, k := range Builtins() {
		builtinGR[k.GVR.GroupResource()] = true
		if served != nil && !served(k.GVR) {
			missing := *k
			missing.Unavailable = fmt.Sprintf("this cluster does not serve %s", gvrText(k.GVR))
			k = &missing
		}
		next = append(next, k)
	}
	seen := map[ID]bool{}
	for _, k := range learnt {
		if builtinGR[k.GVR.GroupResource()] || seen[k.ID] {
			continue
		}
		seen[k.ID] = true
		next = append(next, k)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	// A kind described as before keeps its old description, so that its
	// informer, views and details watches (which compare descriptions)
	// carry on untouched.
	for i, k := range next {
		if old, ok := r.byID[k.ID]; ok && same(old, k) {
			next[i] = old
		}
	}
	now := map[ID]*Kind{}
	for _, k := range next {
		now[k.ID] = k
	}
	for id, old := range r.byID {
		if k, ok := now[id]; !ok || !same(old, k) {
			stale = append(stale, id)
		}
	}
	added := false
	for id := range now {
		if _, ok := r.byID[id]; !ok {
			added = true
		}
	}
	if len(stale) > 0 || added {
		r.version++
		r.set(next)
	}
	slices.Sort(stale)
	return stale
}

// same reports whether two descriptions of one kind would cache and show
// it the same way.
func same(a, b *Kind) bool {
	if a == b {
		return true
	}
	if a.GVR != b.GVR || a.Namespaced != b.Namespaced || a.Unavailable != b.Unavailable ||
		a.Label != b.Label || a.APIKind != b.APIKind || len(a.Columns) != len(b.Columns) ||
		a.signature != b.signature || !slices.Equal(a.ShortNames, b.ShortNames) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i].Column != b.Columns[i].Column {
			return false
		}
	}
	return true
}

func gvrText(gvr schema.GroupVersionResource) string {
	if gvr.Group == "" {
		return gvr.Resource + " (" + gvr.Version + ")"
	}
	return gvr.Resource + "." + gvr.Group + " (" + gvr.Version + ")"
}

// sortKinds orders kinds by navigation group, then built-in rank, then API
// group and label.
func sortKinds(ks []*Kind) {
	nav := func(k *Kind) int {
		if i := slices.Index(navOrder, k.Nav); i >= 0 {
			return i
		}
		return len(navOrder)
	}
	slices.SortStableFunc(ks, func(a, b *Kind) int {
		if d := nav(a) - nav(b); d != 0 {
			return d
		}
		if d := a.Rank - b.Rank; d != 0 {
			return d
		}
		if c := strings.Compare(a.GVR.Group, b.GVR.Group); c != 0 {
			return c
		}
		if c := strings.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
}
