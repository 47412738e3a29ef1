package session_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// TestSecretValuesOnlyOnRequest: the details of a Secret list its keys and
// sizes, never a value; one value is revealed only when asked for.
func TestSecretValuesOnlyOnRequest(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, err := admin.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Data:       map[string][]byte{"password": []byte("hunter2-s3cret"), "blob": {0xff, 0xfe, 0x00}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	b, _ := newBoard(t, env)
	_, err = b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	var d model.Details
	require.Eventually(t, func() bool {
		d, err = s.Details(t.Context(), mustKind(t, s, "secrets"), ns, "db")
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "details: %v", err)
	assert.Equal(t, []model.SecretKey{{Key: "blob", Size: 3}, {Key: "password", Size: 14}}, d.SecretKeys)
	assert.Contains(t, d.Summary, model.Field{Label: "Type", Value: "Opaque"})
	wire, err := json.Marshal(d)
	require.NoError(t, err)
	assert.NotContains(t, string(wire), "hunter2", "no value in the details")
	assert.NotContains(t, string(wire), "aHVudGVy", "nor its base64")

	v, err := s.RevealSecretValue(ns, "db", "password")
	require.NoError(t, err)
	assert.Equal(t, model.SecretValue{Key: "password", Value: "hunter2-s3cret"}, v)
	v, err = s.RevealSecretValue(ns, "db", "blob")
	require.NoError(t, err)
	assert.Equal(t, model.SecretValue{Key: "blob", Value: "//4A", Base64: true}, v)
	_, err = s.RevealSecretValue(ns, "db", "nope")
	assert.ErrorContains(t, err, `no key "nope"`)
}

// TestPermissions: what the viewer may and may not do, with a reason.
func TestPermissions(t *testing.T) {
	env := testcluster.Get(t)
	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	for _, tc := range []struct {
		verb, kind, ns string
		allowed        bool
	}{
		{"get", "secrets", controlplane.ViewerNamespace, true},
		{"list", "pods", controlplane.ViewerNamespace, true},
		{"delete", "pods", controlplane.ViewerNamespace, false},
		{"get", "secrets", "kube-system", false},
		{"list", "nodes", "", false},
	} {
		p, err := s.Can(tc.verb, mustKind(t, s, tc.kind), tc.ns)
		require.NoError(t, err)
		assert.Equal(t, tc.allowed, p.Allowed, "%s %s in %q", tc.verb, tc.kind, tc.ns)
		if !tc.allowed {
			assert.NotEmpty(t, p.Reason, "a refusal says why")
		}
	}
	_, err = s.Kind("gadgets")
	assert.ErrorIs(t, err, kinds.ErrUnknownKind)
}

// TestDetailsShowEventsBeforeEventsSync: the first details panel of a
// session, before anything asked for events, still lists the object's
// events (from the API while the events cache fills).
func TestDetailsShowEventsBeforeEventsSync(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	cm, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = admin.CoreV1().Events(ns).Create(t.Context(), &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "settings.1"},
		InvolvedObject: corev1.ObjectReference{Kind: "ConfigMap", Namespace: ns, Name: "settings", UID: cm.UID},
		Reason:         "Checked", Message: "looked at it", Type: corev1.EventTypeNormal,
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	b, _ := newBoard(t, env)
	_, err = b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	d, err := mustCurrent(t, b).Details(t.Context(), mustKind(t, mustCurrent(t, b), "configmaps"), ns, "settings")
	require.NoError(t, err)
	require.Len(t, d.Events, 1)
	assert.Equal(t, model.Event{Type: "Normal", Reason: "Checked", Message: "looked at it", Count: 1, LastSeen: d.Events[0].LastSeen}, d.Events[0])
	assert.Positive(t, d.Events[0].LastSeen, "an event without timestamps is as old as its creation")
}
