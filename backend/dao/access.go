// Package dao is the data-access layer: it decides where each read comes
// from. Lists and gets come from the cache once the kind has synced and from
// the live API before that; the details of one object (its YAML) always come
// from the API, because the cache keeps only what tables need. Callers never
// choose the source.
package dao

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
	"sigs.k8s.io/yaml"

	"crowsnest/backend/cache"
	"crowsnest/backend/informer"
	"crowsnest/backend/model"
)

// Redacted replaces every Secret value in details.
const Redacted = "<redacted>"

// DefaultTimeout bounds every live API call, so an unreachable server never
// holds a caller for long.
const DefaultTimeout = 5 * time.Second

// Access reads one session's resources. Safe for concurrent use.
type Access struct {
	owner   *informer.Owner
	cache   *cache.Reader
	dynamic dynamic.Interface
	meta    metadata.Interface
	timeout time.Duration
}

// New returns an Access over a session's informers and clients.
func New(owner *informer.Owner, dyn dynamic.Interface, md metadata.Interface) *Access {
	return &Access{owner: owner, cache: cache.New(owner), dynamic: dyn, meta: md, timeout: DefaultTimeout}
}

// Cache exposes the cache queries (owners, nodes, events) for callers that
// need them once a kind is synced.
func (a *Access) Cache() *cache.Reader { return a.cache }

// List returns the objects of k in ns ("" for all) matching selector, from
// the cache once k is synced and from the API until then. Either way the
// informer for k is started, so the next read is local.
func (a *Access) List(ctx context.Context, k informer.Kind, ns, selector string) ([]any, error) {
	if !informer.Known(k) {
		return nil, fmt.Errorf("unknown kind %q", k)
	}
	sel, err := cache.ParseSelector(selector)
	if err != nil {
		return nil, err
	}
	objs, err := a.cache.List(k, ns, sel)
	if err != nil || a.owner.Synced(k) {
		return objs, err
	}
	return a.listLive(ctx, k, ns, sel)
}

// Rows is List projected into table rows.
func (a *Access) Rows(ctx context.Context, k informer.Kind, ns, selector string) ([]model.Row, error) {
	objs, err := a.List(ctx, k, ns, selector)
	if err != nil {
		return nil, err
	}
	rows := make([]model.Row, len(objs))
	for i, o := range objs {
		rows[i] = RowOf(k, o)
	}
	return rows, nil
}

// Get returns one object, from the cache once synced, else from the API.
// An object that does not exist is an error for which apierrors.IsNotFound
// holds, from either source.
func (a *Access) Get(ctx context.Context, k informer.Kind, ns, name string) (any, error) {
	if !informer.Known(k) {
		return nil, fmt.Errorf("unknown kind %q", k)
	}
	obj, ok, err := a.cache.Get(k, ns, name)
	if err != nil {
		return nil, err
	}
	if ok {
		return obj, nil
	}
	if a.owner.Synced(k) {
		return nil, notFound(k, ns, name)
	}
	return a.getLive(ctx, k, ns, name)
}

// notFound is the API server's own NotFound for an object a synced cache
// does not hold, so that callers tell a missing object the one way,
// whichever source answered: apierrors.IsNotFound.
func notFound(k informer.Kind, ns, name string) error {
	err := apierrors.NewNotFound(informer.GVR(k).GroupResource(), name)
	if ns == "" {
		return fmt.Errorf("get %s %s: %w", k, name, err)
	}
	return fmt.Errorf("get %s %s/%s: %w", k, ns, name, err)
}

func (a *Access) listLive(ctx context.Context, k informer.Kind, ns string, sel labels.Selector) ([]any, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	opts := metav1.ListOptions{LabelSelector: sel.String()}
	gvr := informer.GVR(k)
	if k == informer.Secrets {
		list, err := a.meta.Resource(gvr).Namespace(ns).List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k, err)
		}
		out := make([]any, len(list.Items))
		for i := range list.Items {
			out[i], _ = informer.StripForCache(&list.Items[i])
		}
		return out, nil
	}
	list, err := a.dynamic.Resource(gvr).Namespace(ns).List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k, err)
	}
	out := make([]any, 0, len(list.Items))
	for i := range list.Items {
		obj, err := fromLive(&list.Items[i])
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

func (a *Access) getLive(ctx context.Context, k informer.Kind, ns, name string) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	gvr := informer.GVR(k)
	if k == informer.Secrets {
		obj, err := a.meta.Resource(gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("get %s %s/%s: %w", k, ns, name, err)
		}
		return informer.StripForCache(obj)
	}
	u, err := a.getUnstructured(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	return fromLive(u)
}

// getUnstructured reads one object from the API in full, bounded by the
// Access's timeout.
func (a *Access) getUnstructured(ctx context.Context, k informer.Kind, ns, name string) (*unstructured.Unstructured, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	u, err := a.dynamic.Resource(informer.GVR(k)).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s %s/%s: %w", k, ns, name, err)
	}
	return u, nil
}

// fromLive converts an unstructured built-in object from the API into its Go
// type and strips it as the informers do, so both sources hand callers the
// same objects.
func fromLive(u *unstructured.Unstructured) (any, error) {
	obj, err := typed(u)
	if err != nil {
		return nil, err
	}
	return informer.StripForCache(obj)
}

// typed converts an unstructured built-in object into its Go type.
func typed(u *unstructured.Unstructured) (runtime.Object, error) {
	obj, err := scheme.Scheme.New(u.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return nil, fmt.Errorf("convert %s: %w", u.GroupVersionKind(), err)
	}
	return obj, nil
}

// YAML returns the object as the API server has it now, as YAML, without
// managedFields. Secret values (data, stringData) are replaced by Redacted
// and a Secret's last-applied-configuration annotation is dropped, since it
// holds the values in plain text.
func (a *Access) YAML(ctx context.Context, k informer.Kind, ns, name string) ([]byte, error) {
	if !informer.Known(k) {
		return nil, fmt.Errorf("unknown kind %q", k)
	}
	u, err := a.getUnstructured(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	return DetailsYAML(k, u)
}

// DetailsYAML renders an object for the details view; see YAML.
func DetailsYAML(k informer.Kind, u *unstructured.Unstructured) ([]byte, error) {
	u = u.DeepCopy()
	unstructured.RemoveNestedField(u.Object, "metadata", "managedFields")
	if k == informer.Secrets {
		for _, field := range []string{"data", "stringData"} {
			values, ok, _ := unstructured.NestedMap(u.Object, field)
			if !ok {
				continue
			}
			for key := range values {
				values[key] = Redacted
			}
			_ = unstructured.SetNestedMap(u.Object, values, field)
		}
		unstructured.RemoveNestedField(u.Object, "metadata", "annotations", corev1.LastAppliedConfigAnnotation)
	}
	out, err := yaml.Marshal(u.Object)
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", k, u.GetName(), err)
	}
	return out, nil
}

// EventsFor returns the events about the object with this UID in namespace
// ns: from the cache once events have synced, else from the API (a details
// panel opened before anyone looked at events still shows them).
func (a *Access) EventsFor(ctx context.Context, ns, uid string) ([]any, error) {
	if a.owner.Synced(informer.Events) {
		return a.cache.EventsFor(uid)
	}
	_, _ = a.owner.Informer(informer.Events) // warm the cache for next time
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	list, err := a.dynamic.Resource(informer.GVR(informer.Events)).Namespace(ns).List(ctx,
		metav1.ListOptions{FieldSelector: "involvedObject.uid=" + uid})
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", uid, err)
	}
	out := make([]any, 0, len(list.Items))
	for i := range list.Items {
		obj, err := fromLive(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
