package bench_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"crowsnest/backend/bench"
	"crowsnest/backend/events"
	"crowsnest/backend/kinds"
	"crowsnest/backend/kubeconfig"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/seed"
	"crowsnest/hack/testcluster"
)

const (
	// enableEnv must be 1 for any benchmark here to run: they need minutes
	// of seeding and a control plane of their own (see `make bench`).
	enableEnv = "CROWSNEST_BENCH"
	// loadPods pods are seeded into bench.LoadNamespace once per run,
	// unless $CROWSNEST_BENCH_PODS asks for another count (a quick run).
	loadPods = 10_000
	podsEnv  = "CROWSNEST_BENCH_PODS"
	version  = "bench"
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
		cfg, err := controlplane.BulkConfig(opts, p.context, "crowsnest-bench-seed")
		if err != nil {
			return nil, err
		}
		clients, err := seed.ClientsFor(cfg)
		if err != nil {
			return nil, err
		}
		if err := seed.Cluster(ctx, clients, seed.Options{Profile: p.profile, Log: logf}); err != nil {
			return nil, fmt.Errorf("seed %s: %w", p.profile, err)
		}
	}
	cs, err := controlplane.BulkClient(opts, controlplane.ContextDemoAdmin, "crowsnest-bench-seed")
	if err != nil {
		return nil, err
	}
	count := loadPods
	if env := os.Getenv(podsEnv); env != "" {
		if count, err = strconv.Atoi(env); err != nil || count <= 0 {
			return nil, fmt.Errorf("%s=%q: not a positive count", podsEnv, env)
		}
	}
	if err := seed.Pods(ctx, cs, seed.PodsOptions{Count: count, Namespace: bench.LoadNamespace, Log: logf}); err != nil {
		return nil, fmt.Errorf("seed %d pods: %w", count, err)
	}
	if err := bindStranded(ctx, cs, bench.LoadNamespace); err != nil {
		return nil, err
	}
	if err := bench.WaitRunning(ctx, cs, bench.LoadNamespace, logf); err != nil {
		return nil, err
	}
	return &fixture{env: env, kubectl: kubectl}, nil
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
	if _, err := s.Access().Cache().List(kinds.Builtin(kinds.Pods), "", nil); err != nil {
		b.Fatal(err)
	}
	n, err := bench.WaitPodsSynced(s, 2*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	return s, n
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

// discard is an Emitter for benchmarks that look at no event.
type discard struct{}

func (discard) Emit(string, any) {}
