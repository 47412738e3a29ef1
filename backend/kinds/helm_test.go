package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/helm"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func releaseSecret(t *testing.T, name string, revision int, status string, data []byte) *corev1.Secret {
	t.Helper()
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: helm.SecretName(name, revision), ResourceVersion: "1",
			Labels: map[string]string{"owner": "helm", "name": name, "version": itoa(revision), "status": status, "app": "x"}},
		Type: helm.SecretType,
		Data: map[string][]byte{helm.DataKey: data},
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestHelmRevisionOf(t *testing.T) {
	data, err := helm.Encode(map[string]any{"name": "web", "version": 2,
		"info":   map[string]any{"status": "superseded", "description": "Install complete", "last_deployed": "2026-03-01T00:00:00Z"},
		"chart":  map[string]any{"metadata": map[string]any{"name": "web", "version": "1.0.0", "appVersion": "2"}},
		"config": map[string]any{"password": "s3cret"}, "manifest": "kind: Service"})
	require.NoError(t, err)
	r := kinds.HelmRevisionOf(releaseSecret(t, "web", 2, "superseded", data))
	assert.Empty(t, r.Err)
	assert.Equal(t, "web", r.Release)
	assert.Equal(t, 2, r.Revision)
	assert.Equal(t, "web", r.Chart)
	assert.Equal(t, "1.0.0", r.ChartVersion)
	assert.Equal(t, "2", r.AppVersion)
	assert.Equal(t, "Install complete", r.Description)
	assert.Equal(t, 2026, r.Updated.Year())
	assert.NotContains(t, r.Labels, "app", "only Helm's labels are kept")

	bad := kinds.HelmRevisionOf(releaseSecret(t, "web", 3, "deployed", []byte("H4sIAAAA")))
	assert.Contains(t, bad.Err, "not gzip")
	assert.Equal(t, "web", bad.Release)
	assert.Equal(t, 3, bad.Revision)

	other := releaseSecret(t, "web", 4, "deployed", data)
	other.Type = corev1.SecretTypeOpaque
	assert.Contains(t, kinds.HelmRevisionOf(other).Err, "not a Helm release Secret")
}

// One row per release: its latest revision, whatever order the Secrets
// come in; a corrupt latest revision says why.
func TestHelmCollapse(t *testing.T) {
	k := kinds.Builtin(kinds.HelmReleases)
	enc := func(rev int, status string) []byte {
		b, err := helm.Encode(map[string]any{"name": "web", "version": rev, "info": map[string]any{"status": status},
			"chart": map[string]any{"metadata": map[string]any{"name": "web", "version": "1." + itoa(rev)}}})
		require.NoError(t, err)
		return b
	}
	r1 := kinds.HelmRevisionOf(releaseSecret(t, "web", 1, "superseded", enc(1, "superseded")))
	r2 := kinds.HelmRevisionOf(releaseSecret(t, "web", 2, "deployed", enc(2, "deployed")))
	r3 := kinds.HelmRevisionOf(releaseSecret(t, "web", 3, "failed", enc(3, "failed")))
	assert.Equal(t, "shop/web", k.CollapseKey(r1))

	rel := k.Collapse([]any{r3, r1, r2}).(*kinds.HelmRelease)
	row := k.Row(rel)
	assert.Equal(t, "shop/web", row.Key)
	assert.Equal(t, "3", row.Cells[k.Column("revision")])
	assert.Equal(t, "web-1.3", row.Cells[k.Column("chart")])
	assert.Equal(t, "failed", row.Status)
	assert.Equal(t, model.HealthError, row.Health)
	assert.Equal(t, 3, rel.Revisions)

	r4 := kinds.HelmRevisionOf(releaseSecret(t, "web", 4, "deployed", []byte("!!")))
	rel = k.Collapse([]any{r1, r4, r2}).(*kinds.HelmRelease)
	row = k.Row(rel)
	assert.Equal(t, "4", row.Cells[k.Column("revision")])
	assert.Contains(t, row.Status, "unreadable: not base64")
	assert.Equal(t, model.HealthError, row.Health)
	assert.Equal(t, 1, rel.Unreadable)
	assert.Nil(t, k.Collapse(nil))
}

func TestHelmKindIsNotAnAPIKind(t *testing.T) {
	k := kinds.Builtin(kinds.HelmReleases)
	assert.Empty(t, k.Actions, "no delete of a Secret named like the release")
	info := k.Info()
	assert.Contains(t, info.Features, model.FeatureHelm)
	assert.Contains(t, info.Features, model.FeatureNoYAML)
	r := kinds.NewRegistry()
	got, ok := r.ForGroupKind("", "Secret")
	require.True(t, ok)
	assert.Equal(t, kinds.Secrets, got.ID)
	_, ok = r.ForGroupKind("", "HelmRelease")
	assert.False(t, ok)
	assert.Equal(t, "Helm release Secrets", kinds.Builtin(kinds.Secrets).Info().Hidden)
}
