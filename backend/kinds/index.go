package kinds

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/cache"
)

// Index names. Every kind's store has NamespaceIndex, OwnerIndex and
// (unless Kind.NoLabelIndex) LabelIndex; kinds add their own
// (Kind.Indexers).
const (
	// NamespaceIndex is client-go's index by namespace.
	NamespaceIndex = cache.NamespaceIndex
	// OwnerIndex maps an owner's UID to its dependents.
	OwnerIndex = "owner"
	// LabelIndex maps "key=value" to the objects with that label, for the
	// keys in IndexedLabels: selectors on them cost the size of the answer.
	LabelIndex = "label"
	// NodeIndex maps a node name to the pods bound to it.
	NodeIndex = "node"
	// InvolvedIndex maps an object's UID to the events about it.
	InvolvedIndex = "involved"
)

// IndexedLabels are the label keys that selectors most often name. Only
// these are indexed, so the index stays small (a few entries an object).
var IndexedLabels = []string{
	"app", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
	"k8s-app", "component", "tier", "release",
}

// AllIndexers returns every index of the kind's store but the namespace
// index, which informers are built with.
func (k *Kind) AllIndexers() cache.Indexers {
	ix := cache.Indexers{OwnerIndex: ownerUIDs}
	if !k.NoLabelIndex {
		ix[LabelIndex] = indexedLabels
	}
	for name, f := range k.Indexers {
		ix[name] = f
	}
	return ix
}

func indexedLabels(obj any) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	labels := m.GetLabels()
	var out []string
	for _, k := range IndexedLabels {
		if v, ok := labels[k]; ok {
			out = append(out, k+"="+v)
		}
	}
	return out, nil
}

func ownerUIDs(obj any) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	refs := m.GetOwnerReferences()
	if len(refs) == 0 {
		return nil, nil
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = string(r.UID)
	}
	return out, nil
}

// byObject adapts an index function of one object type.
func byObject[T any](f func(T) []string) cache.IndexFunc {
	return func(obj any) ([]string, error) {
		if t, ok := obj.(T); ok {
			return f(t), nil
		}
		return nil, nil
	}
}

// indexers and cacheInformer shorten the kinds' declarations.
type (
	indexers      = cache.Indexers
	cacheInformer = cache.SharedIndexInformer
)

// namespaceIndex is the index typed informers are built with; the
// informer package adds the rest (AllIndexers) before they start.
func namespaceIndex() cache.Indexers {
	return cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}
}
