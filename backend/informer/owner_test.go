package informer_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	extensionsfake "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/fake"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	metadatafake "k8s.io/client-go/metadata/fake"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
)

func pod(ns, name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Namespace: ns, Name: name, UID: types.UID("uid-" + name),
		Annotations: map[string]string{
			corev1.LastAppliedConfigAnnotation: `{"secret":"value"}`,
			"team":                             "shop",
		},
		ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}},
		OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1", UID: "rs-uid"}},
	}, Spec: corev1.PodSpec{NodeName: "node-a", Containers: []corev1.Container{{
		Name: "app", Image: "img/app:1", Env: []corev1.EnvVar{{Name: "PASSWORD", Value: "x"}},
		ReadinessProbe: &corev1.Probe{InitialDelaySeconds: 3},
	}}}, Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{
		Name: "app", RestartCount: 3, Image: "img/app:1", ImageID: "sha256:abc",
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 5m"}},
	}}}}
}

func newOwner(t *testing.T, onStatus func(informer.Status), objs ...runtime.Object) *informer.Owner {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, metav1.AddMetaToScheme(scheme))
	require.NoError(t, corev1.AddToScheme(scheme))
	o := informer.New(context.Background(), informer.Options{
		Client:   fake.NewClientset(objs...),
		Metadata: metadatafake.NewSimpleMetadataClient(scheme),
		OnStatus: onStatus,
	})
	t.Cleanup(o.Stop)
	return o
}

func TestInformerIsRegisteredOnce(t *testing.T) {
	o := newOwner(t, nil)
	var wg sync.WaitGroup
	got := make([]*informer.Handle, 20)
	for i := range got {
		wg.Go(func() {
			inf, err := o.Informer(kinds.Builtin(kinds.Pods))
			assert.NoError(t, err)
			got[i] = inf
		})
	}
	wg.Wait()
	for _, inf := range got {
		assert.Same(t, got[0], inf)
	}
	assert.Equal(t, []kinds.ID{kinds.Pods}, o.Started())
}

func TestStoreHoldsStrippedObjects(t *testing.T) {
	o := newOwner(t, nil, pod("shop", "web-1"))
	inf, err := o.Informer(kinds.Builtin(kinds.Pods))
	require.NoError(t, err)
	require.True(t, cache.WaitForCacheSync(t.Context().Done(), inf.HasSynced))

	obj, ok, err := inf.GetByKey("shop/web-1")
	require.NoError(t, err)
	require.True(t, ok)
	p := obj.(*kinds.PodSummary)
	assert.Empty(t, p.ManagedFields)
	assert.Empty(t, p.Annotations, "cached pods keep no annotations")
	assert.Equal(t, "node-a", p.NodeName)
	assert.Equal(t, []kinds.ContainerSummary{{Name: "app", Image: "img/app:1", HasStatus: true, Restarts: 3,
		State: kinds.ContainerWaiting, Reason: "CrashLoopBackOff"}}, p.Containers,
		"name, image and state; no env, probes or messages")
	assert.Equal(t, "ReplicaSet", p.OwnerReferences[0].Kind)

	byOwner, err := inf.ByIndex(kinds.OwnerIndex, "rs-uid")
	require.NoError(t, err)
	assert.Len(t, byOwner, 1)
	byNode, err := inf.ByIndex(kinds.NodeIndex, "node-a")
	require.NoError(t, err)
	assert.Len(t, byNode, 1)
}

func TestOtherKindsKeepTheirAnnotations(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cfg", Annotations: map[string]string{
		corev1.LastAppliedConfigAnnotation: "{}", "team": "shop"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}}
	out, err := informer.StripForCache(cm)
	require.NoError(t, err)
	got := out.(*corev1.ConfigMap)
	assert.Equal(t, map[string]string{"team": "shop"}, got.Annotations)
	assert.Empty(t, got.ManagedFields)
}

func TestStatusFollowsSync(t *testing.T) {
	var mu sync.Mutex
	var seen []informer.State
	o := newOwner(t, func(s informer.Status) {
		if s.Kind == kinds.Pods {
			mu.Lock()
			seen = append(seen, s.State)
			mu.Unlock()
		}
	})
	for _, s := range o.Statuses() {
		assert.Equal(t, informer.StatePending, s.State, s.Kind)
	}
	_, err := o.Informer(kinds.Builtin(kinds.Pods))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return o.Synced(kinds.Pods) }, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == 2
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, []informer.State{informer.StateSyncing, informer.StateSynced}, seen)
	assert.Equal(t, informer.StateSynced, o.Statuses()[0].State)
}

func TestSecretsAreMetadataOnly(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, metav1.AddMetaToScheme(scheme))
	secret := &metav1.PartialObjectMetadata{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db"},
	}
	o := informer.New(context.Background(), informer.Options{
		Client: fake.NewClientset(), Metadata: metadatafake.NewSimpleMetadataClient(scheme, secret),
	})
	t.Cleanup(o.Stop)
	inf, err := o.Informer(kinds.Builtin(kinds.Secrets))
	require.NoError(t, err)
	require.True(t, cache.WaitForCacheSync(t.Context().Done(), inf.HasSynced))
	obj, ok, err := inf.GetByKey("shop/db")
	require.NoError(t, err)
	require.True(t, ok)
	assert.IsType(t, &metav1.PartialObjectMetadata{}, obj, "the cache never holds secret values")
}

