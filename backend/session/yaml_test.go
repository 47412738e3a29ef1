package session_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// TestYAMLHandler reads objects' YAML through the handler the page uses:
// an object that exists is served, one the API server does not have is a
// 404 (not a failure to reach it), and a request of an older session or
// with a bad name never reaches the API.
func TestYAMLHandler(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"mode": "fast"},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	b, _, s := connectedDemo(t, env)
	gen := strconv.FormatUint(s.Generation, 10)

	for _, tc := range []struct {
		name, gen, kind, namespace, object string
		status                             int
		body                               string
	}{
		{name: "an object", gen: gen, kind: "configmaps", namespace: ns, object: "settings", status: http.StatusOK, body: "mode: fast"},
		{name: "a missing object", gen: gen, kind: "configmaps", namespace: ns, object: "no-such-map", status: http.StatusNotFound,
			body: `configmaps "no-such-map" not found`},
		{name: "a missing namespace", gen: gen, kind: "configmaps", namespace: "no-such-namespace", object: "settings", status: http.StatusNotFound},
		{name: "a missing cluster-scoped object", gen: gen, kind: "nodes", object: "no-such-node", status: http.StatusNotFound},
		{name: "an older session", gen: "0", kind: "configmaps", namespace: ns, object: "settings", status: http.StatusConflict},
		{name: "an unknown kind", gen: gen, kind: "widgets", namespace: ns, object: "settings", status: http.StatusBadRequest},
		{name: "an invalid name", gen: gen, kind: "configmaps", namespace: ns, object: "../settings", status: http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"gen": {tc.gen}, "kind": {tc.kind}, "namespace": {tc.namespace}, "name": {tc.object}}
			rec := httptest.NewRecorder()
			session.YAMLHandler(b).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, session.YAMLPath+"?"+q.Encode(), nil))
			assert.Equal(t, tc.status, rec.Code, "body: %s", rec.Body)
			assert.Contains(t, rec.Body.String(), tc.body)
		})
	}
}
