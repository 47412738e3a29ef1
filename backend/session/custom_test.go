package session_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/dynamic"

	"crowsnest/backend/events"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// widgets is a CRD of a group of its own per test, so tests sharing the
// control plane never see each other's kinds.
type widgets struct {
	env   *testcluster.Env
	ext   apiextensionsclient.Interface
	dyn   dynamic.Interface
	group string
	// scale gives the CRD a scale subresource over spec.size.
	scale bool
}

func newWidgets(t *testing.T, env *testcluster.Env) *widgets {
	t.Helper()
	cfg := env.Admin(t)
	ext, err := apiextensionsclient.NewForConfig(cfg)
	require.NoError(t, err)
	dyn, err := dynamic.NewForConfig(cfg)
	require.NoError(t, err)
	return &widgets{env: env, ext: ext, dyn: dyn, group: "w" + rand.String(6) + ".test.crowsnest.io"}
}

func (w *widgets) id() string { return "widgets." + w.group }

func (w *widgets) gvr(version string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: w.group, Version: version, Resource: "widgets"}
}

// crd is the Widget CRD at the given versions, the last one stored.
func (w *widgets) crd(versions ...string) *apiextensionsv1.CustomResourceDefinition {
	open := true
	schemaProps := &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
		Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"spec":   {Type: "object", XPreserveUnknownFields: &open},
			"status": {Type: "object", XPreserveUnknownFields: &open},
		}}}
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets." + w.group},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: w.group, Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ShortNames: []string{"wdg"}},
		},
	}
	for i, v := range versions {
		crd.Spec.Versions = append(crd.Spec.Versions, apiextensionsv1.CustomResourceDefinitionVersion{
			Name: v, Served: true, Storage: i == len(versions)-1, Schema: schemaProps,
			Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
			AdditionalPrinterColumns: []apiextensionsv1.CustomResourceColumnDefinition{
				{Name: "Color", Type: "string", JSONPath: ".spec.color"},
				{Name: "Size", Type: "integer", JSONPath: ".spec.size"},
				{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`},
				{Name: "Version", Type: "string", JSONPath: ".apiVersion", Priority: 1},
			},
		})
	}
	if w.scale {
		for i := range crd.Spec.Versions {
			crd.Spec.Versions[i].Subresources.Scale = &apiextensionsv1.CustomResourceSubresourceScale{
				SpecReplicasPath: ".spec.size", StatusReplicasPath: ".status.size"}
		}
	}
	return crd
}

// apply creates or updates the CRD and waits until it is Established.
func (w *widgets) apply(t *testing.T, versions ...string) {
	t.Helper()
	ctx := t.Context()
	want := w.crd(versions...)
	have, err := w.ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, want.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = w.ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, want, metav1.CreateOptions{})
	case err == nil:
		have.Spec.Versions = want.Spec.Versions
		_, err = w.ext.ApiextensionsV1().CustomResourceDefinitions().Update(ctx, have, metav1.UpdateOptions{})
	}
	require.NoError(t, err)
	t.Cleanup(func() { w.delete(t) })
	require.Eventually(t, func() bool {
		crd, err := w.ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, want.Name, metav1.GetOptions{})
		if err != nil {
			return false
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond)
	// Established comes before the resource's storage is ready; a CRD
	// deleted in between waits minutes for its finalizer ("could not list
	// instances: storage is (re)initializing"), so wait for a list.
	require.Eventually(t, func() bool {
		_, err := w.dyn.Resource(w.gvr(versions[len(versions)-1])).List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil
	}, 30*time.Second, 20*time.Millisecond)
}

// delete deletes the CRD and waits until it is gone.
func (w *widgets) delete(t *testing.T) {
	crds := w.ext.ApiextensionsV1().CustomResourceDefinitions()
	err := crds.Delete(context.Background(), "widgets."+w.group, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return
	}
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := crds.Get(context.Background(), "widgets."+w.group, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}, 60*time.Second, 50*time.Millisecond)
}

// put creates or updates one widget (at version v1) with a Ready condition.
func (w *widgets) put(t *testing.T, version, ns, name, color string, size int64, ready string) {
	t.Helper()
	res := w.dyn.Resource(w.gvr(version)).Namespace(ns)
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": w.group + "/" + version, "kind": "Widget",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"color": color, "size": size},
	}}
	have, err := res.Get(t.Context(), name, metav1.GetOptions{})
	if err == nil {
		obj.SetResourceVersion(have.GetResourceVersion())
		have, err = res.Update(t.Context(), obj, metav1.UpdateOptions{})
	} else {
		have, err = res.Create(t.Context(), obj, metav1.CreateOptions{})
	}
	require.NoError(t, err)
	have.Object["status"] = map[string]any{"conditions": []any{map[string]any{
		"type": "Ready", "status": ready, "reason": "Tested", "lastTransitionTime": "2026-12-01T10:00:00Z"}}}
	_, err = res.UpdateStatus(t.Context(), have, metav1.UpdateOptions{})
	require.NoError(t, err)
}

// served reports whether the session lists the kind.
func served(s *session.Session, id string) (model.KindInfo, bool) {
	for _, k := range s.Kinds().Kinds {
		if k.ID == id {
			return k, true
		}
	}
	return model.KindInfo{}, false
}

// cells reads the rows of a view as maps of column id to cell.
func cells(t *testing.T, s *session.Session, id string, k model.KindInfo) map[string]map[string]string {
	t.Helper()
	w, err := s.ViewRows(id, 0, 100)
	require.NoError(t, err)
	out := map[string]map[string]string{}
	for _, r := range w.Rows {
		m := map[string]string{}
		for i, c := range k.Columns {
			m[c.ID] = r.Cells[i]
		}
		out[r.Name] = m
	}
	return out
}

// requests counts the requests a session makes for one API group.
type requests struct {
	group string
	// byPath counts by the request's path instead of its verb.
	byPath bool
	mu     sync.Mutex
	n      map[string]int // by verb: list, watch, get (or by path)
}

func (r *requests) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if strings.HasPrefix(req.URL.Path, "/apis/"+r.group+"/") {
			verb := "list"
			switch {
			case req.URL.Query().Get("watch") == "true":
				verb = "watch"
			case !strings.HasSuffix(req.URL.Path, "/widgets"):
				verb = "get"
			}
			if r.byPath {
				verb = req.URL.Path
			}
			r.mu.Lock()
			r.n[verb]++
			r.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

func (r *requests) get(verb string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[verb]
}

// paths are the keys counted (the paths, when byPath).
func (r *requests) paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for p := range r.n {
		out = append(out, p)
	}
	return out
}

func (r *requests) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.n {
		n += c
	}
	return n
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func countingBoard(t *testing.T, env *testcluster.Env, group string) (*session.Switchboard, *events.Recorder, *requests) {
	t.Helper()
	rec := &events.Recorder{}
	counter := &requests{group: group, n: map[string]int{}}
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{env.Kubeconfig()} },
		WrapTransport: counter.wrap,
	})
	t.Cleanup(b.Stop)
	return b, rec, counter
}

// TestCustomResourcesLive: a CRD applied while the session runs appears
// as a kind with its printer columns; its resources are a live table like
// pods; a CRD whose served version changes keeps the table working; a CRD
// deleted leaves the table in the removed state and nothing asks the
// server for the kind again.
func TestCustomResourcesLive(t *testing.T) {
	env := testcluster.Get(t)
	w := newWidgets(t, env)
	ns := env.Namespace(t)
	b, rec, counter := countingBoard(t, env, w.group)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	_, ok := served(s, w.id())
	require.False(t, ok)
	before := s.Kinds().Version

	w.apply(t, "v1")
	var info model.KindInfo
	require.Eventually(t, func() bool { info, ok = served(s, w.id()); return ok }, 10*time.Second, 10*time.Millisecond,
		"the kind appears once its CRD is Established")
	assert.Greater(t, s.Status().KindsVersion, before, "the status says the kinds changed")
	listed := s.Kinds().Version
	waitCtx, cancelWait := context.WithTimeout(t.Context(), 5*time.Second)
	require.NoError(t, rec.WaitFor(waitCtx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			if st, ok := e.Payload.(model.SessionStatus); ok && st.KindsVersion >= listed {
				return true
			}
		}
		return false
	}), "a status event tells the page, whatever else changes or not")
	cancelWait()
	assert.Equal(t, model.KindInfo{ID: w.id(), Kind: "Widget", Label: "Widgets", Nav: kinds.NavCustom, APIGroup: w.group,
		Version: "v1", Resource: "widgets", Namespaced: true, ShortNames: []string{"wdg"}, Custom: true, Columns: []model.Column{
			{ID: "name", Title: "Name", Type: model.TypeText}, {ID: "namespace", Title: "Namespace", Type: model.TypeText},
			{ID: "color", Title: "Color", Type: model.TypeText}, {ID: "size", Title: "Size", Type: model.TypeInteger},
			{ID: "ready", Title: "Ready", Type: model.TypeText, Health: true},
			{ID: "version", Title: "Version", Type: model.TypeText, Priority: 1},
			{ID: "age", Title: "Age", Type: model.TypeTimestamp}},
		Actions: []model.Action{{ID: "delete", Title: "Delete…", Verb: "delete", Group: w.group, Resource: "widgets", Bulk: true, Danger: true}}}, info)

	w.put(t, "v1", ns, "blue", "blue", 3, "True")
	w.put(t, "v1", ns, "red", "red", 12, "False")
	v, err := s.OpenView(model.ViewSpec{Kind: w.id(), Namespace: ns, SortBy: "size", Desc: true})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(cells(t, s, v.ID, info)) == 2 }, 10*time.Second, 10*time.Millisecond)
	got := cells(t, s, v.ID, info)
	assert.Equal(t, map[string]string{"name": "red", "namespace": ns, "color": "red", "size": "12", "ready": "False",
		"version": w.group + "/v1", "age": got["red"]["age"]}, got["red"])
	win, err := s.ViewRows(v.ID, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"red", "blue"}, []string{win.Rows[0].Name, win.Rows[1].Name}, "sorted by size as integers, descending")
	assert.Equal(t, model.HealthError, win.Rows[0].Health, "a Ready=False resource is an error")

	// Details read the object, with its conditions.
	d, err := s.Details(t.Context(), mustKind(t, s, w.id()), ns, "red")
	require.NoError(t, err)
	require.Len(t, d.Conditions, 1)
	assert.Equal(t, "Tested", d.Conditions[0].Reason)

	// A change of a resource reaches the row.
	w.put(t, "v1", ns, "blue", "navy", 30, "True")
	require.Eventually(t, func() bool {
		return cells(t, s, v.ID, info)["blue"]["color"] == "navy"
	}, 10*time.Second, 10*time.Millisecond)
	win, _ = s.ViewRows(v.ID, 0, 10)
	assert.Equal(t, "blue", win.Rows[0].Name, "moved up: 30 > 12")

	// A new served and stored version: the kind moves to it, the table
	// keeps its rows and follows changes made through the new version.
	w.apply(t, "v1", "v2")
	require.Eventually(t, func() bool { info, _ = served(s, w.id()); return info.Version == "v2" }, 10*time.Second, 10*time.Millisecond)
	w.put(t, "v2", ns, "green", "green", 1, "True")
	require.Eventually(t, func() bool {
		c := cells(t, s, v.ID, info)
		return len(c) == 3 && c["green"]["version"] == w.group+"/v2"
	}, 10*time.Second, 10*time.Millisecond, "rows %v", cells(t, s, v.ID, info))

	// The CRD goes: the kind leaves the list, the table says so, and the
	// session stops asking for it.
	w.delete(t)
	require.Eventually(t, func() bool { _, ok := served(s, w.id()); return !ok }, 10*time.Second, 10*time.Millisecond)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(ctx, func(evs []events.Recorded) bool {
		for _, e := range evs {
			if n, ok := e.Payload.(model.ViewNotice); ok && n.ViewID == v.ID && n.Removed && n.Count == 0 {
				return true
			}
		}
		return false
	}), "the open table was told its kind was removed")
	_, err = s.Kind(w.id())
	assert.ErrorIs(t, err, kinds.ErrUnknownKind)
	after := counter.total()
	// A retry loop would have asked again by the time a pod created now
	// has been scheduled and started by kwok (seconds, well past client-go's
	// first backoff).
	waitPodRunning(t, env, ns)
	assert.Equal(t, after, counter.total(), "no request for a removed kind")
}

// TestOneListAndWatchPerCustomKind: views, details and queries of a custom
// kind share one LIST+WATCH.
func TestOneListAndWatchPerCustomKind(t *testing.T) {
	env := testcluster.Get(t)
	w := newWidgets(t, env)
	ns := env.Namespace(t)
	w.apply(t, "v1")
	w.put(t, "v1", ns, "one", "blue", 1, "True")
	b, _, counter := countingBoard(t, env, w.group)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	require.Eventually(t, func() bool { _, ok := served(s, w.id()); return ok }, 10*time.Second, 10*time.Millisecond)
	k := mustKind(t, s, w.id())
	for i := range 10 {
		spec := model.ViewSpec{Kind: w.id(), SortBy: []string{"", "name", "size", "color"}[i%4]}
		if i%2 == 0 {
			spec.Namespace = ns
		}
		v, err := s.OpenView(spec)
		require.NoError(t, err)
		if i%3 == 0 {
			s.CloseView(v.ID)
		}
	}
	require.Eventually(t, func() bool { return s.Status().Watches > 0 && counter.get("watch") >= 1 }, 10*time.Second, 10*time.Millisecond)
	// Details compare the full object they keep with the cache's
	// resourceVersion: before the kind has synced there is none to compare.
	require.Eventually(t, func() bool {
		for _, ks := range s.Status().Kinds {
			if ks.Kind == w.id() {
				return ks.State == string(informer.StateSynced)
			}
		}
		return false
	}, 30*time.Second, 10*time.Millisecond, "the custom kind synced")
	id, err := s.WatchDetails(k, ns, "one")
	require.NoError(t, err)
	defer s.UnwatchDetails(id)
	_, err = s.Details(t.Context(), k, ns, "one")
	require.NoError(t, err)
	_, err = s.Details(t.Context(), k, ns, "one")
	require.NoError(t, err)
	b.Stop() // no request after this: the counts are final
	assert.Equal(t, 1, counter.get("watch"), "one watch")
	assert.LessOrEqual(t, counter.get("list"), 1, "at most one list (a watch list needs none)")
	assert.Equal(t, 1, counter.get("get"), "details read the object once: it did not change between the two reads")
}

// TestViewerSeesCustomResourcesInItsNamespace: the demo viewer may read
// everything in shop and nothing else, CRDs included: the kind comes from
// discovery, and its informer watches shop only.
func TestViewerSeesCustomResourcesInItsNamespace(t *testing.T) {
	env := testcluster.Get(t)
	w := newWidgets(t, env)
	other := env.Namespace(t)
	w.apply(t, "v1")
	w.put(t, "v1", controlplane.ViewerNamespace, "mine", "blue", 1, "True")
	t.Cleanup(func() {
		_ = w.dyn.Resource(w.gvr("v1")).Namespace(controlplane.ViewerNamespace).Delete(context.Background(), "mine", metav1.DeleteOptions{})
	})
	w.put(t, "v1", other, "theirs", "red", 2, "True")

	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	var info model.KindInfo
	var ok bool
	require.Eventually(t, func() bool { info, ok = served(s, w.id()); return ok }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, kinds.NavCustom, info.Nav, "a group that is not Kubernetes' own is custom")
	v, err := s.OpenView(model.ViewSpec{Kind: w.id()})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return s.Status().Watches > 0 && len(cells(t, s, v.ID, info)) == 1 }, 10*time.Second, 10*time.Millisecond)
	assert.Contains(t, cells(t, s, v.ID, info), "mine")
	for _, k := range s.Status().Kinds {
		if k.Kind == w.id() {
			assert.Equal(t, []string{controlplane.ViewerNamespace}, k.Namespaces, "watched in shop only")
		}
	}
}

// TestCRDsComeAndGoWithoutLeaks: fifty CRDs applied and deleted while a
// session shows them leave no goroutine behind once the session stops.
func TestCRDsComeAndGoWithoutLeaks(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	before := goleak.IgnoreCurrent()
	func() {
		b, _ := newBoard(t, env)
		defer b.Stop()
		_, err := b.Switch(controlplane.ContextDemoAdmin)
		require.NoError(t, err)
		waitConnected(t, b)
		s := mustCurrent(t, b)
		for i := range 50 {
			w := newWidgets(t, env)
			w.apply(t, "v1")
			require.Eventually(t, func() bool { _, ok := served(s, w.id()); return ok }, 10*time.Second, 10*time.Millisecond, "round %d", i)
			v, err := s.OpenView(model.ViewSpec{Kind: w.id(), Namespace: ns})
			require.NoError(t, err)
			w.delete(t)
			require.Eventually(t, func() bool { _, ok := served(s, w.id()); return !ok }, 10*time.Second, 10*time.Millisecond, "round %d", i)
			s.CloseView(v.ID)
		}
	}()
	assert.Eventually(t, func() bool { return goleak.Find(before) == nil }, 10*time.Second, 50*time.Millisecond)
	goleak.VerifyNone(t, before)
}

// waitPodRunning creates a pod and waits until kwok has it Running.
func waitPodRunning(t *testing.T, env *testcluster.Env, ns string) {
	t.Helper()
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	name := fmt.Sprintf("probe-%s", rand.String(5))
	_, err := cs.CoreV1().Pods(ns).Create(t.Context(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example.com/probe"}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		p, err := cs.CoreV1().Pods(ns).Get(t.Context(), name, metav1.GetOptions{})
		return err == nil && p.Status.Phase == "Running"
	}, 30*time.Second, 20*time.Millisecond)
}
