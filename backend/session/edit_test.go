package session_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	applycorev1 "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/yaml"

	"crowsnest/backend/dao"
	"crowsnest/backend/events"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// editText changes an edit's text as a user would: parsed, changed, and
// written back.
func editText(t *testing.T, text []byte, change func(obj map[string]any)) []byte {
	t.Helper()
	var obj map[string]any
	require.NoError(t, yaml.Unmarshal(text, &obj))
	change(obj)
	out, err := yaml.Marshal(obj)
	require.NoError(t, err)
	return out
}

func field(obj map[string]any, path ...any) map[string]any {
	cur := obj
	for _, p := range path {
		switch p := p.(type) {
		case string:
			cur = cur[p].(map[string]any)
		case int:
			panic(p)
		}
	}
	return cur
}

func container(obj map[string]any, i int) map[string]any {
	return field(obj, "spec", "template", "spec")["containers"].([]any)[i].(map[string]any)
}

func createDeployment(t *testing.T, cs kubernetes.Interface, ns, name string) *appsv1.Deployment {
	t.Helper()
	labels := map[string]string{"app": name}
	d, err := cs.AppsV1().Deployments(ns).Create(t.Context(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}},
			},
		},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	// The controller's first writes (its revision annotation) come before
	// the test's edit begins; later ones change the status alone.
	require.Eventually(t, func() bool {
		d, err = cs.AppsV1().Deployments(ns).Get(t.Context(), name, metav1.GetOptions{})
		return err == nil && d.Annotations["deployment.kubernetes.io/revision"] != "" && d.Status.ObservedGeneration == d.Generation
	}, 15*time.Second, 20*time.Millisecond, "the deployment controller sees %s", name)
	return d
}

// begin starts an edit and reads its text as the page does.
func begin(t *testing.T, s *session.Session, kind, ns, name string) (model.EditInfo, []byte) {
	t.Helper()
	info, err := s.BeginEdit(mustKind(t, s, kind), ns, name)
	require.NoError(t, err)
	text, err := s.EditText(info.ID)
	require.NoError(t, err)
	return info, text
}

// TestEditDeploymentPreviewAndApply: the preview is a dry run that shows
// what the server would store (its defaults for a new container) without
// managedFields, resourceVersion or generation, and writes nothing; apply
// writes exactly that.
func TestEditDeploymentPreviewAndApply(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	created := createDeployment(t, admin, ns, "web")
	_, _, s := connectedDemo(t, env)

	info, text := begin(t, s, "deployments", ns, "web")
	assert.NotContains(t, string(text), "managedFields")
	mine := editText(t, text, func(obj map[string]any) {
		spec := field(obj, "spec", "template", "spec")
		spec["containers"] = append(spec["containers"].([]any), map[string]any{"name": "sidecar", "image": "proxy:1"})
	})
	p, err := s.PreviewEdit(info.ID, mine)
	require.NoError(t, err)
	require.Empty(t, p.Error)
	require.Nil(t, p.YAMLError)
	require.NotEmpty(t, p.Token)
	assert.Contains(t, p.Diff, "+      - image: proxy:1\n")
	assert.Contains(t, p.Diff, "+        imagePullPolicy: IfNotPresent\n", "the server's defaults are in the diff")
	assert.Contains(t, p.Diff, "+        terminationMessagePath: /dev/termination-log\n")
	for _, noise := range []string{"managedFields", "resourceVersion", "generation"} {
		assert.NotContains(t, p.Diff, noise)
	}
	now, err := admin.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, created.Generation, now.Generation, "a preview writes nothing")
	assert.Len(t, now.Spec.Template.Spec.Containers, 1)

	_, err = s.ApplyEdit(info.ID, "not-the-token")
	require.ErrorContains(t, err, "not been previewed")
	r, err := s.ApplyEdit(info.ID, p.Token)
	require.NoError(t, err)
	assert.Equal(t, model.EditApplied, r.State)
	now, err = admin.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotEmpty(t, r.ResourceVersion)
	require.Len(t, now.Spec.Template.Spec.Containers, 2)
	assert.Equal(t, "proxy:1", now.Spec.Template.Spec.Containers[1].Image)
	_, err = s.ApplyEdit(info.ID, p.Token)
	assert.Error(t, err, "a preview applies once")
}

