package changes

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Field is one changed field of an update: its path and its old and new
// values as JSON text ("" when the field was absent), kept as one string.
// Values longer than MaxValue bytes are cut (Cut is set) and cannot be
// restored.
type Field struct {
	Path   string
	values string // old then new
	split  int32  // len(old)
	// Managers is a bit set over the entry's Actors: those responsible.
	Managers uint8
	Cut      bool
}

// NewField returns a field changed from old to cur.
func NewField(path, old, cur string) Field {
	return Field{Path: path, values: old + cur, split: int32(len(old))}
}

// Old is the value before the change ("" when absent).
func (f *Field) Old() string { return f.values[:f.split] }

// New is the value after the change ("" when absent).
func (f *Field) New() string { return f.values[f.split:] }

// MaxValue is the most of a value's JSON text an entry keeps.
const MaxValue = 512

// maxFields is the most fields an entry keeps; the rest are counted.
const maxFields = 64

// Ignore is a set of paths whose changes are not recorded: a path may use
// [*] for any item of a list ("status.conditions[*].lastHeartbeatTime").
type Ignore struct{ root *ignoreNode }

type ignoreNode struct {
	kids map[string]*ignoreNode
	leaf bool
}

// NewIgnore compiles paths (dot-separated map keys, [*] for list items).
func NewIgnore(paths ...string) Ignore {
	root := &ignoreNode{}
	for _, p := range paths {
		n := root
		for _, seg := range splitPattern(p) {
			if n.kids == nil {
				n.kids = map[string]*ignoreNode{}
			}
			next := n.kids[seg]
			if next == nil {
				next = &ignoreNode{}
				n.kids[seg] = next
			}
			n = next
		}
		n.leaf = true
	}
	return Ignore{root: root}
}

func splitPattern(p string) []string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		if name, ok := strings.CutSuffix(part, "[*]"); ok {
			out = append(out, name, "[*]")
			continue
		}
		out = append(out, part)
	}
	return out
}

func (n *ignoreNode) child(seg string) *ignoreNode {
	if n == nil || n.kids == nil {
		return nil
	}
	return n.kids[seg]
}

// Always ignored: bookkeeping that changes with every write.
var always = []string{"metadata.managedFields", "metadata.resourceVersion", "metadata.generation"}

// Diff returns the fields that differ between two objects of one type
// (typed API objects, summaries, or unstructured maps), matched as fields:
// maps key by key, lists of named items item by item, other lists as one
// value. Paths under ign are skipped. more counts fields beyond the kept.
func Diff(old, cur any, ign Ignore) (fields []Field, more int) {
	d := differ{ign: ign}
	d.value(reflect.ValueOf(old), reflect.ValueOf(cur), ign.root)
	if len(d.out) > 1 {
		sort.Slice(d.out, func(i, j int) bool { return d.out[i].Path < d.out[j].Path })
	}
	return d.out, d.more
}

type differ struct {
	ign Ignore
	// path is the current path as segments; the text is built only for a
	// field that changed.
	path []seg
	out  []Field
	more int
}

// seg is one step of a path: a key, or an item (field=value) of a list.
type seg struct {
	key, value string
	item       bool
}

func (d *differ) pathText() string {
	var b []byte
	for _, s := range d.path {
		if s.item {
			b = appendItem(b, s.key, s.value)
		} else {
			b = appendKey(b, s.key)
		}
	}
	return string(b)
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	quantityType = reflect.TypeFor[resource.Quantity]()
	typeMetaType = reflect.TypeFor[metav1.TypeMeta]()
	objMetaType  = reflect.TypeFor[metav1.ObjectMeta]()
)

func (d *differ) emit(a, b reflect.Value) {
	if len(d.out) >= maxFields {
		d.more++
		return
	}
	old, cut1 := render(a)
	cur, cut2 := render(b)
	f := NewField(d.pathText(), old, cur)
	f.Cut = cut1 || cut2
	d.out = append(d.out, f)
}

// render is v's JSON text, cut to MaxValue; "" for an absent value.
func render(v reflect.Value) (string, bool) {
	if !v.IsValid() || (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return "", false
	}
	var s string
	switch {
	case v.Kind() == reflect.String && plainText(v.String()):
		s = `"` + v.String() + `"`
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		s = strconv.FormatInt(v.Int(), 10)
	case v.Kind() == reflect.Bool:
		s = strconv.FormatBool(v.Bool())
	case v.CanInterface():
		s = toJSON(v.Interface())
	default:
		s = "?"
	}
	if len(s) > MaxValue {
		return s[:MaxValue], true
	}
	return s, false
}

