package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
)

// PodsOptions for bulk pods.
type PodsOptions struct {
	Count       int    // total pods wanted in Namespace
	Namespace   string // default "load"
	Concurrency int    // default 64 parallel creators
	Log         func(format string, args ...any)
}

const (
	// loadLabel marks everything Pods creates, so it can count and find it.
	loadLabel = "crowsnest.dev/load"
	// kwokAnnotation marks the nodes kwok simulates a kubelet for.
	kwokAnnotation = "kwok.x-k8s.io/node"

	defaultLoadNamespace = "load"
	defaultConcurrency   = 64
	// defaultWaitTimeout bounds the final wait when ctx has no deadline.
	defaultWaitTimeout = 10 * time.Minute
	// podsPerGroup sets how many ReplicaSets a batch is split into, capped by
	// the number of app names.
	podsPerGroup  = 10
	progressEvery = 1000
)

// adoptionDelay separates the last pod from the ReplicaSets that adopt the
// pods; see Pods.
var adoptionDelay = 2 * time.Second

// pollInterval is how often Pods re-counts while waiting for the controllers
// to converge. The first count happens immediately.
var pollInterval = time.Second

// loadApps gives load pods a spread of realistic app names, so label
// selectors in the UI and benchmarks match meaningful subsets.
var loadApps = []string{
	"orders", "inventory", "billing", "invoices", "shipping", "notifications", "search", "reviews",
	"pricing", "promotions", "accounts", "auth", "sessions", "profiles", "media", "thumbnails",
	"exports", "imports", "audit", "reporting", "analytics", "events-ingest", "clickstream", "feature-flags",
	"config-service", "rate-limiter", "webhooks", "emails", "sms-gateway", "geo", "tax", "fx-rates",
	"loyalty", "wishlist", "recs", "chat", "support-desk", "scheduler", "ledger-sync", "identity",
}

var loadTiers = []string{"frontend", "backend", "backend", "worker", "cache"}

// Pods creates Count pods quickly for load tests and benchmarks and returns
// when they exist (it does not wait for Running). Pods are owned by
// standalone ReplicaSets and bound straight to kwok nodes, skipping the
// scheduler. If the namespace already holds load pods only the difference is
// created.
func Pods(ctx context.Context, cs kubernetes.Interface, opts PodsOptions) error {
	if opts.Count <= 0 {
		return fmt.Errorf("pods: count must be positive, got %d", opts.Count)
	}
	if opts.Namespace == "" {
		opts.Namespace = defaultLoadNamespace
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = defaultConcurrency
	}
	s := newSeeder(cs, opts.Log)
	ns := opts.Namespace

	nodes, err := kwokNodes(ctx, cs)
	if err != nil {
		return err
	}
	load := space{name: ns, team: "perf", env: "load", extra: map[string]string{loadLabel: "true"}}
	for _, obj := range []runtime.Object{namespaceObject(load), defaultServiceAccount(ns), registrySecret(load)} {
		if err := s.ensure(ctx, obj); err != nil {
			return err
		}
	}

	have, err := existingLoad(ctx, cs, ns)
	if err != nil {
		return err
	}
	if missing := opts.Count - have; missing > 0 {
		groups := planGroups(load, missing, have)
		s.logf("creating %d pods in namespace %s (%d already there) for %d ReplicaSets on %d kwok nodes",
			missing, ns, have, len(groups), len(nodes))
		jobs := planPods(groups, nodes, have)
		if err := createPods(ctx, cs.CoreV1().Pods(ns), jobs, opts.Concurrency, s.logf); err != nil {
			return err
		}
		// The pods exist before their ReplicaSets, so the ReplicaSet
		// controller adopts them (setting the controller reference) instead
		// of racing us with pods of its own and deleting the surplus, which
		// doubled the writes. The pause lets its informer catch up with the
		// last pods created.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(adoptionDelay):
		}
		if err := createReplicaSets(ctx, s, groups); err != nil {
			return err
		}
	} else {
		s.logf("namespace %s already has %d load pods (%d wanted); creating none", ns, have, opts.Count)
	}
	return waitForPods(ctx, cs, ns, max(opts.Count, have), s.logf)
}

