// Package seed fills the local hack/ control plane with realistic objects so
// the demo, the integration tests and the benchmarks all look at a cluster
// that resembles a real one rather than an empty API server.
package seed

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Options says what to create. Zero values get sensible defaults.
type Options struct {
	Profile string                           // "demo" (rich, the default) or "staging" (a smaller, different set, so a user switching contexts sees different objects)
	Log     func(format string, args ...any) // progress lines; nil = silent
}

// profiles maps a profile name to the objects it wants. The node count only
// feeds realistic scheduler messages.
var profiles = map[string]func(nodes int) *objects{
	"demo":    demo,
	"staging": staging,
}

// Clients are the API clients Cluster needs: the typed clientset for the
// built-in kinds, and for the demo's own custom resources the apiextensions
// clientset (their CRDs) and a dynamic client (their objects).
type Clients struct {
	Kube       kubernetes.Interface
	Extensions apiextensionsclient.Interface
	Dynamic    dynamic.Interface
}

// ClientsFor makes the Clients of one rest.Config.
func ClientsFor(cfg *rest.Config) (Clients, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return Clients{}, fmt.Errorf("kubernetes client: %w", err)
	}
	ext, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return Clients{}, fmt.Errorf("apiextensions client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return Clients{}, fmt.Errorf("dynamic client: %w", err)
	}
	return Clients{Kube: kube, Extensions: ext, Dynamic: dyn}, nil
}

// Cluster creates the realistic object set idempotently: objects that already
// exist are left as they are (so edits made during a demo survive) and
// re-running converges to the same set, never duplicating anything. CRDs
// are created after the built-in objects, and each is Established before
// its custom resources are created.
func Cluster(ctx context.Context, c Clients, opts Options) error {
	name := opts.Profile
	if name == "" {
		name = "demo"
	}
	build, ok := profiles[name]
	if !ok {
		return fmt.Errorf("unknown seed profile %q: want \"demo\" or \"staging\"", opts.Profile)
	}
	if c.Kube == nil || c.Extensions == nil || c.Dynamic == nil {
		return errors.New("seed needs the kubernetes, apiextensions and dynamic clients: use ClientsFor")
	}
	nodes, err := c.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes: %w", err)
	}
	s := newSeeder(c.Kube, opts.Log)
	s.ext, s.dyn = c.Extensions, c.Dynamic
	want := build(len(nodes.Items))
	s.logf("seeding profile %s: %d objects, %d CRDs with %d custom resources, and %d events",
		name, len(want.items), len(want.crds), len(want.custom), len(want.events))
	if err := s.apply(ctx, want); err != nil {
		return fmt.Errorf("seed profile %s: %w", name, err)
	}
	s.summary("profile " + name)
	return nil
}

// objects is what a profile wants to exist, in creation order: the built-in
// objects, then the CRDs and their custom resources (in namespaces the
// built-in objects made). Events come last because they need the UIDs of the
// objects they describe.
type objects struct {
	items  []runtime.Object
	crds   []*apiextensionsv1.CustomResourceDefinition
	custom []customResource
	events []event
	seen   map[string]bool // ServiceAccounts already added, by namespace/name
}

func (o *objects) add(items ...runtime.Object) { o.items = append(o.items, items...) }

// addSpace adds a namespace with what every workload in it relies on: the
// default ServiceAccount (see defaultServiceAccount) and the pull secret.
func (o *objects) addSpace(s space) {
	o.add(namespaceObject(s), defaultServiceAccount(s.name), registrySecret(s))
}

func (o *objects) addServiceAccount(w workload) {
	if w.serviceAccount == "" {
		return
	}
	key := w.ns.name + "/" + w.serviceAccount
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	if !o.seen[key] {
		o.seen[key] = true
		o.add(serviceAccount(w))
	}
}

// addDeployment adds a Deployment with its ServiceAccount and Service.
func (o *objects) addDeployment(w workload, typ corev1.ServiceType) {
	o.addServiceAccount(w)
	o.add(deployment(w), service(w, typ, false))
}

// addStatefulSet adds a StatefulSet with its headless Service and, when it
// has a volume claim template, the volumes its claims bind to.
func (o *objects) addStatefulSet(w workload) {
	o.addServiceAccount(w)
	if w.storage != "" {
		for _, pv := range claimVolumes(w) {
			o.add(pv)
		}
	}
	o.add(service(w, corev1.ServiceTypeClusterIP, true), statefulSet(w))
}

