package view

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/labels"

	"crowsnest/backend/cache"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// MaxWindow caps the rows of one window, keeping a window's payload under
// the ~64 KB that the webview handles without retaining memory (a pod row
// with its labels is a few hundred bytes).
const MaxWindow = 100

// Source gives a view the informer of its kind.
type Source interface {
	Informer(k *kinds.Kind) (*informer.Handle, error)
	Synced(k kinds.ID) bool
}

var nan = math.NaN()

// Live is an open table: its rows follow the kind's base (every object of
// the kind, which follows the informer), filtered and in order, and every
// change is reported through notify (which the session coalesces and
// emits). Methods may be called from any goroutine; the base's dispatch and
// callers are serialised by mu.
type Live struct {
	id     string
	gen    uint64
	bases  *Bases
	src    Source
	notify func(model.ViewNotice)

	updating sync.Mutex // serialises Update

	mu      sync.Mutex
	closed  bool
	removed bool
	kind    *kinds.Kind
	base    *base
	spec    model.ViewSpec
	view    shape
	set     *Set[*entry]
	// usage is the measurements the usage cells show (usage.go).
	usage kinds.Usages
}

// shape is what a view's spec means for its kind: which rows it keeps
// and how it orders them.
type shape struct {
	kind *kinds.Kind
	// eager: the filter or the sort reads rows, so entries are projected
	// before they enter the Set (whose order must not change under it).
	eager   bool
	ordered bool // the default order: the base's, no sort needed
	less    func(a, b *entry) bool
	// scope keeps the rows in the view's namespace that match its
	// selector; match adds the text filter.
	scope    func(*entry) bool
	match    func(*entry) bool
	textCols []int
	// byUsage is set when the sort is a usage column's (usage.go); desc
	// says the order is descending.
	byUsage *usageOrder
	desc    bool
}

// ErrClosed is returned by a closed view.
var ErrClosed = errors.New("view closed")

// Open starts a view of kind k. The kind's informer starts if it had not;
// its rows so far are in the view at once, and the rest arrive as it syncs.
func Open(id string, gen uint64, bases *Bases, k *kinds.Kind, spec model.ViewSpec, notify func(model.ViewNotice)) (*Live, error) {
	v := &Live{id: id, gen: gen, bases: bases, src: bases.src, notify: notify}
	if err := v.Update(k, spec); err != nil {
		return nil, err
	}
	return v, nil
}

// Update changes what the view shows: its kind, namespace, selector,
// filter or sort. The rows come from the kind's base, in its order when
// the view's order is the default one.
func (v *Live) Update(k *kinds.Kind, spec model.ViewSpec) error {
	sel, err := cache.ParseSelector(spec.Selector)
	if err != nil {
		return err
	}
	if !k.Namespaced {
		spec.Namespace = ""
	}
	sh, err := shapeOf(k, spec, sel)
	if err != nil {
		return err
	}
	b, err := v.bases.of(k)
	if err != nil {
		return err
	}
	v.updating.Lock()
	defer v.updating.Unlock()
	v.mu.Lock()
	old := v.base
	closed := v.closed
	v.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if old != nil && old != b {
		old.mu.Lock()
		delete(old.views, v)
		old.mu.Unlock()
	}
	// Under the base's lock no change is dispatched: the rows read here
	// and the changes that follow join without a gap.
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.set == nil {
		return fmt.Errorf("%s: %w", k.Label, ErrRemoved)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return ErrClosed
	}
	all := b.ordered()
	if sh.eager {
		for _, e := range all {
			if sh.scope(e) {
				e.project(k)
			}
		}
	}
	if v.set == nil {
		v.set = New(func(e *entry) string { return e.key }, nil, nil, nil)
	}
	v.kind, v.base, v.spec, v.view, v.removed, v.usage = k, b, spec, sh, false, b.usage
	switch {
	case sh.byUsage != nil:
		v.sortByUsageLocked(all)
	case sh.ordered:
		v.set.ResetOrdered(sh.less, sh.match, all)
	default:
		v.set.ResetUnique(sh.less, sh.match, all)
	}
	b.views[v] = struct{}{}
	return nil
}

// ErrRemoved is wrapped by the error for a view of a kind the server no
// longer serves.
var ErrRemoved = errors.New("the kind is no longer served")

