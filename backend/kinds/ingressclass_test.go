package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crowsnest/backend/kinds"
)

func TestIngressClassRow(t *testing.T) {
	c := cells(t, kinds.IngressClasses, samples[kinds.IngressClasses][0])
	assert.Equal(t, "IngressParameters.k8s.example.com/external-lb", c["parameters"])
	assert.Equal(t, "yes", c["default"])
	c = cells(t, kinds.IngressClasses, samples[kinds.IngressClasses][1])
	assert.Equal(t, "<none>", c["parameters"])
	assert.Empty(t, c["default"])
}
