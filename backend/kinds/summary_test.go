package kinds_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// database is a realistic Database custom resource of about 3 KB in JSON:
// labels, a last-applied annotation, managedFields, a spec and a status
// with conditions, as a cluster serves them. Objects differ in name,
// namespace, uid, resourceVersion, a label, replicas and readiness.
func databaseCR(i int) []byte {
	name := fmt.Sprintf("orders-db-%05d", i)
	ns := fmt.Sprintf("team-%d", i%20)
	replicas := fmt.Sprint(1 + i%5)
	return []byte(strings.NewReplacer(
		"@NAME@", name, "@NS@", ns, "@UID@", fmt.Sprintf("%012d", i), "@RV@", fmt.Sprint(100000+i),
		"@ENV@", []string{"production", "staging"}[i%2],
		`"@REPLICAS@"`, replicas, "@REPLICAS@", replicas, "@READY@", []string{"True", "False"}[i%7/6],
	).Replace(databaseTemplate))
}

// databaseTemplate is database's JSON with placeholders, built once: the
// heap budget test makes 20,000 of them.
var databaseTemplate = func() string {
	labels := map[string]any{
		"app.kubernetes.io/name": "orders-db", "app.kubernetes.io/instance": "@NAME@",
		"app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "db-operator",
		"team": "storefront", "env": "@ENV@",
	}
	spec := map[string]any{
		"engine": "postgres", "version": "16.4", "replicas": "@REPLICAS@", "storage": "20Gi",
		"resources": map[string]any{"requests": map[string]any{"cpu": "500m", "memory": "1Gi"}, "limits": map[string]any{"memory": "2Gi"}},
		"backup":    map[string]any{"schedule": "0 3 * * *", "retention": "14d", "bucket": "s3://backups/shop/@NAME@"},
		"parameters": map[string]any{"max_connections": "200", "shared_buffers": "256MB", "work_mem": "4MB",
			"effective_cache_size": "768MB", "log_min_duration_statement": "500"},
	}
	lastApplied, err := json.Marshal(map[string]any{
		"apiVersion": "data.crowsnest.io/v1", "kind": "Database",
		"metadata": map[string]any{"name": "@NAME@", "namespace": "@NS@", "labels": labels}, "spec": spec,
	})
	if err != nil {
		panic(err)
	}
	obj := map[string]any{
		"apiVersion": "data.crowsnest.io/v1",
		"kind":       "Database",
		"metadata": map[string]any{
			"name": "@NAME@", "namespace": "@NS@", "uid": "6f1c2a4e-0b7d-4c1e-9a5f-@UID@",
			"resourceVersion": "@RV@", "generation": 3,
			"creationTimestamp": crCreated,
			"labels":            labels,
			"annotations": map[string]any{
				"kubectl.kubernetes.io/last-applied-configuration": strings.ReplaceAll(string(lastApplied), `"@REPLICAS@"`, "@REPLICAS@"),
				"data.crowsnest.io/backup-window":                  "03:00-04:00",
			},
			"ownerReferences": []any{map[string]any{
				"apiVersion": "platform.crowsnest.io/v1alpha1", "kind": "Tenant", "name": "acme",
				"uid": "0a8d3c57-3f3e-4d0c-8a9e-2b1f5c7d9e01", "controller": true, "blockOwnerDeletion": true,
			}},
			"finalizers": []any{"data.crowsnest.io/protect"},
			"managedFields": []any{
				map[string]any{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "data.crowsnest.io/v1",
					"time": crCreated, "fieldsType": "FieldsV1", "fieldsV1": map[string]any{
						"f:metadata": map[string]any{"f:annotations": map[string]any{".": map[string]any{}, "f:kubectl.kubernetes.io/last-applied-configuration": map[string]any{}}},
						"f:spec": map[string]any{"f:engine": map[string]any{}, "f:version": map[string]any{}, "f:replicas": map[string]any{},
							"f:storage": map[string]any{}, "f:backup": map[string]any{}, "f:parameters": map[string]any{}}}},
				map[string]any{"manager": "db-operator", "operation": "Update", "apiVersion": "data.crowsnest.io/v1",
					"time": crCreated, "fieldsType": "FieldsV1", "subresource": "status", "fieldsV1": map[string]any{
						"f:status": map[string]any{"f:conditions": map[string]any{}, "f:endpoint": map[string]any{}, "f:replicas": map[string]any{}}}},
			},
		},
		"spec": spec,
		"status": map[string]any{
			"replicas": "@REPLICAS@", "readyReplicas": "@REPLICAS@", "observedGeneration": 3,
			"endpoint": "@NAME@.@NS@.svc.cluster.local:5432",
			"conditions": []any{
				map[string]any{"type": "Ready", "status": "@READY@", "reason": "AllReplicasReady",
					"message": "All replicas are ready and accepting connections", "lastTransitionTime": crCreated, "observedGeneration": 3},
				map[string]any{"type": "Initialized", "status": "True", "reason": "BootstrapComplete",
					"message": "Database initialised from template", "lastTransitionTime": crCreated},
				map[string]any{"type": "BackupSucceeded", "status": "True", "reason": "Completed",
					"message": "Last backup completed in 42s", "lastTransitionTime": crCreated},
			},
		},
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	return string(raw)
}()

// decode reads a custom resource as the dynamic client does.
func decodeCR(t testing.TB, raw []byte) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	require.NoError(t, u.UnmarshalJSON(raw))
	return u
}

