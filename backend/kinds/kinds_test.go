package kinds_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// Every built-in kind is checked against sample objects of its own
// (samples_test.go): a kind added without samples fails here.
func TestEveryBuiltinKindProjectsItsColumns(t *testing.T) {
	for _, k := range kinds.Builtins() {
		t.Run(string(k.ID), func(t *testing.T) {
			objs := samples[k.ID]
			require.NotEmpty(t, objs, "add sample objects for %s to samples_test.go", k.ID)
			info := k.Info()
			assert.NotEmpty(t, info.Label)
			assert.NotEmpty(t, info.Nav)
			assert.Equal(t, "name", info.Columns[k.Column("name")].ID)
			filled := make([]bool, len(k.Columns))
			for _, obj := range objs {
				r := k.Row(obj)
				require.Len(t, r.Cells, len(k.Columns), "one cell per column")
				if k.HasUsage() {
					k.FillUsage(obj, sampleUsage, true, r.Cells)
				}
				assert.Equal(t, string(k.ID), r.Kind)
				assert.NotEmpty(t, r.Name)
				assert.NotEmpty(t, r.Health)
				for i, c := range k.Columns {
					cell := r.Cells[i]
					if cell == "" {
						continue
					}
					filled[i] = true
					if kinds.Numeric(c.Type) {
						_, ok := kinds.Number(c.Type, cell)
						assert.True(t, ok, "column %q (%s) cell %q does not parse", c.ID, c.Type, cell)
					}
				}
				// Details of the object as the API returns it.
				d := model.Details{Row: r}
				k.Describe(obj, &d)
				assert.NotNil(t, d.Summary)
				for _, tb := range d.Tables {
					for _, row := range tb.Rows {
						assert.Len(t, row, len(tb.Columns), "table %q", tb.Title)
					}
				}
			}
			for i, c := range k.Columns {
				assert.True(t, filled[i], "no sample fills column %q: give the samples a value for it", c.ID)
			}
		})
	}
}

// Every relation of a built-in kind names a built-in kind, relates in
// exactly one way that fits both kinds' scopes, and finds something for
// some sample: a relation nothing exercises fails here.
func TestEveryRelationResolves(t *testing.T) {
	for _, k := range kinds.Builtins() {
		for i, rel := range k.Related {
			t.Run(fmt.Sprintf("%s/%d-%s", k.ID, i, rel.Kind), func(t *testing.T) {
				to := kinds.Builtin(rel.Kind)
				require.NotNil(t, to, "relation to an unknown kind")
				ways := 0
				for _, set := range []bool{rel.Owned, rel.Selector != nil, rel.IndexKey != nil, rel.Names != nil, rel.Refs != nil} {
					if set {
						ways++
					}
				}
				require.Equal(t, 1, ways, "set exactly one of Owned, Selector, IndexKey, Names, Refs")
				if rel.Names != nil && to.Namespaced {
					require.True(t, k.Namespaced, "a cluster-scoped kind names namespaced objects with Refs")
				}
				if rel.Refs != nil {
					require.True(t, to.Namespaced, "Refs are for namespaced kinds; Names name cluster-scoped ones")
				}
				if rel.Owned {
					return
				}
				if rel.IndexKey != nil {
					assert.NotEmpty(t, rel.Index)
				}
				found := false
				for _, obj := range samples[k.ID] {
					switch {
					case rel.Selector != nil:
						found = found || rel.Selector(obj) != nil
					case rel.IndexKey != nil:
						found = found || rel.IndexKey(obj) != ""
					case rel.Names != nil:
						found = found || len(rel.Names(obj)) > 0
					case rel.Refs != nil:
						for _, ref := range rel.Refs(obj) {
							assert.NotEmpty(t, ref.Namespace, "ref %v", ref)
							assert.NotEmpty(t, ref.Name, "ref %v", ref)
							found = true
						}
					}
				}
				assert.True(t, found, "no sample relates to %s: give the samples a value for it", rel.Kind)
			})
		}
	}
}

// The navigation lists the built-in kinds in this order, each at a rank
// of its own within its group.
func TestBuiltinNavigation(t *testing.T) {
	want := map[string][]kinds.ID{
		kinds.NavWorkloads: {kinds.Pods, kinds.Deployments, kinds.ReplicaSets, kinds.StatefulSets, kinds.DaemonSets, kinds.Jobs, kinds.CronJobs},
		kinds.NavApps:      {kinds.HelmReleases},
		kinds.NavNetwork:   {kinds.Services, kinds.Ingresses, kinds.EndpointSlices, kinds.IngressClasses, kinds.NetworkPolicies},
		kinds.NavConfig: {kinds.ConfigMaps, kinds.Secrets, kinds.ResourceQuotas, kinds.LimitRanges, kinds.HorizontalPodAutoscalers,
			kinds.PodDisruptionBudgets, kinds.PriorityClasses, kinds.Leases, kinds.MutatingWebhookConfigurations, kinds.ValidatingWebhookConfigurations},
		kinds.NavStorage: {kinds.PersistentVolumeClaims, kinds.PersistentVolumes, kinds.StorageClasses},
		kinds.NavAccess:  {kinds.ServiceAccounts, kinds.Roles, kinds.RoleBindings, kinds.ClusterRoles, kinds.ClusterRoleBindings},
		kinds.NavCluster: {kinds.Nodes, kinds.Namespaces, kinds.Events, kinds.CustomResourceDefinitions},
	}
	got := map[string][]kinds.ID{}
	ranks := map[string]map[int]kinds.ID{}
	for _, k := range kinds.Builtins() {
		got[k.Nav] = append(got[k.Nav], k.ID)
		if ranks[k.Nav] == nil {
			ranks[k.Nav] = map[int]kinds.ID{}
		}
		other, taken := ranks[k.Nav][k.Rank]
		assert.False(t, taken, "%s and %s share rank %d in %s", k.ID, other, k.Rank, k.Nav)
		ranks[k.Nav][k.Rank] = k.ID
	}
	assert.Equal(t, want, got)
}

