package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crowsnest/backend/kinds"
)

func TestResourceQuotaUsage(t *testing.T) {
	q := samples[kinds.ResourceQuotas][0]
	c := cells(t, kinds.ResourceQuotas, q)
	assert.Equal(t, "pods: 3/10, requests.cpu: 500m/2, requests.memory: 1Gi/4Gi", c["request"], "as kubectl shows it")
	assert.Equal(t, "limits.cpu: 1/4", c["limit"])

	d := describe(t, kinds.ResourceQuotas, q)
	assert.Equal(t, "NotBestEffort", fact(d, "Scopes"))
	assert.Equal(t, [][]string{
		{"limits.cpu", "1", "4"},
		{"pods", "3", "10"},
		{"requests.cpu", "500m", "2"},
		{"requests.memory", "1Gi", "4Gi"},
	}, table(t, d, "Resources").Rows)
}

func TestLimitRangeTable(t *testing.T) {
	d := describe(t, kinds.LimitRanges, samples[kinds.LimitRanges][1])
	assert.Equal(t, [][]string{
		{"Container", "cpu", "50m", "2", "100m", "500m", "-"},
		{"Container", "memory", "-", "4Gi", "-", "-", "-"},
		{"Pod", "cpu", "-", "-", "-", "-", "4"},
	}, table(t, d, "Limits").Rows)

	// The cache holds metadata only, which has no limits to show: details
	// come from the API.
	d = describe(t, kinds.LimitRanges, samples[kinds.LimitRanges][0])
	assert.Empty(t, d.Tables)
	assert.True(t, kinds.Builtin(kinds.LimitRanges).FullFromAPI)
}