// interner is the simplest string table: enough to show what sharing buys.
type stringTable map[string]string

func (in stringTable) intern(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	s = strings.Clone(s)
	in[s] = s
	return s
}

func TestSummarize(t *testing.T) {
	p := printerFor(t, "databases", "v1")
	u := decodeCR(t, databaseCR(6)) // i%7 == 6: not Ready
	s := kinds.Summarize(u, p, nil)

	assert.Equal(t, "orders-db-00006", s.Name)
	assert.Equal(t, "team-6", s.Namespace)
	assert.EqualValues(t, "6f1c2a4e-0b7d-4c1e-9a5f-000000000006", s.UID)
	assert.Equal(t, "100006", s.ResourceVersion)
	assert.EqualValues(t, 3, s.Generation)
	assert.Equal(t, crCreatedUnix, fmt.Sprint(s.CreationTimestamp.Unix()))
	assert.Nil(t, s.DeletionTimestamp)
	assert.Equal(t, "orders-db-00006", s.Labels["app.kubernetes.io/instance"])
	assert.Len(t, s.Labels, 6)
	require.Len(t, s.OwnerReferences, 1)
	assert.Equal(t, "Tenant", s.OwnerReferences[0].Kind)
	assert.True(t, *s.OwnerReferences[0].Controller)

	assert.Nil(t, s.Annotations, "annotations are never kept")
	assert.Nil(t, s.ManagedFields, "managedFields are never kept")
	assert.Nil(t, s.Finalizers)

	assert.Equal(t, []string{"postgres", "16.4", "2", "False", "20Gi", "orders-db-00006.team-6.svc.cluster.local:5432"}, s.Values)
	assert.Equal(t, "AllReplicasReady", s.Status, "the Ready condition's reason")
	assert.Equal(t, model.HealthError, s.Health)
	assert.Equal(t, []string{"orders-db-00006", "team-6", "postgres", "16.4", "2", "False", "20Gi",
		"orders-db-00006.team-6.svc.cluster.local:5432", crCreatedUnix}, p.Cells(s))

	t.Run("a resource being deleted is Terminating", func(t *testing.T) {
		u := decodeCR(t, databaseCR(1))
		now := metav1.Now()
		u.SetDeletionTimestamp(&now)
		s := kinds.Summarize(u, p, nil)
		assert.Equal(t, "Terminating", s.Status)
		assert.Equal(t, model.HealthWarn, s.Health)
		assert.NotNil(t, s.DeletionTimestamp)
	})
	t.Run("without a printer, no values", func(t *testing.T) {
		s := kinds.Summarize(decodeCR(t, databaseCR(1)), nil, nil)
		assert.Nil(t, s.Values)
		assert.Equal(t, "Ready", s.Status)
	})
	t.Run("kept strings do not pin the decoded object", func(t *testing.T) {
		u := decodeCR(t, databaseCR(2))
		s := kinds.Summarize(u, p, nil)
		assert.NotSame(t, unsafe.StringData(u.GetName()), unsafe.StringData(s.Name))
		assert.NotSame(t, unsafe.StringData(u.GetLabels()["team"]), unsafe.StringData(s.Labels["team"]))
		assert.NotSame(t, unsafe.StringData(u.GetOwnerReferences()[0].Name), unsafe.StringData(s.OwnerReferences[0].Name))
	})
}

