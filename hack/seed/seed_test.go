package seed_test

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsfake "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/fake"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"crowsnest/backend/helm"
	"crowsnest/hack/seed"
)

const loadLabel = "crowsnest.dev/load"

// newClient is a fake clientset that, like the API server, gives every
// created object a UID; the plain fake leaves UIDs empty.
func newClient(objs ...runtime.Object) *fake.Clientset {
	cs := fake.NewClientset(objs...)
	var n atomic.Int64
	cs.PrependReactor("create", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		create, ok := action.(k8stesting.CreateAction)
		if !ok {
			return false, nil, nil
		}
		if m, err := meta.Accessor(create.GetObject()); err == nil && m.GetUID() == "" {
			m.SetUID(types.UID(fmt.Sprintf("uid-%06d", n.Add(1))))
		}
		return false, nil, nil
	})
	return cs
}

func kwokNode(name string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{
		Name:        name,
		Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
		Labels:      map[string]string{"type": "kwok"},
	}}
}

// fixture holds the fake clients a seed writes to.
type fixture struct {
	kube *fake.Clientset
	ext  *apiextensionsfake.Clientset
	dyn  *dynamicfake.FakeDynamicClient
}

// customKinds are the seed's custom resources, by kind.
var customKinds = map[string]schema.GroupVersionResource{
	"Database": {Group: "data.crowsnest.io", Version: "v1", Resource: "databases"},
	"Backup":   {Group: "data.crowsnest.io", Version: "v1", Resource: "backups"},
	"Tenant":   {Group: "platform.crowsnest.io", Version: "v1alpha1", Resource: "tenants"},
}

// newFixture fakes a cluster with two kwok nodes whose API server, unlike
// the plain fakes, gives created objects UIDs and establishes CRDs (unless
// establish is false: then the test does it).
func newFixture(establish bool) *fixture {
	f := &fixture{
		kube: newClient(kwokNode("kwok-node-0"), kwokNode("kwok-node-1")),
		ext:  apiextensionsfake.NewClientset(),
	}
	listKinds := map[schema.GroupVersionResource]string{}
	for kind, gvr := range customKinds {
		listKinds[gvr] = kind + "List"
	}
	listKinds[seed.BenchGVR(seed.BenchGroup)] = "ApplicationList"
	f.dyn = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	var n atomic.Int64
	f.dyn.PrependReactor("create", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		if m, err := meta.Accessor(action.(k8stesting.CreateAction).GetObject()); err == nil && m.GetUID() == "" {
			m.SetUID(types.UID(fmt.Sprintf("cr-uid-%06d", n.Add(1))))
		}
		return false, nil, nil
	})
	if establish {
		f.ext.PrependReactor("create", "customresourcedefinitions", func(action k8stesting.Action) (bool, runtime.Object, error) {
			crd := action.(k8stesting.CreateAction).GetObject().(*apiextensionsv1.CustomResourceDefinition)
			crd.Status.Conditions = established()
			return false, nil, nil
		})
	}
	return f
}

func established() []apiextensionsv1.CustomResourceDefinitionCondition {
	return []apiextensionsv1.CustomResourceDefinitionCondition{
		{Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionTrue},
		{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue},
	}
}

func (f *fixture) clients() seed.Clients {
	return seed.Clients{Kube: f.kube, Extensions: f.ext, Dynamic: f.dyn}
}

func seededFixture(t *testing.T, profile string) *fixture {
	t.Helper()
	f := newFixture(true)
	require.NoError(t, seed.Cluster(t.Context(), f.clients(), seed.Options{Profile: profile, Log: t.Logf}))
	return f
}

func seeded(t *testing.T, profile string) *fake.Clientset { return seededFixture(t, profile).kube }