// kwokNodes lists the nodes kwok fakes, sorted so the spread is stable.
func kwokNodes(ctx context.Context, cs kubernetes.Interface) ([]string, error) {
	list, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var names []string
	for _, n := range list.Items {
		if n.Annotations[kwokAnnotation] == "fake" {
			names = append(names, n.Name)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no kwok nodes: none of the %d nodes is annotated %s=fake; start the hack control plane with kwok first",
			len(list.Items), kwokAnnotation)
	}
	slices.Sort(names)
	return names, nil
}

// existingLoad is how many load pods the namespace has or will converge to:
// the larger of the pods present and the replicas their ReplicaSets ask for,
// so a re-run right after an interrupted one does not overshoot.
func existingLoad(ctx context.Context, cs kubernetes.Interface, ns string) (int, error) {
	pods, _, err := countLoadPods(ctx, cs, ns)
	if err != nil {
		return 0, err
	}
	rsList, err := cs.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: loadLabel + "=true"})
	if err != nil {
		return 0, fmt.Errorf("list load replicasets in %s: %w", ns, err)
	}
	replicas := 0
	for _, rs := range rsList.Items {
		if rs.Spec.Replicas != nil {
			replicas += int(*rs.Spec.Replicas)
		}
	}
	return max(pods, replicas), nil
}

// countLoadPods counts live (not terminating) load pods, and how many of
// them a controller owns, page by page, so counting 100k pods does not need
// one huge response. A count whose continue token expired (a busy API
// server took longer than its compaction interval over the pages) starts
// again.
func countLoadPods(ctx context.Context, cs kubernetes.Interface, ns string) (live, owned int, err error) {
	opts := metav1.ListOptions{LabelSelector: loadLabel + "=true", Limit: 500}
	for {
		page, err := cs.CoreV1().Pods(ns).List(ctx, opts)
		if apierrors.IsResourceExpired(err) && opts.Continue != "" {
			live, owned, opts.Continue = 0, 0, ""
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("list load pods in %s: %w", ns, err)
		}
		for i := range page.Items {
			if page.Items[i].DeletionTimestamp == nil {
				live++
				if metav1.GetControllerOf(&page.Items[i]) != nil {
					owned++
				}
			}
		}
		if page.Continue == "" {
			return live, owned, nil
		}
		opts.Continue = page.Continue
	}
}

// loadGroup is one app's ReplicaSet and the pod shape it owns.
type loadGroup struct {
	w    workload
	name string // ReplicaSet name; pods are named <name>-<suffix>
}

// pod is an orphan until the group's ReplicaSet adopts it.
func (g *loadGroup) pod(name, node string) *corev1.Pod {
	p := pod(g.w, name)
	p.Spec.NodeName = node
	return p
}

// planGroups splits missing pods over up to len(loadApps) ReplicaSets.
// batch (the number of pods already there) goes into the template hash so a
// later top-up gets new ReplicaSets instead of colliding with earlier ones,
// the way a rollout adds a ReplicaSet.
func planGroups(load space, missing, batch int) []*loadGroup {
	n := min(len(loadApps), max(1, missing/podsPerGroup))
	groups := make([]*loadGroup, 0, n)
	for i := range n {
		app := loadApps[i]
		hash := templateHash(fmt.Sprintf("%s/%s/%d", load.name, app, batch))
		w := workload{
			ns: load, name: app, partOf: "load-test", component: "service", tier: loadTiers[i%len(loadTiers)],
			version: fmt.Sprintf("1.%d.%d", 4+i%6, batch%10), image: registry + "/load/" + app,
			replicas: int32(missing / n), port: 8080, probePath: "/healthz", sidecar: true,
			cpu: "10m", memory: "32Mi",
			env: []corev1.EnvVar{
				envValue("UPSTREAM_URL", fmt.Sprintf("http://%s.%s.svc.cluster.local", loadApps[(i+1)%len(loadApps)], load.name)),
				envValue("WORKER_THREADS", fmt.Sprint(2+i%4)),
			},
			podLabels: map[string]string{hashLabel: hash, loadLabel: "true"},
		}
		if i < missing%n {
			w.replicas++
		}
		groups = append(groups, &loadGroup{w: w, name: app + "-" + hash})
	}
	return groups
}

