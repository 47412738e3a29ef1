package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/types"

	"crowsnest/backend/kinds"
)

func TestWebhookTables(t *testing.T) {
	mutating := samples[kinds.MutatingWebhookConfigurations][0]
	assert.Equal(t, "1", cells(t, kinds.MutatingWebhookConfigurations, mutating)["webhooks"])
	d := describe(t, kinds.MutatingWebhookConfigurations, mutating)
	assert.Equal(t, [][]string{{"inject.mesh.example.com", "mesh/injector/inject", "CREATE,UPDATE pods", "Fail", "None", "mesh=enabled"}},
		table(t, d, "Webhooks").Rows)

	validating := samples[kinds.ValidatingWebhookConfigurations][0]
	assert.Equal(t, "2", cells(t, kinds.ValidatingWebhookConfigurations, validating)["webhooks"])
	d = describe(t, kinds.ValidatingWebhookConfigurations, validating)
	assert.Equal(t, [][]string{
		{"validate.policy.example.com", "policy/webhook:8443", "* *.apps,*.batch (Namespaced)", "Ignore", "NoneOnDryRun", "all"},
		{"audit.example.com", "https://audit.example.com/validate", "CREATE,UPDATE pods", "", "None", "all"},
	}, table(t, d, "Webhooks").Rows)

	// A webhook's Service is in a namespace of its own: the cluster-scoped
	// configuration names it with its namespace.
	refs := kinds.Builtin(kinds.ValidatingWebhookConfigurations).Related[0].Refs(validating)
	assert.Equal(t, []types.NamespacedName{{Namespace: "policy", Name: "webhook"}}, refs)
}