func (o *objects) addDaemonSet(w workload) {
	o.addServiceAccount(w)
	o.add(daemonSet(w))
}

// addPod adds a standalone pod, the kind people start by hand to debug.
func (o *objects) addPod(w workload) {
	o.addServiceAccount(w)
	o.add(pod(w, w.name))
}

// ref identifies an object an Event is about.
type ref struct {
	kind, namespace, name string
}

// event describes a core/v1 Event relative to the time of seeding.
type event struct {
	on        ref
	container string // set for kubelet events about one container
	warning   bool
	reason    string
	message   string
	component string // source.component and reportingComponent
	count     int32
	first     time.Duration // how long ago it was first seen
	last      time.Duration // how long ago it was last seen
}

// apiVersions of the kinds events are attached to.
var apiVersions = map[string]string{
	"Pod":                   "v1",
	"Service":               "v1",
	"PersistentVolumeClaim": "v1",
	"Deployment":            "apps/v1",
	"StatefulSet":           "apps/v1",
	"DaemonSet":             "apps/v1",
	"ReplicaSet":            "apps/v1",
	"Job":                   "batch/v1",
	"CronJob":               "batch/v1",
	"Database":              databasesGVR.GroupVersion().String(),
	"Backup":                backupsGVR.GroupVersion().String(),
	"Tenant":                tenantsGVR.GroupVersion().String(),
}

// seeder creates objects, tolerating ones that already exist, and remembers
// every UID so Events can point at the objects they describe.
type seeder struct {
	cs    kubernetes.Interface
	ext   apiextensionsclient.Interface // nil for Pods, which seeds no custom resources
	dyn   dynamic.Interface
	logf  func(format string, args ...any)
	now   time.Time
	uids  map[ref]types.UID
	kinds []string          // kinds in the order first seen, for the summary
	tally map[string][2]int // kind -> {created, already existed}
}

func newSeeder(cs kubernetes.Interface, log func(string, ...any)) *seeder {
	return &seeder{cs: cs, logf: serialized(log), now: time.Now(), uids: map[ref]types.UID{}, tally: map[string][2]int{}}
}

// serialized makes a caller's Log safe to call from the parallel pod
// creators, so callers can pass a plain function; nil becomes a no-op.
func serialized(log func(string, ...any)) func(string, ...any) {
	if log == nil {
		return func(string, ...any) {}
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		log(format, args...)
	}
}