// TestEditConflictRebasedWhenFieldsDiffer: someone changes the replicas
// between the preview and the apply; the apply writes nothing, the edit
// is rebased on the live object with both changes, and once previewed
// again it applies with both.
func TestEditConflictRebasedWhenFieldsDiffer(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	createDeployment(t, admin, ns, "web")
	_, _, s := connectedDemo(t, env)

	info, text := begin(t, s, "deployments", ns, "web")
	mine := editText(t, text, func(obj map[string]any) { container(obj, 0)["image"] = "web:2" })
	p, err := s.PreviewEdit(info.ID, mine)
	require.NoError(t, err)
	require.NotEmpty(t, p.Token, "preview: %+v", p)

	scale(t, admin, ns, "web", 3) // someone else, meanwhile
	r, err := s.ApplyEdit(info.ID, p.Token)
	require.NoError(t, err)
	require.Equal(t, model.EditRebased, r.State)
	require.NotNil(t, r.Rebase)
	assert.Empty(t, r.Rebase.Conflicts)
	now, err := admin.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "web:1", now.Spec.Template.Spec.Containers[0].Image, "nothing written on a conflict")
	assert.NotEqual(t, info.ResourceVersion, r.Rebase.ResourceVersion, "based on the live object now")

	merged, err := s.EditText(info.ID)
	require.NoError(t, err)
	assert.Contains(t, string(merged), "replicas: 3")
	assert.Contains(t, string(merged), "image: web:2")
	_, err = s.ApplyEdit(info.ID, p.Token)
	require.Error(t, err, "the merge must be previewed before it is applied")
	p, err = s.PreviewEdit(info.ID, merged)
	require.NoError(t, err)
	require.NotEmpty(t, p.Token, "preview of the merge: %+v", p)
	assert.Contains(t, p.Diff, "+      - image: web:2\n")
	assert.NotContains(t, p.Diff, "replicas", "their change is already live")
	r, err = s.ApplyEdit(info.ID, p.Token)
	require.NoError(t, err)
	require.Equal(t, model.EditApplied, r.State)
	now, err = admin.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(3), *now.Spec.Replicas, "their change")
	assert.Equal(t, "web:2", now.Spec.Template.Spec.Containers[0].Image, "yours")
}

func scale(t *testing.T, cs kubernetes.Interface, ns, name string, replicas int32) {
	t.Helper()
	changeDeployment(t, cs, ns, name, func(d *appsv1.Deployment) { d.Spec.Replicas = &replicas })
}

// changeDeployment is someone else's change, made while the controller
// may be writing the status too.
func changeDeployment(t *testing.T, cs kubernetes.Interface, ns, name string, change func(*appsv1.Deployment)) {
	t.Helper()
	require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		change(d)
		_, err = cs.AppsV1().Deployments(ns).Update(t.Context(), d, metav1.UpdateOptions{})
		return err
	}))
}

