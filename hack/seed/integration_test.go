package seed_test

import (
	"bufio"
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
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
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	require.NoError(t, seed.Cluster(ctx, cs, seed.Options{Profile: "demo", Log: t.Logf}))
	require.NoError(t, seed.Cluster(ctx, cs, seed.Options{Profile: "demo"}), "seeding twice is fine")

	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
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
