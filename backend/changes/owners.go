package changes

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ownership is what the recorder keeps of one version of an object's
// managedFields, instead of the managedFields themselves (the cache drops
// them): per manager entry its name, operation, subresource and time, a
// hash of its field set, and the set as sorted 32-bit hashes of the paths
// it owns and of the nodes above them. A Deployment managed by a client
// and a controller keeps ~80 hashes (~320 B); a manager whose field set did
// not change since the previous version shares the previous slice.
type ownership struct {
	rv       string
	managers []manager
	// handled is set once the informer's handler has seen this version.
	handled bool
}

type manager struct {
	name    string
	sub     string
	apply   bool
	time    int64 // Unix seconds
	setHash uint64
	// leaves counts the fields owned (the empty objects of FieldsV1),
	// without parsing: a set that shrank lost fields to another writer.
	leaves int32
	// set holds owned(path) for the fields the manager owns and
	// interior(path) for every node above them, sorted; read only once the
	// object changes (parsed), not for objects as first listed.
	set    []uint32
	parsed bool
}

func (m *manager) same(o *manager) bool {
	return m.name == o.name && m.sub == o.sub && m.apply == o.apply
}

func (m *manager) owns(p string) bool {
	if has(m.set, owned(p)) {
		return true
	}
	found := false
	prefixes(p, func(pre string) bool {
		found = has(m.set, owned(pre))
		return !found
	})
	return found
}

// under reports whether the manager owns something below p.
func (m *manager) under(p string) bool { return has(m.set, interior(p)) }

func has(set []uint32, h uint32) bool {
	_, ok := slices.BinarySearch(set, h)
	return ok
}

var rawSeed = maphash.MakeSeed()

// readOwnership builds the compact ownership of entries; prev (may be
// nil) is the previous version's, whose field sets are reused when a
// manager's set is unchanged, so most updates parse no FieldsV1 at all.
// Without parse (an object seen for the first time: a list, a creation)
// only the entries' names, times and hashes are kept.
func readOwnership(rv string, entries []metav1.ManagedFieldsEntry, prev *ownership, intern func(string) string, parse bool) *ownership {
	o := &ownership{rv: rv, managers: make([]manager, 0, len(entries))}
	for i := range entries {
		e := &entries[i]
		m := manager{name: intern(e.Manager), sub: intern(e.Subresource), apply: e.Operation == metav1.ManagedFieldsOperationApply}
		if e.Time != nil {
			m.time = e.Time.Unix()
		}
		if e.FieldsV1 != nil {
			m.setHash = maphash.Bytes(rawSeed, e.FieldsV1.Raw)
		}
		reused, counted := false, false
		if prev != nil {
			for j := range prev.managers {
				p := &prev.managers[j]
				if p.same(&m) && p.setHash == m.setHash {
					m.leaves, counted = p.leaves, true
					if p.parsed {
						m.set, m.parsed, reused = p.set, true, true
					}
					break
				}
			}
		}
		if !counted && e.FieldsV1 != nil {
			m.leaves = int32(bytes.Count(e.FieldsV1.Raw, []byte("{}")))
		}
		if !reused && parse {
			if e.FieldsV1 != nil {
				m.set = fieldSet(e.FieldsV1.Raw)
			}
			m.parsed = true
		}
		o.managers = append(o.managers, m)
	}
	return o
}

// fieldSet reads a FieldsV1 document into sorted path hashes.
func fieldSet(raw []byte) []uint32 {
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil
	}
	var set []uint32
	var walk func(path []byte, node map[string]any)
	walk = func(path []byte, node map[string]any) {
		for k, child := range node {
			kids, _ := child.(map[string]any)
			var p []byte
			switch {
			case k == ".":
				set = append(set, owned(string(path)))
				continue
			case strings.HasPrefix(k, "f:"):
				p = appendKey(slices.Clip(path), k[2:])
			case strings.HasPrefix(k, "k:"):
				var fields map[string]any
				if json.Unmarshal([]byte(k[2:]), &fields) != nil || len(fields) == 0 {
					continue
				}
				f, v := pickKey(fields)
				p = appendItem(slices.Clip(path), f, v)
			default: // v: (a set's value) and i: (an index): the list itself
				set = append(set, owned(string(path)))
				continue
			}
			if len(kids) == 0 {
				set = append(set, owned(string(p)))
				continue
			}
			set = append(set, interior(string(p)))
			walk(p, kids)
		}
	}
	walk(nil, root)
	slices.Sort(set)
	return slices.Compact(set)
}

