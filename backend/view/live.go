package view

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/cache"
	"crowsnest/backend/dao"
	"crowsnest/backend/informer"
	"crowsnest/backend/model"
)

// MaxWindow caps the rows of one window, keeping a window's payload under
// the ~64 KB that the webview handles without retaining memory (a pod row
// with its labels is a few hundred bytes).
const MaxWindow = 100

// Source gives a view the informer of its kind.
type Source interface {
	Informer(k informer.Kind) (*informer.Handle, error)
	Synced(k informer.Kind) bool
}

// entry is one object of a view: the cached object itself (immutable, as
// everything in an informer store) with the metadata that namespace, label
// and the default sorts read, and its table row once something needed it.
// Projecting a row costs far more than reading metadata, so a view sorted
// by namespace, name or age projects only the rows of the windows asked for;
// a text filter or a sort on another column projects every row up front,
// before the entry enters the Set (whose order must not change under it).
type entry struct {
	obj     any
	key     string
	ns      string
	name    string
	rv      string
	created int64
	labels  map[string]string
	row     *model.Row // nil until projected; set under the view's mu
}

// Live is an open table: its rows follow the informer of its kind, in
// order, and every change is reported through notify (which the session
// coalesces and emits). Methods may be called from any goroutine; the
// informer's handler goroutine and callers are serialised by mu.
type Live struct {
	id     string
	gen    uint64
	src    Source
	notify func(model.ViewNotice)

	updating sync.Mutex // serialises Update

	mu     sync.Mutex
	closed bool
	spec   model.ViewSpec
	set    *Set[*entry]
	inf    *informer.Handle
	reg    *informer.Registration
}

// ErrClosed is returned by a closed view.
var ErrClosed = errors.New("view closed")

// Open starts a view. The kind's informer starts if it had not; its rows
// so far are in the view at once, and the rest arrive as it syncs.
func Open(id string, gen uint64, src Source, spec model.ViewSpec, notify func(model.ViewNotice)) (*Live, error) {
	v := &Live{id: id, gen: gen, src: src, notify: notify}
	if err := v.Update(spec); err != nil {
		return nil, err
	}
	return v, nil
}

// Update changes what the view shows. A new kind moves the view to that
// kind's informer; anything else re-filters and re-sorts the rows in place.
func (v *Live) Update(spec model.ViewSpec) error {
	k := informer.Kind(spec.Kind)
	if !informer.Known(k) {
		return fmt.Errorf("unknown kind %q", spec.Kind)
	}
	sel, err := cache.ParseSelector(spec.Selector)
	if err != nil {
		return err
	}
	if !informer.Namespaced(k) {
		spec.Namespace = ""
	}
	inf, err := v.src.Informer(k)
	if err != nil {
		return err
	}
	v.updating.Lock()
	defer v.updating.Unlock()
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return ErrClosed
	}
	// Only the objects the view can show: the Set keeps the matching
	// ones, and an index finds them without wrapping every object. Read
	// under mu, so that no handler call can land between this read and
	// the Set's reset and be lost.
	objs, err := cache.Select(inf, k, spec.Namespace, sel)
	if err != nil {
		v.mu.Unlock()
		return err
	}
	oldKind, oldInf, oldReg := v.spec.Kind, v.inf, v.reg
	v.spec = spec
	less, match := order(spec), matcher(spec, sel)
	all := v.entries(k, objs)
	if v.set == nil {
		v.set = New(func(e *entry) string { return e.key }, less, match, all)
	} else {
		v.set.Reset(less, match, all)
	}
	moved := oldInf != inf || oldKind != spec.Kind
	if moved {
		v.inf, v.reg = inf, nil
	}
	v.mu.Unlock()
	if !moved {
		return nil
	}
	// Handlers are added and removed without holding mu: a handler call
	// waits for mu, and an informer shutting down waits for its handler
	// calls while it holds the lock that adding and removing take. The new
	// handler's replay of every object covers changes made meanwhile.
	if oldReg != nil {
		oldInf.RemoveEventHandler(oldReg)
	}
	reg, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { v.upsert(k, obj) },
		UpdateFunc: func(_, obj any) { v.upsert(k, obj) },
		DeleteFunc: func(obj any) { v.delete(k, obj) },
	})
	if err != nil {
		return fmt.Errorf("watch %s for view: %w", k, err)
	}
	v.mu.Lock()
	closed := v.closed
	if !closed {
		v.reg = reg
	}
	v.mu.Unlock()
	if closed {
		inf.RemoveEventHandler(reg)
		return ErrClosed
	}
	return nil
}

