package podsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listerscorev1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Config configures Run.
type Config struct {
	Client  kubernetes.Interface
	Dynamic dynamic.Interface
	// Root holds the files (see the package comment).
	Root string
	// Listen is the loopback host:port of the HTTP server that kwok
	// forwards pod ports to, and that answers /healthz.
	Listen string
	// Log receives progress and error lines; nil discards them.
	Log func(format string, args ...any)
}

// liveTick is how often the live writer looks for lines that are due.
const liveTick = 100 * time.Millisecond

// sharedRate is the lines per second appended to the shared log.
const sharedRate = 0.5

// Run simulates the container runtime for every non-bulk pod scheduled on a
// node until ctx ends. It returns an error if it cannot start (the HTTP port
// is taken, the informer cannot sync), otherwise ctx's error.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	if err := WriteShared(cfg.Root, time.Now()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("podsim: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(serveTarget), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	factory := informers.NewSharedInformerFactoryWithOptions(cfg.Client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = BulkLabel + "!=true"
		o.FieldSelector = "spec.nodeName!="
	}))
	pods := factory.Core().V1().Pods()
	s := &sim{
		cfg:    cfg,
		pods:   pods.Lister(),
		queue:  workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		states: map[types.UID]*podState{},
	}
	defer s.queue.ShutDown()
	if _, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    s.enqueue,
		UpdateFunc: func(_, obj any) { s.enqueue(obj) },
		DeleteFunc: s.forget,
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), pods.Informer().HasSynced) {
		return fmt.Errorf("podsim: pod informer did not sync: %w", context.Cause(ctx))
	}
	cfg.Log("podsim: watching pods; files in %s; port-forward target %s", cfg.Root, ln.Addr())
	go s.work(ctx)
	s.writeLive(ctx)
	return ctx.Err()
}

// serveTarget answers whatever reaches a simulated pod's port.
func serveTarget(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if r.URL.Path == "/healthz" {
		fmt.Fprintln(w, "ok")
		return
	}
	fmt.Fprintf(w, "crowsnest podsim: a simulated container port.\n"+
		"kwok forwards the ports of its pods here; no real program runs behind them.\n"+
		"request: %s %s\n", r.Method, strconv.Quote(r.URL.RequestURI()))
}

// sim holds the state of Run. The informer's handlers, the worker and the
// live writer share states under mu; files of a pod are written only by the
// worker until the pod is marked live, then appended to only by the live
// writer under mu, and removed under mu when the pod goes.
type sim struct {
	cfg   Config
	pods  listerscorev1.PodLister
	queue workqueue.TypedRateLimitingInterface[string]

	mu     sync.Mutex
	states map[types.UID]*podState
}

type podState struct {
	dir        string
	files      map[string]bool // containers whose log files exist
	registered string          // the container set kwok was last told about
	live       []*liveLog
}

// liveLog is a log podsim keeps appending to.
type liveLog struct {
	path  string
	w     *writer
	every time.Duration
	due   time.Time
	last  time.Time
}

func (s *sim) enqueue(obj any) {
	if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
		s.queue.Add(key)
	}
}

func (s *sim) forget(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.states, pod.UID)
	s.mu.Unlock()
	// kwok's Logs and Exec objects go with the pod (owner references).
	if err := os.RemoveAll(PodDir(s.cfg.Root, pod)); err != nil {
		s.cfg.Log("podsim: remove files of %s/%s: %v", pod.Namespace, pod.Name, err)
	}
}

func (s *sim) work(ctx context.Context) {
	for {
		key, quit := s.queue.Get()
		if quit {
			return
		}
		err := s.sync(ctx, key)
		switch {
		case err == nil:
			s.queue.Forget(key)
		case ctx.Err() == nil:
			s.cfg.Log("podsim: %s: %v (retrying)", key, err)
			s.queue.AddRateLimited(key)
		}
		s.queue.Done(key)
	}
}

