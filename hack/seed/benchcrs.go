package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/wait"
)

// The custom resources of the benchmarks: a CRD shaped like a GitOps
// controller's Applications, with the printer columns such CRDs have (a
// Ready column read through a conditions filter, an integer, a priority
// column), and thousands of its objects of about 3 KB each.

// BenchGroup is the API group of the benchmarks' CRD.
const BenchGroup = "bench.crowsnest.io"

// benchNamespaces is how many namespaces the bench resources spread over.
const benchNamespaces = 10

// BenchGVR is the resource of BenchCRD(group).
func BenchGVR(group string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: "v1alpha1", Resource: "applications"}
}

// BenchNamespace is the namespace of bench resource i.
func BenchNamespace(i int) string { return fmt.Sprintf("apps-%02d", i%benchNamespaces) }

// BenchCRD is the benchmarks' CRD in group: namespaced Applications. It has
// no status subresource, so an object is created with its status in one
// request (seeding 10,000 takes half the requests); what a cache holds of
// an object is the same either way.
func BenchCRD(group string) *apiextensionsv1.CustomResourceDefinition {
	open := ptr(true)
	status := props(map[string]apiextensionsv1.JSONSchemaProps{"conditions": conditionsSchema()})
	status.XPreserveUnknownFields = open
	schemaProps := &apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
		"spec":   {Type: "object", XPreserveUnknownFields: open},
		"status": status,
	}}
	return customResourceDefinition(group, "Application", "applications", apiextensionsv1.NamespaceScoped, []string{"benchapp"},
		apiextensionsv1.CustomResourceDefinitionVersion{
			Name: "v1alpha1", Served: true, Storage: true,
			Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: schemaProps},
			AdditionalPrinterColumns: []apiextensionsv1.CustomResourceColumnDefinition{
				{Name: "Project", Type: "string", JSONPath: ".spec.project"},
				{Name: "Sync", Type: "string", JSONPath: ".status.sync.status"},
				{Name: "Health", Type: "string", JSONPath: ".status.health.status"},
				{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`},
				{Name: "Resources", Type: "integer", JSONPath: ".status.resourceCount"},
				{Name: "Revision", Type: "string", JSONPath: ".status.sync.revision", Priority: 1},
				{Name: "Message", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].message`, Priority: 1},
				{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
			},
		})
}

// benchKinds are the kinds an Application deploys, in the order its
// resources list them.
var benchKinds = []struct{ group, version, kind string }{
	{"apps", "v1", "Deployment"}, {"", "v1", "Service"}, {"", "v1", "ServiceAccount"}, {"", "v1", "ConfigMap"},
	{"autoscaling", "v2", "HorizontalPodAutoscaler"}, {"networking.k8s.io", "v1", "Ingress"},
	{"policy", "v1", "PodDisruptionBudget"}, {"monitoring.coreos.com", "v1", "ServiceMonitor"},
}

