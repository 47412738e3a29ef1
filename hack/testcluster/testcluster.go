// Package testcluster gives integration tests a real control plane (etcd,
// kube-apiserver, controller-manager, scheduler and kwok from hack/), never a
// mock.
//
// A test package calls Main from TestMain. If $CROWSNEST_TEST_CLUSTER names
// the directory of a running control plane (what `make test` does), every
// package shares it; otherwise Main starts a private one on free loopback
// ports and stops it when the tests end. If the control plane cannot start,
// Main fails the run with the reason: integration tests are never skipped
// silently. `go test -short` skips them explicitly, except under CI=true,
// where -short is an error.
package testcluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"crowsnest/hack/controlplane"
)

// EnvVar names the directory of a running control plane to reuse.
const EnvVar = "CROWSNEST_TEST_CLUSTER"

// Env is the control plane the tests of one package use. Its methods may be
// called from any test goroutine.
type Env struct {
	opts controlplane.Options

	mu       sync.Mutex
	forwards map[string]map[int32]string // pod UID -> port -> target, see ForwardPodPort
}

var (
	current  *Env
	startErr error
)

// Main sets up the control plane, runs the tests and tears down what it
// started. Use it as `func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }`.
func Main(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "testcluster: -short is not allowed in CI: integration tests must run")
			return 1
		}
		return m.Run()
	}
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		// `go test -fuzz`: the fuzz targets need no cluster, and every
		// fuzz worker process would start one of its own.
		return m.Run()
	}
	env, stop, err := start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testcluster: the control plane could not start, so the integration tests cannot run:\n%v\n", err)
		return 1
	}
	current = env
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "testcluster: stopping the control plane: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func start() (*Env, func() error, error) {
	if dir := os.Getenv(EnvVar); dir != "" {
		opts, err := controlplane.Discover(controlplane.Options{Dir: dir})
		if err != nil {
			return nil, nil, fmt.Errorf("%s=%s: %w", EnvVar, dir, err)
		}
		env := &Env{opts: opts}
		if _, err := controlplane.RESTConfig(env.opts, controlplane.ContextDemoAdmin); err != nil {
			return nil, nil, fmt.Errorf("%s=%s: %w", EnvVar, dir, err)
		}
		if err := env.ping(); err != nil {
			return nil, nil, fmt.Errorf("%s=%s does not answer (run `hack/cluster up --dir %s`): %w", EnvVar, dir, dir, err)
		}
		return env, func() error { return nil }, nil
	}
	root, err := controlplane.FindRepoRoot()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "crowsnest-testcluster-")
	if err != nil {
		return nil, nil, err
	}
	base, err := FreePortBase()
	if err != nil {
		return nil, nil, err
	}
	opts := controlplane.Options{
		Dir: dir, RepoRoot: root, PortBase: base,
		Log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "testcluster: "+f+"\n", a...) },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := controlplane.Up(ctx, opts); err != nil {
		_ = controlplane.Down(opts)
		return nil, nil, err
	}
	return &Env{opts: opts}, func() error { return controlplane.Down(opts) }, nil
}

// Get returns the package's control plane. It skips the test under -short
// (outside CI) and fails it if TestMain did not call Main.
func Get(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs the local control plane (run without -short)")
	}
	if current == nil {
		t.Fatal("testcluster.Get: TestMain must call testcluster.Main")
	}
	return current
}

// Options returns the control plane's options, e.g. for its kubeconfig path.
func (e *Env) Options() controlplane.Options { return e.opts }

// Kubeconfig is the path of the kubeconfig with every context.
func (e *Env) Kubeconfig() string { return e.opts.KubeconfigPath() }

// Config returns a fresh client configuration for a kubeconfig context
// (controlplane.ContextDemoAdmin, ContextDemoViewer, ...).
func (e *Env) Config(t testing.TB, context string) *rest.Config {
	t.Helper()
	cfg, err := controlplane.RESTConfig(e.opts, context)
	if err != nil {
		t.Fatalf("rest config for %s: %v", context, err)
	}
	return cfg
}

// Admin is the configuration of demo-admin (system:masters).
func (e *Env) Admin(t testing.TB) *rest.Config { return e.Config(t, controlplane.ContextDemoAdmin) }

// Viewer is the configuration of demo-viewer, who may only get, list and
// watch in namespace controlplane.ViewerNamespace.
func (e *Env) Viewer(t testing.TB) *rest.Config { return e.Config(t, controlplane.ContextDemoViewer) }

// Client is a clientset for a context.
func (e *Env) Client(t testing.TB, context string) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(e.Config(t, context))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Namespace creates a uniquely named namespace on the demo cluster for this
// test and deletes it when the test ends. It waits for the namespace's
// default ServiceAccount, without which the API server refuses pods.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	cs := e.Client(t, controlplane.ContextDemoAdmin)
	name := namespaceName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: name, Labels: map[string]string{"crowsnest.dev/test": "true"},
	}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("delete namespace %s: %v", name, err)
		}
	})
	for {
		_, err := cs.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			return name
		}
		select {
		case <-ctx.Done():
			t.Fatalf("namespace %s: default ServiceAccount never appeared: %v", name, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var notDNS = regexp.MustCompile(`[^a-z0-9-]+`)

func namespaceName(test string) string {
	n := strings.Trim(notDNS.ReplaceAllString(strings.ToLower(test), "-"), "-")
	if len(n) > 40 {
		n = strings.TrimRight(n[:40], "-")
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	return "t-" + n + "-" + hex.EncodeToString(suffix)
}

func (e *Env) ping() error {
	cfg, err := controlplane.RESTConfig(e.opts, controlplane.ContextDemoAdmin)
	if err != nil {
		return err
	}
	cfg.Timeout = 5 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	_, err = cs.Discovery().ServerVersion()
	return err
}

// FreePortBase finds a port base whose whole range (etcd, both clusters and
// the offline port) is free on 127.0.0.1 right now.
func FreePortBase() (int, error) {
	for attempt := 0; attempt < 50; attempt++ {
		raw := make([]byte, 2)
		_, _ = rand.Read(raw)
		// Below the ephemeral range (Linux: 32768+), where outgoing connections
		// take ports at random, and below the fixed bases (23400+) of the
		// Makefile's clusters.
		base := 10000 + (int(raw[0])<<8|int(raw[1]))%12000
		if rangeFree(base) {
			return base, nil
		}
	}
	return 0, errors.New("no free loopback port range found")
}

func rangeFree(base int) bool {
	for off := 0; off < 100; off++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+off))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
