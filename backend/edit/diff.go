package edit

import (
	"fmt"
	"reflect"

	udiff "github.com/aymanbagabas/go-udiff"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// noise are the fields a diff leaves out and a merge takes from the live
// object: the server sets them (resourceVersion, generation and
// managedFields change with writes; uid and creationTimestamp are made
// up by a dry run of a creation) and no one edits them.
var noise = [][]string{
	{"metadata", "managedFields"},
	{"metadata", "resourceVersion"},
	{"metadata", "generation"},
	{"metadata", "uid"},
	{"metadata", "creationTimestamp"},
}

// Clean returns a copy of obj without the fields a diff leaves out. A
// nil obj (no such object yet) stays nil.

func Clean(obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	out := runtime.DeepCopyJSON(obj)
	for _, path := range noise {
		remove(out, path)
	}
	return out
}

func remove(obj map[string]any, path []string) {
	for i, key := range path {
		if i == len(path)-1 {
			delete(obj, key)
			return
		}
		next, ok := obj[key].(map[string]any)
		if !ok {
			return
		}
		obj = next
	}
}

// YAML renders an object as the details view does (keys sorted); nil is
// the empty text.
func YAML(obj map[string]any) ([]byte, error) {
	if obj == nil {
		return nil, nil
	}
	out, err := yaml.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("render YAML: %w", err)
	}
	return out, nil
}

// Diff is the unified diff from before to after, both cleaned first; ""
// when they are the same. The labels name the two sides.
func Diff(beforeLabel, afterLabel string, before, after map[string]any) (string, error) {
	a, err := YAML(Clean(before))
	if err != nil {
		return "", err
	}
	b, err := YAML(Clean(after))
	if err != nil {
		return "", err
	}
	return udiff.Unified(beforeLabel, afterLabel, string(a), string(b)), nil
}

// StatusOnly reports whether two versions of an object differ in their
// status alone (or in what Clean leaves out): the writes controllers
// make all the time, which an edit's user need not review.
func StatusOnly(before, after map[string]any) bool {
	a, b := Clean(before), Clean(after)
	delete(a, "status")
	delete(b, "status")
	return reflect.DeepEqual(a, b)
}
