// Package informer owns the shared informers of one session (one connected
// kubeconfig context): it registers each kind once, strips what the UI never
// needs before objects enter the store, starts informers lazily, tracks each
// kind's sync state, and stops everything when the session ends.
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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
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
	Kind       Kind
	State      State
	Err        error
	Since      time.Time
	Namespaces []string
}

// Index names registered on every informer, beside cache.NamespaceIndex.
const (
	// OwnerIndex maps an owner's UID to its dependents.
	OwnerIndex = "owner"
	// NodeIndex maps a node name to the pods bound to it.
	NodeIndex = "node"
	// InvolvedIndex maps an object's UID to the events about it.
	InvolvedIndex = "involved"
	// LabelIndex maps "key=value" to the objects with that label, for the
	// keys in IndexedLabels: selectors on them cost the size of the answer.
	LabelIndex = "label"
)

// IndexedLabels are the label keys that selectors most often name. Only
// these are indexed, so the index stays small (a few entries an object).
var IndexedLabels = []string{
	"app", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
	"k8s-app", "component", "tier", "release",
}

// ErrStopped is returned for informers asked of an owner after Stop.
var ErrStopped = errors.New("informer owner stopped")

// RecheckInterval is how long a kind the user lost access to waits before
// its access is checked again: at most a couple of checks a minute, never
// a loop of refused requests.
var RecheckInterval = 30 * time.Second

// Options configure an Owner.
type Options struct {
	Client   kubernetes.Interface
	Metadata metadata.Interface
	// Config, when set (a session sets it to what Client was built from),
	// lets the pods informer decode pods straight into summaries over a
	// connection of its own (podclient.go). Without it (fake clients) pods
	// go through Client and are summarized by the transform.
	Config *rest.Config
	// Access says where informers may run. Nil assumes cluster-wide access
	// to everything (tests with fake clients).
	Access AccessChecker
	// OnStatus, if set, is called after a kind's state changes, from an
	// informer goroutine; it must not block and must not call Stop.
	OnStatus func(Status)
	// OnWatchError, if set, is called with every list or watch error of a
	// kind, from the informer's goroutine; it must not block.
	OnWatchError func(Kind, error)
	// OnChange, if set, is called after any object of a started kind was
	// added, updated or deleted, from that kind's handler goroutine; it must
	// be cheap (the session coalesces it into status events).
	OnChange func(Kind)
	// Now is the clock for Status.Since; time.Now by default.
	Now func() time.Time
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
	entries map[Kind]*entry
}

type entry struct {
	handle   *Handle
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
		entries: map[Kind]*entry{},
	}
}

// Informer returns the kind's handle, registering the kind the first time
// it is asked for. Access is checked and informers start in the background.
func (o *Owner) Informer(k Kind) (*Handle, error) {
	if _, ok := kinds[k]; !ok {
		return nil, fmt.Errorf("unknown kind %q", k)
	}
	o.mu.Lock()
	if o.stopped {
		o.mu.Unlock()
		return nil, ErrStopped
	}
	if e, ok := o.entries[k]; ok {
		o.mu.Unlock()
		return e.handle, nil
	}
	e := &entry{handle: newHandle(k), status: Status{Kind: k, State: StateSyncing, Since: o.opts.Now()}}
	o.entries[k] = e
	e.checking.Store(true)
	o.wg.Add(1)
	o.mu.Unlock()
	o.notify(e.status)
	go func() {
		defer o.wg.Done()
		o.start(k, e)
	}()
	return e.handle, nil
}

// Recheck checks the kind's access again and starts informers where it is
// now allowed (after a RoleBinding was restored, say). It returns at once;
// a check already running makes it a no-op.
func (o *Owner) Recheck(k Kind) {
	o.mu.Lock()
	e, ok := o.entries[k]
	if !ok || o.stopped || !e.checking.CompareAndSwap(false, true) {
		o.mu.Unlock()
		return
	}
	o.wg.Add(1)
	o.mu.Unlock()
	if r, ok := o.opts.Access.(interface{ Forget() }); ok {
		r.Forget() // access may have changed since it was cached
	}
	go func() {
		defer o.wg.Done()
		o.start(k, e)
	}()
}

// start decides where k may be watched, starts the informers missing
// there, and records the kind synced once they have all listed.
func (o *Owner) start(k Kind, e *entry) {
	defer e.checking.Store(false)
	scopes, checkErr := o.scopes(k)
	if o.ctx.Err() != nil {
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
		if err := o.startPart(k, e, ns); err != nil {
			o.setStatus(k, StateError, err)
			return
		}
	}
	e.handle.decide()
	if len(scopes) == 0 && len(have) == 0 {
		err := fmt.Errorf("no access: you may not list and watch %s cluster-wide or in any namespace you can see", k)
		if checkErr != nil {
			err = fmt.Errorf("%w (%v)", err, checkErr)
		}
		o.setStatus(k, StateForbidden, err)
		return
	}
	for _, done := range e.handle.syncedChecks() {
		select {
		case <-done:
		case <-o.ctx.Done():
			return
		}
	}
	o.setStatus(k, StateSynced, nil)
}

