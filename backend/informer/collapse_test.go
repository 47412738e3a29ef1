package informer_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/helm"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
)

func helmSecret(t *testing.T, ns, name string, rev int, status string) *corev1.Secret {
	t.Helper()
	data, err := helm.Encode(map[string]any{"name": name, "version": rev, "info": map[string]any{"status": status},
		"config": map[string]any{"password": "s3cret"}, "manifest": "kind: Service"})
	require.NoError(t, err)
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: helm.SecretName(name, rev),
		Labels: map[string]string{"owner": "helm", "name": name, "version": strconv.Itoa(rev), "status": status}},
		Type: helm.SecretType, Data: map[string][]byte{helm.DataKey: data}}
}

// recorder keeps the changes a subscriber hears, by kind of change.
type recorder struct {
	mu                  sync.Mutex
	adds, upds, deletes []string
}

func (r *recorder) funcs() cache.ResourceEventHandlerFuncs {
	key := func(obj any) string { k, _ := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); return k }
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { r.mu.Lock(); r.adds = append(r.adds, key(obj)); r.mu.Unlock() },
		UpdateFunc: func(_, obj any) { r.mu.Lock(); r.upds = append(r.upds, key(obj)); r.mu.Unlock() },
		DeleteFunc: func(obj any) { r.mu.Lock(); r.deletes = append(r.deletes, key(obj)); r.mu.Unlock() },
	}
}

// The Helm releases kind's handle serves one object per release (its
// latest revision) made from the release Secrets, and its subscribers and
// counts hear of releases, not Secrets; nothing of the values is cached.
func TestCollapsedKind(t *testing.T) {
	plain := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db-password"}, Data: map[string][]byte{"p": []byte("x")}}
	client := fake.NewClientset(plain, helmSecret(t, "shop", "web", 1, "superseded"), helmSecret(t, "shop", "web", 2, "deployed"),
		helmSecret(t, "payments", "ledger", 1, "failed"))
	o := informer.New(context.Background(), informer.Options{Client: client})
	t.Cleanup(o.Stop)
	k := kinds.Builtin(kinds.HelmReleases)
	h, err := o.Informer(k)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return o.Synced(k.ID) }, 10*time.Second, 10*time.Millisecond)
	var rec recorder
	h.Subscribe(rec.funcs())

	require.Len(t, h.List(), 2)
	assert.Equal(t, 2, o.Count(k.ID))
	obj, ok, err := h.GetByKey("shop/web")
	require.NoError(t, err)
	require.True(t, ok)
	web := obj.(*kinds.HelmRelease)
	assert.Equal(t, 2, web.Latest.Revision)
	assert.Equal(t, "deployed", web.Latest.Status)
	assert.Equal(t, 2, web.Revisions)
	byNS, err := h.ByIndex(cache.NamespaceIndex, "payments")
	require.NoError(t, err)
	require.Len(t, byNS, 1)

	ctx := context.Background()
	_, err = client.CoreV1().Secrets("shop").Create(ctx, helmSecret(t, "shop", "web", 3, "failed"), metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		obj, _, _ := h.GetByKey("shop/web")
		return obj.(*kinds.HelmRelease).Latest.Revision == 3
	}, 10*time.Second, 10*time.Millisecond)
	for rev := 1; rev <= 3; rev++ {
		require.NoError(t, client.CoreV1().Secrets("shop").Delete(ctx, helm.SecretName("web", rev), metav1.DeleteOptions{}))
	}
	require.Eventually(t, func() bool { _, ok, _ := h.GetByKey("shop/web"); return !ok }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1, o.Count(k.ID))
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Empty(t, rec.adds)
	assert.Equal(t, []string{"shop/web", "shop/web", "shop/web"}, rec.upds, "revision 3 arrived, 1 and 2 went")
	assert.Equal(t, []string{"shop/web"}, rec.deletes)
}