// custom lists the custom resources of kind in ns ("" for all namespaces).
func (f *fixture) custom(t *testing.T, kind, ns string) []unstructured.Unstructured {
	t.Helper()
	list, err := f.dyn.Resource(customKinds[kind]).Namespace(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	return list.Items
}

// list is the package's list for built-in kinds and custom for the others.
func (f *fixture) list(t *testing.T, kind, ns string) []metav1.Object {
	t.Helper()
	if _, ok := customKinds[kind]; !ok {
		return list(t, f.kube, kind, ns)
	}
	return objectsOf(f.custom(t, kind, ns))
}

func (f *fixture) counts(t *testing.T) map[string]int {
	t.Helper()
	out := counts(t, f.kube)
	for kind := range customKinds {
		out[kind] = len(f.custom(t, kind, ""))
	}
	crds, err := f.ext.ApiextensionsV1().CustomResourceDefinitions().List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	out["CustomResourceDefinition"] = len(crds.Items)
	return out
}

var builtinKinds = []string{
	"Namespace", "ServiceAccount", "ConfigMap", "Secret", "PersistentVolume", "PersistentVolumeClaim",
	"Service", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Ingress", "Pod", "Event",
}

// list returns the objects of kind in ns ("" for all namespaces).
func list(t *testing.T, cs kubernetes.Interface, kind, ns string) []metav1.Object {
	t.Helper()
	ctx, opts := t.Context(), metav1.ListOptions{}
	var (
		obj runtime.Object
		err error
	)
	switch kind {
	case "Namespace":
		obj, err = cs.CoreV1().Namespaces().List(ctx, opts)
	case "ServiceAccount":
		obj, err = cs.CoreV1().ServiceAccounts(ns).List(ctx, opts)
	case "ConfigMap":
		obj, err = cs.CoreV1().ConfigMaps(ns).List(ctx, opts)
	case "Secret":
		obj, err = cs.CoreV1().Secrets(ns).List(ctx, opts)
	case "PersistentVolume":
		obj, err = cs.CoreV1().PersistentVolumes().List(ctx, opts)
	case "PersistentVolumeClaim":
		obj, err = cs.CoreV1().PersistentVolumeClaims(ns).List(ctx, opts)
	case "Service":
		obj, err = cs.CoreV1().Services(ns).List(ctx, opts)
	case "Pod":
		obj, err = cs.CoreV1().Pods(ns).List(ctx, opts)
	case "Event":
		obj, err = cs.CoreV1().Events(ns).List(ctx, opts)
	case "Deployment":
		obj, err = cs.AppsV1().Deployments(ns).List(ctx, opts)
	case "StatefulSet":
		obj, err = cs.AppsV1().StatefulSets(ns).List(ctx, opts)
	case "DaemonSet":
		obj, err = cs.AppsV1().DaemonSets(ns).List(ctx, opts)
	case "ReplicaSet":
		obj, err = cs.AppsV1().ReplicaSets(ns).List(ctx, opts)
	case "Job":
		obj, err = cs.BatchV1().Jobs(ns).List(ctx, opts)
	case "CronJob":
		obj, err = cs.BatchV1().CronJobs(ns).List(ctx, opts)
	case "Ingress":
		obj, err = cs.NetworkingV1().Ingresses(ns).List(ctx, opts)
	default:
		t.Fatalf("no lister for kind %s", kind)
	}
	require.NoError(t, err)
	items, err := meta.ExtractList(obj)
	require.NoError(t, err)
	out := make([]metav1.Object, 0, len(items))
	for _, item := range items {
		m, err := meta.Accessor(item)
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

func names(objs []metav1.Object) []string {
	out := make([]string, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.GetName())
	}
	return out
}

func counts(t *testing.T, cs kubernetes.Interface) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, kind := range builtinKinds {
		out[kind] = len(list(t, cs, kind, ""))
	}
	return out
}

func TestClusterDemoCreatesExpectedObjects(t *testing.T) {
	cs := seeded(t, "demo")
	tests := []struct {
		kind, ns string
		want     []string
	}{
		{"Namespace", "", []string{"shop", "payments", "monitoring", "platform"}},
		{"Deployment", "shop", []string{"storefront", "cart", "catalog", "checkout-api", "recommendations"}},
		{"Deployment", "payments", []string{"payments-api", "ledger", "fraud-scorer"}},
		{"Deployment", "monitoring", []string{"prometheus", "grafana", "alertmanager"}},
		{"Deployment", "platform", []string{"ingress-gateway", "cert-renewer"}},
		{"StatefulSet", "shop", []string{"redis"}},
		{"StatefulSet", "payments", []string{"postgres"}},
		{"DaemonSet", "monitoring", []string{"node-exporter"}},
		{"DaemonSet", "platform", []string{"log-shipper"}},
		{"Job", "shop", []string{"db-migrate-1042"}},
		{"Job", "payments", []string{"ledger-backfill"}},
		{"CronJob", "shop", []string{"cache-warmer"}},
		{"CronJob", "payments", []string{"nightly-report"}},
		{"Service", "shop", []string{"storefront", "cart", "catalog", "checkout-api", "redis"}},
		{"Service", "platform", []string{"ingress-gateway"}},
		{"Ingress", "shop", []string{"storefront"}},
		{"Ingress", "payments", []string{"payments-api"}},
		{"ConfigMap", "shop", []string{"storefront-config", "catalog-config"}},
		{"ConfigMap", "monitoring", []string{"prometheus-config"}},
		{"Secret", "shop", []string{"shop-tls", "checkout-secrets", "registry-credentials"}},
		{"Secret", "payments", []string{"payments-db", "payments-tls"}},
		{"PersistentVolumeClaim", "shop", []string{"uploads"}},
		{"ServiceAccount", "shop", []string{"default", "storefront"}},
		{"ServiceAccount", "payments", []string{"default", "payments-api"}},
		{"Pod", "platform", []string{"toolbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.ns, func(t *testing.T) {
			require.Subset(t, names(list(t, cs, tt.kind, tt.ns)), tt.want)
		})
	}

	storefront, err := cs.AppsV1().Deployments("shop").Get(t.Context(), "storefront", metav1.GetOptions{})
	require.NoError(t, err)
	require.EqualValues(t, 3, *storefront.Spec.Replicas)
	spec := storefront.Spec.Template.Spec
	require.Len(t, spec.Containers, 2, "app and sidecar")
	require.False(t, *spec.AutomountServiceAccountToken)
	require.NotNil(t, spec.Containers[0].ReadinessProbe)
	require.NotEmpty(t, spec.Containers[0].Resources.Limits)
	require.Contains(t, names(list(t, cs, "ServiceAccount", "shop")), spec.ServiceAccountName)
	for _, key := range []string{"app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/component", "app", "tier", "env", "app.kubernetes.io/version"} {
		require.NotEmpty(t, storefront.Spec.Template.Labels[key], key)
	}
}

func TestClusterDemoHasAStuckDeployment(t *testing.T) {
	cs := seeded(t, "demo")
	var stuck []string
	for _, ns := range []string{"shop", "payments", "monitoring", "platform"} {
		deps, err := cs.AppsV1().Deployments(ns).List(t.Context(), metav1.ListOptions{})
		require.NoError(t, err)
		for _, d := range deps.Items {
			if len(d.Spec.Template.Spec.NodeSelector) > 0 {
				stuck = append(stuck, d.Name)
			}
		}
	}
	require.Equal(t, []string{"recommendations"}, stuck, "exactly one deployment should select nodes that do not exist")
}

func TestClusterDemoServicesSelectTheirWorkloads(t *testing.T) {
	cs := seeded(t, "demo")
	ctx := t.Context()

	templates := map[string][]map[string]string{} // namespace -> pod template labels of every workload
	deps, err := cs.AppsV1().Deployments("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	for _, d := range deps.Items {
		templates[d.Namespace] = append(templates[d.Namespace], d.Spec.Template.Labels)

		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		require.NoError(t, err)
		require.True(t, sel.Matches(labels.Set(d.Spec.Template.Labels)), "deployment %s/%s selects its own template", d.Namespace, d.Name)

		svc, err := cs.CoreV1().Services(d.Namespace).Get(ctx, d.Name, metav1.GetOptions{})
		require.NoError(t, err, "deployment %s/%s has a Service", d.Namespace, d.Name)
		require.NotEmpty(t, svc.Spec.Selector)
		require.True(t, labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)),
			"service %s/%s selects deployment %s", svc.Namespace, svc.Name, d.Name)
	}
	sets, err := cs.AppsV1().StatefulSets("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	for _, s := range sets.Items {
		templates[s.Namespace] = append(templates[s.Namespace], s.Spec.Template.Labels)
		svc, err := cs.CoreV1().Services(s.Namespace).Get(ctx, s.Spec.ServiceName, metav1.GetOptions{})
		require.NoError(t, err, "statefulset %s/%s has its governing Service", s.Namespace, s.Name)
		require.Equal(t, corev1.ClusterIPNone, svc.Spec.ClusterIP, "governing service is headless")
	}

	svcs, err := cs.CoreV1().Services("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	types := map[corev1.ServiceType]int{}
	for _, svc := range svcs.Items {
		types[svc.Spec.Type]++
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		matched := slices.ContainsFunc(templates[svc.Namespace], func(l map[string]string) bool { return sel.Matches(labels.Set(l)) })
		require.True(t, matched, "service %s/%s selects some workload", svc.Namespace, svc.Name)
	}
	require.Positive(t, types[corev1.ServiceTypeNodePort], "one NodePort service")
}