// scopes returns "" when k may be watched cluster-wide, else the namespaces
// where it may, else none. If access cannot be checked at all, it returns
// cluster-wide, so the informer reports the real error (unreachable,
// unauthorized) and retries as informers do.
func (o *Owner) scopes(k Kind) ([]string, error) {
	if o.opts.Access == nil {
		return []string{""}, nil
	}
	gvr := kinds[k].gvr
	ok, err := o.opts.Access.Allowed(o.ctx, gvr, "")
	switch {
	case err != nil:
		return []string{""}, err
	case ok:
		return []string{""}, nil
	case !kinds[k].namespaced:
		return nil, nil
	}
	candidates, err := o.opts.Access.Namespaces(o.ctx)
	var allowed []string
	for _, ns := range candidates {
		ok, nsErr := o.opts.Access.Allowed(o.ctx, gvr, ns)
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

// startPart creates and starts k's informer for one scope ("" for
// cluster-wide, else a namespace), from a factory of its own.
func (o *Owner) startPart(k Kind, e *entry, ns string) error {
	info := kinds[k]
	transform := func(obj any) (any, error) { return strip(obj, o.strings) }
	var (
		inf   cache.SharedIndexInformer
		start func(context.Context)
		stop  func()
	)
	switch {
	case info.metadataOnly && o.opts.Metadata != nil:
		f := metadatainformer.NewFilteredSharedInformerFactory(o.opts.Metadata, 0, ns, nil)
		inf = f.ForResource(info.gvr).Informer()
		start, stop = func(ctx context.Context) { f.Start(ctx.Done()) }, f.Shutdown
	case info.metadataOnly:
		return fmt.Errorf("kind %q needs a metadata client", k)
	default:
		f := informers.NewSharedInformerFactoryWithOptions(o.opts.Client, 0, informers.WithNamespace(ns))
		if k == Pods && o.opts.Config != nil {
			rc, err := o.pods.get(o.opts.Config, o.strings, &o.wireDecoded)
			if err != nil {
				return fmt.Errorf("pods client: %w", err)
			}
			inf = f.InformerFor(&PodSummary{}, func(kubernetes.Interface, time.Duration) cache.SharedIndexInformer {
				return newPodInformer(rc, ns)
			})
		} else {
			inf = info.typed(f)
		}
		start, stop = f.StartWithContext, f.Shutdown
	}
	if err := inf.SetTransform(transform); err != nil {
		return fmt.Errorf("transform for %s: %w", k, err)
	}
	if err := inf.AddIndexers(indexersFor(k)); err != nil {
		return fmt.Errorf("add indexers for %s: %w", k, err)
	}
	if err := inf.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *cache.Reflector, err error) {
		if o.opts.OnWatchError != nil && o.ctx.Err() == nil {
			o.opts.OnWatchError(k, err)
		}
		if apierrors.IsForbidden(err) {
			o.lose(k, e, ns, err)
			return
		}
		o.setStatus(k, StateError, err)
		cache.DefaultWatchErrorHandler(ctx, r, err)
	}); err != nil {
		return fmt.Errorf("watch error handler for %s: %w", k, err)
	}
	// Counting through a handler keeps Count O(1); stores have no length.
	counted, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { e.count.Add(1); e.countIn(obj, 1); o.changed(k) },
		UpdateFunc: func(any, any) { o.changed(k) },
		DeleteFunc: func(obj any) { e.count.Add(-1); e.countIn(obj, -1); o.changed(k) },
	})
	if err != nil {
		return fmt.Errorf("count %s: %w", k, err)
	}
	ctx, cancel := context.WithCancel(o.ctx)
	p := &part{ns: ns, inf: inf, counted: counted, stop: cancel}
	if err := e.handle.addPart(p); err != nil {
		cancel()
		return fmt.Errorf("watch %s: %w", k, err)
	}
	o.mu.Lock()
	if o.stopped {
		o.mu.Unlock()
		cancel()
		return ErrStopped
	}
	o.wg.Add(1)
	o.mu.Unlock()
	start(ctx)
	go func() {
		defer o.wg.Done()
		<-ctx.Done()
		stop()
	}()
	return nil
}

