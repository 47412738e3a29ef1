package seed_test

import (
	"bufio"
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"crowsnest/hack/controlplane"
	"crowsnest/hack/seed"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// TestSeedOnRealCluster seeds the demo profile into the real control plane
// and checks that the controllers and kwok turn it into running workloads.
func TestSeedOnRealCluster(t *testing.T) {
	env := testcluster.Get(t)
	clients, err := seed.ClientsFor(env.Admin(t))
	require.NoError(t, err)
	cs := clients.Kube
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	require.NoError(t, seed.Cluster(ctx, clients, seed.Options{Profile: "demo", Log: t.Logf}))
	require.NoError(t, seed.Cluster(ctx, clients, seed.Options{Profile: "demo"}), "seeding twice is fine")

	err = wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		d, err := cs.AppsV1().Deployments("shop").Get(ctx, "storefront", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return d.Spec.Replicas != nil && d.Status.AvailableReplicas == *d.Spec.Replicas, nil
	})
	require.NoError(t, err, "shop/storefront becomes available")

	pods, err := cs.CoreV1().Pods("shop").List(ctx, metav1.ListOptions{LabelSelector: "app=storefront"})
	require.NoError(t, err)
	require.NotEmpty(t, pods.Items)
	for _, p := range pods.Items {
		require.Equal(t, corev1.PodRunning, p.Status.Phase, p.Name)
		owner := metav1.GetControllerOf(&p)
		require.NotNil(t, owner, p.Name)
		require.Equal(t, "ReplicaSet", owner.Kind)
	}

	// The storefront logs live: following it brings new lines.
	live := env.WaitPodLogs(t, "shop", pods.Items[0].Name)
	stream, err := cs.CoreV1().Pods("shop").GetLogs(live.Name, &corev1.PodLogOptions{
		Container: "storefront", Follow: true, TailLines: new(int64(0)),
	}).Stream(ctx)
	require.NoError(t, err)
	defer stream.Close()
	r := bufio.NewReader(stream)
	for range 2 {
		_, err := testcluster.ReadLine(r)
		require.NoError(t, err, "a live line arrives")
	}

	// legacy-importer has restarted: its status says so and its previous
	// run's log is there.
	imp := env.WaitPodLogs(t, "shop", "legacy-importer")
	prev, err := cs.CoreV1().Pods("shop").GetLogs(imp.Name, &corev1.PodLogOptions{Previous: true}).DoRaw(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, prev)
	err = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		p, err := cs.CoreV1().Pods("shop").Get(ctx, "legacy-importer", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].RestartCount == 7, nil
	})
	require.NoError(t, err, "legacy-importer shows 7 restarts")
}