func TestClusterDemoSecretsAndIngresses(t *testing.T) {
	cs := seeded(t, "demo")
	ctx := t.Context()

	secrets, err := cs.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	byType := map[corev1.SecretType]int{}
	for _, s := range secrets.Items {
		byType[s.Type]++
		switch s.Type {
		case corev1.SecretTypeTLS:
			_, err := tls.X509KeyPair(s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey])
			require.NoError(t, err, "secret %s/%s holds a usable key pair", s.Namespace, s.Name)
		case corev1.SecretTypeDockerConfigJson:
			var cfg struct {
				Auths map[string]map[string]string `json:"auths"`
			}
			require.NoError(t, json.Unmarshal(s.Data[corev1.DockerConfigJsonKey], &cfg))
			require.NotEmpty(t, cfg.Auths)
		}
	}
	for _, typ := range []corev1.SecretType{corev1.SecretTypeOpaque, corev1.SecretTypeTLS, corev1.SecretTypeDockerConfigJson} {
		require.Positive(t, byType[typ], "a %s secret", typ)
	}

	ings, err := cs.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	withTLS := 0
	for _, ing := range ings.Items {
		require.Equal(t, "nginx", *ing.Spec.IngressClassName)
		for _, entry := range ing.Spec.TLS {
			withTLS++
			_, err := cs.CoreV1().Secrets(ing.Namespace).Get(ctx, entry.SecretName, metav1.GetOptions{})
			require.NoError(t, err, "ingress %s/%s TLS secret exists", ing.Namespace, ing.Name)
		}
		for _, rule := range ing.Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				_, err := cs.CoreV1().Services(ing.Namespace).Get(ctx, p.Backend.Service.Name, metav1.GetOptions{})
				require.NoError(t, err, "ingress %s/%s backend exists", ing.Namespace, ing.Name)
			}
		}
	}
	require.Positive(t, withTLS)

	crons, err := cs.BatchV1().CronJobs("").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	suspended := 0
	for _, c := range crons.Items {
		if c.Spec.Suspend != nil && *c.Spec.Suspend {
			suspended++
		}
	}
	require.Equal(t, 1, suspended)
}

