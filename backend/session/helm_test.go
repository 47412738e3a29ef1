package session_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/backend/events"
	"crowsnest/backend/helm"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// writeRelease writes one revision of a release as Helm's Secrets driver
// does; data, when set, replaces the encoded release (a corrupt one).
func writeRelease(t *testing.T, cs kubernetes.Interface, ns, name string, rev int, status, chartVersion string, config map[string]any, data []byte) {
	t.Helper()
	if data == nil {
		var err error
		data, err = helm.Encode(map[string]any{
			"name": name, "namespace": ns, "version": rev,
			"info": map[string]any{"status": status, "description": "revision " + strconv.Itoa(rev) + " " + status,
				"last_deployed": time.Date(2026, 5, rev, 10, 0, 0, 0, time.UTC).Format(time.RFC3339), "notes": "Thanks for installing " + name},
			"chart": map[string]any{"metadata": map[string]any{"name": name, "version": chartVersion, "appVersion": "2." + strconv.Itoa(rev)},
				"values": map[string]any{"replicas": 1, "db": map[string]any{"user": "app", "password": "chart-default"}}},
			"config": config,
			"manifest": "---\n# Source: " + name + "/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + name +
				"\n---\n# Source: " + name + "/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
				"\n  namespace: " + ns + "\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
		})
		require.NoError(t, err)
	}
	_, err := cs.CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: helm.SecretName(name, rev),
			Labels: map[string]string{"owner": "helm", "name": name, "version": strconv.Itoa(rev), "status": status}},
		Type: helm.SecretType, Data: map[string][]byte{helm.DataKey: data},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = cs.CoreV1().Secrets(ns).Delete(context.Background(), helm.SecretName(name, rev), metav1.DeleteOptions{})
	})
}

// rowsOf opens a view and waits for count rows.
func rowsOf(t *testing.T, s *session.Session, spec model.ViewSpec, count int) []model.Row {
	t.Helper()
	info, err := s.OpenView(spec)
	require.NoError(t, err)
	t.Cleanup(func() { s.CloseView(info.ID) })
	var w model.Window
	require.Eventually(t, func() bool {
		w, err = s.ViewRows(info.ID, 0, 100)
		return err == nil && w.Count == count
	}, 15*time.Second, 20*time.Millisecond, "rows of %+v: %+v %v", spec, w, err)
	return w.Rows
}

