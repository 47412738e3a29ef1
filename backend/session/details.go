package session

import (
	"context"
	"fmt"
	"sort"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// Details returns one object's row, facts, conditions and containers, the
// events about it and its related objects: its owners (for every kind,
// from its owner references) and what its kind's description relates to
// it (a Deployment's ReplicaSets, a Service's pods, a Node's pods...).
func (s *Session) Details(ctx context.Context, k *kinds.Kind, ns, name string) (model.Details, error) {
	if !k.Namespaced {
		ns = ""
	}
	obj, err := s.full(ctx, k, ns, name)
	if err != nil {
		return model.Details{}, s.plugins.Explain(err)
	}
	d := model.Details{Row: k.Row(obj), Events: []model.Event{}, Related: []model.Row{}}
	k.Describe(obj, &d)
	if k.SecretValues {
		// Listing secrets (names only) may be allowed where reading one
		// is not: then the panel says so instead of failing.
		if typ, keys, err := s.access.SecretKeys(ctx, ns, name); err != nil {
			d.Summary = append(d.Summary, model.Field{Label: "Keys", Value: "cannot read: " + s.plugins.ExplainText(err.Error())})
		} else {
			d.SecretKeys = keys
			d.Summary = append([]model.Field{{Label: "Type", Value: typ}}, d.Summary...)
		}
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return d, nil
	}
	// Events are secondary: a user who may not list them still gets the rest.
	if evs, err := s.access.EventsFor(ctx, m.GetNamespace(), string(m.GetUID())); err == nil {
		for _, o := range evs {
			if e, ok := o.(*corev1.Event); ok {
				d.Events = append(d.Events, kinds.EventOf(e))
			}
		}
		sort.SliceStable(d.Events, func(i, j int) bool { return d.Events[i].LastSeen > d.Events[j].LastSeen })
	}
	for _, ref := range m.GetOwnerReferences() {
		ok, known := s.kinds.ForGroupKind(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).Group, ref.Kind)
		if !known || !ok.Watchable() {
			continue
		}
		if owner, err := s.access.Get(ctx, ok, m.GetNamespace(), ref.Name); err == nil {
			d.Related = append(d.Related, ok.Row(owner))
		}
	}
	for _, rel := range k.Related {
		rows, err := s.related(ctx, rel, obj, m)
		if err != nil {
			return d, fmt.Errorf("related objects of %s %s: %w", k.Label, name, err)
		}
		d.Related = append(d.Related, rows...)
	}
	return d, nil
}

// related reads the objects one relation of a kind names.
func (s *Session) related(ctx context.Context, rel kinds.Relation, obj any, m metav1.Object) ([]model.Row, error) {
	other, err := s.kinds.Lookup(string(rel.Kind))
	if err != nil || !other.Watchable() {
		return nil, nil // not served by this cluster
	}
	c := s.access.Cache()
	var objs []any
	switch {
	case rel.Owned:
		objs, err = c.Dependents(other, string(m.GetUID()))
	case rel.Selector != nil:
		sel := rel.Selector(obj)
		if sel == nil {
			return nil, nil
		}
		objs, err = c.List(other, m.GetNamespace(), sel)
	case rel.IndexKey != nil:
		key := rel.IndexKey(obj)
		if key == "" {
			return nil, nil
		}
		objs, err = c.ByIndex(other, rel.Index, key)
	case rel.Names != nil:
		for _, n := range rel.Names(obj) {
			if o, gerr := s.access.Get(ctx, other, m.GetNamespace(), n); gerr == nil {
				objs = append(objs, o)
			}
		}
	case rel.Refs != nil:
		for _, r := range rel.Refs(obj) {
			if o, gerr := s.access.Get(ctx, other, r.Namespace, r.Name); gerr == nil {
				objs = append(objs, o)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	rows := make([]model.Row, len(objs))
	for i, o := range objs {
		rows[i] = other.Row(o)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	return rows, nil
}

// full reads the object the details show. For kinds whose cache holds
// less than that (pods, custom resources), it reads the API only when the
// cached object changed since the last read: a details panel refreshed
// because an event or a dependent changed costs no request for the object.
func (s *Session) full(ctx context.Context, k *kinds.Kind, ns, name string) (any, error) {
	if !k.FullFromAPI {
		return s.access.Full(ctx, k, ns, name)
	}
	key := string(k.ID) + "|" + kinds.Key(ns, name)
	rv := ""
	if s.owner.Synced(k.ID) {
		cached, ok, err := s.access.Cache().Get(k, ns, name)
		if err == nil && !ok {
			return nil, apierrors.NewNotFound(k.GVR.GroupResource(), kinds.Key(ns, name))
		}
		if m, err := meta.Accessor(cached); err == nil {
			rv = m.GetResourceVersion()
		}
	}
	if obj, ok := s.fulls.get(key, rv); ok {
		return obj, nil
	}
	obj, err := s.access.Full(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	// Kept at the version it was read at: a read before the kind has
	// synced serves the next one too if the cache then holds that version.
	if m, merr := meta.Accessor(obj); merr == nil && (rv == "" || m.GetResourceVersion() == rv) {
		s.fulls.put(key, m.GetResourceVersion(), obj)
	}
	return obj, nil
}

// fullObjects keeps the last full objects read for details panels, by
// kind and key, with the resourceVersion they were read at.
type fullObjects struct {
	mu   sync.Mutex
	objs map[string]fullObject
}

type fullObject struct {
	rv  string
	obj any
}

// maxFullObjects bounds fullObjects: a few panels' worth.
const maxFullObjects = 16

func (f *fullObjects) get(key, rv string) (any, bool) {
	if rv == "" {
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objs[key]
	return o.obj, ok && o.rv == rv
}

func (f *fullObjects) put(key, rv string, obj any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.objs == nil || len(f.objs) >= maxFullObjects {
		f.objs = map[string]fullObject{}
	}
	f.objs[key] = fullObject{rv: rv, obj: obj}
}
