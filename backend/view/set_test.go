package view_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/view"
)

// row is the test row: Name is the key, Score and Group are sort columns with
// many ties, Restarts is content that no test order or filter looks at.
type row struct {
	Name     string
	Score    int
	Group    int
	Restarts int
}

func rowKey(r row) string { return r.Name }

type order struct {
	name string
	less func(a, b row) bool // nil: by key only
}

var orders = []order{
	{"key", nil},
	{"score asc", func(a, b row) bool { return a.Score < b.Score }},
	{"group desc", func(a, b row) bool { return a.Group > b.Group }},
	{"group then score", func(a, b row) bool {
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Score < b.Score
	}},
}

type filter struct {
	name  string
	match func(row) bool // nil: everything
}

var filters = []filter{
	{"all", nil},
	{"score not multiple of 3", func(r row) bool { return r.Score%3 != 0 }},
	{"group below 5", func(r row) bool { return r.Group < 5 }},
	{"name contains 1", func(r row) bool { return view.ContainsFold("1", r.Name) }},
}

// model is the naive reference: every row the caller has, sorted from
// scratch whenever it is asked.
type model struct {
	all   map[string]row
	less  func(a, b row) bool
	match func(row) bool
}

func (m *model) sorted() []row {
	out := []row{}
	for _, r := range m.all {
		if m.match == nil || m.match(r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b row) int {
		if m.less != nil && m.less(a, b) {
			return -1
		}
		if m.less != nil && m.less(b, a) {
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

func (m *model) inSet(key string) bool {
	r, ok := m.all[key]
	return ok && (m.match == nil || m.match(r))
}

func (m *model) values() []row {
	out := make([]row, 0, len(m.all))
	for _, r := range m.all {
		out = append(out, r)
	}
	return out
}

func TestSetAgainstModel(t *testing.T) {
	tests := []struct {
		seed     uint64
		ops      int
		keySpace int
	}{
		{seed: 1, ops: 5000, keySpace: 50},
		{seed: 2, ops: 4000, keySpace: 300},
		{seed: 3, ops: 1500, keySpace: 1500},
		{seed: 4, ops: 2000, keySpace: 5},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("seed=%d/keys=%d", tc.seed, tc.keySpace), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 42))
			randomRow := func() row {
				return row{
					Name:     fmt.Sprintf("r%04d", rng.IntN(tc.keySpace)),
					Score:    rng.IntN(20),
					Group:    rng.IntN(10),
					Restarts: rng.IntN(3),
				}
			}
			m := &model{all: map[string]row{}}
			for range tc.keySpace / 2 {
				r := randomRow()
				m.all[r.Name] = r
			}
			s := view.New(rowKey, m.less, m.match, m.values())
			require.Equal(t, uint64(1), s.Version())
			checkSet(t, rng, s, m, "after New")

			for op := range tc.ops {
				before := s.Version()
				var desc string
				var changed, want bool
				switch p := rng.IntN(100); {
				case p < 40: // insert or update, possibly so it stops or starts matching
					r := randomRow()
					desc = fmt.Sprintf("Upsert(%+v)", r)
					want = m.inSet(r.Name) || m.match == nil || m.match(r)
					m.all[r.Name] = r
					changed = s.Upsert(r)
				case p < 60: // content-only change of an existing row: position kept
					if len(m.all) == 0 {
						continue
					}
					r := m.all[randomKey(rng, m)]
					r.Restarts++
					desc = fmt.Sprintf("Upsert(restart %s)", r.Name)
					want = m.inSet(r.Name)
					m.all[r.Name] = r
					changed = s.Upsert(r)
				case p < 85: // delete an existing row
					if len(m.all) == 0 {
						continue
					}
					k := randomKey(rng, m)
					desc = "Delete(" + k + ")"
					want = m.inSet(k)
					delete(m.all, k)
					changed = s.Delete(k)
				case p < 95: // delete a key that may not exist
					k := fmt.Sprintf("r%04d", rng.IntN(tc.keySpace*2))
					desc = "Delete(" + k + ")"
					want = m.inSet(k)
					delete(m.all, k)
					changed = s.Delete(k)
				default: // the user picks another sort or filter
					o, f := orders[rng.IntN(len(orders))], filters[rng.IntN(len(filters))]
					desc = "Reset(" + o.name + ", " + f.name + ")"
					m.less, m.match = o.less, f.match
					s.Reset(o.less, f.match, m.values())
					want = true
					changed = true
				}
				require.Equal(t, want, changed, "op %d %s: changed", op, desc)
				if want {
					require.Equal(t, before+1, s.Version(), "op %d %s: version bumped once", op, desc)
				} else {
					require.Equal(t, before, s.Version(), "op %d %s: version unchanged", op, desc)
				}
				checkSet(t, rng, s, m, fmt.Sprintf("op %d %s", op, desc))
			}
		})
	}
}

func randomKey(rng *rand.Rand, m *model) string {
	keys := make([]string, 0, len(m.all))
	for k := range m.all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[rng.IntN(len(keys))]
}