// createReplicaSets creates each group's ReplicaSet with as many replicas as
// pods were made for it, so the controller adopts them and creates none.
func createReplicaSets(ctx context.Context, s *seeder, groups []*loadGroup) error {
	for _, g := range groups {
		if _, err := create(ctx, s, s.cs.AppsV1().ReplicaSets(g.w.ns.name), "ReplicaSet", replicaSet(g.w, g.name)); err != nil {
			return err
		}
	}
	return nil
}

// podJob is one pod to create.
type podJob struct {
	group *loadGroup
	name  string
	node  string
}

// planPods names every pod and picks its node up front, in one goroutine,
// so the fixed-seed randomness stays deterministic however the creators are
// scheduled. offset continues the round-robin where earlier pods left off.
func planPods(groups []*loadGroup, nodes []string, offset int) []podJob {
	total := 0
	for _, g := range groups {
		total += int(g.w.replicas)
	}
	rng := rand.New(rand.NewPCG(0x5eed, uint64(offset)))
	jobs := make([]podJob, 0, total)
	taken := make(map[string]bool, total)
	for _, g := range groups {
		for range g.w.replicas {
			name := g.name + "-" + suffix(rng)
			for taken[name] {
				name = g.name + "-" + suffix(rng)
			}
			taken[name] = true
			jobs = append(jobs, podJob{group: g, name: name, node: nodes[(offset+len(jobs))%len(nodes)]})
		}
	}
	return jobs
}

// suffix is the random five-character tail of a controller-made pod name.
func suffix(rng *rand.Rand) string {
	return encode(rng.Uint64(), 5)
}

// createPods runs workers parallel creators over jobs and stops at the first
// error.
func createPods(ctx context.Context, pods typedcorev1.PodInterface, jobs []podJob, workers int, logf func(string, ...any)) error {
	// Only renames after a clash draw from these; the plan is fixed.
	rngs := make([]*rand.Rand, workers)
	for w := range rngs {
		rngs[w] = rand.New(rand.NewPCG(0x5eed, uint64(w)))
	}
	return inParallel(ctx, "pods", jobs, workers, logf, func(ctx context.Context, worker int, job podJob) error {
		return createPod(ctx, pods, job, rngs[worker])
	})
}