// plainText reports whether s is its own JSON string body: printable
// ASCII without quotes, backslashes or the characters JSON may escape.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func toJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// value compares a and b at the current path.
func (d *differ) value(a, b reflect.Value, ign *ignoreNode) {
	if ign != nil && ign.leaf {
		return
	}
	for a.IsValid() && a.Kind() == reflect.Interface {
		if a.IsNil() {
			a = reflect.Value{}
			break
		}
		a = a.Elem()
	}
	for b.IsValid() && b.Kind() == reflect.Interface {
		if b.IsNil() {
			b = reflect.Value{}
			break
		}
		b = b.Elem()
	}
	if !a.IsValid() || !b.IsValid() {
		if a.IsValid() || b.IsValid() {
			if !empty(a) || !empty(b) {
				d.emit(a, b)
			}
		}
		return
	}
	if a.Type() != b.Type() {
		d.emit(a, b)
		return
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				d.emit(a, b)
			}
			return
		}
		if a.Pointer() == b.Pointer() {
			return
		}
		d.value(a.Elem(), b.Elem(), ign)
	case reflect.Struct:
		d.structs(a, b, ign)
	case reflect.Map:
		d.maps(a, b, ign)
	case reflect.Slice, reflect.Array:
		d.lists(a, b, ign)
	case reflect.String:
		if a.String() != b.String() {
			d.emit(a, b)
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			d.emit(a, b)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			d.emit(a, b)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if a.Uint() != b.Uint() {
			d.emit(a, b)
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			d.emit(a, b)
		}
	default:
		if a.CanInterface() && b.CanInterface() && !reflect.DeepEqual(a.Interface(), b.Interface()) {
			d.emit(a, b)
		}
	}
}

// empty reports whether an absent-or-zero value says nothing (a nil or
// empty map or list, an empty string): absent and empty are not a change.
func empty(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	}
	return false
}

func (d *differ) structs(a, b reflect.Value, ign *ignoreNode) {
	switch a.Type() {
	case timeType:
		// time.Time's fields are unexported; wall and ext equal is the same
		// instant as decoded.
		if a.Field(0).Uint() != b.Field(0).Uint() || a.Field(1).Int() != b.Field(1).Int() {
			d.emit(a, b)
		}
		return
	case quantityType:
		if a.CanAddr() && b.CanAddr() {
			qa, qb := a.Addr().Interface().(*resource.Quantity), b.Addr().Interface().(*resource.Quantity)
			if qa.Cmp(*qb) != 0 {
				d.emit(a, b)
			}
			return
		}
		qa, qb := a.Interface().(resource.Quantity), b.Interface().(resource.Quantity)
		if qa.Cmp(qb) != 0 {
			d.emit(a, b)
		}
		return
	}
	for _, f := range structFields(a.Type()) {
		var fa, fb reflect.Value
		if len(f.index) == 1 {
			fa, fb = a.Field(f.index[0]), b.Field(f.index[0])
		} else {
			fa, fb = a.FieldByIndex(f.index), b.FieldByIndex(f.index)
		}
		// Most fields are scalars that did not change, or nil pointers,
		// maps and lists on both sides: settled here without a call.
		switch f.kind {
		case reflect.String:
			if fa.String() == fb.String() {
				continue
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if fa.Int() == fb.Int() {
				continue
			}
		case reflect.Bool:
			if fa.Bool() == fb.Bool() {
				continue
			}
		case reflect.Pointer:
			if fa.IsNil() && fb.IsNil() {
				continue
			}
		case reflect.Map, reflect.Slice:
			if fa.Len() == 0 && fb.Len() == 0 {
				continue
			}
		}
		if f.inline {
			d.value(fa, fb, ign)
			continue
		}
		d.path = append(d.path, seg{key: f.name})
		d.value(fa, fb, ign.child(f.name))
		d.path = d.path[:len(d.path)-1]
	}
}

var stringMapType = reflect.TypeFor[map[string]string]()

func (d *differ) maps(a, b reflect.Value, ign *ignoreNode) {
	if a.Len() == 0 && b.Len() == 0 {
		return
	}
	if a.Type().Key().Kind() != reflect.String {
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			d.emit(a, b)
		}
		return
	}
	if a.Pointer() == b.Pointer() {
		return
	}
	if a.Type() == stringMapType && a.CanInterface() && b.CanInterface() {
		// Labels, annotations, selectors: most often equal.
		ma, mb := a.Interface().(map[string]string), b.Interface().(map[string]string)
		if len(ma) == len(mb) {
			equal := true
			for k, v := range ma {
				if w, ok := mb[k]; !ok || w != v {
					equal = false
					break
				}
			}
			if equal {
				return
			}
		}
	}
	iter := a.MapRange()
	for iter.Next() {
		k := iter.Key().String()
		vb := b.MapIndex(iter.Key())
		d.path = append(d.path, seg{key: k})
		if !vb.IsValid() {
			if kid := ign.child(k); kid == nil || !kid.leaf {
				d.emit(iter.Value(), reflect.Value{})
			}
		} else {
			d.value(iter.Value(), vb, ign.child(k))
		}
		d.path = d.path[:len(d.path)-1]
	}
	iter = b.MapRange()
	for iter.Next() {
		if a.MapIndex(iter.Key()).IsValid() {
			continue
		}
		k := iter.Key().String()
		if kid := ign.child(k); kid != nil && kid.leaf {
			continue
		}
		d.path = append(d.path, seg{key: k})
		d.emit(reflect.Value{}, iter.Value())
		d.path = d.path[:len(d.path)-1]
	}
}

