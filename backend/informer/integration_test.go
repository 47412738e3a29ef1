package informer_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// requestCounter counts the API requests of one client by resource and
// verb (list or watch), the way the API server would see them.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int // "pods watch", "pods list"
	base   http.RoundTripper
}

func (c *requestCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	verb := "list"
	if w := req.URL.Query().Get("watch"); w == "true" || w == "1" {
		verb = "watch"
	}
	c.mu.Lock()
	c.counts[parts[len(parts)-1]+" "+verb]++
	c.mu.Unlock()
	return c.base.RoundTrip(req)
}

func (c *requestCounter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[key]
}

func countingClients(t *testing.T, cfg *rest.Config) (*requestCounter, kubernetes.Interface, metadata.Interface) {
	t.Helper()
	counter := &requestCounter{counts: map[string]int{}}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		counter.base = rt
		return counter
	}
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	md, err := metadata.NewForConfig(cfg)
	require.NoError(t, err)
	return counter, cs, md
}

// TestOneWatchPerKind asks for every kind from many goroutines, many times,
// and counts what reached the API server: one watch per kind, and no
// repeated lists (nothing polls).
func TestOneWatchPerKind(t *testing.T) {
	env := testcluster.Get(t)
	counter, cs, md := countingClients(t, env.Admin(t))
	o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md,
		Access: &informer.Reviewer{Client: cs}})
	defer o.Stop()

	var wg sync.WaitGroup
	for range 10 {
		for _, k := range informer.AllKinds() {
			wg.Go(func() {
				for range 5 {
					_, err := o.Informer(k)
					assert.NoError(t, err)
				}
			})
		}
	}
	wg.Wait()
	require.Eventually(t, func() bool {
		for _, k := range informer.AllKinds() {
			if !o.Synced(k) {
				return false
			}
		}
		return true
	}, 30*time.Second, 20*time.Millisecond)
	time.Sleep(2 * time.Second) // give any surplus request time to show

	for _, k := range informer.AllKinds() {
		assert.Equal(t, 1, counter.get(string(k)+" watch"), "%s: watches", k)
		assert.LessOrEqual(t, counter.get(string(k)+" list"), 1, "%s: lists", k)
	}
}

// TestInformerFollowsChanges creates, updates and deletes a pod and sees
// the store follow, with the transform applied to the real object.
func TestInformerFollowsChanges(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	_, cs, md := countingClients(t, env.Admin(t))
	o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md})
	defer o.Stop()
	inf, err := o.Informer(informer.Pods)
	require.NoError(t, err)
	require.True(t, cache.WaitForCacheSync(t.Context().Done(), inf.HasSynced))

	ctx := t.Context()
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, Labels: map[string]string{"app": "web"},
			Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: "{}"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "registry.example.com/web:1"}}},
	}
	_, err = cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{FieldManager: "test"})
	require.NoError(t, err)
	key := ns + "/web"
	var got *informer.PodSummary
	require.Eventually(t, func() bool {
		obj, ok, _ := inf.GetByKey(key)
		if ok {
			got = obj.(*informer.PodSummary)
		}
		return ok
	}, 10*time.Second, 10*time.Millisecond)
	assert.Empty(t, got.ManagedFields, "managedFields stripped")
	assert.NotContains(t, got.Annotations, corev1.LastAppliedConfigAnnotation)

	require.Eventually(t, func() bool {
		obj, ok, _ := inf.GetByKey(key)
		return ok && obj.(*informer.PodSummary).Phase == corev1.PodRunning
	}, 30*time.Second, 20*time.Millisecond, "kwok runs the pod and the informer sees it")

	require.NoError(t, cs.CoreV1().Pods(ns).Delete(ctx, "web", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
	require.Eventually(t, func() bool {
		_, ok, _ := inf.GetByKey(key)
		return !ok
	}, 30*time.Second, 20*time.Millisecond)
}

// TestRealStopLeavesNoGoroutine starts every informer against the real API
// server and checks that Stop ends all of the session's goroutines.
func TestRealStopLeavesNoGoroutine(t *testing.T) {
	env := testcluster.Get(t)
	before := goleak.IgnoreCurrent()
	cfg := env.Admin(t)
	var base http.RoundTripper
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { base = rt; return rt }
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	md, err := metadata.NewForConfig(cfg)
	require.NoError(t, err)
	for range 5 {
		o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md})
		for _, k := range informer.AllKinds() {
			_, err := o.Informer(k)
			require.NoError(t, err)
		}
		require.Eventually(t, func() bool { return o.Synced(informer.Pods) }, 30*time.Second, 10*time.Millisecond)
		o.Stop()
	}
	utilnet.CloseIdleConnectionsFor(base)
	goleak.VerifyNone(t, before)
}