// sync brings one pod's files, kwok objects and status in line.
func (s *sim) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := s.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	st := s.states[pod.UID]
	if st == nil {
		st = &podState{dir: PodDir(s.cfg.Root, pod), files: map[string]bool{}}
		s.states[pod.UID] = st
	}
	var missing []string
	for _, c := range Containers(pod) {
		if !st.files[c] {
			missing = append(missing, c)
		}
	}
	registered := st.registered
	s.mu.Unlock()

	if len(missing) > 0 {
		if err := os.MkdirAll(WorkDir(s.cfg.Root, pod), 0o755); err != nil {
			return err
		}
		for _, c := range missing {
			if err := writeContainerLogs(s.cfg.Root, pod, c, time.Now()); err != nil {
				return err
			}
		}
		s.mu.Lock()
		for _, c := range missing {
			st.files[c] = true
		}
		s.mu.Unlock()
	}
	set := fmt.Sprint(Containers(pod))
	if set != registered {
		// Exec first, Logs last: once the pod's own log is served, its
		// exec object has been created too.
		if err := s.ensure(ctx, ExecResource, execObject(s.cfg.Root, pod)); err != nil {
			return err
		}
		if err := s.ensure(ctx, LogsResource, logsObject(s.cfg.Root, pod)); err != nil {
			return err
		}
		s.mu.Lock()
		st.registered = set
		s.mu.Unlock()
	}
	if err := s.markRestarts(ctx, pod); err != nil {
		return err
	}
	s.makeLive(pod, st)
	return nil
}

// ensure creates obj or updates the object of the same name to match it.
func (s *sim) ensure(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) error {
	ri := s.cfg.Dynamic.Resource(gvr).Namespace(obj.GetNamespace())
	cur, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = ri.Create(ctx, obj, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("get %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
	}
	if reflect.DeepEqual(cur.Object["spec"], obj.Object["spec"]) && reflect.DeepEqual(cur.GetOwnerReferences(), obj.GetOwnerReferences()) {
		return nil
	}
	obj.SetResourceVersion(cur.GetResourceVersion())
	if _, err := ri.Update(ctx, obj, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// markRestarts makes a Running pod's container statuses show the restarts
// its annotation asks for, with the previous run's start and end.
func (s *sim) markRestarts(ctx context.Context, pod *corev1.Pod) error {
	if pod.Status.Phase != corev1.PodRunning {
		return nil
	}
	updated := pod.DeepCopy()
	changed := false
	for i := range updated.Status.ContainerStatuses {
		cs := &updated.Status.ContainerStatuses[i]
		n := Restarts(pod, cs.Name)
		if int(cs.RestartCount) >= n {
			continue
		}
		prev, err := ReadLog(PreviousLogPath(s.cfg.Root, pod, cs.Name))
		if err != nil || len(prev) == 0 {
			return fmt.Errorf("previous log of %s: %w", cs.Name, err)
		}
		exit, reason := int32(2), "Error"
		if newWriter(pod, cs.Name, 0).style == styleJava {
			exit, reason = 137, "OOMKilled"
		}
		cs.RestartCount = int32(n)
		cs.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: exit, Reason: reason,
			StartedAt:  metav1.NewTime(prev[0].Time),
			FinishedAt: metav1.NewTime(prev[len(prev)-1].Time),
		}}
		changed = true
	}
	if !changed {
		return nil
	}
	_, err := s.cfg.Client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("mark restarts: %w", err)
	}
	return nil
}

// makeLive starts appending to the first container's log of a pod whose
// annotation asks for a live log.
func (s *sim) makeLive(pod *corev1.Pod, st *podState) {
	rate, err := strconv.ParseFloat(pod.Annotations[LogRateAnnotation], 64)
	if err != nil || rate <= 0 || len(pod.Spec.Containers) == 0 {
		return
	}
	rate = min(rate, 100)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(st.live) > 0 || s.states[pod.UID] != st {
		return
	}
	c := pod.Spec.Containers[0].Name
	st.live = []*liveLog{{
		path: LogPath(s.cfg.Root, pod, c), w: newWriter(pod, c, 1),
		every: time.Duration(float64(time.Second) / rate), due: time.Now(),
	}}
}