func TestClusterDemoEventsReferenceSeededObjects(t *testing.T) {
	f := seededFixture(t, "demo")
	events, err := f.kube.CoreV1().Events("").List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, events.Items)

	reasons := map[string]string{}
	for _, e := range events.Items {
		reasons[e.Reason] = e.Type
		obj := e.InvolvedObject
		require.NotEmpty(t, obj.UID, "event %s", e.Name)
		require.Equal(t, e.Namespace, obj.Namespace, "event %s", e.Name)
		require.NotEmpty(t, e.Source.Component)
		require.Equal(t, e.Source.Component, e.ReportingController)
		require.Positive(t, e.Count)
		require.False(t, e.FirstTimestamp.IsZero())
		require.False(t, e.LastTimestamp.Before(&e.FirstTimestamp), "event %s last seen before first seen", e.Name)

		objs := f.list(t, obj.Kind, obj.Namespace)
		idx := slices.IndexFunc(objs, func(o metav1.Object) bool { return o.GetName() == obj.Name })
		require.NotEqual(t, -1, idx, "event %s refers to missing %s %s/%s", e.Name, obj.Kind, obj.Namespace, obj.Name)
		require.Equal(t, obj.UID, objs[idx].GetUID(), "event %s", e.Name)
		if gvr, ok := customKinds[obj.Kind]; ok {
			require.Equal(t, gvr.GroupVersion().String(), obj.APIVersion, "event %s", e.Name)
		}
	}
	for _, r := range []string{"ScalingReplicaSet", "Pulled", "Created", "Started", "SuccessfulCreate"} {
		require.Equal(t, corev1.EventTypeNormal, reasons[r], r)
	}
	for _, r := range []string{"BackOff", "FailedScheduling", "Unhealthy", "ReplicasUnavailable", "BackupFailed"} {
		require.Equal(t, corev1.EventTypeWarning, reasons[r], r)
	}
}

