package view

import (
	"slices"
	"strings"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// Usage cells (kinds.UsageColumn) change without their objects changing:
// a metrics poll measures every pod and node again. Views fill them from
// the kind's latest kinds.Usages when a window is read, so a poll costs
// the projected rows nothing. A poll reaches every open view of the kind
// at once (SetUsage, under the base's lock, so no change is dispatched
// meanwhile): a view ordered by a usage column sorts again, any other
// only moves its version; each sends one notice, coalesced like any.
// Kinds without usage columns, and every kind while nothing polls, pay
// nothing.

// SetUsage publishes the latest measurements of kind id (nil: none; the
// cells show empty). Call from one goroutine at a time (the session's
// metrics poller); u must not be modified afterwards.
func (bs *Bases) SetUsage(id kinds.ID, u kinds.Usages) {
	bs.mu.Lock()
	if bs.closed {
		bs.mu.Unlock()
		return
	}
	if bs.usage == nil {
		bs.usage = map[kinds.ID]kinds.Usages{}
	}
	bs.usage[id] = u
	b := bs.byKind[id]
	bs.mu.Unlock()
	if b != nil {
		b.setUsage(u)
	}
}

func (b *base) setUsage(u kinds.Usages) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.set == nil {
		return
	}
	b.usage = u
	for v := range b.views {
		v.setUsage(b, u)
	}
}

// setUsage moves the view to new measurements, under the base's lock.
func (v *Live) setUsage(b *base, u kinds.Usages) {
	v.mu.Lock()
	if v.closed || v.base != b {
		v.mu.Unlock()
		return
	}
	v.usage = u
	if v.view.byUsage != nil {
		v.sortByUsageLocked(b.ordered())
	} else {
		v.set.Touch()
	}
	n := v.noticeLocked()
	v.mu.Unlock()
	v.notify(n)
}

// usageOrder is the order of a view sorted by a usage column: the number
// each entry sorts by under the view's measurements, computed when they
// arrive (or the entry does), so that the Set's comparisons never see a
// value change under them.
type usageOrder struct {
	col  int
	vals map[*entry]float64 // NaN: no measurement, sorted first
}

func (o *usageOrder) less(a, b *entry) bool { return numLess(o.value(a), o.value(b)) }

func (o *usageOrder) value(e *entry) float64 {
	if n, ok := o.vals[e]; ok {
		return n
	}
	return nan
}

// measure records e's sort number under u.
func (o *usageOrder) measure(k *kinds.Kind, e *entry, u kinds.Usages) {
	m, ok := u[e.key]
	n, ok := k.UsageValue(o.col, e.obj, m, ok)
	if !ok {
		n = nan
	}
	o.vals[e] = n
}

// sortByUsageLocked rebuilds a usage-ordered view from all (the base's
// entries) under v.usage: numbers once per entry, then one sort of
// (number, key) pairs, cheaper than a sort that looks numbers up at each
// comparison. Call with v.mu held (and the base's, or before joining it).
func (v *Live) sortByUsageLocked(all []*entry) {
	sh := v.view
	o := sh.byUsage
	o.vals = make(map[*entry]float64, len(all))
	type pair struct {
		n float64
		e *entry
	}
	pairs := make([]pair, 0, len(all))
	for _, e := range all {
		if !sh.match(e) {
			continue
		}
		o.measure(v.kind, e, v.usage)
		pairs = append(pairs, pair{o.vals[e], e})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		switch {
		case sh.desc && numLess(b.n, a.n), !sh.desc && numLess(a.n, b.n):
			return -1
		case sh.desc && numLess(a.n, b.n), !sh.desc && numLess(b.n, a.n):
			return 1
		}
		return strings.Compare(a.e.key, b.e.key)
	})
	sorted := make([]*entry, len(pairs))
	for i, p := range pairs {
		sorted[i] = p.e
	}
	v.set.ResetOrdered(sh.less, sh.match, sorted)
}

// fillUsageLocked fills the usage cells of rows (a window's, projected
// from es) from the view's measurements. The projected rows are shared
// by every view, so each row gets its own cells.
func (v *Live) fillUsageLocked(es []*entry, rows []model.Row) {
	for i, e := range es {
		cells := slices.Clone(rows[i].Cells)
		m, ok := v.usage[e.key]
		v.kind.FillUsage(e.obj, m, ok, cells)
		rows[i].Cells = cells
	}
}