// TestCustomResourcesOnRealCluster seeds demo and staging and checks what
// only a real API server decides: the CRDs are Established, status written
// through the status subresource survives, the scale subresource reads the
// seeded paths, and the restricted viewer reads the custom resources of
// shop, and only those.
func TestCustomResourcesOnRealCluster(t *testing.T) {
	env := testcluster.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := seed.ClientsFor(env.Admin(t))
	require.NoError(t, err)
	require.NoError(t, seed.Cluster(ctx, admin, seed.Options{Profile: "demo", Log: t.Logf}))

	for _, name := range []string{"databases.data.crowsnest.io", "backups.data.crowsnest.io", "tenants.platform.crowsnest.io"} {
		crd, err := admin.Extensions.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err)
		require.True(t, crdCondition(crd, apiextensionsv1.Established), "%s is Established", name)
	}

	databases := admin.Dynamic.Resource(customKinds["Database"])
	ledger, err := databases.Namespace("payments").Get(ctx, "ledger-db", metav1.GetOptions{})
	require.NoError(t, err)
	ready := readyCondition(t, *ledger)
	require.Equal(t, []any{"False", "ReplicasUnavailable"}, []any{ready["status"], ready["reason"]})
	replicas, _, _ := unstructured.NestedInt64(ledger.Object, "status", "replicas")
	require.EqualValues(t, 1, replicas, "status written through the status subresource")

	scale, err := databases.Namespace("shop").Get(ctx, "orders-db", metav1.GetOptions{}, "scale")
	require.NoError(t, err)
	specReplicas, _, _ := unstructured.NestedInt64(scale.Object, "spec", "replicas")
	statusReplicas, _, _ := unstructured.NestedInt64(scale.Object, "status", "replicas")
	selector, _, _ := unstructured.NestedString(scale.Object, "status", "selector")
	require.Equal(t, []any{int64(3), int64(3), "app.kubernetes.io/name=orders-db"}, []any{specReplicas, statusReplicas, selector})

	backup, err := admin.Dynamic.Resource(customKinds["Backup"]).Namespace("payments").Get(ctx, "ledger-db-nightly", metav1.GetOptions{})
	require.NoError(t, err)
	owner := metav1.GetControllerOf(backup)
	require.NotNil(t, owner)
	require.Equal(t, ledger.GetUID(), owner.UID, "backups are owned by their Database")

	tenants, err := admin.Dynamic.Resource(customKinds["Tenant"]).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"acme", "globex", "initech"}, names(objectsOf(tenants.Items)))

	viewer, err := dynamic.NewForConfig(env.Viewer(t))
	require.NoError(t, err)
	shopDBs, err := viewer.Resource(customKinds["Database"]).Namespace("shop").List(ctx, metav1.ListOptions{})
	require.NoError(t, err, "the viewer lists databases in shop")
	require.ElementsMatch(t, []string{"orders-db", "catalog-db"}, names(objectsOf(shopDBs.Items)))
	w, err := viewer.Resource(customKinds["Backup"]).Namespace("shop").Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err, "the viewer watches backups in shop")
	w.Stop()
	_, err = viewer.Resource(customKinds["Database"]).Namespace("payments").List(ctx, metav1.ListOptions{})
	require.True(t, apierrors.IsForbidden(err), "the viewer may not list payments: %v", err)
	_, err = viewer.Resource(customKinds["Tenant"]).List(ctx, metav1.ListOptions{})
	require.True(t, apierrors.IsForbidden(err), "nor cluster-scoped tenants: %v", err)

	staging, err := seed.ClientsFor(env.Config(t, controlplane.ContextStagingAdmin))
	require.NoError(t, err)
	require.NoError(t, seed.Cluster(ctx, staging, seed.Options{Profile: "staging", Log: t.Logf}))
	dbs, err := staging.Dynamic.Resource(customKinds["Database"]).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"analytics-db"}, names(objectsOf(dbs.Items)))
	_, err = staging.Extensions.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, "backups.data.crowsnest.io", metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err), "staging has only the Database CRD: %v", err)
}

func crdCondition(crd *apiextensionsv1.CustomResourceDefinition, typ apiextensionsv1.CustomResourceDefinitionConditionType) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == typ {
			return c.Status == apiextensionsv1.ConditionTrue
		}
	}
	return false
}

func objectsOf(items []unstructured.Unstructured) []metav1.Object {
	out := make([]metav1.Object, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

// TestPodsOnRealCluster checks that bulk pods are adopted by their
// ReplicaSets (the real controller, no surplus) and become Running.
func TestPodsOnRealCluster(t *testing.T) {
	env := testcluster.Get(t)
	cfg := env.Admin(t)
	cfg.QPS, cfg.Burst = 500, 1000
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	ns := env.Namespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const n = 300
	require.NoError(t, seed.Pods(ctx, cs, seed.PodsOptions{Count: n, Namespace: ns, Log: t.Logf}))

	err = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: loadLabel + "=true"})
		if err != nil {
			return false, err
		}
		running := 0
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning && metav1.GetControllerOf(&p) != nil {
				running++
			}
		}
		t.Logf("%d of %d pods owned and Running", running, len(pods.Items))
		return len(pods.Items) == n && running == n, nil
	})
	require.NoError(t, err)
}
