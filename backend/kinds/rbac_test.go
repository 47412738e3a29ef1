package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"crowsnest/backend/kinds"
)

func TestRoleRules(t *testing.T) {
	d := describe(t, kinds.Roles, samples[kinds.Roles][1])
	rules := table(t, d, "Rules")
	assert.Equal(t, []string{"API groups", "Resources", "Resource names", "Non-resource URLs", "Verbs"}, rules.Columns)
	assert.Equal(t, [][]string{
		{"core", "configmaps, secrets", "web-config", "", "get, watch"},
		{"apps, batch", "deployments, jobs", "", "", "get, list"},
	}, rules.Rows)

	d = describe(t, kinds.ClusterRoles, samples[kinds.ClusterRoles][1])
	assert.Equal(t, "rbac.example.com/aggregate-to-monitoring=true", fact(d, "Aggregates cluster roles"))
	assert.Equal(t, []string{"", "", "", "/metrics, /healthz", "get"}, table(t, d, "Rules").Rows[1])

	// Roles are cached as metadata: their rows need nothing more, and
	// their details come from the API.
	for _, id := range []kinds.ID{kinds.Roles, kinds.ClusterRoles} {
		k := kinds.Builtin(id)
		assert.Equal(t, kinds.Metadata, k.Cache, "%s", id)
		assert.True(t, k.FullFromAPI, "%s", id)
		assert.Empty(t, describe(t, id, samples[id][0]).Tables, "%s metadata has no rules", id)
	}
}

func TestBindings(t *testing.T) {
	rb := samples[kinds.RoleBindings][0]
	c := cells(t, kinds.RoleBindings, rb)
	assert.Equal(t, "Role/web-reader", c["role"])
	assert.Equal(t, "alice@example.com", c["users"])
	assert.Equal(t, "shop-devs", c["groups"])
	assert.Equal(t, "shop/web, ci/deployer", c["serviceAccounts"], "a service account without a namespace is in the binding's")
	for _, id := range []string{"users", "groups", "serviceAccounts"} {
		k := kinds.Builtin(kinds.RoleBindings)
		assert.Equal(t, 1, k.Columns[k.Column(id)].Priority, "%s is kubectl's -o wide", id)
	}

	d := describe(t, kinds.RoleBindings, rb)
	assert.Equal(t, "Role/web-reader", fact(d, "Role"))
	assert.Equal(t, [][]string{
		{"User", "alice@example.com", ""}, {"Group", "shop-devs", ""}, {"ServiceAccount", "web", "shop"}, {"ServiceAccount", "deployer", "ci"},
	}, table(t, d, "Subjects").Rows)

	// The role by its kind; the service accounts in their namespaces.
	related := map[kinds.ID]kinds.Relation{}
	for _, r := range kinds.Builtin(kinds.RoleBindings).Related {
		related[r.Kind] = r
	}
	require.Len(t, related, 3)
	assert.Equal(t, []string{"web-reader"}, related[kinds.Roles].Names(rb))
	assert.Empty(t, related[kinds.ClusterRoles].Names(rb))
	assert.Equal(t, []string{"view"}, related[kinds.ClusterRoles].Names(samples[kinds.RoleBindings][1]))
	assert.Empty(t, related[kinds.Roles].Names(samples[kinds.RoleBindings][1]))
	assert.Equal(t, []types.NamespacedName{{Namespace: "shop", Name: "web"}, {Namespace: "ci", Name: "deployer"}},
		related[kinds.ServiceAccounts].Refs(rb))

	crb := samples[kinds.ClusterRoleBindings][0]
	c = cells(t, kinds.ClusterRoleBindings, crb)
	assert.Equal(t, "ClusterRole/monitoring", c["role"])
	assert.Equal(t, "monitoring/prometheus", c["serviceAccounts"])
	assert.Len(t, kinds.Builtin(kinds.ClusterRoleBindings).Related, 2, "a ClusterRoleBinding names ClusterRoles only")
}