// TestEditConflictOnTheSameField: someone changes the image the user is
// changing; the preview reports the conflict with both values and the
// text keeps the user's.
func TestEditConflictOnTheSameField(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	createDeployment(t, admin, ns, "web")
	_, _, s := connectedDemo(t, env)

	info, text := begin(t, s, "deployments", ns, "web")
	changeDeployment(t, admin, ns, "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "web:3" })

	mine := editText(t, text, func(obj map[string]any) { container(obj, 0)["image"] = "web:2" })
	p, err := s.PreviewEdit(info.ID, mine)
	require.NoError(t, err)
	assert.Empty(t, p.Token, "no preview to apply")
	require.NotNil(t, p.Rebase, "preview: %+v", p)
	assert.Equal(t, []model.EditConflict{{Path: ".spec.template.spec.containers[name=web].image", Live: `"web:3"`, Yours: `"web:2"`}}, p.Rebase.Conflicts)
	merged, err := s.EditText(info.ID)
	require.NoError(t, err)
	assert.Contains(t, string(merged), "image: web:2", "your text is kept")
	live, err := s.EditLive(info.ID)
	require.NoError(t, err)
	assert.Contains(t, string(live), "image: web:3", "the live side")
}

// TestEditSecretKeepsHiddenValues: a Secret is edited with one value
// changed and the other left hidden; the hidden one keeps its live value
// and no value is in the text or the diff.
func TestEditSecretKeepsHiddenValues(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, err := admin.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: `{"data":{"password":"aHVudGVyMg=="}}`}},
		Data:       map[string][]byte{"password": []byte("hunter2"), "user": []byte("admin")},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, _, s := connectedDemo(t, env)

	info, text := begin(t, s, "secrets", ns, "db")
	assert.True(t, info.Secret)
	for _, secret := range []string{"hunter2", "aHVudGVy", "admin", "YWRtaW4"} {
		assert.NotContains(t, string(text), secret, "no value in the editor's text")
	}
	assert.Contains(t, string(text), "password: "+dao.Redacted)
	mine := editText(t, text, func(obj map[string]any) {
		field(obj, "data")["user"] = base64.StdEncoding.EncodeToString([]byte("root"))
	})
	p, err := s.PreviewEdit(info.ID, mine)
	require.NoError(t, err)
	require.NotEmpty(t, p.Token, "preview: %+v", p)
	assert.Contains(t, p.Diff, "+  user: "+dao.Redacted+" (changed)")
	for _, secret := range []string{"hunter2", "aHVudGVy", "admin", "YWRtaW4", "root", "cm9vdA"} {
		assert.NotContains(t, p.Diff, secret, "no value in the diff")
	}
	r, err := s.ApplyEdit(info.ID, p.Token)
	require.NoError(t, err)
	require.Equal(t, model.EditApplied, r.State)
	now, err := admin.CoreV1().Secrets(ns).Get(t.Context(), "db", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "hunter2", string(now.Data["password"]), "the hidden key keeps its live value")
	assert.Equal(t, "root", string(now.Data["user"]))
	assert.Contains(t, now.Annotations, corev1.LastAppliedConfigAnnotation, "what the editor does not show is kept")
}