// checkSet compares every observable of s with the model.
func checkSet(t *testing.T, rng *rand.Rand, s *view.Set[row], m *model, ctx string) {
	t.Helper()
	want := m.sorted()
	require.Equal(t, len(want), s.Len(), "%s: Len", ctx)
	require.Equal(t, want, s.Window(0, len(want)), "%s: order", ctx)
	// IndexOf of every row while the set is small, of a sample once it is large.
	for n := range min(len(want), 40) {
		i := n
		if len(want) > 40 {
			i = rng.IntN(len(want))
		}
		if got, ok := s.IndexOf(want[i].Name); !ok || got != i {
			t.Fatalf("%s: IndexOf(%s) = %d, %v; want %d, true", ctx, want[i].Name, got, ok, i)
		}
	}
	for k := range m.all {
		if _, ok := s.IndexOf(k); ok && !m.inSet(k) {
			t.Fatalf("%s: IndexOf(%s) found a filtered-out row", ctx, k)
		}
	}
	offset, limit := rng.IntN(len(want)+3)-1, rng.IntN(12)
	lo := min(max(offset, 0), len(want))
	require.Equal(t, want[lo:min(lo+max(limit, 0), len(want))], s.Window(offset, limit),
		"%s: Window(%d, %d)", ctx, offset, limit)
}

func TestNewBreaksTiesByKeyAndKeepsLastDuplicate(t *testing.T) {
	byScore := func(a, b row) bool { return a.Score < b.Score }
	s := view.New(rowKey, byScore, nil, []row{
		{Name: "c", Score: 1}, {Name: "a", Score: 1}, {Name: "d", Score: 0},
		{Name: "b", Score: 1}, {Name: "a", Score: 2}, // a second "a": the last wins
	})
	assert.Equal(t, []row{{Name: "d"}, {Name: "b", Score: 1}, {Name: "c", Score: 1}, {Name: "a", Score: 2}},
		s.Window(0, 10))

	// A new row with a tied score goes between its tied neighbours by key.
	assert.True(t, s.Upsert(row{Name: "bb", Score: 1}))
	assert.Equal(t, []string{"d", "b", "bb", "c", "a"}, names(s.Window(0, 10)))
}

func TestWindowClamps(t *testing.T) {
	s := view.New(rowKey, nil, nil, []row{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}})
	tests := []struct {
		offset, limit int
		want          []string
	}{
		{0, 2, []string{"a", "b"}},
		{1, 2, []string{"b", "c"}},
		{2, 100, []string{"c", "d"}},
		{3, 1, []string{"d"}},
		{4, 1, []string{}},
		{100, 10, []string{}},
		{-5, 2, []string{"a", "b"}},
		{0, 0, []string{}},
		{1, -1, []string{}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d,%d", tc.offset, tc.limit), func(t *testing.T) {
			got := s.Window(tc.offset, tc.limit)
			require.NotNil(t, got, "an empty window is [] in JSON, not null")
			assert.Equal(t, tc.want, names(got))
		})
	}
}

func TestWindowIsACopy(t *testing.T) {
	s := view.New(rowKey, nil, nil, []row{{Name: "a"}, {Name: "b"}})
	w := s.Window(0, 2)
	w[0] = row{Name: "zzz"}
	assert.Equal(t, []string{"a", "b"}, names(s.Window(0, 2)))
}

func TestSetKeepsItsOwnCopies(t *testing.T) {
	initial := []row{{Name: "a", Score: 1}, {Name: "b", Score: 2}}
	s := view.New(rowKey, func(a, b row) bool { return a.Score < b.Score }, nil, initial)
	initial[0].Score = 9 // the caller reuses its slice
	r := row{Name: "c", Score: 3}
	s.Upsert(r)
	r.Score = 0
	assert.Equal(t, []row{{Name: "a", Score: 1}, {Name: "b", Score: 2}, {Name: "c", Score: 3}}, s.Window(0, 5))
	assert.True(t, s.Upsert(row{Name: "a", Score: 5}), "the Set still finds a by its own copy")
	assert.Equal(t, []string{"b", "c", "a"}, names(s.Window(0, 5)))
}

