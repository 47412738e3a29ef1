// Package informer owns the shared informers of one session (one connected
// kubeconfig context): it registers each kind once, keeps of each object
// only what the kind's description (backend/kinds) says the UI reads,
// starts informers lazily, tracks each kind's sync state, hands every
// change to the kind's subscribers (views, details), and stops everything
// when the session ends or a kind goes away.
package informer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
)

// State is where a kind's informer is in its life.
type State string

// States of a kind's informer.
const (
	StatePending   State = "pending"   // nobody asked for the kind yet
	StateSyncing   State = "syncing"   // access being checked, or the initial list not complete
	StateSynced    State = "synced"    // the store holds the whole list and follows the watch
	StateError     State = "error"     // the last list or watch failed; the reflector retries with backoff
	StateForbidden State = "forbidden" // the user may not list and watch it anywhere (or lost access)
)

// Status is one kind's state. Err is the last list/watch error, kept after
// the kind syncs so the UI can say what went wrong and when. Namespaces is
// nil when the kind is cached cluster-wide, else the namespaces it is
// cached for (the user may not list it cluster-wide).
type Status struct {
	Kind       kinds.ID
	State      State
	Err        error
	Since      time.Time
	Namespaces []string
}

// ErrStopped is returned for informers asked of an owner after Stop.
var ErrStopped = errors.New("informer owner stopped")

// RecheckInterval is how long a kind the user lost access to waits before
// its access is checked again: at most a couple of checks a minute, never
// a loop of refused requests.
var RecheckInterval = 30 * time.Second

// Options configure an Owner.
type Options struct {
	Client     kubernetes.Interface
	Metadata   metadata.Interface
	Dynamic    dynamic.Interface
	Extensions apiextensionsclient.Interface
	// Kinds, when set, is the session's registry: a kind asked for with a
	// description older than the registry's is served the current one.
	// Config, when set (a session sets it to what Client was built from),
	// lets the pods informer decode pods straight into summaries over a
	// connection of its own (podclient.go). Without it (fake clients) pods
	// go through Client and are summarized by the transform.
	Config *rest.Config
	Kinds  *kinds.Registry
	// Access says where informers may run. Nil assumes cluster-wide access
	// to everything (tests with fake clients).
	Access AccessChecker
	// OnStatus, if set, is called after a kind's state changes, from an
	// informer goroutine; it must not block and must not call Stop.
	OnStatus func(Status)
	// OnWatchError, if set, is called with every list or watch error of a
	// kind, from the informer's goroutine; it must not block.
	OnWatchError func(kinds.ID, error)
	// OnChange, if set, is called after any object of a started kind was
	// added, updated or deleted, from that kind's handler goroutine; it must
	// be cheap (the session coalesces it into status events).
	OnChange func(kinds.ID)
	// Observer, if set, hears what the informers receive, for the change
	// timeline (see Observer).
	Observer Observer
	// Now is the clock for Status.Since; time.Now by default.
	Now func() time.Time
}

// Observer hears what the informers receive: the session's change
// timeline (backend/changes). Received is called by a kind's transform,
// on its reflector's goroutine, with each object as it arrives, before
// managedFields are stripped (not for pods, which are decoded without
// them). Started and WatchFailed say when a kind's watch starts and when
// it fails. Added, Updated and Deleted come from the kind's one handler,
// in the informer's order (initial marks the objects of a first list).
// None may block, and none may modify the objects.
type Observer interface {
	Received(k *kinds.Kind, obj any)
	Started(k *kinds.Kind)
	WatchFailed(k *kinds.Kind, err error)
	Added(k *kinds.Kind, obj any, initial bool)
	Updated(k *kinds.Kind, old, obj any)
	Deleted(k *kinds.Kind, obj any)
}

// Owner owns the informers of one session. It is the registry that makes
// them shared: each kind is registered once, so however many callers ask,
// the API server sees one LIST+WATCH per kind (per allowed namespace, for
// a kind the user may not list cluster-wide). Each informer comes from a
// SharedInformerFactory of its own scope and runs under its own context,
// so that losing access to one kind in one namespace stops just that
// informer.
//
// Informer may be called from any goroutine, any number of times; it never
// waits on the API server. Objects in the stores have had managedFields and
// the last-applied-configuration annotation removed (pods are slimmed
// further); they are shared and must NEVER be modified.
//
// Stop cancels every informer and returns only after they have shut down
// and every goroutine the Owner started has ended; OnStatus is never
// called after Stop returns.
type Owner struct {
	ctx     context.Context
	cancel  context.CancelFunc
	opts    Options
	strings *interner
	wg      sync.WaitGroup
	pods    podREST
	// wireDecoded counts pods decoded straight from the wire (tests check
	// that sessions take that path).
	wireDecoded atomic.Int64

	mu      sync.Mutex
	stopped bool
	entries map[kinds.ID]*entry
}