func TestClusterIsIdempotent(t *testing.T) {
	for _, profile := range []string{"demo", "staging"} {
		t.Run(profile, func(t *testing.T) {
			f := seededFixture(t, profile)
			first := f.counts(t)
			require.Positive(t, first["Database"])
			require.NoError(t, seed.Cluster(t.Context(), f.clients(), seed.Options{Profile: profile}))
			require.Equal(t, first, f.counts(t))
		})
	}
}

func TestClusterProfiles(t *testing.T) {
	tests := []struct {
		profile        string
		want, notWant  []string
		wantDeployment []string
	}{
		{profile: "", want: []string{"shop", "payments", "monitoring", "platform"}, notWant: []string{"staging-web"}, wantDeployment: []string{"storefront"}},
		{profile: "demo", want: []string{"shop", "payments"}, notWant: []string{"staging-web", "staging-data"}, wantDeployment: []string{"payments-api"}},
		{profile: "staging", want: []string{"staging-web", "staging-data"}, notWant: []string{"shop", "payments"}, wantDeployment: []string{"web-frontend", "api-gateway", "search-indexer"}},
	}
	for _, tt := range tests {
		t.Run("profile="+tt.profile, func(t *testing.T) {
			cs := seeded(t, tt.profile)
			ns := names(list(t, cs, "Namespace", ""))
			require.Subset(t, ns, tt.want)
			for _, n := range tt.notWant {
				require.NotContains(t, ns, n)
			}
			require.Subset(t, names(list(t, cs, "Deployment", "")), tt.wantDeployment)
		})
	}

	t.Run("staging has the other kinds too", func(t *testing.T) {
		c := counts(t, seeded(t, "staging"))
		for _, kind := range []string{"StatefulSet", "Service", "ConfigMap", "Secret", "CronJob", "Event"} {
			require.Positive(t, c[kind], kind)
		}
	})
}

func TestClusterUnknownProfile(t *testing.T) {
	err := seed.Cluster(t.Context(), newFixture(true).clients(), seed.Options{Profile: "production"})
	require.ErrorContains(t, err, `"production"`)
}

func TestClusterNeedsEveryClient(t *testing.T) {
	err := seed.Cluster(t.Context(), seed.Clients{Kube: newClient()}, seed.Options{})
	require.ErrorContains(t, err, "ClientsFor")
}