func TestUnavailableKindAndStopped(t *testing.T) {
	o := newOwner(t, nil)
	missing := *kinds.Builtin(kinds.Pods)
	missing.Unavailable = "this cluster does not serve pods (v1)"
	_, err := o.Informer(&missing)
	assert.ErrorContains(t, err, "this cluster does not serve pods")
	o.Stop()
	_, err = o.Informer(kinds.Builtin(kinds.Pods))
	assert.ErrorIs(t, err, informer.ErrStopped)
	o.Stop() // twice is fine
}

func TestStopLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for range 20 {
		scheme := runtime.NewScheme()
		require.NoError(t, metav1.AddMetaToScheme(scheme))
		o := informer.New(context.Background(), informer.Options{
			Client: fake.NewClientset(pod("shop", "a")), Metadata: metadatafake.NewSimpleMetadataClient(scheme),
			Extensions: extensionsfake.NewClientset(),
			OnStatus:   func(informer.Status) {},
		})
		for _, k := range kinds.Builtins() {
			_, err := o.Informer(k)
			require.NoError(t, err)
		}
		o.Stop()
	}
}

func TestStripForCacheLeavesOtherTypesAlone(t *testing.T) {
	tomb := cache.DeletedFinalStateUnknown{Key: "a/b"}
	out, err := informer.StripForCache(tomb)
	require.NoError(t, err)
	assert.Equal(t, tomb, out)
}

// checker allows what its map says: "" for cluster-wide, else namespaces.
type checker struct {
	allowed    map[string]bool
	namespaces []string
	err        error
}

func (c checker) Allowed(_ context.Context, _ schema.GroupVersionResource, ns string) (bool, error) {
	return c.allowed[ns], c.err
}
func (c checker) Namespaces(context.Context) ([]string, error) { return c.namespaces, nil }

func TestInformersFollowAccess(t *testing.T) {
	tests := []struct {
		name       string
		access     checker
		kind       kinds.ID
		state      informer.State
		namespaces []string
		count      int
	}{
		{"cluster-wide", checker{allowed: map[string]bool{"": true}}, kinds.Pods, informer.StateSynced, nil, 3},
		{"some namespaces", checker{allowed: map[string]bool{"a": true, "c": true}, namespaces: []string{"a", "b", "c"}},
			kinds.Pods, informer.StateSynced, []string{"a", "c"}, 2},
		{"nowhere", checker{allowed: map[string]bool{}, namespaces: []string{"a", "b"}}, kinds.Pods, informer.StateForbidden, nil, 0},
		{"cluster-scoped kind denied", checker{allowed: map[string]bool{"a": true}, namespaces: []string{"a"}},
			kinds.Nodes, informer.StateForbidden, nil, 0},
		{"access unknown: try cluster-wide", checker{err: errors.New("review failed")}, kinds.Pods, informer.StateSynced, nil, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := informer.New(context.Background(), informer.Options{
				Client: fake.NewClientset(pod("a", "p1"), pod("b", "p2"), pod("c", "p3")),
				Access: tc.access,
			})
			defer o.Stop()
			h, err := o.Informer(kinds.Builtin(tc.kind))
			require.NoError(t, err)
			var st informer.Status
			require.Eventually(t, func() bool {
				st = o.Status(tc.kind)
				return st.State == tc.state
			}, 10*time.Second, 5*time.Millisecond, "state %s", st.State)
			assert.Equal(t, tc.namespaces, st.Namespaces)
			assert.Equal(t, tc.namespaces, h.Namespaces())
			assert.Equal(t, tc.count, o.Count(tc.kind))
			assert.Len(t, h.List(), tc.count)
			if tc.state == informer.StateForbidden {
				assert.ErrorContains(t, st.Err, "no access")
				assert.False(t, o.Synced(tc.kind))
			}
		})
	}
}

func TestCountsPerNamespace(t *testing.T) {
	cs := fake.NewClientset(pod("a", "p1"), pod("a", "p2"), pod("b", "p3"))
	o := informer.New(context.Background(), informer.Options{Client: cs})
	defer o.Stop()
	_, err := o.Informer(kinds.Builtin(kinds.Pods))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return o.Synced(kinds.Pods) }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, 2, o.CountIn(kinds.Pods, "a"))
	assert.Equal(t, 1, o.CountIn(kinds.Pods, "b"))
	assert.Zero(t, o.CountIn(kinds.Pods, "c"))
	assert.Zero(t, o.CountIn(kinds.Deployments, "a"), "a kind not started counts nothing")

	ctx := t.Context()
	_, err = cs.CoreV1().Pods("c").Create(ctx, pod("c", "p4"), metav1.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, cs.CoreV1().Pods("a").Delete(ctx, "p1", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool {
		return o.CountIn(kinds.Pods, "a") == 1 && o.CountIn(kinds.Pods, "c") == 1
	}, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, 1, o.CountIn(kinds.Pods, "b"))
	assert.Equal(t, 3, o.Count(kinds.Pods))
}