type entry struct {
	kind   *kinds.Kind
	handle *Handle
	// kctx is the kind's context, cancelled by stop (Forget) or when the
	// owner stops; wg counts the kind's goroutines.
	kctx     context.Context
	stop     func()
	wg       sync.WaitGroup
	status   Status
	count    atomic.Int64 // objects in the stores, kept by event handlers
	checking atomic.Bool  // an access (re)check is running

	nsMu sync.Mutex
	inNS map[string]int // objects per namespace, for namespaced kinds
}

// countIn adds d to the count of obj's namespace.
func (e *entry) countIn(obj any, d int) {
	var ns string
	if gone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		ns, _, _ = cache.SplitMetaNamespaceKey(gone.Key)
	} else if m, err := meta.Accessor(obj); err == nil {
		ns = m.GetNamespace()
	}
	if ns == "" {
		return
	}
	e.nsMu.Lock()
	defer e.nsMu.Unlock()
	if e.inNS == nil {
		e.inNS = map[string]int{}
	}
	if n := e.inNS[ns] + d; n > 0 {
		e.inNS[ns] = n
	} else {
		delete(e.inNS, ns)
	}
}

// dropCounts forgets the counts of a dropped part: one namespace's, or all
// of them for the cluster-wide part.
func (e *entry) dropCounts(ns string) {
	e.nsMu.Lock()
	defer e.nsMu.Unlock()
	if ns == "" {
		clear(e.inNS)
	} else {
		delete(e.inNS, ns)
	}
}

// New returns an Owner whose informers live until ctx is done or Stop.
func New(ctx context.Context, opts Options) *Owner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	return &Owner{
		ctx:     ctx,
		cancel:  cancel,
		opts:    opts,
		strings: newInterner(),
		entries: map[kinds.ID]*entry{},
	}
}

// Informer returns the kind's handle, registering the kind the first time
// it is asked for. Access is checked and informers start in the background.
// A kind whose description changed (a CRD's served version or columns)
// replaces the old one's informers; a caller holding an older description
// than the registry's gets the current one's handle.
func (o *Owner) Informer(k *kinds.Kind) (*Handle, error) {
	if !k.Watchable() {
		return nil, fmt.Errorf("%s cannot be listed: %s", k.Label, k.Unavailable)
	}
	o.mu.Lock()
	if o.stopped {
		o.mu.Unlock()
		return nil, ErrStopped
	}
	e, ok := o.entries[k.ID]
	if ok && (e.kind == k || !o.current(k)) {
		o.mu.Unlock()
		return e.handle, nil
	}
	if ok {
		o.forgetLocked(e)
	}
	ctx, cancel := context.WithCancel(o.ctx)
	e = &entry{kind: k, handle: newHandle(k.ID), kctx: ctx, stop: cancel,
		status: Status{Kind: k.ID, State: StateSyncing, Since: o.opts.Now()}}
	o.entries[k.ID] = e
	e.checking.Store(true)
	o.wg.Add(1)
	e.wg.Add(1)
	o.mu.Unlock()
	o.notify(e.status)
	go func() {
		defer o.wg.Done()
		defer e.wg.Done()
		o.start(ctx, e)
	}()
	return e.handle, nil
}

// current reports whether k is the registry's description of its kind.
func (o *Owner) current(k *kinds.Kind) bool {
	if o.opts.Kinds == nil {
		return true
	}
	now, err := o.opts.Kinds.Lookup(string(k.ID))
	return err == nil && now == k
}

// Forget stops a kind's informers and forgets the kind: its CRD was
// deleted or changed. Its handle's subscribers hear nothing more (the
// caller tells them why), and no request for the kind follows. It returns
// once the kind's informers have stopped.
func (o *Owner) Forget(id kinds.ID) {
	o.mu.Lock()
	e, ok := o.entries[id]
	if !ok || o.stopped {
		o.mu.Unlock()
		return
	}
	o.forgetLocked(e)
	o.mu.Unlock()
	e.wg.Wait()
}

func (o *Owner) forgetLocked(e *entry) {
	delete(o.entries, e.kind.ID)
	e.handle.close()
	e.stop()
}

