package helm

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Values often hold credentials, so the page gets their shape first: one
// Leaf per value, with its path, type and size but never the value, and
// each value is read on request (Lookup), one at a time.

// MaxLeaves bounds the leaves listed for one set of values.
const MaxLeaves = 5000

// Leaf is one value of a values tree: a scalar, or an empty map or list.
type Leaf struct {
	// Path is the keys (and list indexes, as decimal text) from the root.
	Path []string `json:"path"`
	// Display is the path as people write it: a.b[0].c.
	Display string `json:"display"`
	// Type is string, number, boolean, null, map (empty) or list (empty).
	Type string `json:"type"`
	// Size is the length of the value's text.
	Size int `json:"size"`
}

// ErrNoValue is wrapped by Lookup's error for a path that names no leaf.
var ErrNoValue = errors.New("no such value")

// Leaves lists the leaves of values in key order, at most MaxLeaves; the
// second result says how many more there were.
func Leaves(values map[string]any) ([]Leaf, int) {
	var out []Leaf
	more := 0
	var walk func(v any, path []string, display string)
	walk = func(v any, path []string, display string) {
		switch t := v.(type) {
		case map[string]any:
			if len(t) > 0 {
				keys := make([]string, 0, len(t))
				for k := range t {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					d := k
					if display != "" {
						d = display + "." + k
					}
					walk(t[k], append(path[:len(path):len(path)], k), d)
				}
				return
			}
		case []any:
			if len(t) > 0 {
				for i, e := range t {
					walk(e, append(path[:len(path):len(path)], strconv.Itoa(i)), display+"["+strconv.Itoa(i)+"]")
				}
				return
			}
		}
		if len(out) >= MaxLeaves {
			more++
			return
		}
		out = append(out, Leaf{Path: path, Display: display, Type: typeOf(v), Size: len(text(v))})
	}
	walk(values, []string{}, "")
	if len(out) == 1 && len(out[0].Path) == 0 {
		return nil, 0 // no values at all
	}
	return out, more
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, json.Number, int, int64:
		return "number"
	case map[string]any:
		return "map"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}

// text is a value as the page shows it: a string as is, anything else as
// JSON.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Lookup returns the text of the leaf at path.
func Lookup(values map[string]any, path []string) (string, error) {
	var v any = values
	for i, p := range path {
		switch t := v.(type) {
		case map[string]any:
			next, ok := t[p]
			if !ok {
				return "", fmt.Errorf("%w: %s", ErrNoValue, strings.Join(path[:i+1], "."))
			}
			v = next
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(t) {
				return "", fmt.Errorf("%w: %s", ErrNoValue, strings.Join(path[:i+1], "."))
			}
			v = t[n]
		default:
			return "", fmt.Errorf("%w: %s", ErrNoValue, strings.Join(path[:i+1], "."))
		}
	}
	switch t := v.(type) {
	case map[string]any:
		if len(t) > 0 || len(path) == 0 {
			return "", fmt.Errorf("%w: %s is a map", ErrNoValue, strings.Join(path, "."))
		}
	case []any:
		if len(t) > 0 {
			return "", fmt.Errorf("%w: %s is a list", ErrNoValue, strings.Join(path, "."))
		}
	}
	return text(v), nil
}

// Computed merges a release's user-supplied values over its chart's
// defaults, as Helm computes the values a chart is rendered with: maps
// merge key by key, any other value replaces the default, and a null
// removes the default's key. Neither argument is modified.
func Computed(defaults, config map[string]any) map[string]any {
	out := make(map[string]any, len(defaults)+len(config))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range config {
		if v == nil {
			delete(out, k)
			continue
		}
		if cm, ok := v.(map[string]any); ok {
			if dm, ok := out[k].(map[string]any); ok {
				out[k] = Computed(dm, cm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