// TestEditMalformedYAML: a text that does not parse is answered with the
// line and column, before any request (the object is gone: a request
// would have answered NotFound).
func TestEditMalformedYAML(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	createDeployment(t, admin, ns, "web")
	_, _, s := connectedDemo(t, env)
	info, text := begin(t, s, "deployments", ns, "web")
	require.NoError(t, admin.AppsV1().Deployments(ns).Delete(t.Context(), "web", metav1.DeleteOptions{}))

	bad := strings.Replace(string(text), "  replicas: 1\n", "  replicas: 1\n   oops: [\n", 1)
	p, err := s.PreviewEdit(info.ID, []byte(bad))
	require.NoError(t, err)
	require.NotNil(t, p.YAMLError, "preview: %+v", p)
	line := strings.Count(bad[:strings.Index(bad, "   oops")], "\n") + 1
	assert.Equal(t, line, p.YAMLError.Line, "%+v", p.YAMLError)
	assert.Equal(t, 8, p.YAMLError.Column, "%+v", p.YAMLError)
	assert.Empty(t, p.Error, "no request was made")
	assert.Empty(t, p.Token)
	kept, err := s.EditText(info.ID)
	require.NoError(t, err)
	assert.Equal(t, bad, string(kept), "the text is kept")

	ap, err := s.PreviewApply([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b\n"), ns)
	require.NoError(t, err)
	require.NotNil(t, ap.YAMLError)
	assert.Equal(t, model.YAMLError{Document: 1, Line: 8, Column: 1, Message: ap.YAMLError.Message}, *ap.YAMLError)
	assert.Empty(t, ap.Documents)
	assert.Empty(t, ap.Token)
}

// TestApplyYAMLCreatesWithServerSideApply: several documents are
// previewed (dry run), then applied by server-side apply with the field
// manager crowsnest; a namespaced kind without a namespace gets the
// selected one, an unknown kind an error of its own.
func TestApplyYAMLCreatesWithServerSideApply(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, _, s := connectedDemo(t, env)
	role := "crowsnest-apply-" + ns
	t.Cleanup(func() { _ = admin.RbacV1().ClusterRoles().Delete(context.Background(), role, metav1.DeleteOptions{}) })
	text := `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ` + role + `
  namespace: ignored
rules: []
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
`
	p, err := s.PreviewApply([]byte(text), ns)
	require.NoError(t, err)
	require.Nil(t, p.YAMLError)
	require.Len(t, p.Documents, 4)
	for _, d := range p.Documents[:3] {
		assert.Empty(t, d.Error, "%s", d.Kind)
		assert.False(t, d.Exists)
		assert.NotEmpty(t, d.Diff)
	}
	assert.Equal(t, ns, p.Documents[0].Namespace, "the selected namespace")
	assert.Empty(t, p.Documents[2].Namespace, "cluster-scoped")
	assert.Contains(t, p.Documents[1].Diff, "+  replicas: 1\n", "the server's defaults")
	assert.Contains(t, p.Documents[1].Diff, "+  progressDeadlineSeconds: 600\n")
	assert.NotContains(t, p.Documents[1].Diff, "uid:", "made up by the dry run")
	assert.Contains(t, p.Documents[3].Error, "Gadget of example.com/v1 is not served")
	_, err = admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	require.Error(t, err, "a preview creates nothing")

	results, err := s.ApplyYAML(p.Token, false, nil)
	require.NoError(t, err)
	require.Len(t, results, 4)
	for _, r := range results[:3] {
		assert.Equal(t, model.ApplyCreated, r.State, "%+v", r)
	}
	assert.Equal(t, model.ApplyFailed, results[3].State)
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "fast", cm.Data["mode"])
	require.NotEmpty(t, cm.ManagedFields)
	assert.Equal(t, session.FieldManager, cm.ManagedFields[0].Manager)
	assert.Equal(t, metav1.ManagedFieldsOperationApply, cm.ManagedFields[0].Operation)
	_, err = admin.AppsV1().Deployments(ns).Get(t.Context(), "api", metav1.GetOptions{})
	require.NoError(t, err)
	_, err = admin.RbacV1().ClusterRoles().Get(t.Context(), role, metav1.GetOptions{})
	require.NoError(t, err)

	again, err := s.ApplyYAML(p.Token, false, []int{0})
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.Equal(t, model.ApplyUnchanged, again[0].State)
}

// TestApplyYAMLFieldConflict: a field another manager owns is listed
// with that manager, and the apply changes nothing until forced.
func TestApplyYAMLFieldConflict(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, err := admin.CoreV1().ConfigMaps(ns).Apply(t.Context(),
		applycorev1.ConfigMap("settings", ns).WithData(map[string]string{"mode": "slow"}),
		metav1.ApplyOptions{FieldManager: "other-tool"})
	require.NoError(t, err)
	_, _, s := connectedDemo(t, env)

	text := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"
	p, err := s.PreviewApply([]byte(text), ns)
	require.NoError(t, err)
	require.Len(t, p.Documents, 1)
	assert.True(t, p.Documents[0].Exists)
	assert.Empty(t, p.Documents[0].Error)
	require.Len(t, p.Documents[0].Conflicts, 1, "%+v", p.Documents[0])
	assert.Equal(t, ".data.mode", p.Documents[0].Conflicts[0].Field)
	assert.Equal(t, "other-tool", p.Documents[0].Conflicts[0].Manager)

	r, err := s.ApplyYAML(p.Token, false, nil)
	require.NoError(t, err)
	require.Len(t, r, 1)
	assert.Equal(t, model.ApplyConflict, r[0].State)
	assert.Equal(t, []model.FieldConflict{{Field: ".data.mode", Manager: "other-tool", Message: r[0].Conflicts[0].Message}}, r[0].Conflicts)
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "slow", cm.Data["mode"], "not written without force")

	r, err = s.ApplyYAML(p.Token, true, []int{0})
	require.NoError(t, err)
	require.Len(t, r, 1)
	assert.Equal(t, model.ApplyConfigured, r[0].State, "%+v", r[0])
	cm, err = admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "fast", cm.Data["mode"], "forced")
}

// TestEditRefusedInReadOnlyContext: a read-only context previews (a dry
// run writes nothing) but refuses to apply, before any request.
func TestEditRefusedInReadOnlyContext(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	createDeployment(t, admin, ns, "web")
	rec := &events.Recorder{}
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{env.Kubeconfig()} },
		ReadOnly: func(string) string { return "Crowsnest is in read-only mode (Settings)" },
	})
	t.Cleanup(b.Stop)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)

	info, text := begin(t, s, "deployments", ns, "web")
	p, err := s.PreviewEdit(info.ID, editText(t, text, func(obj map[string]any) { container(obj, 0)["image"] = "web:2" }))
	require.NoError(t, err)
	require.NotEmpty(t, p.Token, "%+v", p)
	_, err = s.ApplyEdit(info.ID, p.Token)
	require.ErrorIs(t, err, session.ErrReadOnly)
	assert.ErrorContains(t, err, "read-only mode (Settings)")
	now, err := admin.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "web:1", now.Spec.Template.Spec.Containers[0].Image)

	ap, err := s.PreviewApply([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), ns)
	require.NoError(t, err)
	_, err = s.ApplyYAML(ap.Token, false, nil)
	require.ErrorIs(t, err, session.ErrReadOnly)
}

