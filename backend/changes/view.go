package changes

import (
	"strings"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// View is a Changes table: the recorder's entries that match a filter, in
// order, kept as their sequence numbers. It is updated under the
// recorder's lock as entries are recorded or dropped, so a window never
// names an entry that is gone. Its methods may be called from any
// goroutine.
type View struct {
	r       *Recorder
	filter  filter
	seqs    []uint64 // ascending
	version uint64
	// ID is the session's name for the view.
	ID string
}

type filter struct {
	kind, namespace, manager, path, text string
}

func compile(f model.ChangeFilter) filter {
	return filter{kind: f.Kind, namespace: f.Namespace, manager: strings.ToLower(strings.TrimSpace(f.Manager)),
		path: strings.TrimSpace(f.Path), text: strings.ToLower(strings.TrimSpace(f.Text))}
}

// match reports whether e belongs in the view. Gaps of the session, and of
// the kind shown, belong in every view (narrowed by kind only): they say
// what the view cannot show.
func (f *filter) match(e *Entry) bool {
	o := e.Object
	if e.Op == Gap {
		return o == nil || f.kind == "" || o.Kind != nil && string(o.Kind.ID) == f.kind
	}
	if f.kind != "" && string(o.Kind.ID) != f.kind {
		return false
	}
	if f.namespace != "" && o.Namespace != f.namespace {
		return false
	}
	if f.manager != "" {
		found := false
		for _, a := range e.Actors {
			if strings.Contains(strings.ToLower(a.Name), f.manager) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.path != "" {
		found := false
		for i := range e.Fields {
			if strings.Contains(e.Fields[i].Path, f.path) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.text != "" && !f.matchText(e) {
		return false
	}
	return true
}

func (f *filter) matchText(e *Entry) bool {
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), f.text) }
	o := e.Object
	if has(o.Name) || has(o.Namespace) || has(string(o.Kind.ID)) || has(o.Kind.Label) || has(e.Op.String()) {
		return true
	}
	for i := range e.Fields {
		fl := &e.Fields[i]
		if has(fl.Path) || has(fl.values) {
			return true
		}
	}
	for _, a := range e.Actors {
		if has(a.Name) {
			return true
		}
	}
	return false
}

// add takes e if it matches; it reports whether the view changed.
func (v *View) add(e *Entry) bool {
	if !v.filter.match(e) {
		return false
	}
	v.seqs = append(v.seqs, e.Seq)
	v.version++
	return true
}

// drop forgets the entries before seq first; it reports whether the view
// changed.
func (v *View) drop(first uint64) bool {
	i := 0
	for i < len(v.seqs) && v.seqs[i] < first {
		i++
	}
	if i == 0 {
		return false
	}
	v.seqs = append(v.seqs[:0], v.seqs[i:]...)
	v.version++
	return true
}

// Open returns a view of the entries that match f, filled from those kept.
func (r *Recorder) Open(id string, f model.ChangeFilter) *View {
	v := &View{r: r, ID: id}
	r.mu.Lock()
	defer r.mu.Unlock()
	v.fillLocked(f)
	r.views[v] = struct{}{}
	return v
}

func (v *View) fillLocked(f model.ChangeFilter) {
	r := v.r
	v.filter = compile(f)
	v.seqs = v.seqs[:0]
	for i := 0; i < r.ring.n; i++ {
		if e := r.ring.at(i); v.filter.match(e) {
			v.seqs = append(v.seqs, e.Seq)
		}
	}
	v.version++
}

// Update changes the view's filter.
func (v *View) Update(f model.ChangeFilter) {
	v.r.mu.Lock()
	defer v.r.mu.Unlock()
	v.fillLocked(f)
}

// Close removes the view from its recorder.
func (v *View) Close() {
	v.r.mu.Lock()
	defer v.r.mu.Unlock()
	delete(v.r.views, v)
}

// Info is the view's version and row count, and the recorder's memory.
func (v *View) Info() (version uint64, count int, stats model.ChangeStats) {
	v.r.mu.Lock()
	defer v.r.mu.Unlock()
	return v.version, len(v.seqs), v.r.statsLocked()
}

// Window limits: a window's entries list at most windowFields fields with
// values cut to windowValue bytes, so a window of maxWindow rows stays
// well under the ~64 KB a bound call should return.
const (
	maxWindow    = 100
	windowFields = 4
	windowValue  = 96
)

// Window returns entries [offset, offset+limit) of the view, newest first.
func (v *View) Window(offset, limit int) model.ChangeWindow {
	r := v.r
	r.mu.Lock()
	defer r.mu.Unlock()
	limit = min(max(limit, 0), maxWindow)
	offset = max(offset, 0)
	w := model.ChangeWindow{ViewID: v.ID, Version: v.version, Count: len(v.seqs), Offset: offset, Entries: []model.ChangeEntry{}, ChangeStats: r.statsLocked()}
	for i := offset; i < offset+limit && i < len(v.seqs); i++ {
		seq := v.seqs[len(v.seqs)-1-i]
		if at := r.indexLocked(seq); at >= 0 {
			w.Entries = append(w.Entries, Model(r.ring.at(at), windowFields, windowValue))
		}
	}
	return w
}

// Model turns an entry into what the page reads, with at most maxFields
// fields (the rest counted in MoreFields) and values cut to maxValue bytes
// (0: no limit on either).
func Model(e *Entry, maxFields, maxValue int) model.ChangeEntry {
	m := model.ChangeEntry{Seq: e.Seq, Time: e.Time, Op: e.Op.String(), MoreFields: int(e.More), Fields: []model.FieldChange{}, Managers: []model.FieldManager{}}
	if g := e.Gap; g != nil {
		m.GapFrom, m.GapTo, m.Reason = g.From, g.To, g.Reason
	}
	if o := e.Object; o != nil {
		if o.Kind != nil {
			m.Kind, m.KindLabel, m.Note = string(o.Kind.ID), o.Kind.Label, Note(o.Kind)
		}
		m.Namespace, m.Name, m.UID = o.Namespace, o.Name, o.UID
	}
	for i := range e.Fields {
		if maxFields > 0 && i == maxFields {
			m.MoreFields += len(e.Fields) - i
			break
		}
		f := &e.Fields[i]
		old, cur := f.Old(), f.New()
		fc := model.FieldChange{Path: f.Path, Old: cut(old, maxValue), New: cut(cur, maxValue), Hidden: e.Hidden && f.values == "",
			Cut: f.Cut || maxValue > 0 && (len(old) > maxValue || len(cur) > maxValue)}
		for j := range 8 {
			if f.Managers&(1<<j) != 0 {
				fc.Managers = append(fc.Managers, j)
			}
		}
		m.Fields = append(m.Fields, fc)
	}
	for _, a := range e.Actors {
		op := "Update"
		if a.Apply {
			op = "Apply"
		}
		m.Managers = append(m.Managers, model.FieldManager{Name: a.Name, Operation: op, Subresource: a.Subresource, Time: a.Time})
	}
	return m
}

func cut(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Note says what a kind's cache keeps, and so what its entries can show.
func Note(k *kinds.Kind) string {
	switch {
	case k.Cache == kinds.PodSummaries:
		return "Pods are cached as summaries: changes of phase, conditions, restarts, node, images and labels are recorded; managers are not known (pods are read without managedFields)."
	case k.SecretValues:
		return "Secrets are cached as metadata only: a change of their data shows as changed, never a value."
	case k.Cache == kinds.Metadata:
		return "Only metadata is cached for this kind: other changes show as changed, without values."
	case k.Cache == kinds.Dynamic:
		return "Custom resources are cached as metadata and printer columns: changes of those are recorded."
	case k.Slim != nil:
		return "This kind is cached in part: changes of the fields kept are recorded."
	}
	return ""
}
