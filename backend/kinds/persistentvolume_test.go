package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestPersistentVolume(t *testing.T) {
	bound, failed := samples[kinds.PersistentVolumes][0], samples[kinds.PersistentVolumes][1]
	c := cells(t, kinds.PersistentVolumes, bound)
	assert.Equal(t, []string{"10Gi", "RWO", "Delete", "Bound", "shop/data-db-0", "standard", model.HealthOK},
		[]string{c["capacity"], c["accessModes"], c["reclaimPolicy"], c["status"], c["claim"], c["storageClass"], c["health"]})
	c = cells(t, kinds.PersistentVolumes, failed)
	assert.Equal(t, []string{"Failed", "VolumeFailedRecycle", model.HealthError}, []string{c["status"], c["reason"], c["health"]})

	d := describe(t, kinds.PersistentVolumes, bound)
	assert.Equal(t, "CSI ebs.csi.aws.com (vol-0a1b)", fact(d, "Source"))
	assert.Equal(t, "topology.kubernetes.io/zone In (eu-1a)", fact(d, "Node affinity"))
	assert.Equal(t, "NFS nas.example.com:/exports/old", fact(describe(t, kinds.PersistentVolumes, failed), "Source"))
	iscsi := &corev1.PersistentVolume{ObjectMeta: objectMeta("", "pv-iscsi"), Spec: corev1.PersistentVolumeSpec{
		PersistentVolumeSource: corev1.PersistentVolumeSource{ISCSI: &corev1.ISCSIPersistentVolumeSource{}}}}
	assert.Equal(t, "ISCSI", fact(describe(t, kinds.PersistentVolumes, iscsi), "Source"))

	// The volume is cluster-scoped and its claim is not: the claim is
	// named with its namespace.
	refs := kinds.Builtin(kinds.PersistentVolumes).Related[0].Refs(bound)
	assert.Equal(t, []types.NamespacedName{{Namespace: "shop", Name: "data-db-0"}}, refs)
}
