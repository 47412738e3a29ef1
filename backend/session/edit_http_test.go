package session_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/edit"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// TestEditHandler: the texts of an edit and of an apply travel through
// the handler the page uses: the edit's text, a preview posted as the
// body and answered as JSON; a request of an older session, a wrong
// method or a body over the bound is refused before anything is sent.
func TestEditHandler(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"mode": "slow"},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	b, _, s := connectedDemo(t, env)
	gen := strconv.FormatUint(s.Generation, 10)
	info, err := s.BeginEdit(mustKind(t, s, "configmaps"), ns, "settings")
	require.NoError(t, err)
	h := session.EditHandler(b)
	serve := func(method, path string, q url.Values, body []byte) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, path+"?"+q.Encode(), bytes.NewReader(body)))
		return w
	}

	w := serve(http.MethodGet, session.EditTextPath, url.Values{"gen": {gen}, "id": {info.ID}}, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	text := w.Body.String()
	assert.Contains(t, text, "mode: slow")

	w = serve(http.MethodPost, session.EditPreviewPath, url.Values{"gen": {gen}, "id": {info.ID}}, []byte(strings.Replace(text, "mode: slow", "mode: fast", 1)))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var p model.EditPreview
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p))
	assert.NotEmpty(t, p.Token)
	assert.Contains(t, p.Diff, "+  mode: fast")

	w = serve(http.MethodPost, session.ApplyPreviewPath, url.Values{"gen": {gen}, "namespace": {ns}}, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n"))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var ap model.ApplyPreview
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &ap))
	require.Len(t, ap.Documents, 1)
	assert.Equal(t, ns, ap.Documents[0].Namespace)

	for _, tc := range []struct {
		name, method, path string
		q                  url.Values
		body               []byte
		status             int
	}{
		{"an older session", http.MethodPost, session.EditPreviewPath, url.Values{"gen": {"0"}, "id": {info.ID}}, []byte(text), http.StatusConflict},
		{"a GET of a preview", http.MethodGet, session.EditPreviewPath, url.Values{"gen": {gen}, "id": {info.ID}}, nil, http.StatusMethodNotAllowed},
		{"a POST of a text", http.MethodPost, session.EditTextPath, url.Values{"gen": {gen}, "id": {info.ID}}, nil, http.StatusMethodNotAllowed},
		{"a body over the bound", http.MethodPost, session.EditPreviewPath, url.Values{"gen": {gen}, "id": {info.ID}}, bytes.Repeat([]byte("a"), edit.MaxText+1), http.StatusRequestEntityTooLarge},
		{"no such edit", http.MethodGet, session.EditLivePath, url.Values{"gen": {gen}, "id": {"edit-0"}}, nil, http.StatusNotFound},
		{"a bad namespace", http.MethodPost, session.ApplyPreviewPath, url.Values{"gen": {gen}, "namespace": {"Not_A_Namespace"}}, []byte("a: b"), http.StatusBadRequest},
		{"another path", http.MethodGet, "/api/edit/other", url.Values{"gen": {gen}}, nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(tc.method, tc.path, tc.q, tc.body)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
		})
	}
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "slow", cm.Data["mode"], "previews write nothing")
	assert.True(t, session.EditHandles(session.EditPreviewPath) && session.EditHandles(session.ApplyPreviewPath) && !session.EditHandles(session.YAMLPath))
}