// inParallel calls do for every job from workers goroutines (worker is the
// caller's index, 0 to workers-1), logs progress every progressEvery jobs,
// and stops at the first error.
func inParallel[J any](ctx context.Context, what string, jobs []J, workers int, logf func(string, ...any),
	do func(ctx context.Context, worker int, job J) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	start := time.Now()
	next := make(chan J)
	var done atomic.Int64
	var wg sync.WaitGroup
	for worker := range workers {
		wg.Go(func() {
			for job := range next {
				if err := do(ctx, worker, job); err != nil {
					cancel(err)
					return
				}
				if n := done.Add(1); n%progressEvery == 0 {
					logf("created %d/%d %s (%.0f %s/s)", n, len(jobs), what, rate(n, start), what)
				}
			}
		})
	}
feed:
	for _, job := range jobs {
		select {
		case next <- job:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("create %s (%d of %d done): %w", what, done.Load(), len(jobs), err)
	}
	logf("created %d %s in %s (%.0f %s/s)", len(jobs), what, time.Since(start).Round(time.Millisecond), rate(int64(len(jobs)), start), what)
	return nil
}

// createPod creates one pod, renaming it if the ReplicaSet controller has
// already used the name for a pod of its own.
func createPod(ctx context.Context, pods typedcorev1.PodInterface, job podJob, rng *rand.Rand) error {
	name := job.name
	for attempt := 0; ; attempt++ {
		_, err := pods.Create(ctx, job.group.pod(name, job.node), metav1.CreateOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsAlreadyExists(err) || attempt == 3 {
			return fmt.Errorf("create pod %s/%s: %w", job.group.w.ns.name, name, err)
		}
		name = job.group.name + "-" + suffix(rng)
	}
}

func rate(n int64, since time.Time) float64 {
	return float64(n) / max(time.Since(since).Seconds(), 1e-9)
}

// waitForPods waits until the namespace holds exactly want live load pods,
// all adopted by their ReplicaSets. Should the ReplicaSet controller still
// have made pods of its own, it deletes the surplus, so the count can
// overshoot before settling.
func waitForPods(ctx context.Context, cs kubernetes.Interface, ns string, want int, logf func(string, ...any)) error {
	if _, ok := ctx.Deadline(); !ok {
		// ReplicaSet adoption runs at 50-100 pods/s here: 100,000 pods
		// need more than the default.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultWaitTimeout+time.Duration(want)*20*time.Millisecond)
		defer cancel()
	}
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	lastLive, lastOwned := -1, -1
	for {
		live, owned, err := countLoadPods(ctx, cs, ns)
		if err != nil {
			return fmt.Errorf("wait for %d load pods: %w", want, err)
		}
		if live == want && owned == want {
			logf("namespace %s has %d load pods, all owned by their ReplicaSets", ns, live)
			return nil
		}
		if live != lastLive || owned != lastOwned {
			logf("waiting for load pods in %s to settle: %d/%d live, %d adopted", ns, live, want, owned)
			lastLive, lastOwned = live, owned
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %d load pods in %s (have %d, %d adopted): %w", want, ns, live, owned, ctx.Err())
		case <-ticker.C:
		}
	}
}

// RunningLoadPods calls each with n load pods of namespace ns as Pods makes
// them (named for their ReplicaSets, placed round-robin on nodes) and as the
// cluster then holds them: with a uid, a resourceVersion, a creation time,
// the controller reference of their ReplicaSet, and the Running status with
// ready containers that kwok reports. Benchmarks feed them to an informer
// without an API server. Each pod is made for the call and not kept, so
// 100,000 of them need no more memory than one.
func RunningLoadPods(ns string, n int, nodes []string, each func(*corev1.Pod)) {
	load := space{name: ns, team: "perf", env: "load", extra: map[string]string{loadLabel: "true"}}
	groups := planGroups(load, n, 0)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	rsUIDs := map[*loadGroup]types.UID{}
	for i, job := range planPods(groups, nodes, 0) {
		g := job.group
		if _, ok := rsUIDs[g]; !ok {
			rsUIDs[g] = fakeUID(ns + "/" + g.name)
		}
		p := g.pod(job.name, job.node)
		p.UID = fakeUID(ns + "/" + job.name)
		p.ResourceVersion = strconv.Itoa(1000 + i)
		p.CreationTimestamp = metav1.NewTime(created.Add(time.Duration(i) * time.Millisecond).Truncate(time.Second))
		p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(
			&metav1.ObjectMeta{Name: g.name, UID: rsUIDs[g]}, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}
		markRunning(p, fmt.Sprintf("10.%d.%d.%d", 128+i>>16&63, i>>8&255, i&255), p.CreationTimestamp)
		each(p)
	}
}

// markRunning gives p the status kwok reports for a pod it runs.
func markRunning(p *corev1.Pod, ip string, since metav1.Time) {
	ready := func(t corev1.PodConditionType) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: since}
	}
	p.Status = corev1.PodStatus{
		Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{ready(corev1.PodInitialized), ready(corev1.PodReady),
			ready(corev1.ContainersReady), ready(corev1.PodScheduled)},
		HostIP: "127.0.0.1", HostIPs: []corev1.HostIP{{IP: "127.0.0.1"}},
		PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}},
		StartTime: &since,
	}
	for _, c := range p.Spec.Containers {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, Ready: true, Started: ptr(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: since}},
		})
	}
}

// fakeUID is a stable UID-shaped string for key.
func fakeUID(key string) types.UID {
	h := fnv.New128a()
	h.Write([]byte(key))
	b := h.Sum(nil)
	return types.UID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
