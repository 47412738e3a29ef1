package informer_test

import (
	"context"
	"fmt"
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
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// requestCounter counts the API requests of one client by resource and
// verb (list or watch), the way the API server would see them.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int    // "pods watch", "pods list"
	protos map[string]string // the same keys
}

// counted is one transport of a client counted by a requestCounter (a
// client may build several: the pods stream has a connection of its own).
type counted struct {
	*requestCounter
	base http.RoundTripper
}

func (c counted) RoundTrip(req *http.Request) (*http.Response, error) {
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	verb := "list"
	if w := req.URL.Query().Get("watch"); w == "true" || w == "1" {
		verb = "watch"
	}
	key := parts[len(parts)-1] + " " + verb
	c.mu.Lock()
	c.counts[key]++
	c.mu.Unlock()
	resp, err := c.base.RoundTrip(req)
	if err == nil {
		c.mu.Lock()
		c.protos[key] = resp.Proto
		c.mu.Unlock()
	}
	return resp, err
}

// proto is the protocol of the last answer to key ("HTTP/2.0"...).
func (c *requestCounter) proto(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.protos[key]
}

func (c *requestCounter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[key]
}

// watching reports whether every reflector of kinds that has listed has
// gone on to open its watch (a reflector lists, then watches; a kind marked
// synced has listed but may not have sent its watch yet): the point after
// which a surplus informer or a relist would have shown in the counts.
func (c *requestCounter) watching(ks ...*kinds.Kind) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range ks {
		if w := c.counts[k.GVR.Resource+" watch"]; w == 0 || w < c.counts[k.GVR.Resource+" list"] {
			return false
		}
	}
	return true
}

func countingClients(t *testing.T, cfg *rest.Config) (*requestCounter, kubernetes.Interface, metadata.Interface) {
	counter, opts := countingOptions(t, cfg)
	return counter, opts.Client, opts.Metadata
}

// countingOptions are the Owner options a session passes (clients, config
// and HTTP client: pods decoded from the wire), over a requestCounter.
func countingOptions(t *testing.T, cfg *rest.Config) (*requestCounter, informer.Options) {
	t.Helper()
	counter := &requestCounter{counts: map[string]int{}, protos: map[string]string{}}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return counted{counter, rt}
	}
	hc, err := rest.HTTPClientFor(cfg)
	require.NoError(t, err)
	cs, err := kubernetes.NewForConfigAndClient(cfg, hc)
	require.NoError(t, err)
	md, err := metadata.NewForConfigAndClient(cfg, hc)
	require.NoError(t, err)
	dyn, err := dynamic.NewForConfigAndClient(cfg, hc)
	require.NoError(t, err)
	ext, err := apiextensionsclient.NewForConfigAndClient(cfg, hc)
	require.NoError(t, err)
	return counter, informer.Options{Client: cs, Metadata: md, Dynamic: dyn, Extensions: ext, Config: cfg}
}

// TestOneWatchPerKind asks for every kind from many goroutines, many times,
// and counts what reached the API server: one watch per kind, and no
// repeated lists (nothing polls).
func TestOneWatchPerKind(t *testing.T) {
	env := testcluster.Get(t)
	counter, opts := countingOptions(t, env.Admin(t))
	opts.Access = &informer.Reviewer{Client: opts.Client}
	o := informer.New(context.Background(), opts)
	defer o.Stop()

	var wg sync.WaitGroup
	for range 10 {
		for _, k := range kinds.Builtins() {
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
		for _, k := range kinds.Builtins() {
			if !o.Synced(k.ID) {
				return false
			}
		}
		return true
	}, 30*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return counter.watching(kinds.Builtins()...) }, 30*time.Second, 20*time.Millisecond)
	o.Stop() // no request after this: the counts are final

	// Helm releases watch Secrets too (those labelled owner=helm): one
	// watch per kind, so two of Secrets.
	per := map[string]int{}
	for _, k := range kinds.Builtins() {
		per[k.GVR.Resource]++
	}
	for _, k := range kinds.Builtins() {
		assert.Equal(t, per[k.GVR.Resource], counter.get(k.GVR.Resource+" watch"), "%s: watches", k)
		assert.LessOrEqual(t, counter.get(k.GVR.Resource+" list"), per[k.GVR.Resource], "%s: lists", k)
	}
}

// TestInformerFollowsChanges creates, updates and deletes a pod and sees
// the store follow, with the transform applied to the real object: pods
// decoded from the wire (as sessions do) and by client-go's generated
// decoder (an Owner given only clients).
func TestInformerFollowsChanges(t *testing.T) {
	env := testcluster.Get(t)
	for _, wire := range []bool{true, false} {
		t.Run(fmt.Sprintf("wire=%v", wire), func(t *testing.T) {
			counter, opts := countingOptions(t, env.Admin(t))
			if !wire {
				opts.Config = nil
			}
			o := followChanges(t, env.Namespace(t), opts)
			if wire {
				assert.Positive(t, informer.WireDecoded(o), "pods decoded from the wire")
				assert.Equal(t, "HTTP/1.1", counter.proto("pods watch"), "the pods stream has a connection of its own")
			} else {
				assert.Equal(t, "HTTP/2.0", counter.proto("pods watch"))
				assert.Zero(t, informer.WireDecoded(o), "pods decoded by client-go")
			}
		})
	}
}