// TestHelmReleases: release Secrets written as Helm writes them become one
// row per release (its latest revision); the details read the history, the
// values (masked, one revealed), the manifest and the resources from the
// Secrets; a corrupt release Secret is reported, and Helm's Secrets are
// hidden from the Secrets table unless asked for.
func TestHelmReleases(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	other := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	secret := map[string]any{"db": map[string]any{"password": "hunter2-s3cret"}, "replicas": 3}
	writeRelease(t, admin, ns, "web", 1, "superseded", "1.0.0", map[string]any{"replicas": 2}, nil)
	writeRelease(t, admin, ns, "web", 2, "deployed", "1.1.0", secret, nil)
	writeRelease(t, admin, ns, "web", 3, "failed", "1.2.0", secret, nil)
	writeRelease(t, admin, other, "ledger", 1, "deployed", "0.1.0", nil, nil)
	writeRelease(t, admin, other, "broken", 1, "deployed", "", nil, []byte(base64.StdEncoding.EncodeToString([]byte("\x1f\x8b\x08 not really gzip"))))
	_, err := admin.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "plain"},
		Data: map[string][]byte{"k": []byte("v")}}, metav1.CreateOptions{})
	require.NoError(t, err)

	b, _, s := connectedDemo(t, env)
	rows := rowsOf(t, s, model.ViewSpec{Kind: "helmreleases", Namespace: ns}, 1)
	web := rows[0]
	assert.Equal(t, "web", web.Name)
	assert.Equal(t, []string{"web", ns, "3", "failed", "web-1.2.0", "2.3", strconv.FormatInt(time.Date(2026, 5, 3, 10, 0, 0, 0, time.UTC).Unix(), 10)}, web.Cells)
	assert.Equal(t, model.HealthError, web.Health)

	rows = rowsOf(t, s, model.ViewSpec{Kind: "helmreleases", Namespace: other}, 2)
	assert.Equal(t, "broken", rows[0].Name)
	assert.Contains(t, rows[0].Status, "unreadable: not gzip", "a corrupt release Secret says why")
	assert.Equal(t, model.HealthError, rows[0].Health)
	assert.Equal(t, "ledger", rows[1].Name)
	assert.Equal(t, "deployed", rows[1].Status)

	// The details of the panel come from the cache; the release's own from its Secrets.
	d, err := s.Details(t.Context(), mustKind(t, s, "helmreleases"), ns, "web")
	require.NoError(t, err)
	assert.Contains(t, d.Summary, model.Field{Label: "Revisions", Value: "3"})
	rel, err := s.HelmRelease(ns, "web")
	require.NoError(t, err)
	assert.Equal(t, 3, rel.Revision)
	require.Len(t, rel.History, 3)
	for i, want := range []struct {
		rev            int
		status, health string
		chart          string
	}{{3, "failed", model.HealthError, "web-1.2.0"}, {2, "deployed", model.HealthOK, "web-1.1.0"}, {1, "superseded", model.HealthNeutral, "web-1.0.0"}} {
		h := rel.History[i]
		assert.Equal(t, want.rev, h.Revision)
		assert.Equal(t, want.status, h.Status)
		assert.Equal(t, want.health, h.Health)
		assert.Equal(t, want.chart, h.Chart)
		assert.Equal(t, "revision "+strconv.Itoa(want.rev)+" "+want.status, h.Description)
	}
	display := func(v model.HelmValues) []string {
		var out []string
		for _, l := range v.Leaves {
			out = append(out, l.Display)
		}
		return out
	}
	assert.Equal(t, []string{"db.password", "replicas"}, display(rel.Config))
	assert.Equal(t, []string{"db.password", "db.user", "replicas"}, display(rel.Computed))
	assert.Equal(t, "Thanks for installing web", rel.Notes)
	require.Len(t, rel.Resources, 3)
	assert.Equal(t, model.HelmResource{APIVersion: "v1", APIKind: "Service", Kind: "services", Namespace: ns, Name: "web", Key: ns + "/web"}, rel.Resources[0])
	assert.Equal(t, "deployments", rel.Resources[1].Kind)
	assert.Equal(t, "", rel.Resources[2].Kind, "a kind the cluster does not serve is not linked")
	wire, err := json.Marshal(rel)
	require.NoError(t, err)
	assert.NotContains(t, string(wire), "hunter2", "values are masked")
	assert.NotContains(t, string(wire), "chart-default")

	v, err := s.RevealHelmValue(ns, "web", 3, false, []string{"db", "password"})
	require.NoError(t, err)
	assert.Equal(t, "hunter2-s3cret", v)
	v, err = s.RevealHelmValue(ns, "web", 1, true, []string{"db", "password"})
	require.NoError(t, err)
	assert.Equal(t, "chart-default", v, "revision 1 did not set it: the chart's default")
	v, err = s.RevealHelmValue(ns, "web", 1, true, []string{"replicas"})
	require.NoError(t, err)
	assert.Equal(t, "2", v)
	_, err = s.RevealHelmValue(ns, "web", 9, false, []string{"replicas"})
	assert.True(t, apierrors.IsNotFound(err), "%v", err)

	// The manifest travels through the AssetServer handler.
	srv := httptest.NewServer(session.HelmHandler(b))
	defer srv.Close()
	get := func(query string) (int, string) {
		resp, err := http.Get(srv.URL + session.HelmManifestPath + "?" + query)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	gen := strconv.FormatUint(s.Generation, 10)
	code, body := get("gen=" + gen + "&namespace=" + ns + "&name=web&revision=2")
	assert.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "kind: Deployment")
	code, _ = get("gen=" + gen + "&namespace=" + ns + "&name=web&revision=7")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = get("gen=0&namespace=" + ns + "&name=web&revision=2")
	assert.Equal(t, http.StatusConflict, code)
	code, body = get("gen=" + gen + "&namespace=" + other + "&name=broken&revision=1")
	assert.Equal(t, http.StatusBadGateway, code)
	assert.Contains(t, body, "not gzip")

	broken, err := s.HelmRelease(other, "broken")
	require.NoError(t, err)
	assert.Contains(t, broken.Problem, "cannot be read: not gzip")
	assert.Contains(t, broken.History[0].Problem, "not gzip")

	// Helm's Secrets are hidden from the Secrets table unless asked for.
	plain := rowsOf(t, s, model.ViewSpec{Kind: "secrets", Namespace: ns}, 1)
	assert.Equal(t, "plain", plain[0].Name)
	rowsOf(t, s, model.ViewSpec{Kind: "secrets", Namespace: ns, ShowHidden: true}, 4)

	// A release going away leaves the table.
	for rev := 1; rev <= 3; rev++ {
		require.NoError(t, admin.CoreV1().Secrets(ns).Delete(t.Context(), helm.SecretName("web", rev), metav1.DeleteOptions{}))
	}
	rowsOf(t, s, model.ViewSpec{Kind: "helmreleases", Namespace: ns}, 0)
}