func TestColumnTypesAreKnown(t *testing.T) {
	known := map[string]bool{model.TypeText: true, model.TypeInteger: true, model.TypeNumber: true, model.TypeBoolean: true,
		model.TypeQuantity: true, model.TypeDuration: true, model.TypeTimestamp: true}
	for _, k := range kinds.Builtins() {
		for _, c := range k.Columns {
			assert.True(t, known[c.Type], "%s column %q type %q", k.ID, c.ID, c.Type)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		typ, cell string
		want      float64
		ok        bool
	}{
		{model.TypeInteger, "42", 42, true},
		{model.TypeInteger, "4.2", 0, false},
		{model.TypeNumber, "0.25", 0.25, true},
		{model.TypeBoolean, "true", 1, true},
		{model.TypeBoolean, "false", 0, true},
		{model.TypeQuantity, "1Gi", 1 << 30, true},
		{model.TypeQuantity, "250m", 0.25, true},
		{model.TypeDuration, "1m30s", 90, true},
		{model.TypeTimestamp, "1700000000", 1700000000, true},
		{model.TypeText, "12", 0, false},
		{model.TypeInteger, "", 0, false},
	} {
		n, ok := kinds.Number(tc.typ, tc.cell)
		assert.Equal(t, tc.ok, ok, "%s %q", tc.typ, tc.cell)
		if ok {
			assert.InDelta(t, tc.want, n, 1e-9, "%s %q", tc.typ, tc.cell)
		}
	}
}

func TestRegistryLookup(t *testing.T) {
	r := kinds.NewRegistry()
	k, err := r.Lookup("pods")
	require.NoError(t, err)
	assert.Equal(t, kinds.Pods, k.ID)
	_, err = r.Lookup("pod")
	assert.ErrorIs(t, err, kinds.ErrUnknownKind)
	gk, ok := r.ForGroupKind("apps", "Deployment")
	require.True(t, ok)
	assert.Equal(t, kinds.Deployments, gk.ID)
}

// cells projects obj as a row of the built-in kind id, by column id.
func cells(t *testing.T, id kinds.ID, obj any) map[string]string {
	t.Helper()
	k := kinds.Builtin(id)
	require.NotNil(t, k, "kind %s", id)
	r := k.Row(obj)
	out := make(map[string]string, len(k.Columns))
	for i, c := range k.Columns {
		out[c.ID] = r.Cells[i]
	}
	out["status"] = r.Status
	out["health"] = r.Health
	return out
}

// describe gives the details of obj as the built-in kind id describes it.
func describe(t *testing.T, id kinds.ID, obj any) model.Details {
	t.Helper()
	k := kinds.Builtin(id)
	require.NotNil(t, k, "kind %s", id)
	d := model.Details{Row: k.Row(obj)}
	k.Describe(obj, &d)
	return d
}

// table returns the details' table with this title.
func table(t *testing.T, d model.Details, title string) model.Table {
	t.Helper()
	for _, tb := range d.Tables {
		if tb.Title == title {
			return tb
		}
	}
	require.Failf(t, "no table", "%q in %v", title, d.Tables)
	return model.Table{}
}

// fact returns the details' summary field with this label, or "".
func fact(d model.Details, label string) string {
	for _, f := range d.Summary {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

func TestRegistryServe(t *testing.T) {
	r := kinds.NewRegistry()
	v0 := r.Version()
	crd := databaseCRD()
	learn := func() []*kinds.Kind {
		k, err := kinds.FromCRD(crd)
		require.NoError(t, err)
		return []*kinds.Kind{k}
	}

	assert.Empty(t, r.Serve(learn(), nil), "a new kind makes nothing stale")
	assert.Greater(t, r.Version(), v0)
	first, err := r.Lookup("databases.data.crowsnest.io")
	require.NoError(t, err)

	v1 := r.Version()
	assert.Empty(t, r.Serve(learn(), nil))
	assert.Equal(t, v1, r.Version(), "the same kinds again change nothing")
	again, err := r.Lookup("databases.data.crowsnest.io")
	require.NoError(t, err)
	assert.Same(t, first, again, "an unchanged kind keeps its description")

	crd.Spec.Versions[1].AdditionalPrinterColumns[0].JSONPath = ".spec.flavour"
	assert.Equal(t, []kinds.ID{"databases.data.crowsnest.io"}, r.Serve(learn(), nil), "a changed printer column")
	changed, err := r.Lookup("databases.data.crowsnest.io")
	require.NoError(t, err)
	assert.NotSame(t, first, changed)

	stale := r.Serve(nil, func(gvr schema.GroupVersionResource) bool { return gvr.Resource != "leases" })
	assert.Equal(t, []kinds.ID{"databases.data.crowsnest.io", kinds.Leases}, stale, "the CRD went; leases are not served")
	_, err = r.Lookup("databases.data.crowsnest.io")
	assert.ErrorIs(t, err, kinds.ErrUnknownKind)
	leases, err := r.Lookup(string(kinds.Leases))
	require.NoError(t, err)
	assert.Contains(t, leases.Unavailable, "does not serve leases")
	assert.False(t, leases.Watchable())
}
