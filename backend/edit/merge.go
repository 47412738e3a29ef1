package edit

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
)

// Conflict is a field both the user and someone else changed since the
// edit began, to different values. Path is JSONPath-like
// (".spec.template.spec.containers[name=web].image"); Live and Yours are
// the two values as compact JSON ("" for a field that was removed).
type Conflict struct {
	Path  string
	Live  string
	Yours string
}

// absent marks a field missing on one side.
type absentT struct{}

var absent = absentT{}

// Merge3 merges two sets of changes to base: the live object's (someone
// else's) and the user's (yours). Changes to different fields both stay;
// the same change made on both sides is one change; changes of one field
// to different values are conflicts, and the merged object keeps the
// user's value there, so that nothing typed is lost. Maps merge key by
// key; lists whose items all have a unique "name" (containers, env,
// volumes, ports...) merge item by item, in the live order with the
// user's new items after; other lists are values. metadata.resourceVersion,
// generation and managedFields are the live object's.
func Merge3(base, live, yours map[string]any) (map[string]any, []Conflict) {
	m := &merger{}
	out, _ := m.merge("", base, live, yours).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	for _, path := range noise {
		remove(out, path)
		if v, ok := get(live, path); ok {
			set(out, path, runtime.DeepCopyJSONValue(v))
		}
	}
	sort.Slice(m.conflicts, func(i, j int) bool { return m.conflicts[i].Path < m.conflicts[j].Path })
	return out, m.conflicts
}

type merger struct{ conflicts []Conflict }

func (m *merger) merge(path string, base, live, yours any) any {
	switch {
	case equal(live, yours):
		return live
	case equal(base, yours):
		return live
	case equal(base, live):
		return yours
	}
	bm, bok := asMap(base)
	lm, lok := live.(map[string]any)
	ym, yok := yours.(map[string]any)
	if bok && lok && yok {
		return m.mergeMaps(path, bm, lm, ym)
	}
	if bl, ok := named(base, true); ok {
		if ll, ok := named(live, false); ok {
			if yl, ok := named(yours, false); ok {
				return m.mergeNamed(path, bl, ll, yl, live.([]any), yours.([]any))
			}
		}
	}
	m.conflicts = append(m.conflicts, Conflict{Path: pathText(path), Live: compact(live), Yours: compact(yours)})
	return yours
}

// asMap treats an absent base as an empty map: both sides may add a map.
func asMap(v any) (map[string]any, bool) {
	if v == absent {
		return map[string]any{}, true
	}
	mv, ok := v.(map[string]any)
	return mv, ok
}

func (m *merger) mergeMaps(path string, base, live, yours map[string]any) map[string]any {
	keys := map[string]bool{}
	for _, mp := range []map[string]any{base, live, yours} {
		for k := range mp {
			keys[k] = true
		}
	}
	out := map[string]any{}
	for _, k := range sortedKeys(keys) {
		v := m.merge(path+"."+k, value(base, k), value(live, k), value(yours, k))
		if v != absent {
			out[k] = v
		}
	}
	return out
}

func (m *merger) mergeNamed(path string, base, live, yours map[string]any, liveList, yourList []any) []any {
	var order []string
	seen := map[string]bool{}
	for _, l := range [][]any{liveList, yourList} {
		for _, item := range l {
			n := item.(map[string]any)["name"].(string)
			if !seen[n] {
				seen[n] = true
				order = append(order, n)
			}
		}
	}
	for n := range base {
		if !seen[n] {
			order = append(order, n) // removed on both sides: merge says so
		}
	}
	out := []any{}
	for _, n := range order {
		v := m.merge(path+"[name="+n+"]", value(base, n), value(live, n), value(yours, n))
		if v != absent {
			out = append(out, v)
		}
	}
	return out
}

// named indexes a list whose items are maps with unique, non-empty
// names; an absent base counts as an empty list when allowAbsent.
func named(v any, allowAbsent bool) (map[string]any, bool) {
	if v == absent {
		return map[string]any{}, allowAbsent
	}
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]any, len(l))
	for _, item := range l {
		mp, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		n, ok := mp["name"].(string)
		if !ok || n == "" {
			return nil, false
		}
		if _, dup := out[n]; dup {
			return nil, false
		}
		out[n] = mp
	}
	return out, true
}

func value(mp map[string]any, k string) any {
	v, ok := mp[k]
	if !ok {
		return absent
	}
	return v
}

func equal(a, b any) bool {
	if a == absent || b == absent {
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

func sortedKeys(keys map[string]bool) []string {
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// pathText shows the path from the root: "." alone for the object.
func pathText(p string) string {
	if p == "" {
		return "."
	}
	return p
}

// compact shows a value as one line of JSON, at most 300 characters; ""
// when it is absent.
func compact(v any) string {
	if v == absent {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	s := string(b)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func get(obj map[string]any, path []string) (any, bool) {
	var cur any = obj
	for _, k := range path {
		mp, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mp[k]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func set(obj map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = v
}

// String says what a conflict is in one line, for a log or a message.
func (c Conflict) String() string {
	show := func(s string) string {
		if s == "" {
			return "(removed)"
		}
		return s
	}
	return c.Path + ": live " + show(c.Live) + ", yours " + show(c.Yours)
}

// Conflicts says what conflicts there are, for an error message.
func Conflicts(cs []Conflict) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strconv.Itoa(len(cs)) + " conflicting field(s): " + strings.Join(parts, "; ")
}