// Recheck checks the kind's access again and starts informers where it is
// now allowed (after a RoleBinding was restored, say). It returns at once;
// a check already running makes it a no-op.
func (o *Owner) Recheck(k kinds.ID) {
	o.mu.Lock()
	e, ok := o.entries[k]
	if !ok || o.stopped || !e.checking.CompareAndSwap(false, true) {
		o.mu.Unlock()
		return
	}
	o.wg.Add(1)
	e.wg.Add(1)
	o.mu.Unlock()
	if r, ok := o.opts.Access.(interface{ Forget() }); ok {
		r.Forget() // access may have changed since it was cached
	}
	go func() {
		defer o.wg.Done()
		defer e.wg.Done()
		o.start(e.ctx(), e)
	}()
}

// start decides where k may be watched, starts the informers missing
// there, and records the kind synced once they have all listed.
func (o *Owner) start(ctx context.Context, e *entry) {
	defer e.checking.Store(false)
	k := e.kind
	scopes, checkErr := o.scopes(ctx, k)
	if ctx.Err() != nil {
		return
	}
	have := map[string]bool{}
	for _, p := range e.handle.snapshotScopes() {
		have[p] = true
	}
	for _, ns := range scopes {
		if have[ns] {
			continue
		}
		if err := o.startPart(ctx, e, ns); err != nil {
			o.setStatus(e, StateError, err)
			return
		}
	}
	e.handle.decide()
	if len(scopes) == 0 && len(have) == 0 {
		err := fmt.Errorf("no access: you may not list and watch %s cluster-wide or in any namespace you can see", k.GVR.GroupResource())
		if checkErr != nil {
			err = fmt.Errorf("%w (%v)", err, checkErr)
		}
		o.setStatus(e, StateForbidden, err)
		return
	}
	for _, done := range e.handle.syncedChecks() {
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
	o.setStatus(e, StateSynced, nil)
}

// scopes returns "" when k may be watched cluster-wide, else the namespaces
// where it may, else none. If access cannot be checked at all, it returns
// cluster-wide, so the informer reports the real error (unreachable,
// unauthorized) and retries as informers do.
func (o *Owner) scopes(ctx context.Context, k *kinds.Kind) ([]string, error) {
	if o.opts.Access == nil {
		return []string{""}, nil
	}
	ok, err := o.opts.Access.Allowed(ctx, k.GVR, "")
	switch {
	case err != nil:
		return []string{""}, err
	case ok:
		return []string{""}, nil
	case !k.Namespaced:
		return nil, nil
	}
	candidates, err := o.opts.Access.Namespaces(ctx)
	var allowed []string
	for _, ns := range candidates {
		ok, nsErr := o.opts.Access.Allowed(ctx, k.GVR, ns)
		if nsErr != nil {
			err = nsErr
			continue
		}
		if ok {
			allowed = append(allowed, ns)
		}
	}
	return allowed, err
}

// startPart creates and starts the kind's informer for one scope (""
// for cluster-wide), under ctx, the kind's own context.
func (o *Owner) startPart(ctx context.Context, e *entry, ns string) error {
	k := e.kind
	inf, transform, err := o.newInformer(k, ns)
	if err != nil {
		return err
	}
	if err := inf.SetTransform(transform); err != nil {
		return fmt.Errorf("transform for %s: %w", k, err)
	}
	if err := inf.AddIndexers(k.AllIndexers()); err != nil {
		return fmt.Errorf("add indexers for %s: %w", k, err)
	}
	if err := inf.SetWatchErrorHandlerWithContext(func(wctx context.Context, r *cache.Reflector, err error) {
		if o.opts.OnWatchError != nil && ctx.Err() == nil {
			o.opts.OnWatchError(k.ID, err)
		}
		if obs := o.opts.Observer; obs != nil && ctx.Err() == nil {
			obs.WatchFailed(k, err)
		}
		if apierrors.IsForbidden(err) {
			o.lose(e, ns, err)
			return
		}
		o.setStatus(e, StateError, err)
		cache.DefaultWatchErrorHandler(wctx, r, err)
	}); err != nil {
		return fmt.Errorf("watch error handler for %s: %w", k, err)
	}
	// The one handler of this informer: it keeps the counts (stores have
	// no length) and hands every change to the Handle's subscribers, so a
	// new view costs no replay of the kind.
	// The change timeline (Observer) sits in this handler too.
	h := e.handle
	var derived cache.Indexer
	obs := o.opts.Observer
	handler := cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initial bool) {
			e.count.Add(1)
			e.countIn(obj, 1)
			o.changed(k.ID)
			h.dispatchAdd(obj)
			if obs != nil {
				obs.Added(k, obj, initial)
			}
		},
		UpdateFunc: func(old, obj any) {
			o.changed(k.ID)
			h.dispatchUpdate(old, obj)
			if obs != nil {
				obs.Updated(k, old, obj)
			}
		},
		DeleteFunc: func(obj any) {
			e.count.Add(-1)
			e.countIn(obj, -1)
			o.changed(k.ID)
			h.dispatchDelete(obj)
			if obs != nil {
				obs.Deleted(k, obj)
			}
		},
	}
	var counted cache.ResourceEventHandlerRegistration
	if k.Collapse != nil {
		c := newCollapser(k, handler)
		derived = c.store
		counted, err = inf.AddEventHandler(c)
	} else {
		counted, err = inf.AddEventHandler(handler)
	}
	if err != nil {
		return fmt.Errorf("count %s: %w", k, err)
	}
	pctx, cancel := context.WithCancel(ctx)
	p := &part{ns: ns, inf: inf, counted: counted, stop: cancel, derived: derived}
	if err := h.addPart(p); err != nil {
		cancel()
		return fmt.Errorf("watch %s: %w", k, err)
	}
	o.mu.Lock()
	if o.stopped || ctx.Err() != nil {
		o.mu.Unlock()
		cancel()
		return ErrStopped
	}
	o.wg.Add(1)
	e.wg.Add(1)
	o.mu.Unlock()
	if obs != nil {
		obs.Started(k)
	}
	go func() {
		defer o.wg.Done()
		defer e.wg.Done()
		inf.RunWithContext(pctx) // returns once its handlers have stopped
	}()
	return nil
}

