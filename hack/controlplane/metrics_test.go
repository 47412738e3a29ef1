package controlplane_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/wait"

	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// podMetrics is the part of a metrics.k8s.io PodMetrics the tests read.
type podMetrics struct {
	Containers []struct {
		Name  string            `json:"name"`
		Usage map[string]string `json:"usage"`
	} `json:"containers"`
}

// TestMetricsServerServesKwokUsage checks the chain the metrics feature
// stands on: the aggregation layer serves metrics.k8s.io from
// metrics-server, which scrapes the usage kwok emulates for a pod (here the
// usage its annotations name) and for the node it runs on.
func TestMetricsServerServesKwokUsage(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := env.Namespace(t)
	pod := newPod(t, env, ns, "hungry", map[string]string{
		controlplane.UsageCPUAnnotation:    "250m",
		controlplane.UsageMemoryAnnotation: "64Mi",
	})

	var got podMetrics
	// metrics-server needs two scrapes (10 s apart) to report a rate of CPU.
	err := wait.PollUntilContextTimeout(t.Context(), 250*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/apis/metrics.k8s.io/v1beta1/namespaces", ns, "pods", pod.Name).DoRaw(ctx)
		if apierrors.IsNotFound(err) || apierrors.IsServiceUnavailable(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		got = podMetrics{}
		if err := json.Unmarshal(raw, &got); err != nil {
			return false, err
		}
		return len(got.Containers) > 0, nil
	})
	require.NoError(t, err, "metrics of pod %s/%s", ns, pod.Name)

	names := map[string]bool{}
	for _, c := range got.Containers {
		names[c.Name] = true
		cpu, err := resource.ParseQuantity(c.Usage["cpu"])
		require.NoError(t, err, "cpu of %s", c.Name)
		mem, err := resource.ParseQuantity(c.Usage["memory"])
		require.NoError(t, err, "memory of %s", c.Name)
		assert.InDelta(t, 250, cpu.MilliValue(), 25, "cpu of %s is about the annotated 250m", c.Name)
		assert.Equal(t, int64(64<<20), mem.Value(), "memory of %s is the annotated 64Mi", c.Name)
	}
	assert.Equal(t, map[string]bool{"app": true, "envoy": true}, names, "one entry per running container")

	node := pod.Spec.NodeName
	require.NotEmpty(t, node)
	err = wait.PollUntilContextTimeout(t.Context(), 250*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/apis/metrics.k8s.io/v1beta1/nodes", node).DoRaw(ctx)
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		var nm struct {
			Usage map[string]string `json:"usage"`
		}
		if err := json.Unmarshal(raw, &nm); err != nil {
			return false, err
		}
		mem, err := resource.ParseQuantity(nm.Usage["memory"])
		if err != nil {
			return false, fmt.Errorf("memory of node %s: %w", node, err)
		}
		// The node's usage includes the pod's two containers.
		return mem.Value() >= 2*64<<20, nil
	})
	require.NoError(t, err, "metrics of node %s include the pod's usage", node)
}
