package access_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"crowsnest/backend/access"
)

func TestAnswerSaysWhyItWasDenied(t *testing.T) {
	exec := access.Action{What: "open terminals", Verb: "create", Resource: "pods", Subresource: "exec"}
	for _, tc := range []struct {
		name   string
		answer access.Answer
		err    string
		denial string
	}{
		{"allowed", access.Answer{Action: exec, Namespace: "shop", Allowed: true}, "", ""},
		{"denied", access.Answer{Action: exec, Namespace: "shop"},
			`pods/exec is forbidden: you may not open terminals in namespace "shop"`,
			"your user may not open terminals (create pods/exec) in namespace shop"},
		{"denied with the server's reason", access.Answer{Action: exec, Namespace: "shop", Reason: "no RBAC policy matched"},
			`pods/exec is forbidden: you may not open terminals in namespace "shop": no RBAC policy matched`,
			"your user may not open terminals (create pods/exec) in namespace shop: no RBAC policy matched"},
		{"no subresource", access.Answer{Action: access.Action{What: "delete pods", Verb: "delete", Resource: "pods"}, Namespace: "a"},
			`pods is forbidden: you may not delete pods in namespace "a"`,
			"your user may not delete pods (delete pods) in namespace a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.answer.Err()
			assert.Equal(t, tc.denial, tc.answer.Denial())
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.True(t, apierrors.IsForbidden(err), "Forbidden: %v", err)
			assert.EqualError(t, err, tc.err)
		})
	}
}