// BenchResource is bench resource i of group's CRD as a client creates it,
// status included: about 3 KB of JSON (2.6–3.6 KB, 3.0 KB on average), and as it comes back
// from the API server a little more (uid, resourceVersion, creation time,
// managedFields). Its labels, annotations, spec and status are what such
// an object carries; one in 23 is degraded and one in 17 out of sync.
func BenchResource(group string, i int) *unstructured.Unstructured {
	app := loadApps[i%len(loadApps)]
	ns, name := BenchNamespace(i), benchName(i)
	env := []string{"production", "staging", "dev"}[i%3]
	team := fmt.Sprintf("team-%02d", i%benchNamespaces)
	revision := fmt.Sprintf("%016x%016x%08x", hash64("rev", i/7), hash64("rev2", i/7), uint32(hash64("rev3", i/7)))
	now := time.Now().UTC().Truncate(time.Second)
	at := func(ago time.Duration) string { return now.Add(-ago).Format(time.RFC3339) }
	since := time.Duration(hash64("since", i)%(30*24*60)) * time.Minute

	healthy, synced := i%23 != 0, i%17 != 0
	health, ready, readyReason, readyMessage := "Healthy", "True", "Reconciled", "All resources are synced and healthy"
	if !healthy {
		health, ready, readyReason = "Degraded", "False", "ResourcesDegraded"
		readyMessage = fmt.Sprintf("Deployment %s-%s has 0/3 ready replicas: back-off pulling image", app, env)
	}
	syncStatus, syncedCond := "Synced", "True"
	if !synced {
		syncStatus, syncedCond = "OutOfSync", "False"
	}
	count := 3 + i%(len(benchKinds)-2)
	resources := make([]any, count)
	for j := range count {
		k := benchKinds[j]
		resources[j] = map[string]any{
			"group": k.group, "version": k.version, "kind": k.kind, "namespace": ns, "name": app,
			"status": syncStatus, "health": map[string]any{"status": health},
		}
	}
	cond := func(typ, status, reason, message string, ago time.Duration) map[string]any {
		return map[string]any{"type": typ, "status": status, "reason": reason, "message": message,
			"lastTransitionTime": at(ago), "observedGeneration": int64(4)}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": BenchGVR(group).GroupVersion().String(),
		"kind":       "Application",
		"metadata": map[string]any{
			"name": name, "namespace": ns,
			"labels": map[string]any{
				nameLabel: app, "app.kubernetes.io/instance": name, partOfLabel: "storefront",
				managedByLabel: "gitops-controller", componentLabel: "application",
				"team": team, "env": env, loadLabel: "true",
			},
			"annotations": map[string]any{
				"bench.crowsnest.io/owner":                             team + "@example.com",
				"bench.crowsnest.io/tracking-id":                       fmt.Sprintf("%s:%s/Application:%s/%s", app, group, ns, name),
				"notifications.bench.crowsnest.io/subscribe.on-failed": "slack:" + team + "-alerts",
			},
			"finalizers": []any{"resources-finalizer." + group},
		},
		"spec": map[string]any{
			"project": team,
			"source": map[string]any{
				"repoURL":        "https://git.example.com/" + team + "/" + app + ".git",
				"path":           "deploy/overlays/" + env,
				"targetRevision": "main",
				"helm": map[string]any{
					"releaseName": app,
					"valueFiles":  []any{"values.yaml", "values-" + env + ".yaml"},
					"parameters": []any{
						map[string]any{"name": "image.tag", "value": revision[:12]},
						map[string]any{"name": "replicaCount", "value": fmt.Sprint(2 + i%4)},
						map[string]any{"name": "resources.requests.cpu", "value": "250m"},
						map[string]any{"name": "ingress.host", "value": app + "." + env + ".example.com"},
					},
				},
			},
			"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": ns},
			"syncPolicy": map[string]any{
				"automated":   map[string]any{"prune": true, "selfHeal": true},
				"syncOptions": []any{"CreateNamespace=false", "PruneLast=true", "ServerSideApply=true"},
				"retry": map[string]any{"limit": int64(5), "backoff": map[string]any{
					"duration": "5s", "factor": int64(2), "maxDuration": "3m"}},
			},
		},
		"status": map[string]any{
			"observedGeneration": int64(4),
			"reconciledAt":       at(time.Duration(i%300) * time.Second),
			"resourceCount":      int64(count),
			"sync":               map[string]any{"status": syncStatus, "revision": revision},
			"health":             map[string]any{"status": health},
			"resources":          resources,
			"operationState": map[string]any{
				"phase": "Succeeded", "message": "successfully synced (all tasks run)",
				"startedAt": at(since + 40*time.Second), "finishedAt": at(since),
				"syncResult": map[string]any{"revision": revision},
			},
			"conditions": []any{
				cond("Ready", ready, readyReason, readyMessage, since),
				cond("Synced", syncedCond, "SyncSucceeded", "Last sync at revision "+revision[:12], since),
			},
		},
	}}
}