// newInformer builds k's informer for scope ns and the transform that
// cuts its objects down to what the cache keeps.
func (o *Owner) newInformer(k *kinds.Kind, ns string) (cache.SharedIndexInformer, cache.TransformFunc, error) {
	obs := o.opts.Observer
	strip := func(obj any) (any, error) {
		if obs != nil {
			obs.Received(k, obj)
		}
		return strip(obj, k.Slim), nil
	}
	nsIndex := cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}
	switch k.Cache {
	case kinds.PodSummaries:
		summarize := func(obj any) (any, error) {
			if p, ok := obj.(*corev1.Pod); ok {
				return kinds.SummarizePod(p, o.strings.str), nil
			}
			return obj, nil // a summary read from the wire, or a tombstone
		}
		if o.opts.Config == nil {
			return k.NewInformer(o.clients(), ns), summarize, nil
		}
		rc, err := o.pods.get(o.opts.Config, o.strings, &o.wireDecoded)
		if err != nil {
			return nil, nil, fmt.Errorf("pods client: %w", err)
		}
		return newPodInformer(rc, ns), summarize, nil
	case kinds.Metadata:
		if o.opts.Metadata == nil {
			return nil, nil, fmt.Errorf("%s needs a metadata client", k)
		}
		return metadatainformer.NewFilteredMetadataInformer(o.opts.Metadata, k.GVR, ns, 0, nsIndex, nil).Informer(), strip, nil
	case kinds.Dynamic:
		if o.opts.Dynamic == nil {
			return nil, nil, fmt.Errorf("%s needs a dynamic client", k)
		}
		summarize := func(obj any) (any, error) {
			if _, gone := obj.(cache.DeletedFinalStateUnknown); gone {
				return obj, nil
			}
			if obs != nil {
				obs.Received(k, obj)
			}
			return k.Summarize(obj, o.strings.str)
		}
		return dynamicinformer.NewFilteredDynamicInformer(o.opts.Dynamic, k.GVR, ns, 0, nsIndex, nil).Informer(), summarize, nil
	default:
		if k.GVR.Group == apiextensionsv1.GroupName && o.opts.Extensions == nil {
			return nil, nil, fmt.Errorf("%s needs an apiextensions client", k)
		}
		return k.NewInformer(o.clients(), ns), strip, nil
	}
}

func (o *Owner) clients() kinds.Clients {
	return kinds.Clients{Kube: o.opts.Client, Extensions: o.opts.Extensions}
}