// shapeOf checks a spec against its kind and says how the view keeps rows.
func shapeOf(k *kinds.Kind, spec model.ViewSpec, sel labels.Selector) (shape, error) {
	sh := shape{kind: k}
	for i, c := range k.Columns {
		if !kinds.Numeric(c.Type) {
			sh.textCols = append(sh.textCols, i)
		}
	}
	var less func(a, b *entry) bool
	switch spec.SortBy {
	case "", "namespace":
		less, sh.ordered = defaultLess, true
	case "name":
		less = func(a, b *entry) bool { return a.name < b.name }
	case "age":
		// Ascending age: the newest first.
		less = func(a, b *entry) bool { return a.created > b.created }
	default:
		col := k.Column(spec.SortBy)
		if col < 0 {
			return shape{}, fmt.Errorf("%s have no column %q to sort by", k.Label, spec.SortBy)
		}
		if k.IsUsageColumn(col) {
			sh.byUsage = &usageOrder{col: col}
			less = sh.byUsage.less
			break
		}
		sh.eager = true
		if kinds.Numeric(k.Columns[col].Type) {
			less = func(a, b *entry) bool { return numLess(a.proj.Load().nums[col], b.proj.Load().nums[col]) }
		} else {
			less = func(a, b *entry) bool {
				return strings.Compare(a.proj.Load().row.Cells[col], b.proj.Load().row.Cells[col]) < 0
			}
		}
	}
	sh.desc = spec.Desc
	if spec.Desc {
		asc := less
		less = func(a, b *entry) bool { return asc(b, a) }
		sh.ordered = false
	}
	sh.less = less
	if spec.Filter != "" {
		sh.eager = true
	}
	ns, filter, textCols := spec.Namespace, spec.Filter, sh.textCols
	var hidden labels.Selector
	if k.Hidden != nil && !spec.ShowHidden {
		hidden = k.Hidden
	}
	sh.scope = func(e *entry) bool {
		return (ns == "" || e.ns == ns) && (sel.Empty() || sel.Matches(labels.Set(e.labels))) &&
			(hidden == nil || !hidden.Matches(labels.Set(e.labels)))
	}
	scope := sh.scope
	sh.match = func(e *entry) bool {
		if !scope(e) {
			return false
		}
		if filter == "" {
			return true
		}
		cells := e.proj.Load().row.Cells // projected: eager
		for _, i := range textCols {
			if ContainsFold(filter, cells[i]) {
				return true
			}
		}
		return false
	}
	return sh, nil
}

// numLess orders numbers with the empty and unparsable (NaN) first.
func numLess(a, b float64) bool {
	if math.IsNaN(a) {
		return !math.IsNaN(b)
	}
	return !math.IsNaN(b) && a < b
}

// apply is one change of the base, under the base's lock: an entry new or
// changed, or a key deleted.
func (v *Live) apply(b *base, e *entry, deleted string) {
	v.mu.Lock()
	if v.closed || v.base != b {
		v.mu.Unlock()
		return
	}
	var changed bool
	if e != nil {
		if v.view.eager && v.view.scope(e) {
			e.project(v.kind)
		}
		if o := v.view.byUsage; o != nil && v.view.scope(e) {
			o.measure(v.kind, e, v.usage)
		}
		changed = v.set.Upsert(e)
	} else {
		changed = v.set.Delete(deleted)
	}
	if !changed {
		v.mu.Unlock()
		return
	}
	n := v.noticeLocked()
	v.mu.Unlock()
	v.notify(n)
}

// MarkRemoved empties a view whose kind the server no longer serves and
// tells the page; it asks for nothing more until it is updated to a kind
// that is served.
func (v *Live) MarkRemoved() {
	v.mu.Lock()
	if v.closed || v.removed {
		v.mu.Unlock()
		return
	}
	v.removed, v.base = true, nil
	if v.set != nil {
		v.set.Reset(nil, nil, nil)
	}
	n := v.noticeLocked()
	v.mu.Unlock()
	v.notify(n)
}

// Kind is the view's kind, and Spec what it shows.
func (v *Live) Kind() (*kinds.Kind, model.ViewSpec) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.kind, v.spec
}

func (v *Live) noticeLocked() model.ViewNotice {
	return model.ViewNotice{ViewID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len(), Removed: v.removed}
}

// Info reports the view's id, version and count.
func (v *Live) Info() model.ViewInfo {
	v.mu.Lock()
	defer v.mu.Unlock()
	return model.ViewInfo{ID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len(),
		Synced: !v.removed && v.src.Synced(v.kind.ID), Removed: v.removed}
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
		rows[i] = e.project(v.kind).row
	}
	if v.kind.HasUsage() {
		v.fillUsageLocked(es, rows)
	}
	return model.Window{ViewID: v.id, Generation: v.gen, Version: v.set.Version(), Count: v.set.Len(),
		Offset: max(offset, 0), Rows: rows}, nil
}

// Close stops following the base. Nothing is notified after it returns.
func (v *Live) Close() {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	v.closed = true
	b := v.base
	v.base = nil
	v.mu.Unlock()
	if b != nil {
		b.mu.Lock()
		if b.views != nil {
			delete(b.views, v)
		}
		b.mu.Unlock()
	}
}
