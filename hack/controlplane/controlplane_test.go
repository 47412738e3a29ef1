package controlplane_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// TestUpTwiceDownLeavesNothing starts a private one-cluster control plane,
// checks that a second Up reuses it, and that Down leaves no process, port
// or file behind.
func TestUpTwiceDownLeavesNothing(t *testing.T) {
	testcluster.Get(t) // integration: needs the built binaries; skips under -short
	root, err := controlplane.FindRepoRoot()
	require.NoError(t, err)
	base, err := testcluster.FreePortBase()
	require.NoError(t, err)
	opts := controlplane.Options{
		Dir: filepath.Join(t.TempDir(), "cp"), RepoRoot: root, PortBase: base,
		Clusters: []string{controlplane.Demo}, Log: t.Logf,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Cleanup(func() { _ = controlplane.Down(opts) })

	require.NoError(t, controlplane.Up(ctx, opts))
	first, err := controlplane.Status(opts)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, c := range first {
		assert.True(t, c.Running, "%s should run", c.Name)
		names[c.Name] = true
	}
	assert.Equal(t, map[string]bool{"etcd": true, "demo-apiserver": true, "demo-controller-manager": true,
		"demo-scheduler": true, "demo-kwok": true, "demo-podsim": true, "demo-metrics-server": true}, names)
	ports := listeningPorts(t, base)
	assert.Contains(t, ports, base+10, "demo apiserver port")

	require.NoError(t, controlplane.Up(ctx, opts), "second up")
	second, err := controlplane.Status(opts)
	require.NoError(t, err)
	assert.Equal(t, first, second, "a second up must not start another copy")

	require.NoError(t, controlplane.Down(opts))
	for _, c := range first {
		// Down returns once each process has exited; the goroutine that
		// reaps it (Start's cmd.Wait) may still be on its way.
		assert.Eventually(t, func() bool { return errors.Is(syscall.Kill(c.PID, 0), syscall.ESRCH) },
			5*time.Second, 10*time.Millisecond, "%s (pid %d) still exists after down", c.Name, c.PID)
	}
	assert.Empty(t, listeningPorts(t, base), "ports still open after down")
	_, err = os.Stat(opts.Dir)
	assert.True(t, os.IsNotExist(err), "down must remove %s", opts.Dir)
}

// listeningPorts returns the ports of base..base+99 that accept connections.
func listeningPorts(t *testing.T, base int) []int {
	t.Helper()
	var open []int
	for p := base; p < base+100; p++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p), 200*time.Millisecond)
		if err == nil {
			c.Close()
			open = append(open, p)
		}
	}
	return open
}

func TestViewerMayOnlyReadShop(t *testing.T) {
	env := testcluster.Get(t)
	ctx := context.Background()
	viewer, err := kubernetes.NewForConfig(env.Viewer(t))
	require.NoError(t, err)

	_, err = viewer.CoreV1().Pods(controlplane.ViewerNamespace).List(ctx, metav1.ListOptions{})
	require.NoError(t, err, "viewer lists pods in %s", controlplane.ViewerNamespace)
	_, err = viewer.CoreV1().ConfigMaps(controlplane.ViewerNamespace).List(ctx, metav1.ListOptions{})
	require.NoError(t, err, "viewer lists configmaps in %s", controlplane.ViewerNamespace)

	forbidden := map[string]func() error{
		"list pods in default": func() error {
			_, err := viewer.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
			return err
		},
		"list pods in all namespaces": func() error {
			_, err := viewer.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
			return err
		},
		"list namespaces": func() error {
			_, err := viewer.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
			return err
		},
		"list nodes": func() error {
			_, err := viewer.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			return err
		},
		"create a configmap in shop": func() error {
			_, err := viewer.CoreV1().ConfigMaps(controlplane.ViewerNamespace).Create(ctx,
				&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "viewer-"}}, metav1.CreateOptions{})
			return err
		},
	}
	for name, call := range forbidden {
		t.Run(name, func(t *testing.T) {
			err := call()
			assert.True(t, apierrors.IsForbidden(err), "want Forbidden, got %v", err)
		})
	}
}

func TestOfflineContextFailsToConnect(t *testing.T) {
	env := testcluster.Get(t)
	cfg := env.Config(t, controlplane.ContextOffline)
	cfg.Timeout = 5 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	_, err = cs.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNREFUSED), "want connection refused, got %v", err)
}

func TestKubeconfigHasEveryContext(t *testing.T) {
	env := testcluster.Get(t)
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig())
	require.NoError(t, err)
	assert.Equal(t, controlplane.ContextDemoAdmin, cfg.CurrentContext)
	for _, name := range []string{controlplane.ContextDemoAdmin, controlplane.ContextDemoViewer,
		controlplane.ContextStagingAdmin, controlplane.ContextOffline, controlplane.ContextDemoSSO} {
		assert.Contains(t, cfg.Contexts, name)
	}
	assert.Equal(t, controlplane.ViewerNamespace, cfg.Contexts[controlplane.ContextDemoViewer].Namespace)
	fi, err := os.Stat(env.Kubeconfig())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the kubeconfig holds tokens")
}

// TestClustersAreSeparate checks that demo and staging are different
// clusters: each has its own nodes, and an object in one is absent in the other.
func TestClustersAreSeparate(t *testing.T) {
	env := testcluster.Get(t)
	ctx := context.Background()
	demo := env.Client(t, controlplane.ContextDemoAdmin)
	staging := env.Client(t, controlplane.ContextStagingAdmin)
	nodeNames := func(cs kubernetes.Interface) []string {
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		require.NoError(t, err)
		var names []string
		for _, n := range nodes.Items {
			names = append(names, n.Name)
		}
		return names
	}
	assert.ElementsMatch(t, []string{"demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4"}, nodeNames(demo))
	assert.ElementsMatch(t, []string{"staging-worker-1", "staging-worker-2"}, nodeNames(staging))

	ns := env.Namespace(t)
	_, err := staging.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "namespace %s made on demo must not exist on staging: %v", ns, err)
}

// TestPodsRunOnKwokNodes checks the whole chain a demo relies on: a
// Deployment becomes a ReplicaSet (controller-manager), its pods are
// scheduled (scheduler) and become Running (kwok).
func TestPodsRunOnKwokNodes(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pods := env.RunDeployment(t, ns, "web", 3, corev1.Container{Name: "web", Image: "registry.example.com/web:1.0"})
	require.Len(t, pods, 3, "3 pods of the deployment should be Running on kwok nodes")
	for _, p := range pods {
		assert.Equal(t, "ReplicaSet", metav1.GetControllerOf(p).Kind)
		assert.Contains(t, p.Spec.NodeName, "demo-worker-")
	}
}

// TestKwokKeepsNodeLeases checks that kwok renews a lease per node, as
// kubelets do; without leases the node-lifecycle controller marks the nodes
// NotReady and, minutes later, evicts their pods.
func TestKwokKeepsNodeLeases(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		leases, err := cs.CoordinationV1().Leases("kube-node-lease").List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		held := map[string]bool{}
		for _, l := range leases.Items {
			if l.Spec.RenewTime != nil {
				held[l.Name] = true
			}
		}
		return held["demo-worker-1"] && held["demo-worker-2"] && held["demo-worker-3"] && held["demo-worker-4"], nil
	})
	require.NoError(t, err, "every demo node has a renewed lease")
}
