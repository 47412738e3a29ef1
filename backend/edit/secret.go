package edit

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
)

// Secrets reach the editor with every value replaced by a placeholder
// (dao.Redacted) unless the user revealed it. A value still hidden when
// the edit is sent is the live one: ResolveHidden puts it back, in Go,
// just before the request, so a placeholder is never written.

// ResolveHidden replaces every value of yours' data that is the
// placeholder with the live Secret's value of that key. A hidden key the
// live Secret no longer has is an error: nothing is sent.
func ResolveHidden(yours, live map[string]any, placeholder string) error {
	if sd, ok := yours["stringData"].(map[string]any); ok {
		for key, v := range sd {
			if v == placeholder {
				return fmt.Errorf("stringData %q is the placeholder %s: set a value or remove it", key, placeholder)
			}
		}
	}
	data, ok := yours["data"].(map[string]any)
	if !ok {
		return nil
	}
	liveData, _ := live["data"].(map[string]any)
	for key, v := range data {
		if v != placeholder {
			continue
		}
		lv, ok := liveData[key]
		if !ok {
			return fmt.Errorf("the value of %q is hidden and the live Secret no longer has that key: reveal it, set it or remove it", key)
		}
		data[key] = lv
	}
	return nil
}

// HasHidden reports whether yours still holds a placeholder value.
func HasHidden(yours map[string]any, placeholder string) bool {
	data, _ := yours["data"].(map[string]any)
	for _, v := range data {
		if v == placeholder {
			return true
		}
	}
	return false
}

// RedactPair returns copies of a Secret before and after a change with
// every value of data and stringData replaced by the placeholder, and
// the values that differ from before marked "(changed)": a diff of the
// two shows which keys changed, never a value.
func RedactPair(before, after map[string]any, placeholder string) (map[string]any, map[string]any) {
	bd, _ := before["data"].(map[string]any)
	redact := func(obj map[string]any, mark bool) map[string]any {
		if obj == nil {
			return nil
		}
		out := runtime.DeepCopyJSON(obj)
		for _, field := range []string{"data", "stringData"} {
			values, ok := out[field].(map[string]any)
			if !ok {
				continue
			}
			for k, v := range values {
				if mark && field == "data" && bd != nil {
					if old, ok := bd[k]; ok && old != v {
						values[k] = placeholder + " (changed)"
						continue
					}
				}
				values[k] = placeholder
			}
		}
		return out
	}
	return redact(before, false), redact(after, true)
}
