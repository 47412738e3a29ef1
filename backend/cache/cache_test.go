package cache_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/cache"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
)

func meta(ns, name string, labels map[string]string, owner types.UID) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + name), Labels: labels}
	if owner != "" {
		m.OwnerReferences = []metav1.OwnerReference{{UID: owner, Controller: new(true)}}
	}
	return m
}

func fixture(t *testing.T) *cache.Reader {
	t.Helper()
	objs := []runtime.Object{
		&appsv1.Deployment{ObjectMeta: meta("shop", "web", map[string]string{"app": "web"}, "")},
		&appsv1.ReplicaSet{ObjectMeta: meta("shop", "web-1", map[string]string{"app": "web"}, "uid-web")},
		&corev1.Pod{ObjectMeta: meta("shop", "web-1-a", map[string]string{"app": "web", "tier": "front", "env": "prod"}, "uid-web-1"), Spec: corev1.PodSpec{NodeName: "n1"}},
		&corev1.Pod{ObjectMeta: meta("shop", "web-1-b", map[string]string{"app": "web", "tier": "front", "env": "dev"}, "uid-web-1"), Spec: corev1.PodSpec{NodeName: "n2"}},
		&corev1.Pod{ObjectMeta: meta("shop", "db-0", map[string]string{"app": "db", "tier": "db", "env": "prod"}, ""), Spec: corev1.PodSpec{NodeName: "n1"}},
		&corev1.Pod{ObjectMeta: meta("payments", "api-1", map[string]string{"app": "api", "env": "prod"}, ""), Spec: corev1.PodSpec{NodeName: "n1"}},
		&corev1.Service{ObjectMeta: meta("shop", "web", nil, ""), Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}}},
		&corev1.Event{ObjectMeta: meta("shop", "web-1-a.1", nil, ""), InvolvedObject: corev1.ObjectReference{UID: "uid-web-1-a"}, Reason: "Started"},
	}
	o := informer.New(context.Background(), informer.Options{Client: fake.NewClientset(objs...)})
	t.Cleanup(o.Stop)
	r := cache.New(o)
	for _, k := range []kinds.ID{kinds.Deployments, kinds.ReplicaSets, kinds.Pods, kinds.Services, kinds.Events} {
		inf, err := o.Informer(kinds.Builtin(k))
		require.NoError(t, err)
		require.True(t, toolscache.WaitForCacheSync(t.Context().Done(), inf.HasSynced))
	}
	return r
}

func names(objs []any) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.(metav1.Object).GetName())
	}
	return out
}

func TestListBySelector(t *testing.T) {
	r := fixture(t)
	tests := []struct {
		name, ns, selector string
		want               []string
	}{
		{"all namespaces", "", "", []string{"web-1-a", "web-1-b", "db-0", "api-1"}},
		{"one namespace", "shop", "", []string{"web-1-a", "web-1-b", "db-0"}},
		{"equality and inequality", "", "app=web,tier!=db", []string{"web-1-a", "web-1-b"}},
		{"set based", "", "env in (prod),app notin (db)", []string{"web-1-a", "api-1"}},
		{"exists", "shop", "!tier", nil},
		{"no match", "payments", "app=web", nil},
		{"indexed label, one namespace", "shop", "tier=front", []string{"web-1-a", "web-1-b"}},
		{"indexed label plus other requirements", "", "app in (web),env=prod", []string{"web-1-a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := cache.ParseSelector(tt.selector)
			require.NoError(t, err)
			got, err := r.List(kinds.Builtin(kinds.Pods), tt.ns, sel)
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, names(got))
		})
	}
}

func TestInvalidSelector(t *testing.T) {
	_, err := cache.ParseSelector("app==web,=x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid label selector "app==web,=x"`)
}

func TestOwnersNodesServicesEvents(t *testing.T) {
	r := fixture(t)
	rs, err := r.Dependents(kinds.Builtin(kinds.ReplicaSets), "uid-web")
	require.NoError(t, err)
	assert.Equal(t, []string{"web-1"}, names(rs))
	pods, err := r.Dependents(kinds.Builtin(kinds.Pods), "uid-web-1")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"web-1-a", "web-1-b"}, names(pods))

	onNode, err := r.ByIndex(kinds.Builtin(kinds.Pods), kinds.NodeIndex, "n1")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"web-1-a", "db-0", "api-1"}, names(onNode))

	svc, ok, err := r.Get(kinds.Builtin(kinds.Services), "shop", "web")
	require.NoError(t, err)
	require.True(t, ok)
	sel := labels.SelectorFromSet(svc.(*corev1.Service).Spec.Selector)
	selected, err := r.List(kinds.Builtin(kinds.Pods), "shop", sel)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"web-1-a", "web-1-b"}, names(selected))

	events, err := r.EventsFor("uid-web-1-a")
	require.NoError(t, err)
	assert.Equal(t, []string{"web-1-a.1"}, names(events))
}

// FuzzParseSelector: the label selector of a view never panics the parser,
// and what it accepts prints as a selector that parses to the same one.
func FuzzParseSelector(f *testing.F) {
	for _, s := range []string{"app=web,tier!=db", "env in (a,b)", "!canary", "app", "app==web,=x", "a in (", "x notin ()", "a.b/c-d=e_f", ""} {
		f.Add(s, "app=web,tier=db,env=a")
	}
	f.Fuzz(func(t *testing.T, s, set string) {
		sel, err := cache.ParseSelector(s)
		if err != nil {
			assert.Contains(t, err.Error(), "invalid label selector")
			return
		}
		again, err := cache.ParseSelector(sel.String())
		require.NoError(t, err, "printed as %q", sel.String())
		assert.Equal(t, sel.String(), again.String())
		if lbls, err := labels.ConvertSelectorToLabelsMap(set); err == nil {
			assert.Equal(t, sel.Matches(lbls), again.Matches(lbls))
		}
	})
}