// TestHelmReleasesRestricted: the demo viewer may read Secrets only in
// shop and sees shop's releases only; a user who may not list Secrets
// anywhere is told so, with the reason, instead of waiting.
func TestHelmReleasesRestricted(t *testing.T) {
	env := testcluster.Get(t)
	other := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	shop := controlplane.ViewerNamespace
	name := "viewer-web-" + strconv.FormatInt(time.Now().UnixNano()%100000, 10)
	writeRelease(t, admin, shop, name, 1, "deployed", "1.0.0", map[string]any{"token": "abc"}, nil)
	writeRelease(t, admin, other, "hidden-from-viewer", 1, "deployed", "1.0.0", nil, nil)

	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	info, err := s.OpenView(model.ViewSpec{Kind: "helmreleases"})
	require.NoError(t, err)
	var w model.Window
	require.Eventually(t, func() bool {
		w, err = s.ViewRows(info.ID, 0, 100)
		if err != nil {
			return false
		}
		for _, r := range w.Rows {
			if r.Name == name {
				return true
			}
		}
		return false
	}, 15*time.Second, 20*time.Millisecond)
	for _, r := range w.Rows {
		assert.Equal(t, shop, r.Namespace, "only shop's releases")
	}
	assert.Equal(t, []string{shop}, kindStatus(t, s, "helmreleases").Namespaces)
	rel, err := s.HelmRelease(shop, name)
	require.NoError(t, err)
	assert.Equal(t, []string{"token"}, []string{rel.Config.Leaves[0].Display})
	_, err = s.HelmRelease(other, "hidden-from-viewer")
	assert.True(t, apierrors.IsForbidden(err), "%v", err)

	// A user with no access to Secrets at all (the admin impersonating one
	// who has no bindings).
	nb, _ := boardFor(t, impersonating(t, env, "helm-nobody"))
	_, err = nb.Switch("nobody")
	require.NoError(t, err)
	waitConnected(t, nb)
	ns := mustCurrent(t, nb)
	_, err = ns.OpenView(model.ViewSpec{Kind: "helmreleases"})
	require.NoError(t, err)
	var st model.KindStatus
	require.Eventually(t, func() bool {
		st = kindStatus(t, ns, "helmreleases")
		return st.State == "forbidden"
	}, 15*time.Second, 20*time.Millisecond, "status: %+v", st)
	assert.Contains(t, st.Error, "no access: you may not list and watch secrets")
}

func kindStatus(t *testing.T, s *session.Session, kind string) model.KindStatus {
	t.Helper()
	for _, k := range s.Status().Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return model.KindStatus{}
}

// impersonating writes a kubeconfig whose context "nobody" is the demo
// admin impersonating user.
func impersonating(t *testing.T, env *testcluster.Env, user string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig())
	require.NoError(t, err)
	adminCtx := cfg.Contexts[controlplane.ContextDemoAdmin]
	auth := cfg.AuthInfos[adminCtx.AuthInfo].DeepCopy()
	auth.Impersonate = user
	cfg.AuthInfos["nobody"] = auth
	c := adminCtx.DeepCopy()
	c.AuthInfo = "nobody"
	cfg.Contexts["nobody"] = c
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, clientcmd.WriteToFile(*cfg, path))
	_, err = os.Stat(path)
	require.NoError(t, err)
	return path
}

func boardFor(t *testing.T, kubeconfig string) (*session.Switchboard, *events.Recorder) {
	t.Helper()
	rec := &events.Recorder{}
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{kubeconfig} },
	})
	t.Cleanup(b.Stop)
	return b, rec
}
