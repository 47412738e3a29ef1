package changes

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func entry(manager string, op metav1.ManagedFieldsOperationType, sub string, at int64, fields string) metav1.ManagedFieldsEntry {
	t := metav1.NewTime(time.Unix(at, 0))
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: op, Subresource: sub, Time: &t, APIVersion: "apps/v1",
		FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(fields)}}
}

const (
	kubectlFields = `{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}`
	ctrlFields    = `{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:replicas":{},"f:conditions":{"k:{\"type\":\"Available\"}":{".":{},"f:status":{}}}}}`
	scaleFields   = `{"f:spec":{"f:replicas":{}}}`
	setFields     = `{"f:metadata":{"f:finalizers":{".":{},"v:\"a\"":{}}}}`
)

func intern(s string) string { return s }

func TestFieldSet(t *testing.T) {
	m := manager{set: fieldSet([]byte(kubectlFields))}
	for _, p := range []string{
		"spec.replicas", "metadata.labels", "metadata.labels.app",
		"spec.template.spec.containers[name=app]", "spec.template.spec.containers[name=app].image",
		"spec.template.spec.containers[name=app].ports[containerPort=80]",
		"spec.template.spec.containers[name=app].env[name=X]", // under an owned item
	} {
		assert.True(t, m.owns(p), p)
	}
	for _, p := range []string{"spec.paused", "status.replicas", "spec.template.spec.containers[name=sidecar]", "metadata.annotations.x"} {
		assert.False(t, m.owns(p), p)
	}
	assert.True(t, m.under("spec.template"))
	assert.False(t, m.under("status"))

	c := manager{set: fieldSet([]byte(ctrlFields))}
	assert.True(t, c.owns(`metadata.annotations["deployment.kubernetes.io/revision"]`))
	assert.True(t, c.owns("status.conditions[type=Available].status"))

	s := manager{set: fieldSet([]byte(setFields))}
	assert.True(t, s.owns("metadata.finalizers"), "a set's values own the list")
}

func TestAttribution(t *testing.T) {
	tests := []struct {
		name       string
		old, cur   []metav1.ManagedFieldsEntry
		fields     []Field
		wantActors []string
		wantMasks  []uint8
	}{
		{
			name:       "scale through the subresource",
			old:        []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, kubectlFields), entry("kube-controller-manager", "Update", "status", 100, ctrlFields)},
			cur:        []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, `{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`), entry("kube-controller-manager", "Update", "status", 100, ctrlFields), entry("scaler", "Update", "scale", 200, scaleFields)},
			fields:     []Field{NewField("spec.replicas", "1", "3")},
			wantActors: []string{"scaler"},
			wantMasks:  []uint8{1},
		},
		{
			name:       "two writes in one second: the owner of the field",
			old:        []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, kubectlFields), entry("kube-controller-manager", "Update", "status", 100, ctrlFields)},
			cur:        []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, kubectlFields), entry("kube-controller-manager", "Update", "status", 100, ctrlFields)},
			fields:     []Field{NewField("status.replicas", "1", "3")},
			wantActors: []string{"kube-controller-manager"},
			wantMasks:  []uint8{1},
		},
		{
			name:       "a field removed: the manager whose entry changed",
			old:        []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, kubectlFields), entry("helm", "Apply", "", 100, `{"f:metadata":{"f:labels":{"f:tier":{}}}}`)},
			cur:        []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, kubectlFields), entry("helm", "Apply", "", 150, `{}`)},
			fields:     []Field{NewField("metadata.labels.tier", `"a"`, "")},
			wantActors: []string{"helm"},
			wantMasks:  []uint8{1},
		},
		{
			name: "two fields, two managers",
			old:  []metav1.ManagedFieldsEntry{entry("a", "Apply", "", 100, `{"f:data":{"f:x":{}}}`), entry("b", "Apply", "", 100, `{"f:data":{"f:y":{}}}`)},
			cur:  []metav1.ManagedFieldsEntry{entry("a", "Apply", "", 200, `{"f:data":{"f:x":{}}}`), entry("b", "Apply", "", 200, `{"f:data":{"f:y":{}}}`)},
			fields: []Field{
				NewField("data.x", `"1"`, `"2"`),
				NewField("data.y", `"1"`, `"2"`),
			},
			wantActors: []string{"a", "b"},
			wantMasks:  []uint8{1, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := readOwnership("1", tt.old, nil, intern, true)
			cur := readOwnership("2", tt.cur, old, intern, true)
			actors := attribute(tt.fields, old, cur)
			var names []string
			for _, a := range actors {
				names = append(names, a.Name)
			}
			assert.Equal(t, tt.wantActors, names)
			for i, f := range tt.fields {
				assert.Equal(t, tt.wantMasks[i], f.Managers, f.Path)
			}
		})
	}
}

func TestOwnershipReusesUnchangedSets(t *testing.T) {
	old := readOwnership("1", []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 100, kubectlFields)}, nil, intern, true)
	cur := readOwnership("2", []metav1.ManagedFieldsEntry{entry("kubectl", "Update", "", 200, kubectlFields)}, old, intern, true)
	require.NotEmpty(t, cur.managers[0].set)
	assert.Same(t, &old.managers[0].set[0], &cur.managers[0].set[0])
}
