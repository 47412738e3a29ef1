package session_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// watchKind opens a view of kind in ns (so its informer runs) and waits
// until the kind has synced.
func watchKind(t *testing.T, s *session.Session, kind, ns string) {
	t.Helper()
	_, err := s.OpenView(model.ViewSpec{Kind: kind, Namespace: ns})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		for _, k := range s.Status().Kinds {
			if k.Kind == kind {
				return k.State == "synced"
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond)
}

// timeline returns an object's entries that are not gaps, oldest first.
func timeline(t *testing.T, s *session.Session, kind, ns, name string) []model.ChangeEntry {
	t.Helper()
	tl, err := s.Timeline(mustKind(t, s, kind), ns, name)
	require.NoError(t, err)
	var out []model.ChangeEntry
	for i := len(tl.Entries) - 1; i >= 0; i-- {
		if e := tl.Entries[i]; e.Op != model.ChangeGap {
			out = append(out, e)
		}
	}
	return out
}

// fieldEntry waits for the object's entry that changes path, and returns
// it with that field.
func fieldEntry(t *testing.T, s *session.Session, kind, ns, name, path string) (model.ChangeEntry, model.FieldChange) {
	t.Helper()
	var entry model.ChangeEntry
	var field model.FieldChange
	require.Eventually(t, func() bool {
		for _, e := range timeline(t, s, kind, ns, name) {
			for _, f := range e.Fields {
				if f.Path == path {
					entry, field = e, f
					return true
				}
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "no entry of %s %s changing %s: %+v", kind, name, path, timeline(t, s, kind, ns, name))
	return entry, field
}

// managersOf names the managers an entry attributes a field to.
func managersOf(e model.ChangeEntry, f model.FieldChange) []string {
	var out []string
	for _, i := range f.Managers {
		out = append(out, e.Managers[i].Name)
	}
	return out
}

// TestChangeTimeline: patches of a Deployment by three field managers are
// three entries with their fields and managers; a scale is spec.replicas
// 1 → 3 by its manager; a write that changes nothing is no entry; a
// ConfigMap's keys added and removed; a Secret's change is "changed",
// never a value; the Changes view filters by namespace and manager.
func TestChangeTimeline(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	_, rec, s := connectedDemo(t, env)
	ctx := t.Context()
	for _, k := range []string{"deployments", "configmaps", "secrets"} {
		watchKind(t, s, k, ns)
	}

	deps := admin.AppsV1().Deployments(ns)
	labels := map[string]string{"app": "web"}
	_, err := deps.Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25"}}}}},
	}, metav1.CreateOptions{FieldManager: "creator"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		es := timeline(t, s, "deployments", ns, "web")
		return len(es) > 0 && es[0].Op == model.ChangeCreated && len(es[0].Managers) > 0 && es[0].Managers[0].Name == "creator"
	}, 30*time.Second, 20*time.Millisecond, "created by creator: %+v", timeline(t, s, "deployments", ns, "web"))

	patch := func(manager, body string) {
		t.Helper()
		_, err := deps.Patch(ctx, "web", types.StrategicMergePatchType, []byte(body), metav1.PatchOptions{FieldManager: manager})
		require.NoError(t, err)
	}
	patch("alice", `{"metadata":{"labels":{"tier":"front"}}}`)
	patch("bob", `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}}}`)
	patch("carol", `{"spec":{"minReadySeconds":5}}`)

	for _, want := range []struct{ manager, path, old, new string }{
		{"alice", "metadata.labels.tier", "", `"front"`},
		{"bob", "spec.template.spec.containers[name=app].image", `"nginx:1.25"`, `"nginx:1.26"`},
		{"carol", "spec.minReadySeconds", "0", "5"},
	} {
		e, f := fieldEntry(t, s, "deployments", ns, "web", want.path)
		assert.Equal(t, want.old, f.Old, want.path)
		assert.Equal(t, want.new, f.New, want.path)
		assert.Equal(t, []string{want.manager}, managersOf(e, f), want.path)
		assert.Len(t, e.Fields, 1, "only %s changed in %+v", want.path, e)
		assert.Equal(t, "Update", e.Managers[f.Managers[0]].Operation)
	}

	_, err = deps.UpdateScale(ctx, "web", &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: autoscalingv1.ScaleSpec{Replicas: 3}}, metav1.UpdateOptions{FieldManager: "scaler"})
	require.NoError(t, err)
	e, f := fieldEntry(t, s, "deployments", ns, "web", "spec.replicas")
	assert.Equal(t, "1", f.Old)
	assert.Equal(t, "3", f.New)
	require.Equal(t, []string{"scaler"}, managersOf(e, f))
	assert.Equal(t, "scale", e.Managers[f.Managers[0]].Subresource)

	// A write that changes nothing keeps the resourceVersion: no entry.
	// The ConfigMap that follows is observed after it, so by then the
	// no-op would have been recorded.
	before := len(timeline(t, s, "deployments", ns, "web"))
	patch("carol", `{"spec":{"minReadySeconds":5}}`)

	cms := admin.CoreV1().ConfigMaps(ns)
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"a": "1"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cms.Patch(ctx, "settings", types.MergePatchType, []byte(`{"data":{"b":"2"}}`), metav1.PatchOptions{FieldManager: "editor"})
	require.NoError(t, err)
	_, err = cms.Patch(ctx, "settings", types.MergePatchType, []byte(`{"data":{"a":null}}`), metav1.PatchOptions{FieldManager: "editor"})
	require.NoError(t, err)
	e, f = fieldEntry(t, s, "configmaps", ns, "settings", "data.b")
	assert.Equal(t, model.FieldChange{Path: "data.b", New: `"2"`, Managers: f.Managers}, f, "added")
	assert.Equal(t, []string{"editor"}, managersOf(e, f))
	// An Update that only removes a field leaves no trace of its writer
	// in managedFields (the field's owner only loses it): no manager.
	e, f = fieldEntry(t, s, "configmaps", ns, "settings", "data.a")
	assert.Equal(t, model.FieldChange{Path: "data.a", Old: `"1"`}, f, "removed")
	assert.Empty(t, managersOf(e, f))
	for _, e := range timeline(t, s, "deployments", ns, "web")[before:] {
		for _, f := range e.Fields {
			assert.NotEqual(t, "spec.minReadySeconds", f.Path, "the no-op write was recorded: %+v", e)
		}
	}

	secrets := admin.CoreV1().Secrets(ns)
	_, err = secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db"}, StringData: map[string]string{"password": "hunter2-old"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = secrets.Patch(ctx, "db", types.MergePatchType, []byte(`{"stringData":{"password":"hunter2-new"}}`), metav1.PatchOptions{FieldManager: "rotator"})
	require.NoError(t, err)
	e, f = fieldEntry(t, s, "secrets", ns, "db", "data")
	assert.True(t, f.Hidden, "shown as changed")
	assert.Empty(t, f.Old)
	assert.Empty(t, f.New)
	assert.Equal(t, []string{"rotator"}, managersOf(e, f))
	assert.Contains(t, e.Note, "metadata only")
	for _, e := range timeline(t, s, "secrets", ns, "db") {
		for _, f := range e.Fields {
			for _, v := range []string{f.Old, f.New} {
				assert.NotContains(t, v, "hunter2")
				assert.NotContains(t, v, "aHVudGVy") // base64 of "hunter"
			}
		}
	}

	// The Changes view: by namespace and manager, newest first, with
	// notices through the Coalescer.
	info, err := s.OpenChanges(model.ChangeFilter{Namespace: ns, Manager: "scaler"})
	require.NoError(t, err)
	w, err := s.ChangesWindow(info.ID, 0, 50)
	require.NoError(t, err)
	var found []string
	for _, e := range w.Entries {
		if e.Op == model.ChangeGap {
			continue
		}
		found = append(found, e.Name)
		assert.Equal(t, ns, e.Namespace)
	}
	assert.Equal(t, []string{"web"}, found)
	other, err := s.OpenChanges(model.ChangeFilter{Namespace: ns + "-other"})
	require.NoError(t, err)
	w, err = s.ChangesWindow(other.ID, 0, 50)
	require.NoError(t, err)
	for _, e := range w.Entries {
		assert.Equal(t, model.ChangeGap, e.Op, "another namespace shows only gaps")
	}
	// (ConfigMaps only: the Deployment's controllers are still at work.)
	all, err := s.OpenChanges(model.ChangeFilter{Namespace: ns, Kind: "configmaps"})
	require.NoError(t, err)
	_, err = cms.Patch(ctx, "settings", types.MergePatchType, []byte(`{"data":{"c":"3"}}`), metav1.PatchOptions{FieldManager: "late"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		for _, ev := range rec.Events() {
			if n, ok := ev.Payload.(model.ChangesNotice); ok && n.ViewID == all.ID && n.Count > all.Count {
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "a notice of the new change")
	w, err = s.ChangesWindow(all.ID, 0, 1)
	require.NoError(t, err)
	require.Len(t, w.Entries, 1)
	assert.Equal(t, "settings", w.Entries[0].Name, "newest first")
	assert.Equal(t, "late", w.Entries[0].Managers[0].Name)
	s.CloseChanges(info.ID)
	_, err = s.ChangesWindow(info.ID, 0, 1)
	assert.Error(t, err)

	// Compare with now, and restore through the editor's text.
	e, _ = fieldEntry(t, s, "deployments", ns, "web", "spec.replicas")
	cmp, err := s.CompareChange(e.Seq)
	require.NoError(t, err)
	assert.True(t, cmp.Exists)
	assert.Equal(t, []string{"3"}, cmp.Now)
	ed, err := s.BeginRestore(e.Seq)
	require.NoError(t, err)
	text, err := s.EditText(ed.ID)
	require.NoError(t, err)
	assert.Contains(t, string(text), "replicas: 1")
	s.EndEdit(ed.ID)
	live, err := deps.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(3), *live.Spec.Replicas, "restoring begins an edit; nothing is written")
}

// TestChangeTimelineGapOnRestart: the API server restarts while the
// session is cut off from it; the timeline marks the time not observed.
func TestChangeTimelineGapOnRestart(t *testing.T) {
	opts, admin, proxy, b := privateControlPlane(t)
	ctx := t.Context()
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	watchKind(t, s, "configmaps", "default")
	info, err := s.OpenChanges(model.ChangeFilter{Kind: "configmaps"})
	require.NoError(t, err)

	cms := admin.CoreV1().ConfigMaps("default")
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "before"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	fieldless := func(name string) bool {
		w, err := s.ChangesWindow(info.ID, 0, 100)
		require.NoError(t, err)
		for _, e := range w.Entries {
			if e.Name == name {
				return true
			}
		}
		return false
	}
	require.Eventually(t, func() bool { return fieldless("before") }, 30*time.Second, 20*time.Millisecond)

	require.NoError(t, proxy.Refuse(true))
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseReconnecting }, 60*time.Second, 50*time.Millisecond)
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "while-down"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, controlplane.RestartAPIServer(ctx, opts, controlplane.Demo))
	require.NoError(t, proxy.Refuse(false))
	require.Eventually(t, func() bool { return b.Status().Phase == model.PhaseConnected }, 60*time.Second, 50*time.Millisecond)
	require.Eventually(t, func() bool { return fieldless("while-down") }, 60*time.Second, 50*time.Millisecond)

	w, err := s.ChangesWindow(info.ID, 0, 100)
	require.NoError(t, err)
	var gap *model.ChangeEntry
	for i, e := range w.Entries {
		if e.Op == model.ChangeGap && strings.HasPrefix(e.Reason, "connection lost") {
			gap = &w.Entries[i]
		}
	}
	require.NotNil(t, gap, "a gap marker: %+v", w.Entries)
	assert.NotZero(t, gap.GapFrom)
	assert.Greater(t, gap.GapTo, gap.GapFrom)
	var kinds []string
	for _, e := range w.Entries {
		kinds = append(kinds, e.Op+":"+e.Name+":"+e.Reason)
	}
	t.Logf("entries: %v", kinds)
}

// privatePortBase is the port base of a test's own control plane:
// CROWSNEST_TEST_PRIVATE_PORT_BASE when set (a developer's own range),
// else a free range below the fixed bases.
func privatePortBase() (int, error) {
	if v := os.Getenv("CROWSNEST_TEST_PRIVATE_PORT_BASE"); v != "" {
		return strconv.Atoi(v)
	}
	return testcluster.FreePortBase()
}