func TestUpsert(t *testing.T) {
	byScore := func(a, b row) bool { return a.Score < b.Score }
	running := func(r row) bool { return r.Group == 0 }
	initial := []row{{Name: "a", Score: 1}, {Name: "b", Score: 2}, {Name: "c", Score: 3}, {Name: "x", Group: 1}}
	tests := []struct {
		name    string
		op      func(s *view.Set[row]) bool
		changed bool
		want    []string
	}{
		{"insert at front", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "z", Score: 0}) }, true, []string{"z", "a", "b", "c"}},
		{"insert at end", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "d", Score: 9}) }, true, []string{"a", "b", "c", "d"}},
		{"move right", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "a", Score: 5}) }, true, []string{"b", "c", "a"}},
		{"move left", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "c", Score: 0}) }, true, []string{"c", "a", "b"}},
		{"content only", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "b", Score: 2, Restarts: 4}) }, true, []string{"a", "b", "c"}},
		{"stops matching", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "b", Score: 2, Group: 1}) }, true, []string{"a", "c"}},
		{"starts matching", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "x", Score: 2}) }, true, []string{"a", "b", "x", "c"}},
		{"absent and not matching", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "y", Group: 3}) }, false, []string{"a", "b", "c"}},
		{"still not matching", func(s *view.Set[row]) bool { return s.Upsert(row{Name: "x", Group: 2}) }, false, []string{"a", "b", "c"}},
		{"delete", func(s *view.Set[row]) bool { return s.Delete("a") }, true, []string{"b", "c"}},
		{"delete filtered out", func(s *view.Set[row]) bool { return s.Delete("x") }, false, []string{"a", "b", "c"}},
		{"delete missing", func(s *view.Set[row]) bool { return s.Delete("nope") }, false, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := view.New(rowKey, byScore, running, initial)
			v := s.Version()
			assert.Equal(t, tc.changed, tc.op(s))
			assert.Equal(t, tc.want, names(s.Window(0, 100)))
			assert.Equal(t, len(tc.want), s.Len())
			if tc.changed {
				assert.Equal(t, v+1, s.Version())
			} else {
				assert.Equal(t, v, s.Version())
			}
		})
	}
}

func TestUpsertKeepsLatestContent(t *testing.T) {
	s := view.New(rowKey, nil, nil, []row{{Name: "a"}, {Name: "b"}})
	s.Upsert(row{Name: "a", Restarts: 7})
	assert.Equal(t, []row{{Name: "a", Restarts: 7}, {Name: "b"}}, s.Window(0, 2))
	i, ok := s.IndexOf("b")
	assert.True(t, ok)
	assert.Equal(t, 1, i)
	_, ok = s.IndexOf("c")
	assert.False(t, ok)
}

func TestReset(t *testing.T) {
	all := []row{{Name: "a", Score: 3}, {Name: "b", Score: 1}, {Name: "c", Score: 2, Group: 1}}
	s := view.New(rowKey, nil, nil, all)
	require.Equal(t, []string{"a", "b", "c"}, names(s.Window(0, 10)))
	v := s.Version()

	s.Reset(func(a, b row) bool { return a.Score < b.Score }, func(r row) bool { return r.Group == 0 }, all)
	assert.Equal(t, []string{"b", "a"}, names(s.Window(0, 10)))
	assert.Equal(t, v+1, s.Version())
	_, ok := s.IndexOf("c")
	assert.False(t, ok)

	// The new order and filter apply to later changes too.
	assert.True(t, s.Upsert(row{Name: "d", Score: 0}))
	assert.False(t, s.Upsert(row{Name: "e", Group: 2}))
	assert.Equal(t, []string{"d", "b", "a"}, names(s.Window(0, 10)))

	s.Reset(nil, nil, nil)
	assert.Equal(t, 0, s.Len())
	assert.Equal(t, v+3, s.Version())
}

func names(rows []row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

// ResetOrdered builds no key index (the open of a view at 100,000 rows
// should not wait for one): every call that needs it must still find rows.
func TestResetWithoutIndexThenChanges(t *testing.T) {
	byScore := func(a, b row) bool { return a.Score < b.Score }
	s := view.New(rowKey, nil, nil, nil)
	s.ResetOrdered(byScore, nil, []row{{Name: "a", Score: 1}, {Name: "b", Score: 2}, {Name: "c", Score: 3}})
	i, ok := s.IndexOf("b")
	require.True(t, ok)
	assert.Equal(t, 1, i)

	assert.True(t, s.Upsert(row{Name: "a", Score: 4}), "a row moves")
	assert.Equal(t, []string{"b", "c", "a"}, names(s.Window(0, 10)))
	assert.True(t, s.Delete("c"))
	assert.False(t, s.Delete("c"))
	assert.True(t, s.Upsert(row{Name: "d", Score: 0}))
	assert.Equal(t, []string{"d", "b", "a"}, names(s.Window(0, 10)))

	s.ResetOrdered(byScore, func(r row) bool { return r.Score > 1 }, []row{{Name: "x", Score: 1}, {Name: "y", Score: 2}})
	_, ok = s.IndexOf("x")
	assert.False(t, ok, "filtered out by the new match")
	assert.True(t, s.Delete("y"))
	assert.Equal(t, 0, s.Len())

	s.ResetOrdered(byScore, nil, nil)
	assert.True(t, s.Upsert(row{Name: "z", Score: 5}), "an empty ordered set takes rows")
	i, ok = s.IndexOf("z")
	require.True(t, ok)
	assert.Equal(t, 0, i)

	// ResetUnique sorts, and leaves the index to later calls too.
	s.ResetUnique(byScore, nil, []row{{Name: "p", Score: 3}, {Name: "q", Score: 1}, {Name: "r", Score: 2}})
	assert.Equal(t, []string{"q", "r", "p"}, names(s.Window(0, 10)))
	i, ok = s.IndexOf("p")
	require.True(t, ok)
	assert.Equal(t, 2, i)
	assert.True(t, s.Upsert(row{Name: "q", Score: 9}))
	assert.Equal(t, []string{"r", "p", "q"}, names(s.Window(0, 10)))
}