func TestSummarizeInterns(t *testing.T) {
	p := printerFor(t, "databases", "v1")
	calls := map[string]int{}
	in := stringTable{}
	intern := func(s string) string { calls[s]++; return in.intern(s) }
	a := kinds.Summarize(decodeCR(t, databaseCR(20)), p, intern)
	b := kinds.Summarize(decodeCR(t, databaseCR(40)), p, intern)

	assert.Equal(t, "team-0", a.Namespace)
	assert.Same(t, unsafe.StringData(a.Namespace), unsafe.StringData(b.Namespace))
	for _, k := range []string{"team", "app.kubernetes.io/name", "app.kubernetes.io/part-of"} {
		assert.Same(t, unsafe.StringData(a.Labels[k]), unsafe.StringData(b.Labels[k]), k)
	}
	assert.Same(t, unsafe.StringData(a.OwnerReferences[0].Kind), unsafe.StringData(b.OwnerReferences[0].Kind))
	assert.Equal(t, 2, calls["team-0"])
	assert.Equal(t, 2, calls["app.kubernetes.io/managed-by"], "label keys")
	assert.Zero(t, calls["orders-db-00020"], "the name, and the instance label that repeats it, are never interned")
	assert.Same(t, unsafe.StringData(a.Name), unsafe.StringData(a.Labels["app.kubernetes.io/instance"]), "the instance label shares the name")
	assert.Zero(t, calls[string(a.UID)]+calls[a.ResourceVersion], "unique per object: never interned")
	assert.Zero(t, calls[a.Values[5]], "cells are not interned: an endpoint is unique")
}

