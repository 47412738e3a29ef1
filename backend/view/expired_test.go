package view_test

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
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"

	wire "crowsnest/backend/model"
)

// expiringSource lists pods and hands out watches the test can end with
// 410 Gone, as an API server does for a resourceVersion it no longer has
// (compacted, or a restarted server's watch cache). With client-go's
// watch-list a reconnect resyncs with a watch that replays the state, so
// the real server rarely says 410 to the app; this is the case where it
// does: a plain watch resumed from an old resourceVersion.
type expiringSource struct {
	mu      sync.Mutex
	lists   [][]*corev1.Pod // what each LIST returns; the last one repeats
	listed  int
	watches []*watch.FakeWatcher
}

func (s *expiringSource) List(metav1.ListOptions) (runtime.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pods := s.lists[min(s.listed, len(s.lists)-1)]
	s.listed++
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: strconv.Itoa(10 * s.listed)}}
	for _, p := range pods {
		list.Items = append(list.Items, *p)
	}
	return list, nil
}

func (s *expiringSource) Watch(metav1.ListOptions) (watch.Interface, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := watch.NewFakeWithChanSize(1, false)
	s.watches = append(s.watches, w)
	return w, nil
}

// A plain LIST then WATCH, not client-go's streaming watch-list.
func (s *expiringSource) IsWatchListSemanticsUnSupported() bool { return true }

func (s *expiringSource) counts() (lists, watches int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listed, len(s.watches)
}

// expire ends the current watch with 410 Gone.
func (s *expiringSource) expire() {
	s.mu.Lock()
	w := s.watches[len(s.watches)-1]
	s.mu.Unlock()
	w.Error(&metav1.Status{Status: metav1.StatusFailure, Code: 410, Reason: metav1.StatusReasonExpired,
		Message: "too old resource version: 10 (25)"})
}

// TestExpiredWatchRelists: a watch answered 410 Gone makes the informer
// list again, and a pod deleted while the app was not watching leaves the
// view, with a notice, while the others stay.
func TestExpiredWatchRelists(t *testing.T) {
	a, b, c := testPod("ns", "web-a", "Running", 1), testPod("ns", "web-b", "Running", 2), testPod("ns", "web-c", "Running", 3)
	lw := &expiringSource{lists: [][]*corev1.Pod{{a, b, c}, {a, c}}}
	inf := toolscache.NewSharedIndexInformer(lw, &corev1.Pod{}, 0,
		toolscache.Indexers{toolscache.NamespaceIndex: toolscache.MetaNamespaceIndexFunc})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); inf.RunWithContext(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	require.True(t, toolscache.WaitForCacheSync(ctx.Done(), inf.HasSynced))

	notices := make(chan wire.ViewNotice, 100)
	v, err := open(t, newPodSource(t, inf), wire.ViewSpec{Kind: "pods"}, func(n wire.ViewNotice) { notices <- n })
	require.NoError(t, err)
	defer v.Close()
	require.Equal(t, []string{"web-a", "web-b", "web-c"}, viewNames(t, v))
	require.Eventually(t, func() bool { _, w := lw.counts(); return w == 1 }, 5*time.Second, 5*time.Millisecond, "watching")

	lw.expire()
	require.Eventually(t, func() bool { return assert.ObjectsAreEqual([]string{"web-a", "web-c"}, viewNames(t, v)) },
		10*time.Second, 10*time.Millisecond, "the deleted pod left the view")
	lists, watches := lw.counts()
	assert.Equal(t, 2, lists, "one LIST after the 410")
	assert.Equal(t, 2, watches, "and a new watch")
	select {
	case n := <-notices:
		assert.Equal(t, "v", n.ViewID)
	case <-time.After(5 * time.Second):
		t.Fatal("no notice of the change")
	}
}