// benchName is the name of bench resource i.
func benchName(i int) string { return fmt.Sprintf("%s-%05d", loadApps[i%len(loadApps)], i) }

func hash64(salt string, i int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", salt, i)
	return h.Sum64()
}

// CustomResourcesOptions for bulk custom resources.
type CustomResourcesOptions struct {
	Count       int    // total bench resources wanted
	Group       string // of the CRD, default BenchGroup
	Concurrency int    // default 32 parallel creators
	Log         func(format string, args ...any)
}

// CustomResources makes the benchmarks' CRD (BenchCRD) exist and serve,
// and Count of its resources (BenchResource 0 to Count-1) spread over ten
// namespaces. Like Pods it is idempotent: resources that exist are left
// as they are and only the missing ones are created, in parallel.
func CustomResources(ctx context.Context, c Clients, opts CustomResourcesOptions) error {
	if opts.Count <= 0 {
		return fmt.Errorf("custom resources: count must be positive, got %d", opts.Count)
	}
	if c.Kube == nil || c.Extensions == nil || c.Dynamic == nil {
		return fmt.Errorf("custom resources need the kubernetes, apiextensions and dynamic clients: use ClientsFor")
	}
	if opts.Group == "" {
		opts.Group = BenchGroup
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 32
	}
	s := newSeeder(c.Kube, opts.Log)
	s.ext, s.dyn = c.Extensions, c.Dynamic
	for i := range min(opts.Count, benchNamespaces) {
		ns := space{name: BenchNamespace(i), team: fmt.Sprintf("team-%02d", i), env: "load", extra: map[string]string{loadLabel: "true"}}
		if err := s.ensure(ctx, namespaceObject(ns)); err != nil {
			return err
		}
	}
	crd := BenchCRD(opts.Group)
	if err := s.ensureCRD(ctx, crd); err != nil {
		return err
	}
	gvr := BenchGVR(opts.Group)
	have, err := WaitListable(ctx, c, gvr)
	if err != nil {
		return err
	}
	var missing []int
	for i := range opts.Count {
		if !have.Has(BenchNamespace(i) + "/" + benchName(i)) {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		s.logf("%s already has the %d resources wanted; creating none", crd.Name, opts.Count)
		return nil
	}
	s.logf("creating %d %s (%d already there) in %d namespaces", len(missing), crd.Name, opts.Count-len(missing), benchNamespaces)
	return inParallel(ctx, gvr.Resource, missing, opts.Concurrency, s.logf, func(ctx context.Context, _ int, i int) error {
		obj := BenchResource(opts.Group, i)
		_, err := c.Dynamic.Resource(gvr).Namespace(obj.GetNamespace()).Create(ctx, obj, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create %s %s/%s: %w", gvr.Resource, obj.GetNamespace(), obj.GetName(), err)
		}
		return nil
	})
}

// WaitListable waits until the resource of a CRD that is Established can
// be listed, and returns the "namespace/name" of every object it has. The
// storage of a new CRD is ready a little after Established; a CRD deleted
// before then waits minutes for its finalizer, so whoever deletes one
// should wait for this first.
func WaitListable(ctx context.Context, c Clients, gvr schema.GroupVersionResource) (sets.Set[string], error) {
	have := sets.New[string]()
	err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, establishTimeout, true, func(ctx context.Context) (bool, error) {
		clear(have)
		opts := metav1.ListOptions{Limit: 500}
		for {
			page, err := c.Dynamic.Resource(gvr).List(ctx, opts)
			if err != nil {
				return false, nil // not served yet
			}
			for _, item := range page.Items {
				have.Insert(item.GetNamespace() + "/" + item.GetName())
			}
			if page.GetContinue() == "" {
				return true, nil
			}
			opts.Continue = page.GetContinue()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", gvr.GroupResource(), err)
	}
	return have, nil
}