func TestSummarizeHostileMetadata(t *testing.T) {
	p := printerFor(t, "databases", "v1")
	tests := []struct {
		name string
		obj  map[string]any
	}{
		{"empty", map[string]any{}},
		{"metadata is a string", map[string]any{"metadata": "x"}},
		{"labels of the wrong types", map[string]any{"metadata": map[string]any{"name": "x", "labels": map[string]any{"ok": "yes", "n": int64(3), "m": map[string]any{}}}}},
		{"labels is a list", map[string]any{"metadata": map[string]any{"labels": []any{"a"}}}},
		{"ownerReferences of the wrong shape", map[string]any{"metadata": map[string]any{"ownerReferences": []any{"a", int64(1)}}}},
		{"timestamps that are not times", map[string]any{"metadata": map[string]any{"creationTimestamp": "soon", "deletionTimestamp": int64(4)}}},
		{"name is a number", map[string]any{"metadata": map[string]any{"name": int64(7), "uid": true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := kinds.Summarize(&unstructured.Unstructured{Object: tt.obj}, p, stringTable{}.intern)
			require.NotNil(t, s)
			assert.Len(t, s.Values, p.Printed())
			assert.Len(t, p.Cells(s), len(p.Columns()))
		})
	}
	s := kinds.Summarize(&unstructured.Unstructured{Object: tests[2].obj}, p, nil)
	assert.Equal(t, map[string]string{"ok": "yes"}, s.Labels, "only the string labels")
}

// TestSummaryInAStore uses summaries the way the informer will: a store
// with a namespace index, meta.Accessor, and copies that share nothing.
func TestSummaryInAStore(t *testing.T) {
	p := printerFor(t, "databases", "v1")
	s := kinds.Summarize(decodeCR(t, databaseCR(3)), p, nil)

	m, err := meta.Accessor(s)
	require.NoError(t, err)
	assert.Equal(t, "orders-db-00003", m.GetName())
	assert.Equal(t, schema.EmptyObjectKind, s.GetObjectKind())

	store := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	require.NoError(t, store.Add(s))
	got, ok, err := store.GetByKey("team-3/orders-db-00003")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Same(t, s, got)
	byNS, err := store.ByIndex(cache.NamespaceIndex, "team-3")
	require.NoError(t, err)
	assert.Len(t, byNS, 1)

	c, ok := s.DeepCopyObject().(*kinds.Summary)
	require.True(t, ok)
	require.Equal(t, s, c)
	c.Values[0] = "mysql"
	c.Labels["team"] = "other"
	*c.OwnerReferences[0].Controller = false
	assert.Equal(t, "postgres", s.Values[0])
	assert.Equal(t, "storefront", s.Labels["team"])
	assert.True(t, *s.OwnerReferences[0].Controller)
	var nilSummary *kinds.Summary
	assert.Nil(t, nilSummary.DeepCopy())
}

// heapPerObject returns the live heap that keep(i), called n times, adds
// per object once garbage is collected.
func heapPerObject(n int, keep func(i int) any) float64 {
	kept := make([]any, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range kept {
		kept[i] = keep(i)
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// summaryBudget is the budget per cached custom resource.
const summaryBudget = 1536

// TestSummaryHeapBudget holds the memory budget: 10,000 summaries
// of ~3 KB custom resources cost at most 1.5 KB of heap each after GC, the
// interned strings and the slice that keeps them included.
func TestSummaryHeapBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over 10,000 objects")
	}
	const n = 10_000
	p := printerFor(t, "databases", "v1")
	raw := databaseCR(0)
	require.InDelta(t, 3000, len(raw), 400, "a realistic custom resource is about 3 KB of JSON")

	in := stringTable{}
	interned := heapPerObject(n, func(i int) any { return kinds.Summarize(decodeCR(t, databaseCR(i)), p, in.intern) })
	// In the store, with the indexes a custom kind's informer has.
	k, err := kinds.FromCRD(databaseCRD())
	require.NoError(t, err)
	require.NotNil(t, k)
	store := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	require.NoError(t, store.AddIndexers(k.AllIndexers()))
	stored := heapPerObject(n, func(i int) any {
		s := kinds.Summarize(decodeCR(t, databaseCR(i)), p, in.intern)
		require.NoError(t, store.Add(s))
		return nil
	})
	plain := heapPerObject(n, func(i int) any { return kinds.Summarize(decodeCR(t, databaseCR(i)), p, nil) })
	whole := heapPerObject(1_000, func(i int) any { return decodeCR(t, databaseCR(i)) })
	t.Logf("heap per object: summary %.0f B interned (%d strings in the table), %.0f B in an indexed store, %.0f B without interning; "+
		"the unstructured object %.0f B (%d B of JSON)", interned, len(in), stored, plain, whole, len(raw))
	assert.LessOrEqual(t, interned, float64(summaryBudget), "bytes of heap per interned summary")
	assert.LessOrEqual(t, stored, float64(summaryBudget), "bytes of heap per summary in a custom kind's indexed store")
	runtime.KeepAlive(store)
	assert.Less(t, plain, whole/4, "a summary is a fraction of the object")
	runtime.KeepAlive(in)
}

func BenchmarkSummarize(b *testing.B) {
	p := printerFor(b, "databases", "v1")
	objs := make([]*unstructured.Unstructured, 100)
	for i := range objs {
		objs[i] = decodeCR(b, databaseCR(i))
	}
	in := stringTable{}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		kinds.Summarize(objs[i%len(objs)], p, in.intern)
	}
}