// lose stops k's informer for scope ns after the API server refused it
// (a RoleBinding was removed): its objects leave the views, the kind shows
// the loss, and access is checked again after RecheckInterval, not in a
// loop. Called from the informer's own goroutine, so it must not wait.
func (o *Owner) lose(e *entry, ns string, err error) {
	k := e.kind.ID
	o.mu.Lock()
	if o.stopped {
		o.mu.Unlock()
		return
	}
	o.wg.Add(1)
	e.wg.Add(1)
	o.mu.Unlock()
	go func() {
		defer o.wg.Done()
		defer e.wg.Done()
		gone, found := e.handle.dropPart(ns)
		if !found {
			return // another error of the same informer got here first
		}
		e.count.Add(-int64(gone))
		e.dropCounts(ns)
		o.changed(k)
		where := "cluster-wide"
		if ns != "" {
			where = "in namespace " + ns
		}
		lost := fmt.Errorf("access lost %s: %w", where, err)
		if len(e.handle.snapshotScopes()) == 0 {
			o.setStatus(e, StateForbidden, lost)
		} else {
			o.setStatus(e, StateSynced, lost)
		}
		select {
		case <-e.ctx().Done():
		case <-time.After(RecheckInterval):
			o.Recheck(k)
		}
	}()
}

// setStatus records a kind's new state. A watch error after the initial
// sync keeps the kind synced (its store is still whole and the reflector
// relists) but records the error.
func (o *Owner) setStatus(e *entry, s State, err error) {
	o.mu.Lock()
	if o.stopped || o.entries[e.kind.ID] != e {
		o.mu.Unlock()
		return
	}
	if s == StateError && e.handle.HasSynced() {
		s = StateSynced
	}
	if err == nil && s == StateSynced {
		err = e.status.Err
	}
	e.status = Status{Kind: e.kind.ID, State: s, Err: err, Since: o.opts.Now(), Namespaces: e.handle.Namespaces()}
	st := e.status
	o.mu.Unlock()
	o.notify(st)
}

func (o *Owner) notify(s Status) {
	if o.opts.OnStatus != nil && o.ctx.Err() == nil {
		o.opts.OnStatus(s)
	}
}

func (o *Owner) changed(k kinds.ID) {
	if o.opts.OnChange != nil && o.ctx.Err() == nil {
		o.opts.OnChange(k)
	}
}

// Count returns the number of objects of k in its stores (0 if not started).
func (o *Owner) Count(k kinds.ID) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e, ok := o.entries[k]; ok {
		return int(e.count.Load())
	}
	return 0
}

// CountIn returns how many objects of a namespaced kind k the cache holds
// in namespace ns, from counts its event handlers keep (no store scan).
func (o *Owner) CountIn(k kinds.ID, ns string) int {
	o.mu.Lock()
	e, ok := o.entries[k]
	o.mu.Unlock()
	if !ok {
		return 0
	}
	e.nsMu.Lock()
	defer e.nsMu.Unlock()
	return e.inNS[ns]
}

// Statuses returns the state of every kind asked for, by ID.
func (o *Owner) Statuses() []Status {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Status, 0, len(o.entries))
	for _, e := range o.entries {
		out = append(out, e.status)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Status returns one kind's state; StatePending if nobody asked for it.
func (o *Owner) Status(k kinds.ID) Status {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e, ok := o.entries[k]; ok {
		return e.status
	}
	return Status{Kind: k, State: StatePending}
}

// Synced reports whether k's access is known and its informers have
// completed their initial lists.
func (o *Owner) Synced(k kinds.ID) bool {
	o.mu.Lock()
	e, ok := o.entries[k]
	o.mu.Unlock()
	return ok && e.handle.HasSynced()
}

// Started returns the kinds that have been asked for, sorted.
func (o *Owner) Started() []kinds.ID {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]kinds.ID, 0, len(o.entries))
	for k := range o.entries {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Stop cancels every informer and waits until they and the Owner's own
// goroutines have ended. It is safe to call more than once.
func (o *Owner) Stop() {
	o.mu.Lock()
	o.stopped = true
	o.mu.Unlock()
	o.cancel()
	o.wg.Wait()
	o.pods.close()
}

// StripForCache removes what no view needs before an object enters a
// store: managedFields (often half an object's size) and the
// last-applied-configuration annotation (a second copy of the object that,
// for Secrets, holds their values in plain text). Pods and custom
// resources are cut down much further, to summaries (backend/kinds).
func StripForCache(obj any) (any, error) { return strip(obj, nil), nil }

// strip is StripForCache followed by the kind's own slimming, if any.
func strip(obj any, slim func(any) any) any {
	m, err := meta.Accessor(obj)
	if err != nil {
		return obj // e.g. cache.DeletedFinalStateUnknown
	}
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a != nil {
		if _, ok := a[corev1.LastAppliedConfigAnnotation]; ok {
			delete(a, corev1.LastAppliedConfigAnnotation)
			if len(a) == 0 {
				m.SetAnnotations(nil)
			}
		}
	}
	if slim != nil {
		return slim(obj)
	}
	return obj
}

// ctx is the kind's context: done once it is forgotten or the owner stops.
func (e *entry) ctx() context.Context { return e.kctx }
