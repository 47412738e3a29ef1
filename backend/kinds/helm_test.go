package kinds_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

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

// releaseBudget is what one cached release revision may cost.
const releaseBudget = 2048

// TestHelmRevisionHeap measures what the cache keeps per release Secret: a
// HelmRevision (never the values or manifest, which make a Secret's
// tens of KB) and, per release, the collapsed HelmRelease.
func TestHelmRevisionHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over 2,000 objects")
	}
	const n = 2_000
	manifest := strings.Repeat("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n", 400)
	secret := func(i int) *corev1.Secret {
		data, err := helm.Encode(map[string]any{"name": "web", "version": 1, "info": map[string]any{"status": "deployed",
			"description": "Install complete", "last_deployed": "2026-03-01T00:00:00Z", "notes": strings.Repeat("note ", 200)},
			"chart":    map[string]any{"metadata": map[string]any{"name": "web", "version": "1.0.0", "appVersion": "2"}, "values": map[string]any{"a": strings.Repeat("x", 2000)}},
			"config":   map[string]any{"password": "s3cret"},
			"manifest": manifest + strconv.Itoa(i)})
		require.NoError(t, err)
		s := releaseSecret(t, "web-"+strconv.Itoa(i), 1, "deployed", data)
		s.UID = types.UID("uid-" + strconv.Itoa(i))
		return s
	}
	sample := secret(0)
	k := kinds.Builtin(kinds.HelmReleases)
	rev := heapPerObject(n, func(i int) any { return k.Slim(secret(i)) })
	rel := heapPerObject(n, func(i int) any { r := k.Slim(secret(i)); return k.Collapse([]any{r}) })
	t.Logf("heap per release Secret of %d B (data, base64 of gzip): revision %.0f B, revision and release %.0f B", len(sample.Data[helm.DataKey]), rev, rel)
	assert.LessOrEqual(t, rev, float64(releaseBudget))
	assert.LessOrEqual(t, rel, float64(2*releaseBudget))
}
