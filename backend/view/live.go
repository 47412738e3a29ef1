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
	Informer(k informer.Kind) (toolscache.SharedIndexInformer, error)
	Synced(k informer.Kind) bool
}

// entry is a row with the resourceVersion it was projected from, so that
// replayed or unchanged objects do not count as changes. The Set holds
// pointers so that sorting compares without copying rows.
type entry struct {
	row model.Row
	rv  string
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

	mu     sync.Mutex
	closed bool
	spec   model.ViewSpec
	set    *Set[*entry]
	inf    toolscache.SharedIndexInformer
	reg    toolscache.ResourceEventHandlerRegistration
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
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return ErrClosed
	}
	oldKind := v.spec.Kind
	v.spec = spec
	less, match := order(spec), matcher(spec, sel)
	all := projectAll(k, inf.GetStore().List())
	if v.set == nil {
		v.set = New(func(e *entry) string { return e.row.Key }, less, match, all)
	} else {
		v.set.Reset(less, match, all)
	}
	if v.inf != inf || oldKind != spec.Kind {
		if v.reg != nil {
			_ = v.inf.RemoveEventHandler(v.reg)
		}
		v.inf = inf
		v.reg, err = inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj any) { v.upsert(k, obj) },
			UpdateFunc: func(_, obj any) { v.upsert(k, obj) },
			DeleteFunc: func(obj any) { v.delete(k, obj) },
		})
		if err != nil {
			return fmt.Errorf("watch %s for view: %w", k, err)
		}
	}
	return nil
}

func projectAll(k informer.Kind, objs []any) []*entry {
	out := make([]*entry, len(objs))
	for i, o := range objs {
		out[i] = project(k, o)
	}
	return out
}

func project(k informer.Kind, obj any) *entry {
	e := &entry{row: dao.RowOf(k, obj)}
	if m, err := meta.Accessor(obj); err == nil {
		e.rv = m.GetResourceVersion()
	}
	return e
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
	e := project(k, obj)
	v.change(string(k), func() bool { return v.set.Upsert(e) })
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
	for i, e := range es {
		rows[i] = e.row
	}
	return model.Window{ViewID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len(),
		Offset: max(offset, 0), Rows: rows}, nil
}

// Close stops following the informer. Nothing is notified after it returns.
func (v *Live) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	v.closed = true
	if v.reg != nil {
		_ = v.inf.RemoveEventHandler(v.reg)
	}
}

// matcher keeps the rows in the view's namespace that match its selector
// and text filter.
func matcher(spec model.ViewSpec, sel labels.Selector) func(*entry) bool {
	return func(e *entry) bool {
		r := &e.row
		if spec.Namespace != "" && r.Namespace != spec.Namespace {
			return false
		}
		if !sel.Empty() && !sel.Matches(labels.Set(r.Labels)) {
			return false
		}
		return spec.Filter == "" || ContainsFold(spec.Filter, r.Name, r.Namespace, r.Status, r.Node)
	}
}

// order returns the view's comparison; the Set breaks ties by key.
func order(spec model.ViewSpec) func(a, b *entry) bool {
	var less func(a, b *model.Row) bool
	switch spec.SortBy {
	case "", "namespace":
		less = func(a, b *model.Row) bool {
			if a.Namespace != b.Namespace {
				return a.Namespace < b.Namespace
			}
			return a.Name < b.Name
		}
	case "name":
		less = func(a, b *model.Row) bool { return a.Name < b.Name }
	case "age":
		// Ascending age: the newest first.
		less = func(a, b *model.Row) bool { return a.Created > b.Created }
	case "status":
		less = func(a, b *model.Row) bool { return a.Status < b.Status }
	case "ready":
		less = func(a, b *model.Row) bool { return a.Ready < b.Ready }
	case "restarts":
		less = func(a, b *model.Row) bool { return a.Restarts < b.Restarts }
	case "node":
		less = func(a, b *model.Row) bool { return a.Node < b.Node }
	default:
		col := spec.SortBy
		less = func(a, b *model.Row) bool { return cellLess(a.Cells[col], b.Cells[col]) }
	}
	if spec.Desc {
		return func(a, b *entry) bool { return less(&b.row, &a.row) }
	}
	return func(a, b *entry) bool { return less(&a.row, &b.row) }
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
