// Package dao is the data-access layer: it decides where each read comes
// from. Lists and gets come from the cache once the kind has synced and from
// the live API before that; the details of one object (its YAML) always come
// from the API, because the cache keeps only what tables need. Callers never
// choose the source. Objects read from the API are cut down the way the
// kind's informer cuts them (kinds.Kind), so both sources hand callers the
// same objects.
package dao

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
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
	"crowsnest/backend/kinds"
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
func (a *Access) List(ctx context.Context, k *kinds.Kind, ns, selector string) ([]any, error) {
	sel, err := cache.ParseSelector(selector)
	if err != nil {
		return nil, err
	}
	objs, err := a.cache.List(k, ns, sel)
	if err != nil || a.owner.Synced(k.ID) {
		return objs, err
	}
	return a.listLive(ctx, k, ns, sel)
}

// Get returns one object, from the cache once synced, else from the API.
// An object that does not exist is an error for which apierrors.IsNotFound
// holds, from either source.
func (a *Access) Get(ctx context.Context, k *kinds.Kind, ns, name string) (any, error) {
	obj, ok, err := a.cache.Get(k, ns, name)
	if err != nil {
		return nil, err
	}
	if ok {
		return obj, nil
	}
	if a.owner.Synced(k.ID) {
		return nil, notFound(k, ns, name)
	}
	return a.getLive(ctx, k, ns, name)
}

// Full returns an object with everything the details panel shows: the
// cached object, or, for kinds whose cache holds less (pods, custom
// resources, CRDs), the object read from the API now, without its
// managedFields. Secrets stay metadata-only.
func (a *Access) Full(ctx context.Context, k *kinds.Kind, ns, name string) (any, error) {
	if !k.FullFromAPI {
		return a.Get(ctx, k, ns, name)
	}
	u, err := a.getUnstructured(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	unstructured.RemoveNestedField(u.Object, "metadata", "managedFields")
	if k.Cache == kinds.Dynamic {
		return u, nil
	}
	return typed(u)
}

// notFound is the API server's own NotFound for an object a synced cache
// does not hold, so that callers tell a missing object the one way,
// whichever source answered: apierrors.IsNotFound.
func notFound(k *kinds.Kind, ns, name string) error {
	err := apierrors.NewNotFound(k.GVR.GroupResource(), name)
	if ns == "" {
		return fmt.Errorf("get %s %s: %w", k, name, err)
	}
	return fmt.Errorf("get %s %s/%s: %w", k, ns, name, err)
}

// ErrLoading is wrapped by the error of a read of a derived kind (Helm
// releases) before its cache has listed: its objects exist only there.
var ErrLoading = errors.New("still loading")

func (a *Access) listLive(ctx context.Context, k *kinds.Kind, ns string, sel labels.Selector) ([]any, error) {
	if k.Derived {
		return nil, fmt.Errorf("list %s: %w", k.Label, ErrLoading)
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	opts := metav1.ListOptions{LabelSelector: sel.String()}
	if !k.Namespaced {
		ns = ""
	}
	if k.Cache == kinds.Metadata {
		list, err := a.meta.Resource(k.GVR).Namespace(ns).List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k, err)
		}
		out := make([]any, len(list.Items))
		for i := range list.Items {
			out[i], _ = informer.StripForCache(&list.Items[i])
		}
		return out, nil
	}
	list, err := a.dynamic.Resource(k.GVR).Namespace(ns).List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k, err)
	}
	out := make([]any, 0, len(list.Items))
	for i := range list.Items {
		obj, err := asCached(k, &list.Items[i])
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

func (a *Access) getLive(ctx context.Context, k *kinds.Kind, ns, name string) (any, error) {
	if k.Derived {
		return nil, fmt.Errorf("get %s %s: %w", k.Label, kinds.Key(ns, name), ErrLoading)
	}
	if k.Cache == kinds.Metadata {
		ctx, cancel := context.WithTimeout(ctx, a.timeout)
		defer cancel()
		obj, err := a.meta.Resource(k.GVR).Namespace(namespaceOf(k, ns)).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("get %s %s: %w", k, kinds.Key(ns, name), err)
		}
		return informer.StripForCache(obj)
	}
	u, err := a.getUnstructured(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	return asCached(k, u)
}

// getUnstructured reads one object from the API in full, bounded by the
// Access's timeout.
func (a *Access) getUnstructured(ctx context.Context, k *kinds.Kind, ns, name string) (*unstructured.Unstructured, error) {
	if k.Derived {
		return nil, fmt.Errorf("%s have no object of their own to read", k.Label)
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	u, err := a.dynamic.Resource(k.GVR).Namespace(namespaceOf(k, ns)).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", k, kinds.Key(namespaceOf(k, ns), name), err)
	}
	return u, nil
}

func namespaceOf(k *kinds.Kind, ns string) string {
	if !k.Namespaced {
		return ""
	}
	return ns
}

// asCached turns an object read from the API into what k's informer would
// have cached: a summary for pods and custom resources, the stripped typed
// object for the others.
func asCached(k *kinds.Kind, u *unstructured.Unstructured) (any, error) {
	if k.Cache == kinds.Dynamic {
		return k.Summarize(u, nil)
	}
	obj, err := typed(u)
	if err != nil {
		return nil, err
	}
	stripped, err := informer.StripForCache(obj)
	if err != nil {
		return nil, err
	}
	if k.Slim != nil {
		stripped = k.Slim(stripped)
	}
	if k.Normalize != nil {
		stripped = k.Normalize(stripped)
	}
	return stripped, nil
}

// objects is client-go's scheme with the CustomResourceDefinition types.
var objects = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := scheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}()

