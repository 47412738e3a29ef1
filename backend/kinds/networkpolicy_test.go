package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/kinds"
)

func TestNetworkPolicyRules(t *testing.T) {
	d := describe(t, kinds.NetworkPolicies, samples[kinds.NetworkPolicies][0])
	assert.Equal(t, "Ingress, Egress", fact(d, "Policy types"))
	assert.Equal(t, []string{"Rule", "From", "Ports"}, table(t, d, "Ingress rules").Columns)
	assert.Equal(t, [][]string{
		{"1", "pods app=frontend in the namespace", "8080/TCP, 9000-9100/UDP"},
		{"1", "all pods in namespaces team=ops", "8080/TCP, 9000-9100/UDP"},
		{"2", "anywhere", "metrics/TCP"},
	}, table(t, d, "Ingress rules").Rows)
	assert.Equal(t, [][]string{{"1", "0.0.0.0/0 except 169.254.169.254/32", "443/TCP"}}, table(t, d, "Egress rules").Rows)

	// A policy that selects every pod and allows no ingress denies it all;
	// without the Egress type, egress is not restricted.
	d = describe(t, kinds.NetworkPolicies, samples[kinds.NetworkPolicies][1])
	assert.Equal(t, "all pods in the namespace", fact(d, "Pod selector"))
	assert.Equal(t, "all denied", fact(d, "Ingress"))
	assert.Equal(t, "not restricted", fact(d, "Egress"))
	assert.Empty(t, d.Tables)
	assert.Equal(t, "<none>", cells(t, kinds.NetworkPolicies, samples[kinds.NetworkPolicies][1])["podSelector"], "as kubectl shows it")

	// Without policy types, egress is restricted once there are egress
	// rules; an empty rule allows everything; an empty namespace selector
	// is every namespace.
	d = describe(t, kinds.NetworkPolicies, &networkingv1.NetworkPolicy{ObjectMeta: objectMeta("shop", "open"), Spec: networkingv1.NetworkPolicySpec{
		Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}}}}},
		Egress:  []networkingv1.NetworkPolicyEgressRule{{}},
	}})
	assert.Equal(t, "Ingress, Egress", fact(d, "Policy types"))
	assert.Equal(t, [][]string{{"1", "all pods in all namespaces", "all"}}, table(t, d, "Ingress rules").Rows)
	assert.Equal(t, [][]string{{"1", "anywhere", "all"}}, table(t, d, "Egress rules").Rows)
}
