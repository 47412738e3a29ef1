package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"crowsnest/backend/bench"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/hack/controlplane"
)

// podCache is a pods informer started the way a session starts one: its own
// HTTP client, typed and metadata clients, one informer.Owner.
type podCache struct {
	owner *informer.Owner
	http  *http.Client
}

func startPodCache(cfg *rest.Config) (*podCache, error) {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, err
	}
	md, err := metadata.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, err
	}
	o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md, Config: cfg})
	if _, err := o.Informer(kinds.Builtin(kinds.Pods)); err != nil {
		o.Stop()
		return nil, err
	}
	return &podCache{owner: o, http: hc}, nil
}

// waitSynced polls Owner.Synced, which asks the informer itself, every
// millisecond (the Owner's own status lags by up to 100 ms; see
// docs/PERFORMANCE.md).
func (c *podCache) waitSynced(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for !c.owner.Synced(kinds.Pods) {
		if time.Now().After(deadline) {
			return fmt.Errorf("pods not synced after %s", timeout)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

func (c *podCache) len() int {
	return c.owner.Count(kinds.Pods)
}

func (c *podCache) stop() {
	c.owner.Stop()
	c.http.CloseIdleConnections()
}

// syncPods times a pods cache from nothing (clients included) to synced,
// and returns it still running.
func syncPods(b *testing.B, cfg *rest.Config) (time.Duration, *podCache) {
	b.Helper()
	began := time.Now()
	c, err := startPodCache(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.waitSynced(5 * time.Minute); err != nil {
		c.stop()
		b.Fatal(err)
	}
	return time.Since(began), c
}

// kubectlGetPods times `kubectl get pods -A -o json` on the demo context.
func (f *fixture) kubectlGetPods(b *testing.B, cacheDir string) time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := bench.KubectlGetPods(ctx, f.kubectl, f.env.Kubeconfig(), controlplane.ContextDemoAdmin, cacheDir)
	if err != nil {
		b.Fatalf("kubectl get pods: %v", err)
	}
	return run.Wall
}

// heapProfileEnv names a file for the heap profile of a synced pods cache
// (go test's -memprofile is written after the cache has gone).
const heapProfileEnv = "CROWSNEST_BENCH_HEAPPROFILE"

func writeHeapProfile(b *testing.B) {
	path := os.Getenv(heapProfileEnv)
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}