func (s *seeder) apply(ctx context.Context, o *objects) error {
	for _, item := range o.items {
		if err := s.ensure(ctx, item); err != nil {
			return err
		}
	}
	for _, crd := range o.crds {
		if err := s.ensureCRD(ctx, crd); err != nil {
			return err
		}
	}
	for _, c := range o.custom {
		if err := s.ensureCustom(ctx, c); err != nil {
			return err
		}
	}
	for _, e := range o.events {
		ev, err := s.event(e)
		if err != nil {
			return err
		}
		if err := s.ensure(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// ensure creates obj with the typed client for its kind.
func (s *seeder) ensure(ctx context.Context, obj runtime.Object) error {
	core, apps, batch, net := s.cs.CoreV1(), s.cs.AppsV1(), s.cs.BatchV1(), s.cs.NetworkingV1()
	var err error
	switch o := obj.(type) {
	case *corev1.Namespace:
		_, err = create(ctx, s, core.Namespaces(), "Namespace", o)
	case *corev1.ServiceAccount:
		_, err = create(ctx, s, core.ServiceAccounts(o.Namespace), "ServiceAccount", o)
	case *corev1.ConfigMap:
		_, err = create(ctx, s, core.ConfigMaps(o.Namespace), "ConfigMap", o)
	case *corev1.Secret:
		_, err = create(ctx, s, core.Secrets(o.Namespace), "Secret", o)
	case *corev1.PersistentVolume:
		_, err = create(ctx, s, core.PersistentVolumes(), "PersistentVolume", o)
	case *corev1.PersistentVolumeClaim:
		_, err = create(ctx, s, core.PersistentVolumeClaims(o.Namespace), "PersistentVolumeClaim", o)
	case *corev1.Service:
		_, err = create(ctx, s, core.Services(o.Namespace), "Service", o)
	case *corev1.Pod:
		_, err = create(ctx, s, core.Pods(o.Namespace), "Pod", o)
	case *corev1.Event:
		_, err = create(ctx, s, core.Events(o.Namespace), "Event", o)
	case *appsv1.Deployment:
		_, err = create(ctx, s, apps.Deployments(o.Namespace), "Deployment", o)
	case *appsv1.StatefulSet:
		_, err = create(ctx, s, apps.StatefulSets(o.Namespace), "StatefulSet", o)
	case *appsv1.DaemonSet:
		_, err = create(ctx, s, apps.DaemonSets(o.Namespace), "DaemonSet", o)
	case *appsv1.ReplicaSet:
		_, err = create(ctx, s, apps.ReplicaSets(o.Namespace), "ReplicaSet", o)
	case *batchv1.Job:
		_, err = create(ctx, s, batch.Jobs(o.Namespace), "Job", o)
	case *batchv1.CronJob:
		_, err = create(ctx, s, batch.CronJobs(o.Namespace), "CronJob", o)
	case *networkingv1.Ingress:
		_, err = create(ctx, s, net.Ingresses(o.Namespace), "Ingress", o)
	default:
		err = fmt.Errorf("seed has no client for %T", obj)
	}
	return err
}

// client is the part of a typed client the seeder needs: create, and get to
// learn the UID of an object that already existed.
type client[T metav1.Object] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
}

// create makes obj exist and records its UID; AlreadyExists is success.
func create[T metav1.Object](ctx context.Context, s *seeder, c client[T], kind string, obj T) (T, error) {
	key := ref{kind, obj.GetNamespace(), obj.GetName()}
	got, err := c.Create(ctx, obj, metav1.CreateOptions{})
	created := err == nil
	if apierrors.IsAlreadyExists(err) {
		got, err = c.Get(ctx, key.name, metav1.GetOptions{})
		if err != nil {
			return got, fmt.Errorf("get existing %s %s: %w", strings.ToLower(kind), key.path(), err)
		}
	}
	if err != nil {
		return got, fmt.Errorf("create %s %s: %w", strings.ToLower(kind), key.path(), err)
	}
	s.uids[key] = got.GetUID()
	s.count(kind, created)
	return got, nil
}

func (r ref) path() string {
	if r.namespace == "" {
		return r.name
	}
	return r.namespace + "/" + r.name
}

func (s *seeder) count(kind string, created bool) {
	t, ok := s.tally[kind]
	if !ok {
		s.kinds = append(s.kinds, kind)
	}
	if created {
		t[0]++
	} else {
		t[1]++
	}
	s.tally[kind] = t
}

func (s *seeder) summary(what string) {
	total := [2]int{}
	for _, kind := range s.kinds {
		t := s.tally[kind]
		s.logf("  %-24s %4d created, %4d already existed", kind, t[0], t[1])
		total[0] += t[0]
		total[1] += t[1]
	}
	s.logf("seeded %s: %d objects created, %d already existed", what, total[0], total[1])
}

// event builds the Event for e, pointing at the UID recorded when its object
// was created. Its name is derived from its content, so re-runs find it.
func (s *seeder) event(e event) (*corev1.Event, error) {
	uid, ok := s.uids[e.on]
	if !ok {
		return nil, fmt.Errorf("event %s refers to %s %s, which the profile does not create", e.reason, e.on.kind, e.on.path())
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%s/%s/%s", e.on.kind, e.on.name, e.container, e.reason, e.message)
	typ := corev1.EventTypeNormal
	if e.warning {
		typ = corev1.EventTypeWarning
	}
	involved := corev1.ObjectReference{
		Kind:       e.on.kind,
		APIVersion: apiVersions[e.on.kind],
		Namespace:  e.on.namespace,
		Name:       e.on.name,
		UID:        uid,
	}
	if e.container != "" {
		involved.FieldPath = "spec.containers{" + e.container + "}"
	}
	return &corev1.Event{
		ObjectMeta:          metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", e.on.name, h.Sum64()), Namespace: e.on.namespace},
		InvolvedObject:      involved,
		Type:                typ,
		Reason:              e.reason,
		Message:             e.message,
		Source:              corev1.EventSource{Component: e.component},
		ReportingController: e.component,
		Count:               max(e.count, 1),
		FirstTimestamp:      metav1.NewTime(s.now.Add(-e.first).Truncate(time.Second)),
		LastTimestamp:       metav1.NewTime(s.now.Add(-e.last).Truncate(time.Second)),
	}, nil
}