// writeLive appends the lines that are due every liveTick until ctx ends.
func (s *sim) writeLive(ctx context.Context) {
	shared := &liveLog{path: SharedLog(s.cfg.Root), w: sharedWriter(1), every: time.Duration(float64(time.Second) / sharedRate), due: time.Now()}
	tick := time.NewTicker(liveTick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			s.mu.Lock()
			s.appendDue(shared, now)
			for _, st := range s.states {
				for _, l := range st.live {
					s.appendDue(l, now)
				}
			}
			s.mu.Unlock()
		}
	}
}

// appendDue writes l's lines that are due by now, with strictly increasing
// timestamps. Called with s.mu held, so a removed pod gets no more lines.
func (s *sim) appendDue(l *liveLog, now time.Time) {
	if now.Sub(l.due) > time.Second { // after a stall, resume instead of catching up
		l.due = now
	}
	var lines []Line
	for !l.due.After(now) {
		t := now
		if !t.After(l.last) {
			t = l.last.Add(time.Microsecond)
		}
		l.last = t
		lines = append(lines, l.w.next(t))
		l.due = l.due.Add(l.every/2 + time.Duration(l.w.r.Int64N(int64(l.every))))
	}
	if len(lines) == 0 {
		return
	}
	if err := appendExisting(l.path, lines); err != nil {
		s.cfg.Log("podsim: live log %s: %v", l.path, err)
	}
}

// appendExisting appends to a file that must exist, so a pod whose files
// were just removed never gets them back.
func appendExisting(path string, lines []Line) error {
	var b []byte
	for _, l := range lines {
		var err error
		if b, err = l.AppendTo(b); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return errors.Join(err, f.Close())
}

// writeContainerLogs writes the log a container has at now, and the log of
// its previous run if it restarted, unless they exist (podsim restarted).
func writeContainerLogs(root string, pod *corev1.Pod, container string, now time.Time) error {
	path := LogPath(root, pod, container)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	w := newWriter(pod, container, 0)
	start := pod.CreationTimestamp.Time
	if start.IsZero() || start.After(now) {
		start = now
	}
	count := 40 + w.r.IntN(80)
	if prev := PreviousLogPath(root, pod, container); prev != "" {
		crashAt := start.Add(now.Sub(start) / 3)
		lines := append(w.history(start, crashAt, 10+w.r.IntN(30)), w.crash(crashAt)...)
		if err := writeNew(prev, lines); err != nil {
			return err
		}
		start = crashAt.Add(time.Millisecond)
		if start.After(now) {
			start = now
		}
	}
	return writeNew(path, w.history(start, now, count))
}

// writeNew writes a whole log file through a temporary file, so kwok never
// serves half of it.
func writeNew(path string, lines []Line) error {
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	if err := Append(tmp, lines...); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// sharedWriter writes the shared log: a generic JSON service.
func sharedWriter(seed uint64) *writer {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "shared", UID: "shared"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/load/app:1.0.0"}}}}
	return newWriter(pod, "app", seed)
}

// WriteShared creates the shared files (see the package comment) unless
// they exist: what kwok serves for pods without files of their own.
func WriteShared(root string, now time.Time) error {
	if err := os.MkdirAll(SharedWorkDir(root), 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(SharedLog(root)); err == nil {
		return nil
	}
	w := sharedWriter(0)
	start := now.Add(-10 * time.Minute)
	prev := append(w.history(start.Add(-time.Hour), start, 30), w.crash(start)...)
	if err := writeNew(SharedPreviousLog(root), prev); err != nil {
		return err
	}
	return writeNew(SharedLog(root), w.history(start.Add(time.Second), now, 200))
}
