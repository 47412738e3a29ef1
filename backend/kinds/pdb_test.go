package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	policyv1 "k8s.io/api/policy/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestPDB(t *testing.T) {
	web, db := samples[kinds.PodDisruptionBudgets][0], samples[kinds.PodDisruptionBudgets][1]
	c := cells(t, kinds.PodDisruptionBudgets, web)
	assert.Equal(t, []string{"2", "N/A", "1", "OK", model.HealthOK},
		[]string{c["minAvailable"], c["maxUnavailable"], c["allowedDisruptions"], c["status"], c["health"]})
	c = cells(t, kinds.PodDisruptionBudgets, db)
	assert.Equal(t, []string{"N/A", "0%", "0", "Blocking", model.HealthWarn},
		[]string{c["minAvailable"], c["maxUnavailable"], c["allowedDisruptions"], c["status"], c["health"]})

	for _, tc := range []struct {
		name             string
		status           policyv1.PodDisruptionBudgetStatus
		want, wantHealth string
	}{
		{"too few healthy", policyv1.PodDisruptionBudgetStatus{CurrentHealthy: 1, DesiredHealthy: 2, ExpectedPods: 3}, "Below budget", model.HealthWarn},
		{"selects nothing", policyv1.PodDisruptionBudgetStatus{}, "No pods", model.HealthNeutral},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cells(t, kinds.PodDisruptionBudgets, &policyv1.PodDisruptionBudget{ObjectMeta: objectMeta("shop", "x"), Status: tc.status})
			assert.Equal(t, tc.want, c["status"])
			assert.Equal(t, tc.wantHealth, c["health"])
		})
	}

	d := describe(t, kinds.PodDisruptionBudgets, web)
	assert.Equal(t, "3 current, 2 desired", fact(d, "Healthy pods"))
	assert.Equal(t, "3", fact(d, "Expected pods"))
	assert.Equal(t, "app=web", fact(d, "Selector"))
	assert.Len(t, d.Conditions, 1)

	rel := kinds.Builtin(kinds.PodDisruptionBudgets).Related[0]
	assert.Equal(t, "app=web", rel.Selector(web).String())
	assert.Nil(t, rel.Selector(&policyv1.PodDisruptionBudget{}), "a budget without a selector selects no pods")
}