// syncLog collects Log lines from concurrent creators.
type syncLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *syncLog) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// podsClient has two kwok nodes and one plain node, and adopts pods into a
// ReplicaSet when it is created, as the ReplicaSet controller does.
func podsClient() *fake.Clientset {
	plain := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "real-node"}}
	cs := newClient(kwokNode("kwok-node-0"), kwokNode("kwok-node-1"), plain)
	var n atomic.Int64
	cs.PrependReactor("create", "replicasets", func(action k8stesting.Action) (bool, runtime.Object, error) {
		rs := action.(k8stesting.CreateAction).GetObject().(*appsv1.ReplicaSet).DeepCopy()
		rs.UID = types.UID(fmt.Sprintf("rs-uid-%06d", n.Add(1)))
		if err := cs.Tracker().Create(appsv1.SchemeGroupVersion.WithResource("replicasets"), rs, rs.Namespace); err != nil {
			return true, nil, err
		}
		sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
		if err != nil {
			return true, nil, err
		}
		podsGVR := corev1.SchemeGroupVersion.WithResource("pods")
		obj, err := cs.Tracker().List(podsGVR, corev1.SchemeGroupVersion.WithKind("Pod"), rs.Namespace)
		if err != nil {
			return true, nil, err
		}
		for i := range obj.(*corev1.PodList).Items {
			p := &obj.(*corev1.PodList).Items[i]
			if metav1.GetControllerOf(p) == nil && sel.Matches(labels.Set(p.Labels)) {
				p.OwnerReferences = append(p.OwnerReferences, *metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet")))
				if err := cs.Tracker().Update(podsGVR, p, p.Namespace); err != nil {
					return true, nil, err
				}
			}
		}
		return true, rs, nil
	})
	return cs
}

func loadPods(t *testing.T, cs kubernetes.Interface, ns string) []corev1.Pod {
	t.Helper()
	pods, err := cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: loadLabel + "=true"})
	require.NoError(t, err)
	return pods.Items
}

func TestPods(t *testing.T) {
	cs := podsClient()
	log := &syncLog{}
	require.NoError(t, seed.Pods(t.Context(), cs, seed.PodsOptions{Count: 300, Log: log.logf}))
	require.Contains(t, log.String(), "pods/s")

	rsList, err := cs.AppsV1().ReplicaSets("load").List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, rsList.Items)
	byUID := map[types.UID]int{}
	for i, rs := range rsList.Items {
		require.NotEmpty(t, rs.UID)
		byUID[rs.UID] = i
	}

	pods := loadPods(t, cs, "load")
	require.Len(t, pods, 300)
	owned := map[types.UID]int{}
	apps, nodes := map[string]bool{}, map[string]bool{}
	for _, p := range pods {
		require.Len(t, p.Spec.Containers, 2, "pod %s", p.Name)
		for _, c := range p.Spec.Containers {
			require.NotEmpty(t, c.Image)
			require.NotEmpty(t, c.Ports)
			require.NotEmpty(t, c.Resources.Requests)
		}
		require.Contains(t, []string{"kwok-node-0", "kwok-node-1"}, p.Spec.NodeName, "pod %s", p.Name)
		nodes[p.Spec.NodeName] = true
		for _, key := range []string{"app", "app.kubernetes.io/name", "pod-template-hash", "tier", "env"} {
			require.NotEmpty(t, p.Labels[key], "pod %s label %s", p.Name, key)
		}
		apps[p.Labels["app"]] = true

		owner := metav1.GetControllerOf(&p)
		require.NotNil(t, owner, "pod %s has a controller", p.Name)
		require.Equal(t, "ReplicaSet", owner.Kind)
		require.True(t, *owner.BlockOwnerDeletion)
		i, ok := byUID[owner.UID]
		require.True(t, ok, "pod %s owner UID %s is an existing ReplicaSet", p.Name, owner.UID)
		rs := rsList.Items[i]
		require.Equal(t, rs.Name, owner.Name)
		require.True(t, strings.HasPrefix(p.Name, rs.Name+"-"), "pod %s is named after %s", p.Name, rs.Name)
		require.Len(t, strings.TrimPrefix(p.Name, rs.Name+"-"), 5)
		sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
		require.NoError(t, err)
		require.True(t, sel.Matches(labels.Set(p.Labels)), "ReplicaSet %s selects pod %s", rs.Name, p.Name)
		owned[owner.UID]++
	}
	for uid, i := range byUID {
		require.EqualValues(t, *rsList.Items[i].Spec.Replicas, owned[uid], "ReplicaSet %s replicas match its pods", rsList.Items[i].Name)
	}
	require.GreaterOrEqual(t, len(apps), 20, "a spread of app names")
	require.Len(t, nodes, 2, "pods spread over both kwok nodes")

	ns, err := cs.CoreV1().Namespaces().Get(t.Context(), "load", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, "true", ns.Labels[loadLabel])
	_, err = cs.CoreV1().ServiceAccounts("load").Get(t.Context(), "default", metav1.GetOptions{})
	require.NoError(t, err, "default ServiceAccount ensured before creating pods")
}