// TestEditRefusedByRBAC: the viewer may read but not change objects in
// its namespace; the API's refusal is shown as is and nothing changes.
func TestEditRefusedByRBAC(t *testing.T) {
	env := testcluster.Get(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	ns := controlplane.ViewerNamespace
	name := "edit-rbac-" + strings.ToLower(time.Now().Format("150405.000000"))
	name = strings.ReplaceAll(name, ".", "-")
	_, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"a": "1"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{}) })
	b, _ := newBoard(t, env)
	_, err = b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)

	perm, err := s.Can("update", mustKind(t, s, "configmaps"), ns)
	require.NoError(t, err)
	assert.False(t, perm.Allowed)
	assert.NotEmpty(t, perm.Reason)

	info, text := begin(t, s, "configmaps", ns, name)
	p, err := s.PreviewEdit(info.ID, editText(t, text, func(obj map[string]any) { field(obj, "data")["a"] = "2" }))
	require.NoError(t, err)
	assert.Empty(t, p.Token)
	assert.Contains(t, p.Error, `configmaps "`+name+`" is forbidden`, "the API's message")
	assert.Contains(t, p.Error, `cannot update resource "configmaps"`)

	ap, err := s.PreviewApply([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "+name+"}\ndata: {a: '3'}\n"), ns)
	require.NoError(t, err)
	require.Len(t, ap.Documents, 1)
	assert.Contains(t, ap.Documents[0].Error, "is forbidden")
	r, err := s.ApplyYAML(ap.Token, false, nil)
	require.NoError(t, err)
	assert.Equal(t, model.ApplyFailed, r[0].State)
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(t.Context(), name, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "1", cm.Data["a"], "nothing changed")
}

// BenchmarkPreviewDeployment measures the backend's part of the budget
// "a dry-run diff of a typical Deployment on screen within 300 ms"
// (docs/PERFORMANCE.md): parse the text, send the dry-run update, diff.
func BenchmarkPreviewDeployment(b *testing.B) {
	env := testcluster.Get(b)
	ns := env.Namespace(b)
	admin := env.Client(b, controlplane.ContextDemoAdmin)
	labels := map[string]string{"app": "web"}
	_, err := admin.AppsV1().Deployments(ns).Create(b.Context(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(0)), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "web", Image: "web:1", Ports: []corev1.ContainerPort{{ContainerPort: 8080}}, Env: []corev1.EnvVar{{Name: "MODE", Value: "fast"}}},
				{Name: "proxy", Image: "proxy:1"},
			}}},
		},
	}, metav1.CreateOptions{})
	require.NoError(b, err)
	require.Eventually(b, func() bool {
		d, err := admin.AppsV1().Deployments(ns).Get(b.Context(), "web", metav1.GetOptions{})
		return err == nil && d.Annotations["deployment.kubernetes.io/revision"] != "" && d.Status.ObservedGeneration == d.Generation
	}, 15*time.Second, 20*time.Millisecond, "the deployment controller sees it")
	s := benchSession(b, env)
	info, err := s.BeginEdit(mustKindB(b, s, "deployments"), ns, "web")
	require.NoError(b, err)
	text, err := s.EditText(info.ID)
	require.NoError(b, err)
	mine := []byte(strings.Replace(string(text), "image: web:1", "image: web:2", 1))
	b.ResetTimer()
	for b.Loop() {
		p, err := s.PreviewEdit(info.ID, mine)
		if err != nil || p.Token == "" {
			b.Fatalf("preview: %v %+v", err, p)
		}
	}
}

func mustKindB(b *testing.B, s *session.Session, name string) *kinds.Kind {
	k, err := s.Kind(name)
	require.NoError(b, err)
	return k
}
