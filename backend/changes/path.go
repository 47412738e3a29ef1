package changes

import (
	"hash/maphash"
	"strconv"
	"strings"
)

// Paths name a field the way the timeline shows it and the way ownership
// (managedFields) is matched against it: map keys joined by dots
// (spec.replicas), a key that is not a plain word quoted in brackets
// (metadata.labels["app.kubernetes.io/name"]), an item of a list of named
// items by its key field (spec.template.spec.containers[name=app].image).
// The diff and the managedFields reader build paths with the same
// functions, so a changed field and the manager owning it meet by hash.

// plainKey reports whether k can follow a dot unquoted.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// appendKey appends the path of map key k under the path in b.
func appendKey(b []byte, k string) []byte {
	if plainKey(k) {
		if len(b) > 0 {
			b = append(b, '.')
		}
		return append(b, k...)
	}
	b = append(b, '[')
	b = strconv.AppendQuote(b, k)
	return append(b, ']')
}

// appendItem appends the path of the list item whose key field is v.
func appendItem(b []byte, field, v string) []byte {
	b = append(b, '[')
	b = append(b, field...)
	b = append(b, '=')
	b = append(b, v...)
	return append(b, ']')
}

// prefixes calls f with every proper prefix of path p (the paths of its
// ancestors), longest first.
func prefixes(p string, f func(string) bool) {
	depth, quoted := 0, false
	ends := make([]int, 0, 8)
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case quoted:
			if c == '\\' {
				i++
			} else if c == '"' {
				quoted = false
			}
		case c == '"':
			quoted = true
		case c == '[':
			if depth == 0 && i > 0 {
				ends = append(ends, i)
			}
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			ends = append(ends, i)
		}
	}
	for i := len(ends) - 1; i >= 0; i-- {
		if !f(p[:ends[i]]) {
			return
		}
	}
}

var pathSeed = maphash.MakeSeed()

// owned and interior hash a path as a field a manager owns, and as a node
// with owned fields below it.
func owned(p string) uint32 { return uint32(maphash.String(pathSeed, p)) }

func interior(p string) uint32 {
	var h maphash.Hash
	h.SetSeed(pathSeed)
	h.WriteString(p)
	h.WriteByte('/')
	return uint32(h.Sum64())
}

// keyFields are the fields that name the items of a list, in the order they
// are tried: a list is matched item by item when every item is a map (or
// struct) with the same one of these fields set to a distinct scalar.
var keyFields = []string{"name", "type", "containerPort", "port", "mountPath", "devicePath", "ip", "key", "topologyKey"}

// pickKey chooses the key field among the fields of a managedFields item
// key (k:{...}): name when present, else the first of keyFields present,
// else the first field by name.
func pickKey(fields map[string]any) (string, string) {
	for _, f := range keyFields {
		if v, ok := fields[f]; ok {
			return f, scalarText(v)
		}
	}
	best := ""
	for f := range fields {
		if best == "" || f < best {
			best = f
		}
	}
	return best, scalarText(fields[best])
}

// scalarText renders a scalar as a key value: strings as they are, numbers
// without a fraction when whole.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int:
		return strconv.Itoa(x)
	case nil:
		return ""
	}
	return strings.TrimSpace(strconv.Quote(toJSON(v)))
}