// entries wraps objects of kind k, projecting their rows if the view's
// filter or sort reads them.
func (v *Live) entries(k informer.Kind, objs []any) []*entry {
	eager := needsRow(v.spec)
	out := make([]*entry, 0, len(objs))
	for _, o := range objs {
		if e := newEntry(k, o, eager); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// needsRow reports whether a view's filter or sort reads projected rows.
func needsRow(spec model.ViewSpec) bool {
	switch spec.SortBy {
	case "", "namespace", "name", "age":
		return spec.Filter != ""
	}
	return true
}

func newEntry(k informer.Kind, obj any, project bool) *entry {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil
	}
	e := &entry{obj: obj, ns: m.GetNamespace(), name: m.GetName(), rv: m.GetResourceVersion(),
		created: m.GetCreationTimestamp().Unix(), labels: m.GetLabels()}
	e.key = e.name
	if e.ns != "" {
		e.key = e.ns + "/" + e.name
	}
	if project {
		e.project(k)
	}
	return e
}

func (e *entry) project(k informer.Kind) *model.Row {
	if e.row == nil {
		r := dao.RowOf(k, e.obj)
		e.row = &r
	}
	return e.row
}

func (v *Live) upsert(k informer.Kind, obj any) {
	// Registering the handler replays every object of the kind; those the
	// view already holds at the same resourceVersion are skipped before
	// paying for a projection.
	if m, err := meta.Accessor(obj); err == nil && m.GetResourceVersion() != "" {
		if key, err := toolscache.MetaNamespaceKeyFunc(obj); err == nil {
			v.mu.Lock()
			i, held := v.set.IndexOf(key)
			unchanged := held && v.set.Window(i, 1)[0].rv == m.GetResourceVersion()
			v.mu.Unlock()
			if unchanged {
				return
			}
		}
	}
	v.mu.Lock()
	eager := needsRow(v.spec)
	v.mu.Unlock()
	e := newEntry(k, obj, eager)
	if e == nil {
		return
	}
	v.change(string(k), func() bool {
		if needsRow(v.spec) { // the spec may have changed meanwhile
			e.project(k)
		}
		return v.set.Upsert(e)
	})
}

func (v *Live) delete(k informer.Kind, obj any) {
	key, err := toolscache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return
	}
	v.change(string(k), func() bool { return v.set.Delete(key) })
}

// change applies one informer event of kind to the set, unless the view
// closed or moved to another kind meanwhile, and notifies if it changed.
func (v *Live) change(kind string, apply func() bool) {
	v.mu.Lock()
	if v.closed || kind != v.spec.Kind || !apply() {
		v.mu.Unlock()
		return
	}
	n := v.noticeLocked()
	v.mu.Unlock()
	v.notify(n)
}

func (v *Live) noticeLocked() model.ViewNotice {
	return model.ViewNotice{ViewID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len()}
}

// Info reports the view's id, version and count.
func (v *Live) Info() model.ViewInfo {
	v.mu.Lock()
	defer v.mu.Unlock()
	return model.ViewInfo{ID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len(),
		Synced: v.src.Synced(informer.Kind(v.spec.Kind))}
}

// Window returns up to limit rows from offset (limit capped at MaxWindow).
func (v *Live) Window(offset, limit int) (model.Window, error) {
	if limit > MaxWindow {
		limit = MaxWindow
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return model.Window{}, ErrClosed
	}
	es := v.set.Window(offset, limit)
	rows := make([]model.Row, len(es))
	k := informer.Kind(v.spec.Kind)
	for i, e := range es {
		rows[i] = *e.project(k)
	}
	return model.Window{ViewID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len(),
		Offset: max(offset, 0), Rows: rows}, nil
}

// Close stops following the informer. Nothing is notified after it returns.
func (v *Live) Close() {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	v.closed = true
	inf, reg := v.inf, v.reg
	v.reg = nil
	v.mu.Unlock()
	// Outside mu, for the reason given in Update.
	if reg != nil {
		inf.RemoveEventHandler(reg)
	}
}

// matcher keeps the rows in the view's namespace that match its selector
// and text filter.
func matcher(spec model.ViewSpec, sel labels.Selector) func(*entry) bool {
	return func(e *entry) bool {
		if spec.Namespace != "" && e.ns != spec.Namespace {
			return false
		}
		if !sel.Empty() && !sel.Matches(labels.Set(e.labels)) {
			return false
		}
		if spec.Filter == "" {
			return true
		}
		r := e.row // projected: needsRow
		return ContainsFold(spec.Filter, r.Name, r.Namespace, r.Status, r.Node)
	}
}

// order returns the view's comparison; the Set breaks ties by key. Sorts
// on namespace, name and age read entry metadata; the others read rows,
// which needsRow has projected.
func order(spec model.ViewSpec) func(a, b *entry) bool {
	var less func(a, b *entry) bool
	switch spec.SortBy {
	case "", "namespace":
		less = func(a, b *entry) bool {
			if a.ns != b.ns {
				return a.ns < b.ns
			}
			return a.name < b.name
		}
	case "name":
		less = func(a, b *entry) bool { return a.name < b.name }
	case "age":
		// Ascending age: the newest first.
		less = func(a, b *entry) bool { return a.created > b.created }
	case "status":
		less = func(a, b *entry) bool { return a.row.Status < b.row.Status }
	case "ready":
		less = func(a, b *entry) bool { return a.row.Ready < b.row.Ready }
	case "restarts":
		less = func(a, b *entry) bool { return a.row.Restarts < b.row.Restarts }
	case "node":
		less = func(a, b *entry) bool { return a.row.Node < b.row.Node }
	default:
		col := spec.SortBy
		less = func(a, b *entry) bool { return cellLess(a.row.Cells[col], b.row.Cells[col]) }
	}
	if spec.Desc {
		return func(a, b *entry) bool { return less(b, a) }
	}
	return less
}

// cellLess compares numerically when both cells are numbers.
func cellLess(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return strings.Compare(a, b) < 0
}