func (d *differ) lists(a, b reflect.Value, ign *ignoreNode) {
	if a.Len() == 0 && b.Len() == 0 {
		return
	}
	if a.Kind() == reflect.Slice && a.Type().Elem().Kind() == reflect.Uint8 {
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			d.emit(a, b)
		}
		return
	}
	if field := listKey(a, b); field != "" {
		d.keyed(a, b, field, ign.child("[*]"))
		return
	}
	if a.Len() == b.Len() {
		// Lists of the same length item by item, as long as the items
		// compare without any difference; otherwise the list as one value.
		probe := differ{ign: d.ign}
		for i := 0; i < a.Len(); i++ {
			probe.value(a.Index(i), b.Index(i), ign.child("[*]"))
			if len(probe.out) > 0 {
				break
			}
		}
		if len(probe.out) == 0 {
			return
		}
	}
	d.emit(a, b)
}

// keyed compares lists of named items by key (lists are short: items are
// matched by a scan over their keys, read once).
func (d *differ) keyed(a, b reflect.Value, field string, ign *ignoreNode) {
	ka, kb := keys(a, field), keys(b, field)
	for i, k := range kb {
		d.path = append(d.path, seg{key: field, value: k, item: true})
		if j := slices.Index(ka, k); j >= 0 {
			d.value(a.Index(j), b.Index(i), ign)
		} else {
			d.emit(reflect.Value{}, b.Index(i))
		}
		d.path = d.path[:len(d.path)-1]
	}
	for j, k := range ka {
		if !slices.Contains(kb, k) {
			d.path = append(d.path, seg{key: field, value: k, item: true})
			d.emit(a.Index(j), reflect.Value{})
			d.path = d.path[:len(d.path)-1]
		}
	}
}

func keys(l reflect.Value, field string) []string {
	out := make([]string, l.Len())
	for i := range out {
		out[i], _ = itemKey(l.Index(i), field)
	}
	return out
}

// listKey returns the key field that names every item of both lists with
// a distinct value, or "".
func listKey(a, b reflect.Value) string {
	first := a
	if first.Len() == 0 {
		first = b
	}
	item := deref(first.Index(0))
	if !item.IsValid() || item.Kind() != reflect.Struct && item.Kind() != reflect.Map {
		return ""
	}
	for _, f := range keyFields {
		if _, ok := itemKey(first.Index(0), f); !ok {
			continue
		}
		if distinct(a, f) && distinct(b, f) {
			return f
		}
		return ""
	}
	return ""
}

func distinct(l reflect.Value, field string) bool {
	var small [16]string
	seen := small[:0]
	for i := 0; i < l.Len(); i++ {
		k, ok := itemKey(l.Index(i), field)
		if !ok || slices.Contains(seen, k) {
			return false
		}
		seen = append(seen, k)
	}
	return true
}

func deref(v reflect.Value) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// itemKey reads the key field of a list item, as text; ok is false when
// the item has no such field or it is empty or not a scalar.
func itemKey(item reflect.Value, field string) (string, bool) {
	item = deref(item)
	var v reflect.Value
	switch item.Kind() {
	case reflect.Map:
		if item.Type().Key().Kind() != reflect.String {
			return "", false
		}
		v = deref(item.MapIndex(reflect.ValueOf(field)))
	case reflect.Struct:
		for _, f := range structFields(item.Type()) {
			if f.name == field && !f.inline {
				v = deref(item.FieldByIndex(f.index))
				break
			}
		}
	default:
		return "", false
	}
	if !v.IsValid() {
		return "", false
	}
	var s string
	switch v.Kind() {
	case reflect.String:
		s = v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s = scalarText(v.Int())
	case reflect.Float64:
		s = scalarText(v.Float())
	default:
		return "", false
	}
	return s, s != "" && s != "0"
}

type fieldInfo struct {
	index  []int
	name   string
	kind   reflect.Kind
	inline bool
}

var fieldCache sync.Map // reflect.Type -> []fieldInfo

// structFields lists the fields of a struct type as JSON names them:
// exported, not "-", embedded structs without a name inlined (TypeMeta
// skipped; an embedded ObjectMeta without a tag, as summaries embed it,
// is "metadata"). Field names without a tag are lower-camel.
func structFields(t reflect.Type) []fieldInfo {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]fieldInfo)
	}
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Type == typeMetaType {
			continue
		}
		tag := sf.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" {
			if sf.Type == objMetaType {
				out = append(out, fieldInfo{index: sf.Index, name: "metadata", kind: reflect.Struct})
				continue
			}
			if strings.Contains(opts, "inline") || sf.Type.Kind() == reflect.Struct {
				out = append(out, fieldInfo{index: sf.Index, inline: true})
				continue
			}
		}
		if name == "" {
			name = strings.ToLower(sf.Name[:1]) + sf.Name[1:]
		}
		out = append(out, fieldInfo{index: sf.Index, name: name, kind: sf.Type.Kind()})
	}
	fieldCache.Store(t, out)
	return out
}
