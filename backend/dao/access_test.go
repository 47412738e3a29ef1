package dao_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	metadatafake "k8s.io/client-go/metadata/fake"
	k8stesting "k8s.io/client-go/testing"

	"crowsnest/backend/dao"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
)

func unstructuredPod(name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{
			"name": name, "namespace": "shop", "labels": map[string]any{"app": "web"},
			"managedFields": []any{map[string]any{"manager": "kubectl"}},
		},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "app", "image": "img:1"}}},
	}}
}

// TestListComesFromAPIUntilSynced holds the informer's initial list, so the
// kind cannot sync, and checks that reads come from the live API meanwhile
// and from the cache afterwards.
func TestListComesFromAPIUntilSynced(t *testing.T) {
	release := make(chan struct{})
	cs := fake.NewClientset(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "from-cache", Namespace: "shop", Labels: map[string]string{"app": "web"}}})
	cs.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		<-release
		return false, nil, nil
	})
	scheme := runtime.NewScheme()
	require.NoError(t, corev1.AddToScheme(scheme))
	dyn := dynamicfake.NewSimpleDynamicClient(scheme, unstructuredPod("from-api"))
	require.NoError(t, metav1.AddMetaToScheme(scheme))
	md := metadatafake.NewSimpleMetadataClient(scheme)

	o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md})
	t.Cleanup(o.Stop)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	a := dao.New(o, dyn, md)

	pods := kinds.Builtin(kinds.Pods)
	objs, err := a.List(t.Context(), pods, "shop", "app=web")
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, "from-api", pods.Row(objs[0]).Name)
	obj, err := a.Get(t.Context(), pods, "shop", "from-api")
	require.NoError(t, err)
	assert.Empty(t, obj.(*kinds.PodSummary).ManagedFields, "live reads are summarized like cached ones")

	close(release)
	require.Eventually(t, func() bool { return o.Synced(kinds.Pods) }, 10*time.Second, 10*time.Millisecond)
	objs, err = a.List(t.Context(), pods, "shop", "app=web")
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, "from-cache", pods.Row(objs[0]).Name)
	_, err = a.Get(t.Context(), pods, "shop", "from-api")
	assert.True(t, apierrors.IsNotFound(err), "not in the synced cache is the API's NotFound: %v", err)
	assert.EqualError(t, err, `get pods shop/from-api: pods "from-api" not found`)
}

func TestListRejectsBadInput(t *testing.T) {
	o := informer.New(context.Background(), informer.Options{Client: fake.NewClientset()})
	t.Cleanup(o.Stop)
	a := dao.New(o, nil, nil)
	_, err := a.List(t.Context(), kinds.Builtin(kinds.Pods), "", "app in (a")
	assert.ErrorContains(t, err, `invalid label selector "app in (a"`)
}

func TestDetailsYAMLRedactsSecrets(t *testing.T) {
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
		"metadata": map[string]any{
			"name": "db", "namespace": "shop",
			"annotations":   map[string]any{corev1.LastAppliedConfigAnnotation: `{"data":{"password":"c2VjcmV0"}}`, "team": "shop"},
			"managedFields": []any{map[string]any{"manager": "kubectl"}},
		},
		"data":       map[string]any{"password": "c2VjcmV0", "user": "YWRtaW4="},
		"stringData": map[string]any{"token": "plain-secret-token"},
	}}
	out, err := dao.DetailsYAML(kinds.Builtin(kinds.Secrets), secret)
	require.NoError(t, err)
	s := string(out)
	for _, leaked := range []string{"c2VjcmV0", "YWRtaW4=", "plain-secret-token", "managedFields", "last-applied"} {
		assert.NotContains(t, s, leaked)
	}
	assert.Equal(t, 3, strings.Count(s, dao.Redacted))
	assert.Contains(t, s, "password: "+dao.Redacted)
	assert.Contains(t, s, "team: shop")
	assert.Contains(t, secret.Object["data"].(map[string]any)["password"], "c2VjcmV0", "the input is not modified")

	pod, err := dao.DetailsYAML(kinds.Builtin(kinds.Pods), unstructuredPod("web"))
	require.NoError(t, err)
	assert.NotContains(t, string(pod), "managedFields")
	assert.Contains(t, string(pod), "image: img:1")
}
