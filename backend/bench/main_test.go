package bench_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"crowsnest/backend/events"
	"crowsnest/backend/informer"
	"crowsnest/backend/kubeconfig"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/seed"
	"crowsnest/hack/testcluster"
)

const (
	// enableEnv must be 1 for any benchmark here to run: they need minutes
	// of seeding and a control plane of their own (see `make bench`).
	enableEnv = "CROWSNEST_BENCH"
	// loadPods pods are seeded into loadNamespace once per run.
	loadPods      = 10_000
	loadNamespace = "load"
	// loadSelector picks one app's pods among the load pods (a 40th of them).
	loadSelector = "app=orders"
	version      = "bench"
)

func TestMain(m *testing.M) {
	if os.Getenv(patcherEnv) != "" {
		// The test binary re-executed as the update driver of
		// BenchmarkPodUpdates (see patcher_test.go).
		os.Exit(runPatcher())
	}
	flag.Parse()
	if !benchEnabled() || !benchRequested() {
		// Plain `go test ./...` (make test): start nothing, seed nothing.
		// Benchmarks, if any were asked for, skip themselves.
		os.Exit(m.Run())
	}
	os.Exit(testcluster.Main(m))
}

func benchEnabled() bool { return os.Getenv(enableEnv) == "1" }

func benchRequested() bool {
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != ""
}

