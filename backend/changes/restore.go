package changes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// segment is one step of a path: a map key, or the list item whose field
// has value.
type segment struct {
	key          string
	field, value string
	item         bool
}

// parsePath splits a path as the diff writes it into segments.
func parsePath(p string) ([]segment, error) {
	var out []segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			if i+1 < len(p) && p[i+1] == '"' {
				end := i + 2
				for end < len(p) && p[end] != '"' {
					if p[end] == '\\' {
						end++
					}
					end++
				}
				k, err := strconv.Unquote(p[i+1 : end+1])
				if err != nil || end+1 >= len(p) || p[end+1] != ']' {
					return nil, fmt.Errorf("bad path %q", p)
				}
				out = append(out, segment{key: k})
				i = end + 2
				continue
			}
			end := bytes.IndexByte([]byte(p[i:]), ']')
			if end < 0 {
				return nil, fmt.Errorf("bad path %q", p)
			}
			f, v, ok := cutByte(p[i+1:i+end], '=')
			if !ok {
				return nil, fmt.Errorf("bad path %q", p)
			}
			out = append(out, segment{field: f, value: v, item: true})
			i += end + 1
		default:
			end := i
			for end < len(p) && p[end] != '.' && p[end] != '[' {
				end++
			}
			out = append(out, segment{key: p[i:end]})
			i = end
		}
	}
	return out, nil
}

func cutByte(s string, c byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// ValueAt returns the JSON text of the value at path in an object as
// unstructured maps ("" when absent).
func ValueAt(obj map[string]any, path string) string {
	segs, err := parsePath(path)
	if err != nil {
		return ""
	}
	var cur any = obj
	for _, s := range segs {
		cur = step(cur, s)
		if cur == nil {
			return ""
		}
	}
	return toJSON(cur)
}

func step(cur any, s segment) any {
	if s.item {
		list, _ := cur.([]any)
		for _, it := range list {
			if m, ok := it.(map[string]any); ok && scalarText(m[s.field]) == s.value {
				return m
			}
		}
		return nil
	}
	m, _ := cur.(map[string]any)
	return m[s.key]
}

// Restore sets the fields of obj (unstructured) back to their old values:
// a field that was absent is removed, one that was added to a list of
// named items leaves the list. Fields whose values were cut or hidden
// cannot be restored.
func Restore(obj map[string]any, fields []Field) error {
	for i := range fields {
		f := &fields[i]
		if f.Cut {
			return fmt.Errorf("%s: the value was too long to keep, so it cannot be restored", f.Path)
		}
		segs, err := parsePath(f.Path)
		if err != nil || len(segs) == 0 {
			return fmt.Errorf("cannot restore %s", f.Path)
		}
		var old any
		if f.Old() != "" {
			dec := json.NewDecoder(bytes.NewReader([]byte(f.Old())))
			dec.UseNumber()
			if err := dec.Decode(&old); err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
			old = numbers(old)
		}
		if err := set(obj, segs, old, f.Old() != ""); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
	}
	return nil
}

// numbers turns json.Numbers into int64 or float64, as the API's own
// unstructured objects hold them.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	}
	return v
}

func set(cur any, segs []segment, v any, present bool) error {
	s := segs[0]
	last := len(segs) == 1
	if s.item {
		return fmt.Errorf("a list item cannot be set directly")
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return fmt.Errorf("no map at %q", s.key)
	}
	if last {
		if present {
			m[s.key] = v
		} else {
			delete(m, s.key)
		}
		return nil
	}
	next := segs[1]
	if next.item {
		list, _ := m[s.key].([]any)
		for i, it := range list {
			im, ok := it.(map[string]any)
			if !ok || scalarText(im[next.field]) != next.value {
				continue
			}
			if len(segs) == 2 {
				if present {
					list[i] = v
				} else {
					m[s.key] = append(list[:i:i], list[i+1:]...)
				}
				return nil
			}
			return set(im, segs[2:], v, present)
		}
		if len(segs) == 2 && present {
			m[s.key] = append(list, v)
			return nil
		}
		return fmt.Errorf("no item %s=%s in %s", next.field, next.value, s.key)
	}
	child, ok := m[s.key].(map[string]any)
	if !ok {
		if !present {
			return nil
		}
		child = map[string]any{}
		m[s.key] = child
	}
	return set(child, segs[1:], v, present)
}