// Actor is a field manager named in an entry: the manager, its operation
// (Apply or Update), the subresource it wrote through, and the time of its
// managedFields entry (Unix seconds).
type Actor struct {
	Name        string
	Apply       bool
	Subresource string
	Time        int64
}

// actors are the managers whose entry changed from old to cur: new, or a
// newer time. When none has a newer time (two writes within one second),
// those whose field set changed and did not shrink (a manager that only
// lost fields to another writer did not write). A write that only removes
// fields (an Update) changes no entry of its writer: then there are none.
func actors(old, cur *ownership) []int {
	var out []int
	for i := range cur.managers {
		m := &cur.managers[i]
		p := find(old, m)
		if p == nil || p.time != m.time {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		return out
	}
	for i := range cur.managers {
		m := &cur.managers[i]
		if p := find(old, m); p == nil || p.setHash != m.setHash && m.leaves >= p.leaves {
			out = append(out, i)
		}
	}
	return out
}

func find(o *ownership, m *manager) *manager {
	if o == nil {
		return nil
	}
	for i := range o.managers {
		if o.managers[i].same(m) {
			return &o.managers[i]
		}
	}
	return nil
}

// attribute sets each field's Managers and returns the actors they name.
// A field set or added belongs to the managers owning it now that are
// among those whose entry changed (else to its owners, else to every
// manager whose entry changed); a field removed to the managers whose
// entry changed (none, when the remover's Update left no trace).
func attribute(fields []Field, old, cur *ownership) []Actor {
	if cur == nil {
		return nil
	}
	changed := actors(old, cur)
	var picked []int // indexes into cur.managers, in order of first use
	bit := func(i int) uint8 {
		for j, p := range picked {
			if p == i {
				return 1 << j
			}
		}
		if len(picked) == 8 {
			return 0
		}
		picked = append(picked, i)
		return 1 << (len(picked) - 1)
	}
	for fi := range fields {
		f := &fields[fi]
		var mask uint8
		if f.New() != "" {
			var owners []int
			for i := range cur.managers {
				m := &cur.managers[i]
				if m.owns(f.Path) || m.under(f.Path) {
					owners = append(owners, i)
				}
			}
			for _, i := range owners {
				if slices.Contains(changed, i) {
					mask |= bit(i)
				}
			}
			if mask == 0 {
				for _, i := range owners {
					mask |= bit(i)
				}
			}
		}
		if mask == 0 {
			for _, i := range changed {
				mask |= bit(i)
			}
		}
		f.Managers = mask
	}
	out := make([]Actor, len(picked))
	for j, i := range picked {
		m := &cur.managers[i]
		out[j] = Actor{Name: m.name, Apply: m.apply, Subresource: m.sub, Time: m.time}
	}
	return out
}

// creators are the managers of a new object: all of its entries.
func creators(cur *ownership) []Actor {
	if cur == nil {
		return nil
	}
	out := make([]Actor, 0, min(len(cur.managers), 8))
	for i := range cur.managers {
		if len(out) == 8 {
			break
		}
		m := &cur.managers[i]
		out = append(out, Actor{Name: m.name, Apply: m.apply, Subresource: m.sub, Time: m.time})
	}
	return out
}

func (o *ownership) size() int {
	if o == nil {
		return 0
	}
	n := 48 + len(o.rv)
	for i := range o.managers {
		n += 72 + 4*cap(o.managers[i].set)
	}
	return n
}
