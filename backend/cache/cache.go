// Package cache answers queries from the informer stores of one session:
// by namespace, name, label selector, owner, node and involved object.
// Namespace, owner, node and event lookups go through indexers, so they cost
// the size of the answer, not the size of the cluster.
//
// Objects returned are the stores' own and must never be modified.
package cache

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
)

// Reader queries the stores of an informer.Owner. Its methods may be called
// from any goroutine. A kind that was not asked for before is started by
// the first query (lazily), and answers are empty until it syncs: callers
// that cannot wait use the dao package, which falls back to the API.
type Reader struct {
	owner *informer.Owner
}

// New returns a Reader over owner's informers.
func New(owner *informer.Owner) *Reader { return &Reader{owner: owner} }

// ParseSelector parses a label selector as kubectl does (`app=web,tier!=db`,
// `env in (a,b)`, `!canary`), with an error that quotes the input.
func ParseSelector(s string) (labels.Selector, error) {
	sel, err := labels.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("invalid label selector %q: %w", s, err)
	}
	return sel, nil
}

func (r *Reader) indexer(k *kinds.Kind) (*informer.Handle, error) {
	return r.owner.Informer(k)
}

// List returns the objects of kind k in namespace ns ("" for all
// namespaces, and for cluster-scoped kinds) that match sel (nil for all).
func (r *Reader) List(k *kinds.Kind, ns string, sel labels.Selector) ([]any, error) {
	ix, err := r.indexer(k)
	if err != nil {
		return nil, err
	}
	return Select(ix, k, ns, sel)
}

// Select returns the objects of ix, a handle of kind k, in namespace ns
// ("" for all) that match sel (nil for all), from its label index when sel
// requires an indexed label to equal one value, else from its namespace
// index: 2,500 pods of 100,000 in a fraction of a millisecond, where a
// scan takes a hundred.
func Select(ix *informer.Handle, k *kinds.Kind, ns string, sel labels.Selector) ([]any, error) {
	if objs, ok := byLabel(ix, ns, sel); ok {
		return objs, nil
	}
	var objs []any
	var err error
	if ns != "" && k.Namespaced {
		objs, err = ix.ByIndex(toolscache.NamespaceIndex, ns)
		if err != nil {
			return nil, fmt.Errorf("list %s in %q: %w", k, ns, err)
		}
	} else {
		objs = ix.List()
	}
	return filter(objs, sel), nil
}

// Get returns one object by namespace and name.
func (r *Reader) Get(k *kinds.Kind, ns, name string) (any, bool, error) {
	ix, err := r.indexer(k)
	if err != nil {
		return nil, false, err
	}
	if !k.Namespaced {
		ns = ""
	}
	return ix.GetByKey(kinds.Key(ns, name))
}

// Dependents returns the objects of kind k that name ownerUID among their
// owner references: a Deployment's ReplicaSets, a ReplicaSet's or Job's Pods.
func (r *Reader) Dependents(k *kinds.Kind, ownerUID string) ([]any, error) {
	return r.ByIndex(k, kinds.OwnerIndex, ownerUID)
}

// EventsFor returns the events whose involved object has uid.
func (r *Reader) EventsFor(uid string) ([]any, error) {
	return r.ByIndex(kinds.Builtin(kinds.Events), kinds.InvolvedIndex, uid)
}

// ByIndex returns the objects of kind k whose index holds value (pods on a
// node: NodeIndex and the node's name).
func (r *Reader) ByIndex(k *kinds.Kind, index, value string) ([]any, error) {
	ix, err := r.indexer(k)
	if err != nil {
		return nil, err
	}
	objs, err := ix.ByIndex(index, value)
	if err != nil {
		return nil, fmt.Errorf("%s by %s %q: %w", k, index, value, err)
	}
	return objs, nil
}

// byLabel answers from the label index when sel requires an indexed label
// to equal one value; ok is false when it cannot.
func byLabel(ix *informer.Handle, ns string, sel labels.Selector) ([]any, bool) {
	if sel == nil {
		return nil, false
	}
	reqs, _ := sel.Requirements()
	for _, req := range reqs {
		if (req.Operator() != selection.Equals && req.Operator() != selection.DoubleEquals && req.Operator() != selection.In) ||
			req.Values().Len() != 1 || !slices.Contains(kinds.IndexedLabels, req.Key()) {
			continue
		}
		candidates, err := ix.ByIndex(kinds.LabelIndex, req.Key()+"="+req.Values().UnsortedList()[0])
		if err != nil {
			return nil, false
		}
		out := candidates[:0:0]
		for _, o := range candidates {
			m, err := meta.Accessor(o)
			if err == nil && (ns == "" || m.GetNamespace() == ns) && sel.Matches(labels.Set(m.GetLabels())) {
				out = append(out, o)
			}
		}
		return out, true
	}
	return nil, false
}

func filter(objs []any, sel labels.Selector) []any {
	if sel == nil || sel.Empty() {
		return objs
	}
	out := objs[:0:0]
	for _, o := range objs {
		if m, err := meta.Accessor(o); err == nil && sel.Matches(labels.Set(m.GetLabels())) {
			out = append(out, o)
		}
	}
	return out
}
