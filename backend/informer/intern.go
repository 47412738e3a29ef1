package informer

import (
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
)

// interner shares what tens of thousands of cached pods repeat: strings
// (label keys and values, namespaces, node names, images), for which
// decoding gives every object its own copies, and whole label sets, which
// every pod of a ReplicaSet has the same of. It stops adding past its
// limits so labels with unique values cannot grow it without bound; it
// lives as long as its Owner. Shared label maps are why cached objects
// must never be modified.
type interner struct {
	mu      sync.Mutex
	m       map[string]string
	sets    map[string]map[string]string // by the label entries' wire bytes
	scratch []byte
}

const (
	maxInterned  = 200_000
	maxLabelSets = 50_000
)

func newInterner() *interner {
	return &interner{m: map[string]string{}, sets: map[string]map[string]string{}}
}

func (in *interner) str(s string) string {
	if in == nil || s == "" {
		return s
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if v, ok := in.m[s]; ok {
		return v
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// bytes is str for a string still in a decode buffer: a string already
// interned costs no allocation.
func (in *interner) bytes(b []byte) string {
	if in == nil || len(b) == 0 {
		return string(b)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.bytesLocked(b)
}

func (in *interner) bytesLocked(b []byte) string {
	if v, ok := in.m[string(b)]; ok {
		return v
	}
	s := string(b)
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// labels returns the map of the label entries (ObjectMeta field 11, each
// a map-entry message as sent), shared with every earlier object that had
// the same entries. The API server writes a map's entries sorted by key,
// so equal label sets arrive as equal bytes.
func (in *interner) labels(entries [][]byte) (map[string]string, error) {
	if in == nil {
		return buildLabels(entries, nil)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	key := in.scratch[:0]
	for _, e := range entries {
		key = protowire.AppendBytes(key, e)
	}
	in.scratch = key
	if m, ok := in.sets[string(key)]; ok {
		return m, nil
	}
	m, err := buildLabels(entries, in.bytesLocked)
	if err != nil {
		return nil, err
	}
	if len(in.sets) < maxLabelSets {
		in.sets[string(key)] = m
	}
	return m, nil
}

func buildLabels(entries [][]byte, str func([]byte) string) (map[string]string, error) {
	if str == nil {
		str = func(b []byte) string { return string(b) }
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		r := wireReader{b: e}
		k, v := readMapEntry(&r, str)
		if r.err != nil {
			return nil, r.err
		}
		m[k] = v
	}
	return m, nil
}
