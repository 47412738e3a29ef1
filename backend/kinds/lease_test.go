package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crowsnest/backend/kinds"
)

func TestLeaseDetails(t *testing.T) {
	d := describe(t, kinds.Leases, samples[kinds.Leases][0])
	assert.Equal(t, "worker-1", fact(d, "Holder"))
	assert.Equal(t, "40s", fact(d, "Duration"))
	assert.Equal(t, "2026-11-01 12:09:00 UTC", fact(d, "Renewed"))
	assert.Equal(t, "3", fact(d, "Transitions"))
}
