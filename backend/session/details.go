package session

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"crowsnest/backend/dao"
	"crowsnest/backend/informer"
	"crowsnest/backend/model"
)

// Details returns one object's row, summary, conditions and containers, the
// events about it and its related objects: owners and dependents
// (Deployment → ReplicaSets → Pods, Job → Pods, CronJob → Jobs), a Pod's
// node, a Service's pods, a Node's pods.
func (s *Session) Details(ctx context.Context, kind, ns, name string) (model.Details, error) {
	k := informer.Kind(kind)
	obj, err := s.access.Full(ctx, k, ns, name)
	if err != nil {
		return model.Details{}, s.plugins.Explain(err)
	}
	d := model.Details{Row: dao.RowOf(k, obj), Events: []model.Row{}, Related: []model.Row{}}
	dao.Describe(obj, &d)
	if k == informer.Secrets {
		// Listing secrets (names only) may be allowed where reading one
		// is not: then the panel says so instead of failing.
		if typ, keys, err := s.access.SecretKeys(ctx, ns, name); err != nil {
			d.Summary = append(d.Summary, model.Field{Label: "Keys", Value: "cannot read: " + err.Error()})
		} else {
			d.SecretKeys = keys
			d.Summary = append([]model.Field{{Label: "Type", Value: typ}}, d.Summary...)
		}
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return d, nil
	}
	c := s.access.Cache()
	// Events are secondary: a user who may not list them still gets the rest.
	if evs, err := s.access.EventsFor(ctx, m.GetNamespace(), string(m.GetUID())); err == nil {
		d.Events = rows(informer.Events, evs)
	}

	add := func(k informer.Kind, objs []any, err error) error {
		if err != nil {
			return err
		}
		d.Related = append(d.Related, rows(k, objs)...)
		return nil
	}
	for _, ref := range m.GetOwnerReferences() {
		ok, known := informer.ForGroupKind(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).Group, ref.Kind)
		if !known {
			continue
		}
		if owner, err := s.access.Get(ctx, ok, m.GetNamespace(), ref.Name); err == nil {
			d.Related = append(d.Related, dao.RowOf(ok, owner))
		}
	}
	uid := string(m.GetUID())
	switch o := obj.(type) {
	case *appsv1.Deployment:
		objs, derr := c.Dependents(informer.ReplicaSets, uid)
		err = add(informer.ReplicaSets, objs, derr)
	case *appsv1.ReplicaSet, *appsv1.StatefulSet, *appsv1.DaemonSet, *batchv1.Job:
		objs, derr := c.Dependents(informer.Pods, uid)
		err = add(informer.Pods, objs, derr)
	case *batchv1.CronJob:
		objs, derr := c.Dependents(informer.Jobs, uid)
		err = add(informer.Jobs, objs, derr)
	case *corev1.Pod:
		if o.Spec.NodeName != "" {
			if node, gerr := s.access.Get(ctx, informer.Nodes, "", o.Spec.NodeName); gerr == nil {
				d.Related = append(d.Related, dao.RowOf(informer.Nodes, node))
			}
		}
	case *corev1.Service:
		objs, derr := c.ServicePods(o)
		err = add(informer.Pods, objs, derr)
	case *corev1.Node:
		objs, derr := c.PodsOnNode(o.Name)
		err = add(informer.Pods, objs, derr)
	}
	if err != nil {
		return d, fmt.Errorf("related objects of %s %s: %w", kind, name, err)
	}
	return d, nil
}

func rows(k informer.Kind, objs []any) []model.Row {
	out := make([]model.Row, len(objs))
	for i, o := range objs {
		out[i] = dao.RowOf(k, o)
	}
	return out
}