// lose stops k's informer for scope ns after the API server refused it
// (a RoleBinding was removed): its objects leave the views, the kind shows
// the loss, and access is checked again after RecheckInterval, not in a
// loop. Called from the informer's own goroutine, so it must not wait.
func (o *Owner) lose(k Kind, e *entry, ns string, err error) {
	o.mu.Lock()
	if o.stopped {
		o.mu.Unlock()
		return
	}
	o.wg.Add(1)
	o.mu.Unlock()
	go func() {
		defer o.wg.Done()
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
			o.setStatus(k, StateForbidden, lost)
		} else {
			o.setStatus(k, StateSynced, lost)
		}
		select {
		case <-o.ctx.Done():
		case <-time.After(RecheckInterval):
			o.Recheck(k)
		}
	}()
}

// setStatus records a kind's new state. A watch error after the initial
// sync keeps the kind synced (its store is still whole and the reflector
// relists) but records the error.
func (o *Owner) setStatus(k Kind, s State, err error) {
	o.mu.Lock()
	e, ok := o.entries[k]
	if !ok || o.stopped {
		o.mu.Unlock()
		return
	}
	if s == StateError && e.handle.HasSynced() {
		s = StateSynced
	}
	if err == nil && s == StateSynced {
		err = e.status.Err
	}
	e.status = Status{Kind: k, State: s, Err: err, Since: o.opts.Now(), Namespaces: e.handle.Namespaces()}
	st := e.status
	o.mu.Unlock()
	o.notify(st)
}

func (o *Owner) notify(s Status) {
	if o.opts.OnStatus != nil && o.ctx.Err() == nil {
		o.opts.OnStatus(s)
	}
}

func (o *Owner) changed(k Kind) {
	if o.opts.OnChange != nil && o.ctx.Err() == nil {
		o.opts.OnChange(k)
	}
}

// Count returns the number of objects of k in its stores (0 if not started).
func (o *Owner) Count(k Kind) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e, ok := o.entries[k]; ok {
		return int(e.count.Load())
	}
	return 0
}

// CountIn returns how many objects of a namespaced kind k the cache holds
// in namespace ns, from counts its event handlers keep (no store scan).
func (o *Owner) CountIn(k Kind, ns string) int {
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

// Statuses returns every kind's state, pending ones included, in AllKinds order.
func (o *Owner) Statuses() []Status {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Status, 0, len(kinds))
	for _, k := range AllKinds() {
		if e, ok := o.entries[k]; ok {
			out = append(out, e.status)
		} else {
			out = append(out, Status{Kind: k, State: StatePending})
		}
	}
	return out
}

// Synced reports whether k's access is known and its informers have
// completed their initial lists.
func (o *Owner) Synced(k Kind) bool {
	o.mu.Lock()
	e, ok := o.entries[k]
	o.mu.Unlock()
	return ok && e.handle.HasSynced()
}

// Started returns the kinds that have been asked for, sorted.
func (o *Owner) Started() []Kind {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Kind, 0, len(o.entries))
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
// for Secrets, holds their values in plain text).
//
// Pods, by far the most numerous objects, are cut down further to what a
// row, the indexers and the related-object links read (PodSummary): the
// cache holds tens of thousands of them, and the details view fetches the
// full object from the API.
func StripForCache(obj any) (any, error) { return strip(obj, nil) }

// strip is StripForCache with pod strings interned in in (nil: none).
func strip(obj any, in *interner) (any, error) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return summarizePod(o, in), nil
	case *PodSummary:
		return o, nil // decoded straight from the wire (podwire.go)
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return obj, nil // e.g. cache.DeletedFinalStateUnknown
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
	return obj, nil
}

func indexersFor(k Kind) cache.Indexers {
	ix := cache.Indexers{OwnerIndex: ownerUIDs, LabelIndex: indexedLabels}
	switch k {
	case Pods:
		ix[NodeIndex] = func(obj any) ([]string, error) {
			if p, ok := obj.(*PodSummary); ok && p.NodeName != "" {
				return []string{p.NodeName}, nil
			}
			return nil, nil
		}
	case Events:
		ix[InvolvedIndex] = func(obj any) ([]string, error) {
			if e, ok := obj.(*corev1.Event); ok && e.InvolvedObject.UID != "" {
				return []string{string(e.InvolvedObject.UID)}, nil
			}
			return nil, nil
		}
	}
	return ix
}

func indexedLabels(obj any) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	labels := m.GetLabels()
	var out []string
	for _, k := range IndexedLabels {
		if v, ok := labels[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out, nil
}

func ownerUIDs(obj any) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	refs := m.GetOwnerReferences()
	if len(refs) == 0 {
		return nil, nil
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = string(r.UID)
	}
	return out, nil
}
