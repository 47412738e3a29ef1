// Package changes records what changes in the session's watch stream: the
// change timeline. For every kind the session watches, each update's old
// and new object (as the cache holds them) are diffed as fields, and the
// field managers responsible are read from managedFields, which the
// informer's transform hands here before it strips them (the recorder
// keeps them compactly: ownership in owners.go). Entries are kept in a
// ring bounded by a byte budget; views over it (view.go) are the Changes
// tables of the page. The session feeds it (informer.Observer) and tells
// it when the connection was lost.
//
// What each kind's cache holds is what can be diffed: pods are summaries
// (phase, conditions, restarts, node, images, labels), custom resources
// their metadata and printer cells, Secrets and other metadata-only kinds
// their metadata (a change of a Secret's data is "changed", never a value).
package changes

import (
	"strings"
	"sync"
	"time"
	"unsafe"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// DefaultBudget is the memory the entries may take unless set otherwise.
const DefaultBudget = 32 << 20

// Op is what an entry records.
type Op uint8

// Ops of an Entry.
const (
	Created Op = iota + 1
	Updated
	Deleted
	Gap
)

func (o Op) String() string {
	switch o {
	case Created:
		return model.ChangeCreated
	case Updated:
		return model.ChangeUpdated
	case Deleted:
		return model.ChangeDeleted
	}
	return model.ChangeGap
}

// Object names an entry's object; the entries of one object share it.
type Object struct {
	Kind      *kinds.Kind
	Namespace string
	Name      string
	UID       string
	charged   bool // an entry counts its memory
}

// Entry is one recorded change, or a gap (Op Gap: Object's Kind set for a
// kind's own gap, nil for the session's). Entries are never modified once
// recorded.
type Entry struct {
	Seq    uint64
	Time   int64 // Unix ms
	Object *Object
	Fields []Field
	Actors []Actor
	Gap    *GapInfo
	More   int32
	Op     Op
	// Hidden: the fields carry no values (a Secret's data).
	Hidden bool
	// charged: this entry is the first to name its Object, whose memory
	// it counts.
	charged bool
}

// GapInfo is what a gap did not observe: from From (0: ever before) to To
// (0: until the watch recovered), because of Reason.
type GapInfo struct {
	From, To int64
	Reason   string
}

var (
	entrySize  = int(unsafe.Sizeof(Entry{}))
	fieldSize  = int(unsafe.Sizeof(Field{}))
	actorSize  = int(unsafe.Sizeof(Actor{}))
	objectSize = int(unsafe.Sizeof(Object{}))
)

// alloc rounds a heap allocation up as the allocator's small size classes
// do (to 16 bytes; they round further only above 128).
func alloc(n int) int {
	if n == 0 {
		return 0
	}
	return (n + 15) &^ 15
}

// cost is what an entry holds on the heap: its slot in the ring, its
// fields' array and values, its actors' array, its gap. Paths, names and
// objects are shared between entries (interned) and not counted.
func (e *Entry) cost() int {
	n := entrySize + alloc(fieldSize*len(e.Fields)) + alloc(actorSize*len(e.Actors))
	for i := range e.Fields {
		n += alloc(len(e.Fields[i].values))
	}
	if e.Gap != nil {
		n += 48 + len(e.Gap.Reason)
	}
	if e.charged {
		n += objectSize + len(e.Object.Name) + len(e.Object.UID)
	}
	return n
}

// chunk is how many entries a block of the ring holds: the ring grows and
// shrinks by blocks, so it never holds much more than its entries. A block
// fills one 8 KiB size class of the allocator, which wastes nothing.
var chunk = 8192 / entrySize

// ring holds entries in Seq order in fixed blocks: appended at the end,
// dropped from the front.
type ring struct {
	blocks [][]Entry
	head   int // the first live entry in blocks[0]
	n      int
}

func (r *ring) at(i int) *Entry {
	j := r.head + i
	return &r.blocks[j/chunk][j%chunk]
}

func (r *ring) push(e Entry) {
	j := r.head + r.n
	if j/chunk == len(r.blocks) {
		r.blocks = append(r.blocks, make([]Entry, chunk))
	}
	r.blocks[j/chunk][j%chunk] = e
	r.n++
}

func (r *ring) pop() {
	*r.at(0) = Entry{}
	r.head++
	r.n--
	if r.head == chunk {
		r.blocks[0] = nil
		r.blocks = r.blocks[1:]
		r.head = 0
	}
}

// Options configure a Recorder.
type Options struct {
	// Budget is the bytes the entries may take (DefaultBudget if 0).
	Budget int
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// OnChange is called after entries were recorded or dropped, with the
	// views whose rows changed, outside the recorder's lock. It must not
	// block.
	OnChange func(views []*View)
}

// Recorder keeps the session's observed changes. Its hooks are called from
// the informers' goroutines (Received from a kind's reflector, the others
// from its one handler, in order); queries from any goroutine. Entries and
// the objects they name are shared with callers and must NEVER be modified.
type Recorder struct {
	opts Options

	// ownMu guards owns: the compact managedFields of each object, by UID,
	// one per version not yet handled (see Received).
	ownMu sync.Mutex
	owns  map[string][]*ownership
	names interner

	mu      sync.Mutex
	ring    ring
	bytes   int
	budget  int
	next    uint64
	dropped int
	// droppedUntil is the time of the newest dropped entry (Unix ms).
	droppedUntil int64
	objects      map[string]*Object // by UID, for objects cached now
	lastSeen     map[kinds.ID]int64 // the last event of each kind, Unix ms
	relistMarked map[kinds.ID]int64
	lostAt       int64
	lostWhy      string
	views        map[*View]struct{}
	paths        interner
	ignores      map[kinds.ID]Ignore
}

// New returns a Recorder whose first entry says that nothing before now
// was observed.
func New(opts Options) *Recorder {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	r := &Recorder{opts: opts, owns: map[string][]*ownership{}, budget: opts.Budget,
		objects: map[string]*Object{}, lastSeen: map[kinds.ID]int64{}, relistMarked: map[kinds.ID]int64{},
		views: map[*View]struct{}{}, ignores: map[kinds.ID]Ignore{},
		names: newInterner(4096), paths: newInterner(8192)}
	r.mu.Lock()
	r.appendLocked(Entry{Op: Gap, Gap: &GapInfo{To: r.now(), Reason: "session started"}})
	r.mu.Unlock()
	return r
}

func (r *Recorder) now() int64 { return r.opts.Now().UnixMilli() }

// SetBudget changes the bytes the entries may take; the oldest go at once
// when the new budget is smaller.
func (r *Recorder) SetBudget(n int) {
	if n <= 0 {
		n = DefaultBudget
	}
	r.mu.Lock()
	r.budget = n
	changed := r.trimLocked()
	r.mu.Unlock()
	r.changed(changed)
}

// records reports whether k's changes are recorded.
func records(k *kinds.Kind) bool { return k != nil && !k.NoTimeline }

// Received is called by the informer's transform with each object the
// watch (or a list) delivers, before managedFields are stripped: the
// recorder keeps their compact form until the handler sees that version.
// An object delivered with the version it already has comes from a list:
// the kind was relisted, and the timeline marks a gap.
func (r *Recorder) Received(k *kinds.Kind, obj any) {
	if !records(k) {
		return
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	uid, rv := string(m.GetUID()), m.GetResourceVersion()
	r.ownMu.Lock()
	hist := r.owns[uid]
	var prev *ownership
	handled := false
	if len(hist) > 0 {
		prev = hist[len(hist)-1]
		handled = prev.handled
	}
	r.ownMu.Unlock()
	if prev != nil && prev.rv == rv {
		// The same version again: from a list. One the handler has seen
		// means the kind was listed again; one it has not is the same list
		// delivered twice (a watch-list's events, then its replace).
		if handled {
			r.relisted(k)
		}
		return
	}
	o := readOwnership(rv, m.GetManagedFields(), prev, r.names.get, prev != nil)
	r.ownMu.Lock()
	hist = r.owns[uid]
	if len(hist) >= 8 { // the handler fell far behind: forget the oldest
		hist = append(hist[:0], hist[1:]...)
	}
	r.owns[uid] = append(hist, o)
	r.ownMu.Unlock()
}

// ownerships returns the kept ownership of uid at versions oldRV and rv
// (nil where unknown) and forgets the versions before rv.
func (r *Recorder) ownerships(uid, oldRV, rv string) (old, cur *ownership) {
	r.ownMu.Lock()
	defer r.ownMu.Unlock()
	hist := r.owns[uid]
	at := -1
	for i, o := range hist {
		if o.rv == oldRV {
			old = o
		}
		if o.rv == rv {
			cur, at = o, i
		}
	}
	if at > 0 {
		r.owns[uid] = append(hist[:0], hist[at:]...)
	}
	if cur != nil {
		cur.handled = true
	}
	return old, cur
}

// Started marks that k's watch starts now: nothing of it before was
// observed.
func (r *Recorder) Started(k *kinds.Kind) {
	if !records(k) {
		return
	}
	r.record(Entry{Op: Gap, Object: &Object{Kind: k}, Gap: &GapInfo{To: r.now(), Reason: "watch started"}})
}

// WatchFailed marks that k's watch failed: changes until it recovers may
// be seen late, merged into one, or (deletions) only as gone.
func (r *Recorder) WatchFailed(k *kinds.Kind, err error) {
	if !records(k) {
		return
	}
	msg := "watch failed"
	if err != nil {
		msg += ": " + err.Error()
	}
	r.record(Entry{Op: Gap, Object: &Object{Kind: k}, Gap: &GapInfo{From: r.now(), Reason: msg}})
}

// relisted marks a relist of k, at most once per 30 s: changes since the
// kind's last event are seen merged.
func (r *Recorder) relisted(k *kinds.Kind) {
	now := r.now()
	r.mu.Lock()
	if now-r.relistMarked[k.ID] < 30_000 {
		r.mu.Unlock()
		return
	}
	r.relistMarked[k.ID] = now
	from := r.lastSeen[k.ID]
	r.mu.Unlock()
	r.record(Entry{Op: Gap, Object: &Object{Kind: k}, Gap: &GapInfo{From: from, To: now, Reason: "relisted"}})
}

// Lost marks that the connection to the server was lost; Regained records
// the gap from then to now.
func (r *Recorder) Lost(why string) {
	r.mu.Lock()
	if r.lostAt == 0 {
		r.lostAt, r.lostWhy = r.now(), why
	}
	r.mu.Unlock()
}

// Regained: see Lost.
func (r *Recorder) Regained() {
	r.mu.Lock()
	from, why := r.lostAt, r.lostWhy
	r.lostAt, r.lostWhy = 0, ""
	r.mu.Unlock()
	if from == 0 {
		return
	}
	reason := "connection lost"
	if why != "" {
		reason += ": " + why
	}
	r.record(Entry{Op: Gap, Gap: &GapInfo{From: from, To: r.now(), Reason: reason}})
}

// Added records a creation; objects of a kind's initial list are not
// changes (the kind's start is a gap instead).
func (r *Recorder) Added(k *kinds.Kind, obj any, initial bool) {
	if !records(k) {
		return
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	uid := string(m.GetUID())
	_, cur := r.ownerships(uid, "", m.GetResourceVersion())
	if initial {
		return // nothing kept per listed object until it changes (100,000 pods)
	}
	o := r.object(k, m.GetNamespace(), m.GetName(), uid)
	r.record(Entry{Op: Created, Object: o, Actors: creators(cur)})
}

// Updated records the fields that differ between old and cur, attributed
// to their managers. A resync (the same resourceVersion) or an update of
// ignored fields only records nothing.
func (r *Recorder) Updated(k *kinds.Kind, old, cur any) {
	if !records(k) {
		return
	}
	om, err := meta.Accessor(old)
	if err != nil {
		return
	}
	cm, err := meta.Accessor(cur)
	if err != nil {
		return
	}
	if om.GetResourceVersion() == cm.GetResourceVersion() {
		return
	}
	uid := string(cm.GetUID())
	oldOwn, curOwn := r.ownerships(uid, om.GetResourceVersion(), cm.GetResourceVersion())
	fields, more := Diff(old, cur, r.ignore(k))
	hidden := false
	switch {
	case k.SecretValues:
		// Only metadata is cached: any other change is the data's.
		hidden = true
		fields = hideValues(fields)
		if len(fields) == 0 {
			fields = []Field{NewField("data", "", "")}
		}
	case k.Cache == kinds.Metadata && len(fields) == 0:
		hidden = true
		fields = []Field{NewField("(not cached)", "", "")}
	}
	if len(fields) == 0 {
		r.seen(k)
		return
	}
	for i := range fields {
		fields[i].Path = r.paths.get(fields[i].Path)
	}
	actors := attribute(fields, oldOwn, curOwn)
	o := r.object(k, cm.GetNamespace(), cm.GetName(), uid)
	r.record(Entry{Op: Updated, Object: o, Fields: fields, More: int32(more), Actors: actors, Hidden: hidden})
}

// hideValues drops the values of a Secret's data fields.
func hideValues(fields []Field) []Field {
	for i := range fields {
		f := &fields[i]
		if strings.HasPrefix(f.Path, "data") || strings.HasPrefix(f.Path, "stringData") {
			f.values, f.split = "", 0
		}
	}
	return fields
}

// Deleted records a deletion. A deletion found by a relist (the object was
// gone when the kind was listed again) also marks the relist.
func (r *Recorder) Deleted(k *kinds.Kind, obj any) {
	if !records(k) {
		return
	}
	if gone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		r.relisted(k)
		obj = gone.Obj
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	uid := string(m.GetUID())
	o := r.object(k, m.GetNamespace(), m.GetName(), uid)
	r.ownMu.Lock()
	delete(r.owns, uid)
	r.ownMu.Unlock()
	r.mu.Lock()
	delete(r.objects, uid)
	r.mu.Unlock()
	r.record(Entry{Op: Deleted, Object: o})
}

// Forget drops what the recorder keeps of k's objects (its CRD went); their
// entries stay.
func (r *Recorder) Forget(k *kinds.Kind) {
	r.mu.Lock()
	var uids []string
	for uid, o := range r.objects {
		if o.Kind.ID == k.ID {
			uids = append(uids, uid)
			delete(r.objects, uid)
		}
	}
	r.mu.Unlock()
	r.ownMu.Lock()
	for _, uid := range uids {
		delete(r.owns, uid)
	}
	r.ownMu.Unlock()
}

func (r *Recorder) object(k *kinds.Kind, ns, name, uid string) *Object {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.objects[uid]; ok && o.Kind == k && o.Name == name {
		return o
	}
	o := &Object{Kind: k, Namespace: r.names.get(ns), Name: name, UID: uid}
	r.objects[uid] = o
	return o
}

func (r *Recorder) ignore(k *kinds.Kind) Ignore {
	r.mu.Lock()
	defer r.mu.Unlock()
	ign, ok := r.ignores[k.ID]
	if !ok {
		ign = NewIgnore(append(append([]string{}, always...), k.Heartbeats...)...)
		r.ignores[k.ID] = ign
	}
	return ign
}

func (r *Recorder) seen(k *kinds.Kind) {
	now := r.now()
	r.mu.Lock()
	r.lastSeen[k.ID] = now
	r.mu.Unlock()
}

// record appends an entry, drops the oldest beyond the budget, and tells
// the views.
func (r *Recorder) record(e Entry) {
	r.mu.Lock()
	if e.Time == 0 {
		e.Time = r.now()
	}
	if e.Object != nil && e.Object.Kind != nil && e.Op != Gap {
		r.lastSeen[e.Object.Kind.ID] = e.Time
		if !e.Object.charged {
			e.Object.charged, e.charged = true, true
		}
	}
	e = r.appendLocked(e)
	changed := r.trimLocked()
	for v := range r.views {
		if v.add(&e) {
			changed = append(changed, v)
		}
	}
	r.mu.Unlock()
	r.changed(dedupe(changed))
}

func (r *Recorder) appendLocked(e Entry) Entry {
	r.next++
	e.Seq = r.next
	if e.Time == 0 {
		e.Time = r.now()
	}
	r.ring.push(e)
	r.bytes += e.cost()
	return e
}

// trimLocked drops the oldest entries beyond the budget (never the newest)
// and returns the views that lost rows.
func (r *Recorder) trimLocked() []*View {
	var firstKept uint64
	for r.bytes > r.budget && r.ring.n > 1 {
		e := r.ring.at(0)
		r.bytes -= e.cost()
		r.dropped++
		r.droppedUntil = e.Time
		r.ring.pop()
		firstKept = r.ring.at(0).Seq
	}
	if firstKept == 0 {
		return nil
	}
	var out []*View
	for v := range r.views {
		if v.drop(firstKept) {
			out = append(out, v)
		}
	}
	return out
}

func (r *Recorder) changed(views []*View) {
	if len(views) > 0 && r.opts.OnChange != nil {
		r.opts.OnChange(views)
	}
}

func dedupe(vs []*View) []*View {
	if len(vs) < 2 {
		return vs
	}
	out := vs[:0]
	seen := map[*View]bool{}
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Stats reports the entries' memory.
func (r *Recorder) Stats() model.ChangeStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statsLocked()
}

func (r *Recorder) statsLocked() model.ChangeStats {
	return model.ChangeStats{Entries: r.ring.n, Bytes: r.bytes, Budget: r.budget, Dropped: r.dropped, DroppedUntil: r.droppedUntil}
}

// OwnershipBytes estimates what the compact managedFields kept per object
// take (see ownership); shared field sets are counted once per version.
func (r *Recorder) OwnershipBytes() int {
	r.ownMu.Lock()
	defer r.ownMu.Unlock()
	n := 0
	for uid, hist := range r.owns {
		n += len(uid) + 48
		for _, o := range hist {
			n += o.size()
		}
	}
	return n
}

// Get returns the entry with sequence number seq, if still kept.
func (r *Recorder) Get(seq uint64) (Entry, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.indexLocked(seq)
	if i < 0 {
		return Entry{}, false
	}
	return *r.ring.at(i), true
}

// indexLocked finds seq in the ring (entries are in Seq order, not always
// consecutive: none are removed but from the head), or -1.
func (r *Recorder) indexLocked(seq uint64) int {
	lo, hi := 0, r.ring.n
	for lo < hi {
		mid := (lo + hi) / 2
		if r.ring.at(mid).Seq < seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < r.ring.n && r.ring.at(lo).Seq == seq {
		return lo
	}
	return -1
}

// Of returns the newest entries (at most limit) of the object kind/ns/name
// (whatever its UID: one deleted and created again keeps its history)
// and the gaps of its kind and of the session, newest first.
func (r *Recorder) Of(k kinds.ID, ns, name string, limit int) []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Entry
	for i := r.ring.n - 1; i >= 0 && len(out) < limit; i-- {
		e := r.ring.at(i)
		o := e.Object
		switch {
		case e.Op == Gap && (o == nil || o.Kind != nil && o.Kind.ID == k):
		case o != nil && o.Kind != nil && o.Kind.ID == k && o.Namespace == ns && o.Name == name:
		default:
			continue
		}
		out = append(out, *e)
	}
	return out
}

// interner shares repeated strings (namespaces, manager names, paths), up
// to a bound beyond which strings are kept as they are.
type interner struct {
	mu  sync.Mutex
	m   map[string]string
	max int
}

func newInterner(max int) interner { return interner{m: map[string]string{}, max: max} }

func (in *interner) get(s string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if v, ok := in.m[s]; ok {
		return v
	}
	if len(in.m) >= in.max {
		return s
	}
	in.m[s] = s
	return s
}
