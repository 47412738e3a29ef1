package bench_test

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/bench"
	"crowsnest/backend/events"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/backend/view"
)

// A replay is the app's side of budget 4 at the full churn rates (up to
// 5,000 updates/s), which the local API server cannot sustain on a small
// machine: a pods informer
// built like the Owner's (same transform, namespace index) whose list is the
// demo cluster's real pods and whose watch the benchmark feeds with modified
// copies of them at a steady rate. Views open on it through view.Open and
// notify through an events.Coalescer with session.NoticeInterval, wired the
// way Session.OpenView wires them.
type replay struct {
	ctx       context.Context
	cancel    context.CancelFunc
	inf       toolscache.SharedIndexInformer
	handle    *informer.Handle
	bases     *view.Bases
	fw        *watch.FakeWatcher
	notices   *events.Coalescer
	pods      []*corev1.Pod // the list, as fetched (never modified)
	targets   []*corev1.Pod // the load pods, which updates modify
	nextRV    int64
	nextSeq   int64
	nextIndex int
}

// replayLW is a ListWatch that says it lacks watch-list semantics, so the
// reflector lists and then watches.
type replayLW struct{ *toolscache.ListWatch }

func (replayLW) IsWatchListSemanticsUnSupported() bool { return true }

// fetchPods lists the pods of a context from the API, in full (the cache
// keeps summaries; the replay needs pods to feed its informer).
func fetchPods(cfg *rest.Config) ([]*corev1.Pod, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	list, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]*corev1.Pod, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}

func newReplay(pods []*corev1.Pod, emit events.Emitter) (*replay, error) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &replay{ctx: ctx, cancel: cancel, pods: pods, nextRV: 1_000_000,
		fw: watch.NewFakeWithChanSize(1<<14, false)}
	for _, p := range pods {
		if p.Namespace == bench.LoadNamespace {
			r.targets = append(r.targets, p)
		}
	}
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "1"}}
	for _, p := range pods {
		list.Items = append(list.Items, *p.DeepCopy())
	}
	lw := replayLW{&toolscache.ListWatch{
		ListWithContextFunc: func(context.Context, metav1.ListOptions) (kruntime.Object, error) {
			return list.DeepCopy(), nil
		},
		WatchFuncWithContext: func(context.Context, metav1.ListOptions) (watch.Interface, error) {
			return r.fw, nil
		},
	}}
	r.inf = toolscache.NewSharedIndexInformerWithOptions(lw, &corev1.Pod{}, toolscache.SharedIndexInformerOptions{
		Indexers: toolscache.Indexers{toolscache.NamespaceIndex: toolscache.MetaNamespaceIndexFunc},
	})
	if err := r.inf.SetTransform(informer.StripForCache); err != nil {
		cancel()
		return nil, err
	}
	go r.inf.RunWithContext(ctx)
	deadline := time.Now().Add(time.Minute)
	for !r.inf.HasSynced() {
		if time.Now().After(deadline) {
			cancel()
			return nil, fmt.Errorf("replay informer never synced")
		}
		time.Sleep(time.Millisecond)
	}
	var err error
	if r.handle, err = informer.HandleOf(kinds.Pods, r.inf); err != nil {
		cancel()
		return nil, err
	}
	r.notices = events.NewCoalescer(ctx, emit, session.NoticeInterval, nil)
	return r, nil
}

// Informer and Synced make the replay a view.Source of pods only.
func (r *replay) Informer(k *kinds.Kind) (*informer.Handle, error) {
	if k.ID != kinds.Pods {
		return nil, fmt.Errorf("replay has pods only, not %s", k)
	}
	return r.handle, nil
}

func (r *replay) Synced(k kinds.ID) bool { return k == kinds.Pods && r.inf.HasSynced() }

// open opens a view the way Session.OpenView does.
func (r *replay) open(id string, spec model.ViewSpec) (*view.Live, error) {
	if r.bases == nil {
		r.bases = view.NewBases(r)
	}
	return view.Open(id, 1, r.bases, kinds.Builtin(kinds.Pods), spec, func(n model.ViewNotice) {
		r.notices.Notify(n.ViewID, model.EventViewChanged, n)
	})
}

// update is one replayed change: a load pod with a new label value and a
// new resourceVersion.
type update struct {
	pod *corev1.Pod
	seq int64
}

// updates makes n changes, round-robin over the load pods, ahead of time,
// so that making them costs nothing while a phase is measured.
func (r *replay) updates(n int) []update {
	out := make([]update, n)
	for i := range out {
		src := r.targets[r.nextIndex%len(r.targets)]
		r.nextIndex++
		r.nextSeq++
		r.nextRV++
		// A copy of the metadata only: spec and status are shared with the
		// source, which the cache's transform only reads. 50,000 deep
		// copies of a pod (a phase at 5,000/s) would be half a GB of heap,
		// and its marking would weigh on the phases' CPU.
		p := new(corev1.Pod)
		*p = *src
		src.ObjectMeta.DeepCopyInto(&p.ObjectMeta)
		p.Labels = maps.Clone(src.Labels)
		p.Labels[seqLabel] = strconv.FormatInt(r.nextSeq, 10)
		p.ResourceVersion = strconv.FormatInt(r.nextRV, 10)
		out[i] = update{pod: p, seq: r.nextSeq}
	}
	return out
}

// feed sends the updates as watch events at rate per second, calling onSend
// (if set) just before each, and returns the phase's CPU and wall time
// (plus settle) and the rate achieved.
func (r *replay) feed(batch []update, rate float64, onSend func(update, time.Time)) (phase, float64) {
	runtime.GC() // the batch's making is not part of the phase
	interval := time.Duration(float64(time.Second) / rate)
	cpu0, began := bench.CPUTime(), time.Now()
	for i, u := range batch {
		if wait := time.Until(began.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		if onSend != nil {
			onSend(u, time.Now())
		}
		r.fw.Modify(u.pod)
	}
	achieved := float64(len(batch)) / time.Since(began).Seconds()
	time.Sleep(settle)
	return phase{cpu: bench.CPUTime() - cpu0, wall: time.Since(began)}, achieved
}

func (r *replay) stop() {
	r.notices.Stop()
	r.cancel()
	r.fw.Stop()
}
