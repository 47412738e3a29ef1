package seed_test

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"

	"crowsnest/backend/kinds"
	"crowsnest/hack/seed"
)

// TestBenchResourceSize: the benchmarks' custom resources are about 3 KB
// of JSON each, as issue 14's budget says.
func TestBenchResourceSize(t *testing.T) {
	total, low, high := 0, 1<<20, 0
	const n = 1000
	for i := range n {
		raw, err := json.Marshal(seed.BenchResource(seed.BenchGroup, i).Object)
		require.NoError(t, err)
		total += len(raw)
		low, high = min(low, len(raw)), max(high, len(raw))
	}
	t.Logf("JSON size: mean %d B, %d–%d B", total/n, low, high)
	assert.InDelta(t, 3072, total/n, 300, "mean size")
	assert.GreaterOrEqual(t, low, 2500)
	assert.LessOrEqual(t, high, 3600)
}

// TestBenchCRDColumns: the bench CRD's printer columns, a conditions filter
// among them, read what its resources hold.
func TestBenchCRDColumns(t *testing.T) {
	crd := seed.BenchCRD(seed.BenchGroup)
	crd.Status.Conditions = established()
	k, err := kinds.FromCRD(crd)
	require.NoError(t, err)
	require.NotNil(t, k)
	cells := func(i int) map[string]string {
		s, err := k.Summarize(seed.BenchResource(seed.BenchGroup, i), nil)
		require.NoError(t, err)
		row := k.Row(s)
		out := map[string]string{}
		for j, c := range k.Columns {
			out[c.ID] = row.Cells[j]
		}
		return out
	}
	healthy := cells(1)
	assert.Equal(t, "team-01", healthy["project"])
	assert.Equal(t, "Synced", healthy["sync"])
	assert.Equal(t, "Healthy", healthy["health"])
	assert.Equal(t, "True", healthy["ready"])
	assert.Equal(t, "4", healthy["resources"])
	assert.Len(t, healthy["revision"], 40)
	degraded := cells(23)
	assert.Equal(t, "False", degraded["ready"])
	assert.Equal(t, "Degraded", degraded["health"])
	assert.Contains(t, degraded["message"], "back-off pulling image")
	assert.Equal(t, "OutOfSync", cells(17)["sync"])
	assert.Equal(t, "inventory-00001", seed.BenchResource(seed.BenchGroup, 1).GetName())
	assert.Equal(t, "apps-01", seed.BenchResource(seed.BenchGroup, 1).GetNamespace())
}

// TestCustomResources: the bench CRD and its resources, created once; a
// second run creates nothing.
func TestCustomResources(t *testing.T) {
	f := newFixture(true)
	opts := seed.CustomResourcesOptions{Count: 25, Log: t.Logf}
	require.NoError(t, seed.CustomResources(t.Context(), f.clients(), opts))
	gvr := seed.BenchGVR(seed.BenchGroup)
	list, err := f.dyn.Resource(gvr).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, list.Items, 25)
	namespaces := map[string]bool{}
	for _, item := range list.Items {
		namespaces[item.GetNamespace()] = true
		assert.True(t, strings.HasPrefix(item.GetNamespace(), "apps-"))
	}
	assert.Len(t, namespaces, 10)
	_, err = f.kube.CoreV1().Namespaces().Get(t.Context(), "apps-09", metav1.GetOptions{})
	require.NoError(t, err)

	var creates atomic.Int64
	f.dyn.PrependReactor("create", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		creates.Add(1)
		return false, nil, nil
	})
	opts.Count = 30
	require.NoError(t, seed.CustomResources(t.Context(), f.clients(), opts))
	assert.EqualValues(t, 5, creates.Load(), "only the missing ones")
}