// typed converts an unstructured built-in object into its Go type.
func typed(u *unstructured.Unstructured) (runtime.Object, error) {
	obj, err := objects.New(u.GroupVersionKind())
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
func (a *Access) YAML(ctx context.Context, k *kinds.Kind, ns, name string) ([]byte, error) {
	u, err := a.getUnstructured(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	return DetailsYAML(k, u)
}

// DetailsYAML renders an object for the details view; see YAML.
func DetailsYAML(k *kinds.Kind, u *unstructured.Unstructured) ([]byte, error) {
	out, err := yaml.Marshal(Shown(k, u).Object)
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", k, u.GetName(), err)
	}
	return out, nil
}

// Shown is a copy of an object as the details view and the editor show
// it: without managedFields; a Secret's values replaced by Redacted and
// its last-applied-configuration annotation dropped.
func Shown(k *kinds.Kind, u *unstructured.Unstructured) *unstructured.Unstructured {
	u = u.DeepCopy()
	unstructured.RemoveNestedField(u.Object, "metadata", "managedFields")
	if k.SecretValues {
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
		if a, ok, _ := unstructured.NestedMap(u.Object, "metadata", "annotations"); ok && len(a) == 0 {
			unstructured.RemoveNestedField(u.Object, "metadata", "annotations")
		}
	}
	return u
}

// EventsFor returns the events about the object with this UID in namespace
// ns: from the cache once events have synced, else from the API (a details
// panel opened before anyone looked at events still shows them).
func (a *Access) EventsFor(ctx context.Context, ns, uid string) ([]any, error) {
	events := kinds.Builtin(kinds.Events)
	if a.owner.Synced(events.ID) {
		return a.cache.EventsFor(uid)
	}
	_, _ = a.owner.Informer(events) // warm the cache for next time
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	list, err := a.dynamic.Resource(events.GVR).Namespace(ns).List(ctx,
		metav1.ListOptions{FieldSelector: "involvedObject.uid=" + uid})
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", uid, err)
	}
	out := make([]any, 0, len(list.Items))
	for i := range list.Items {
		obj, err := asCached(events, &list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