// fixture is what every benchmark shares: the control plane, seeded once.
type fixture struct {
	env     *testcluster.Env
	kubectl string
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

// setup skips unless CROWSNEST_BENCH=1, then returns the seeded cluster. The
// first call seeds (idempotently: a rerun against the same cluster reuses
// the pods) and waits until the load pods are Running, so no benchmark
// measures the seeding's aftermath.
func setup(b *testing.B) *fixture {
	b.Helper()
	if !benchEnabled() {
		b.Skipf("performance benchmark: set %s=1 to run it against a seeded control plane (make bench)", enableEnv)
	}
	env := testcluster.Get(b)
	fixtureOnce.Do(func() {
		began := time.Now()
		shared, fixtureErr = prepare(env)
		logf("fixture ready in %s", time.Since(began).Round(time.Second))
	})
	if fixtureErr != nil {
		b.Fatalf("preparing the benchmark cluster: %v", fixtureErr)
	}
	return shared
}

func prepare(env *testcluster.Env) (*fixture, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	root, err := controlplane.FindRepoRoot()
	if err != nil {
		return nil, err
	}
	bins, missing, err := controlplane.LocateBinaries(root, controlplane.DefaultCacheDir())
	if err != nil {
		return nil, err
	}
	kubectl := bins.Path(controlplane.Kubectl)
	if slices.Contains(missing, kubectl) {
		return nil, fmt.Errorf("kubectl missing at %s: run hack/cluster tools", kubectl)
	}
	opts := env.Options()
	for _, p := range []struct{ context, profile string }{
		{controlplane.ContextDemoAdmin, controlplane.Demo},
		{controlplane.ContextStagingAdmin, controlplane.Staging},
	} {
		cs, err := controlplane.BulkClient(opts, p.context, "crowsnest-bench-seed")
		if err != nil {
			return nil, err
		}
		if err := seed.Cluster(ctx, cs, seed.Options{Profile: p.profile, Log: logf}); err != nil {
			return nil, fmt.Errorf("seed %s: %w", p.profile, err)
		}
	}
	cs, err := controlplane.BulkClient(opts, controlplane.ContextDemoAdmin, "crowsnest-bench-seed")
	if err != nil {
		return nil, err
	}
	if err := seed.Pods(ctx, cs, seed.PodsOptions{Count: loadPods, Namespace: loadNamespace, Log: logf}); err != nil {
		return nil, fmt.Errorf("seed %d pods: %w", loadPods, err)
	}
	if err := bindStranded(ctx, cs, loadNamespace); err != nil {
		return nil, err
	}
	if err := waitRunning(ctx, cs, loadNamespace); err != nil {
		return nil, err
	}
	return &fixture{env: env, kubectl: kubectl}, nil
}

// waitRunning waits until kwok has moved every pod of ns to Running, so the
// status updates of freshly seeded pods are over before anything is timed.
func waitRunning(ctx context.Context, cs kubernetes.Interface, ns string) error {
	last := -1
	for {
		notRunning, total := 0, 0
		opts := metav1.ListOptions{Limit: 1000}
		for {
			page, err := cs.CoreV1().Pods(ns).List(ctx, opts)
			if err != nil {
				return fmt.Errorf("list pods in %s: %w", ns, err)
			}
			for i := range page.Items {
				total++
				if page.Items[i].Status.Phase != corev1.PodRunning {
					notRunning++
				}
			}
			if page.Continue == "" {
				break
			}
			opts.Continue = page.Continue
		}
		if notRunning == 0 {
			logf("all %d pods in %s are Running", total, ns)
			return nil
		}
		if notRunning != last {
			logf("waiting for kwok: %d of %d pods in %s not Running yet", notRunning, total, ns)
			last = notRunning
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d pods in %s never became Running: %w", notRunning, ns, ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// kubeconfigPaths is what the app would read: the cluster's kubeconfig only.
func (f *fixture) kubeconfigPaths() []string { return []string{f.env.Kubeconfig()} }

// newBoard returns a Switchboard over the bench cluster's kubeconfig that
// emits into emit, stopped when the benchmark ends.
func (f *fixture) newBoard(b *testing.B, emit events.Emitter) *session.Switchboard {
	b.Helper()
	board := session.NewSwitchboard(context.Background(), session.Options{
		Version: version, Emitter: emit, Paths: f.kubeconfigPaths,
	})
	b.Cleanup(board.Stop)
	return board
}

// connectSynced switches board to context and returns its session once the
// pods informer has synced, started the way a details query would (no view
// open while it lists).
func connectSynced(b *testing.B, board *session.Switchboard, context string) (*session.Session, int) {
	b.Helper()
	if _, err := board.Switch(context); err != nil {
		b.Fatalf("switch to %s: %v", context, err)
	}
	s, err := board.Current()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Access().Cache().List(informer.Pods, "", nil); err != nil {
		b.Fatal(err)
	}
	n, err := waitPodsSynced(s, 2*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	return s, n
}

// statusPoll is how often waitPodsSynced asks the session for its status.
const statusPoll = 5 * time.Millisecond

// waitPodsSynced polls the session's status until it reports the pods kind
// synced, and returns how many pods it holds.
func waitPodsSynced(s *session.Session, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		if k, ok := kindStatus(s.Status(), informer.Pods); ok && k.State == string(informer.StateSynced) {
			return k.Count, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("pods of %s not synced after %s: %+v", s.Context, timeout, s.Status())
		}
		time.Sleep(statusPoll)
	}
}

func kindStatus(st model.SessionStatus, k informer.Kind) (model.KindStatus, bool) {
	for _, ks := range st.Kinds {
		if ks.Kind == string(k) {
			return ks, true
		}
	}
	return model.KindStatus{}, false
}

// restConfigFor is a context's client configuration exactly as a session
// builds it (QPS, user agent, dialer).
func (f *fixture) restConfigFor(b *testing.B, context string) *rest.Config {
	b.Helper()
	cfg, err := kubeconfig.Load(f.kubeconfigPaths()).RESTConfig(context, version)
	if err != nil {
		b.Fatalf("rest config for %s: %v", context, err)
	}
	return cfg
}

// podsSpec is the view the budgets talk about: every namespace, by name.
var podsSpec = model.ViewSpec{Kind: string(informer.Pods), SortBy: "name"}

// discard is an Emitter for benchmarks that look at no event.
type discard struct{}

func (discard) Emit(string, any) {}

// durations collects samples and summarises them.
type durations []time.Duration

func (d durations) sorted() durations {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}

// quantile is the nearest-rank q-quantile (0 < q <= 1).
func (d durations) quantile(q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := d.sorted()
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func (d durations) median() time.Duration { return d.quantile(0.5) }
func (d durations) max() time.Duration    { return d.quantile(1) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