func followChanges(t *testing.T, ns string, opts informer.Options) *informer.Owner {
	cs := opts.Client
	o := informer.New(context.Background(), opts)
	defer o.Stop()
	inf, err := o.Informer(kinds.Builtin(kinds.Pods))
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
	var got *kinds.PodSummary
	require.Eventually(t, func() bool {
		obj, ok, _ := inf.GetByKey(key)
		if ok {
			got = obj.(*kinds.PodSummary)
		}
		return ok
	}, 10*time.Second, 10*time.Millisecond)
	assert.Empty(t, got.ManagedFields, "managedFields stripped")
	assert.NotContains(t, got.Annotations, corev1.LastAppliedConfigAnnotation)

	require.Eventually(t, func() bool {
		obj, ok, _ := inf.GetByKey(key)
		return ok && obj.(*kinds.PodSummary).Phase == corev1.PodRunning
	}, 30*time.Second, 20*time.Millisecond, "kwok runs the pod and the informer sees it")

	require.NoError(t, cs.CoreV1().Pods(ns).Delete(ctx, "web", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
	require.Eventually(t, func() bool {
		_, ok, _ := inf.GetByKey(key)
		return !ok
	}, 30*time.Second, 20*time.Millisecond)
	return o
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
	ext, err := apiextensionsclient.NewForConfig(cfg)
	require.NoError(t, err)
	for range 5 {
		o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md, Extensions: ext})
		for _, k := range kinds.Builtins() {
			_, err := o.Informer(k)
			require.NoError(t, err)
		}
		require.Eventually(t, func() bool { return o.Synced(kinds.Pods) }, 30*time.Second, 10*time.Millisecond)
		o.Stop()
	}
	// A watch's HTTP/2 stream ends in the connection's read loop after
	// Stop: the connection may turn idle only after a first close.
	assert.Eventually(t, func() bool {
		utilnet.CloseIdleConnectionsFor(base)
		return goleak.Find(before) == nil
	}, 10*time.Second, 50*time.Millisecond)
	goleak.VerifyNone(t, before)
}

// TestWireSummariesMatchLivePods runs pods of several shapes (init
// containers, sidecars, labels, owners), syncs them through the wire
// decoder and compares each summary with the summary of the same pod
// fetched whole from the API.
func TestWireSummariesMatchLivePods(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	_, opts := countingOptions(t, env.Admin(t))
	cm, err := opts.Client.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	for i := range 6 {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("shape-%d", i), Namespace: ns,
				Labels:          map[string]string{"app": "shapes", "index": fmt.Sprint(i)},
				Annotations:     map[string]string{"note": strings.Repeat("x", i*100)},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: cm.Name, UID: cm.UID}}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: fmt.Sprintf("registry.example.com/app:%d", i),
				Env: []corev1.EnvVar{{Name: "N", Value: fmt.Sprint(i)}}}}},
		}
		if i%2 == 1 {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "sidecar", Image: "registry.example.com/proxy:2"})
		}
		if i%3 == 2 {
			p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "registry.example.com/init:1"}}
		}
		_, err := opts.Client.CoreV1().Pods(ns).Create(t.Context(), p, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		l, err := opts.Client.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{})
		running := 0
		for _, p := range l.Items {
			if p.Status.Phase == corev1.PodRunning {
				running++
			}
		}
		return err == nil && running == 6
	}, 60*time.Second, 50*time.Millisecond, "kwok runs the pods")

	o := informer.New(context.Background(), opts)
	defer o.Stop()
	h, err := o.Informer(kinds.Builtin(kinds.Pods))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return o.Synced(kinds.Pods) }, 30*time.Second, 10*time.Millisecond)

	live, err := opts.Client.CoreV1().Pods("").List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, live.Items)
	compared := 0
	for i := range live.Items {
		p := &live.Items[i]
		obj, ok, err := h.GetByKey(p.Namespace + "/" + p.Name)
		require.NoError(t, err)
		if !ok || obj.(*kinds.PodSummary).ResourceVersion != p.ResourceVersion {
			continue // changed since the list
		}
		assert.Equal(t, kinds.SummarizePod(p, nil), obj, "pod %s/%s", p.Namespace, p.Name)
		compared++
	}
	assert.Greater(t, compared, len(live.Items)/2, "most pods are unchanged between the sync and the list")
	assert.GreaterOrEqual(t, informer.WireDecoded(o), int64(compared), "the summaries came from the wire decoder")
}
