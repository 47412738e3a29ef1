package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crowsnest/backend/kinds"
)

func TestStorageClassRow(t *testing.T) {
	c := cells(t, kinds.StorageClasses, samples[kinds.StorageClasses][0])
	assert.Equal(t, []string{"ebs.csi.aws.com", "Delete", "WaitForFirstConsumer", "true", "yes"},
		[]string{c["provisioner"], c["reclaimPolicy"], c["volumeBindingMode"], c["allowVolumeExpansion"], c["default"]})
	c = cells(t, kinds.StorageClasses, samples[kinds.StorageClasses][1])
	assert.Equal(t, []string{"Retain", "Immediate", "false", ""},
		[]string{c["reclaimPolicy"], c["volumeBindingMode"], c["allowVolumeExpansion"], c["default"]}, "the API's defaults, as kubectl shows them")
	d := describe(t, kinds.StorageClasses, samples[kinds.StorageClasses][1])
	assert.Equal(t, "topology.kubernetes.io/zone in (eu-1a, eu-1b)", fact(d, "Allowed topologies"))
}