func TestPodsTopsUp(t *testing.T) {
	cs := podsClient()
	opts := seed.PodsOptions{Namespace: "bench", Count: 120, Concurrency: 8}
	require.NoError(t, seed.Pods(t.Context(), cs, opts))
	require.NoError(t, seed.Pods(t.Context(), cs, opts))
	require.Len(t, loadPods(t, cs, "bench"), 120, "a re-run creates nothing")

	opts.Count = 175
	require.NoError(t, seed.Pods(t.Context(), cs, opts))
	pods := loadPods(t, cs, "bench")
	require.Len(t, pods, 175, "a bigger count creates only the difference")
	unique := map[string]bool{}
	for _, p := range pods {
		unique[p.Name] = true
	}
	require.Len(t, unique, 175)

	replicas := int32(0)
	rsList, err := cs.AppsV1().ReplicaSets("bench").List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	for _, rs := range rsList.Items {
		replicas += *rs.Spec.Replicas
	}
	require.EqualValues(t, 175, replicas)
}

func TestPodsErrors(t *testing.T) {
	tests := []struct {
		name    string
		client  *fake.Clientset
		count   int
		wantErr string
	}{
		{"no kwok nodes", newClient(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "real-node"}}), 10, "kwok"},
		{"no nodes at all", newClient(), 10, "kwok"},
		{"zero count", podsClient(), 0, "count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := seed.Pods(t.Context(), tt.client, seed.PodsOptions{Count: tt.count})
			require.ErrorContains(t, err, tt.wantErr)
			require.Empty(t, loadPods(t, tt.client, "load"))
		})
	}
}

// The demo's Helm-style releases are Secrets Helm itself could read: the
// storefront's three revisions (the last deployed) and ledger's failed
// upgrade, each decodable.
func TestClusterDemoHelmReleases(t *testing.T) {
	cs := seeded(t, "demo")
	latest := map[string]string{}
	for _, ns := range []string{"shop", "payments"} {
		list, err := cs.CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{LabelSelector: helm.Selector})
		require.NoError(t, err)
		for _, s := range list.Items {
			require.Equal(t, corev1.SecretType(helm.SecretType), s.Type)
			r, err := helm.Decode(s.Data[helm.DataKey])
			require.NoError(t, err, s.Name)
			require.Equal(t, s.Labels["status"], r.Info.Status)
			require.Equal(t, helm.SecretName(r.Name, r.Version), s.Name)
			if v := s.Labels["version"]; v > latest[ns+"/"+r.Name] {
				latest[ns+"/"+r.Name] = v + " " + r.Info.Status
			}
		}
	}
	require.Equal(t, map[string]string{"shop/storefront": "3 deployed", "payments/ledger": "2 failed"}, latest)
}
