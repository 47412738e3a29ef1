package kinds

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"crowsnest/backend/model"
)

func actionIDs(k *Kind) []string {
	var ids []string
	for _, a := range k.Info().Actions {
		ids = append(ids, a.ID)
	}
	return ids
}

// TestActionsDeclared: each kind offers its own actions, and delete.
func TestActionsDeclared(t *testing.T) {
	for _, c := range []struct {
		kind ID
		want []string
	}{
		{Deployments, []string{"scale", "restart", "undo", "delete"}},
		{StatefulSets, []string{"scale", "restart", "delete"}},
		{DaemonSets, []string{"restart", "delete"}},
		{ReplicaSets, []string{"scale", "delete"}},
		{CronJobs, []string{"run", "suspend", "resume", "delete"}},
		{Nodes, []string{"cordon", "uncordon", "drain", "delete"}},
		{Jobs, []string{"delete"}},
		{Pods, []string{"delete"}},
		{Namespaces, []string{"delete"}},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			assert.Equal(t, c.want, actionIDs(Builtin(c.kind)))
		})
	}
}

// TestActionRBAC: an action names what RBAC must allow; a drain's
// evictions and a run's Job are other resources than the target.
func TestActionRBAC(t *testing.T) {
	get := func(k ID, id string) model.Action {
		for _, a := range Builtin(k).Info().Actions {
			if a.ID == id {
				return a
			}
		}
		t.Fatalf("%s has no %s", k, id)
		return model.Action{}
	}
	assert.Equal(t, model.Action{ID: "scale", Title: "Scale…", Verb: "update", Group: "apps", Resource: "deployments", Subresource: "scale", Bulk: true}, get(Deployments, "scale"))
	assert.Equal(t, model.Action{ID: "drain", Title: "Drain…", Verb: "create", Resource: "pods", Subresource: "eviction", Danger: true}, get(Nodes, "drain"))
	assert.Equal(t, "jobs", get(CronJobs, "run").Resource)
	assert.Equal(t, "batch", get(CronJobs, "run").Group)
	assert.True(t, get(Namespaces, "delete").Danger)
	assert.True(t, get(Namespaces, "delete").ConfirmName, "a namespace's name is typed to delete it")
	assert.True(t, get(Nodes, "delete").ConfirmName)
	assert.False(t, get(Pods, "delete").ConfirmName)
	_, ok := Builtin(Pods).Action("scale")
	assert.False(t, ok, "pods do not scale")
}

// TestCRDScaleAction: a custom resource whose CRD has a scale subresource
// scales; one without does not; the two are different kinds.
func TestCRDScaleAction(t *testing.T) {
	crd := &apiextensionsv1.CustomResourceDefinition{
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "data.example.com", Scope: apiextensionsv1.NamespaceScoped,
			Names:    apiextensionsv1.CustomResourceDefinitionNames{Plural: "caches", Kind: "Cache"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true}},
		},
		Status: apiextensionsv1.CustomResourceDefinitionStatus{Conditions: []apiextensionsv1.CustomResourceDefinitionCondition{
			{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue}}},
	}
	plain, err := FromCRD(crd)
	require.NoError(t, err)
	assert.Equal(t, []string{"delete"}, actionIDs(plain))

	crd.Spec.Versions[0].Subresources = &apiextensionsv1.CustomResourceSubresources{Scale: &apiextensionsv1.CustomResourceSubresourceScale{
		SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas"}}
	scaled, err := FromCRD(crd)
	require.NoError(t, err)
	assert.Equal(t, []string{"scale", "delete"}, actionIDs(scaled))
	a := scaled.Info().Actions[0]
	assert.Equal(t, crd.Spec.Names.Plural, a.Resource)
	assert.Equal(t, "scale", a.Subresource)
	assert.False(t, same(plain, scaled), "a scale subresource added changes the kind")
}
