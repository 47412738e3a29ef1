package view

import (
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// entry is one object of a kind as views hold it: the cached object itself
// (immutable, as everything in an informer store), the metadata that
// namespace, label and the default sorts read, and its row once something
// needed it. Entries are shared by every view of the kind; an object that
// changes gets a new entry.
type entry struct {
	obj     any
	key     string
	ns      string
	name    string
	rv      string
	created int64
	labels  map[string]string
	proj    atomic.Pointer[projected]
}

// projected is an entry's row and the numbers its numeric cells sort by
// (NaN where a cell is empty or does not parse).
type projected struct {
	row  model.Row
	nums []float64
}

func newEntry(obj any) *entry {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil
	}
	e := &entry{obj: obj, ns: m.GetNamespace(), name: m.GetName(), rv: m.GetResourceVersion(),
		created: m.GetCreationTimestamp().Unix(), labels: m.GetLabels()}
	e.key = kinds.Key(e.ns, e.name)
	return e
}

// project returns the entry's row as kind k shows it, projecting it the
// first time. Projecting costs far more than reading metadata, so views
// sorted by namespace, name or age project only the rows of the windows
// asked for. Safe from any goroutine: two callers may both project, and
// either result is the same.
func (e *entry) project(k *kinds.Kind) *projected {
	if p := e.proj.Load(); p != nil {
		return p
	}
	p := &projected{row: k.Row(e.obj)}
	for i, c := range k.Columns {
		if !kinds.Numeric(c.Type) {
			continue
		}
		if p.nums == nil {
			p.nums = make([]float64, len(k.Columns))
		}
		n, ok := kinds.Number(c.Type, p.row.Cells[i])
		if !ok {
			n = nan
		}
		p.nums[i] = n
	}
	e.proj.Store(p)
	return p
}

// base is every object of one kind in the default order (namespace, then
// name), shared by the kind's views. It holds the kind's one subscription
// to the informer and hands each change on to the views, under its lock,
// so that a view opening reads the base and joins it atomically: nothing
// is replayed, lost or applied twice. A new view in the default order is
// built from the base's order without sorting.
//
// Lock order: base.mu, then a view's mu. Views never call into the base
// while holding their own lock.
type base struct {
	kind *kinds.Kind
	inf  *informer.Handle
	reg  *informer.Registration

	mu    sync.Mutex
	set   *Set[*entry]
	views map[*Live]struct{}
	// usage is the kind's latest measurements (usage.go), nil without.
	usage kinds.Usages
}

func defaultLess(a, b *entry) bool {
	if a.ns != b.ns {
		return a.ns < b.ns
	}
	return a.name < b.name
}

// newBase builds the base of a kind whose informer is inf.
func newBase(k *kinds.Kind, inf *informer.Handle, usage kinds.Usages) *base {
	b := &base{kind: k, inf: inf, views: map[*Live]struct{}{}, usage: usage}
	b.mu.Lock()
	defer b.mu.Unlock()
	// Subscribe, then read the stores: a change that lands in between is
	// already in what is read (stores are updated before their handlers
	// run) and is skipped by its resourceVersion when it arrives.
	b.reg = inf.Subscribe(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { b.upsert(obj) },
		UpdateFunc: func(_, obj any) { b.upsert(obj) },
		DeleteFunc: b.delete,
	})
	objs := inf.List()
	all := make([]*entry, 0, len(objs))
	for _, o := range objs {
		if e := newEntry(o); e != nil {
			all = append(all, e)
		}
	}
	b.set = New(func(e *entry) string { return e.key }, defaultLess, nil, all)
	return b
}

func (b *base) upsert(obj any) {
	e := newEntry(obj)
	if e == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.set == nil {
		return // closed
	}
	if i, held := b.set.IndexOf(e.key); held && b.set.Window(i, 1)[0].rv == e.rv && e.rv != "" {
		return // already held: the read at subscription had it
	}
	b.set.Upsert(e)
	for v := range b.views {
		v.apply(b, e, "")
	}
}

func (b *base) delete(obj any) {
	key, err := toolscache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.set == nil || !b.set.Delete(key) {
		return
	}
	for v := range b.views {
		v.apply(b, nil, key)
	}
}

// ordered returns every entry in the default order. Call with mu held.
func (b *base) ordered() []*entry { return b.set.Window(0, b.set.Len()) }

// close stops following the informer; the views of the base are left as
// they are (the caller says what happens to them).
func (b *base) close() []*Live {
	b.inf.Unsubscribe(b.reg)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.set = nil
	views := make([]*Live, 0, len(b.views))
	for v := range b.views {
		views = append(views, v)
	}
	b.views = nil
	return views
}

// Bases are the bases of one session's kinds, made on first use. Its
// methods may be called from any goroutine.
type Bases struct {
	src Source

	mu     sync.Mutex
	closed bool
	byKind map[kinds.ID]*base
	// usage is the latest measurements per kind, kept for bases made later.
	usage map[kinds.ID]kinds.Usages
}

// NewBases returns the bases of the kinds src caches.
func NewBases(src Source) *Bases { return &Bases{src: src, byKind: map[kinds.ID]*base{}} }

// of returns k's base, made the first time (reading the kind's store once).
func (bs *Bases) of(k *kinds.Kind) (*base, error) {
	inf, err := bs.src.Informer(k)
	if err != nil {
		return nil, err
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.closed {
		return nil, ErrClosed
	}
	if b, ok := bs.byKind[k.ID]; ok && b.kind == k && b.inf == inf {
		return b, nil
	} else if ok {
		b.close() // the kind changed (a CRD's columns): its views move on Update
	}
	b := newBase(k, inf, bs.usage[k.ID])
	bs.byKind[k.ID] = b
	return b, nil
}

// Forget drops a kind's base (its CRD was deleted or changed) and returns
// the views that showed it.
func (bs *Bases) Forget(id kinds.ID) []*Live {
	bs.mu.Lock()
	b, ok := bs.byKind[id]
	delete(bs.byKind, id)
	bs.mu.Unlock()
	if !ok {
		return nil
	}
	return b.close()
}

// Close drops every base; views are closed by their owner.
func (bs *Bases) Close() {
	bs.mu.Lock()
	bases := bs.byKind
	bs.byKind, bs.closed = nil, true
	bs.mu.Unlock()
	for _, b := range bases {
		b.close()
	}
}
