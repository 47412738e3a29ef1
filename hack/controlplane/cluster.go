// Package controlplane runs local Kubernetes clusters for Crowsnest's demo,
// integration tests and benchmarks: a real etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler, with kwok standing in for
// kubelets so that scheduled pods become Running. Every binary is built from
// Go modules (see hack/tools) and every server listens on 127.0.0.1 only.
//
// Up starts two clusters so that context switching is real: "demo" (several
// fake nodes) and "staging" (fewer nodes, its own etcd prefix). Both share one
// etcd process. The processes run detached and are found again through PID
// files in Options.Dir, so Up, Status and Down may be called from different
// processes; none of them is safe to call concurrently for the same Dir except
// through the directory lock that Up and Down take.
package controlplane

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// Options configure a control-plane directory. Zero values are defaulted by
// withDefaults, in one place.
type Options struct {
	// Dir holds key material, etcd data, logs, PID files and the kubeconfig.
	Dir string
	// CacheDir holds the built binaries, keyed by version.
	CacheDir string
	// RepoRoot is the checkout whose hack/tools modules build the binaries.
	RepoRoot string
	// PortBase is the first port; see Ports for the layout.
	PortBase int
	// Clusters to start: any of "demo", "staging"; default both.
	Clusters []string
	// Log receives progress lines; nil discards them.
	Log func(format string, args ...any)
}

// Default port layout, relative to PortBase.
const (
	DefaultPortBase  = 26400
	etcdClientOffset = 0
	etcdPeerOffset   = 1
	offlineOffset    = 99
)

// Cluster names and kubeconfig contexts.
const (
	Demo    = "demo"
	Staging = "staging"

	ContextDemoAdmin    = "demo-admin"
	ContextDemoViewer   = "demo-viewer"
	ContextStagingAdmin = "staging-admin"
	ContextOffline      = "offline"
	// ContextDemoSSO is demo with an exec credential plugin whose login
	// has expired: it prints why to stderr and fails (see ssoPlugin).
	ContextDemoSSO = "demo-sso"

	// ViewerNamespace is the only namespace the demo-viewer user may read.
	ViewerNamespace = "shop"
	// KwokNodeAnnotation marks the fake nodes that kwok manages.
	KwokNodeAnnotation = "kwok.x-k8s.io/node"
	// UsageCPUAnnotation and UsageMemoryAnnotation on a pod set the usage
	// kwok reports for each of its containers (a quantity: "250m", "64Mi").
	UsageCPUAnnotation    = "kwok.x-k8s.io/usage-cpu"
	UsageMemoryAnnotation = "kwok.x-k8s.io/usage-memory"
)

// DefaultCacheDir is $CROWSNEST_CACHE, else the user cache dir's crowsnest.
func DefaultCacheDir() string {
	if d := os.Getenv("CROWSNEST_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "crowsnest")
	}
	return filepath.Join(os.TempDir(), "crowsnest-cache")
}

func (o Options) withDefaults() Options {
	if o.CacheDir == "" {
		o.CacheDir = DefaultCacheDir()
	}
	if o.Dir == "" {
		o.Dir = filepath.Join(o.CacheDir, "cluster")
	}
	if o.PortBase == 0 {
		o.PortBase = DefaultPortBase
	}
	if len(o.Clusters) == 0 {
		o.Clusters = []string{Demo, Staging}
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	o.Dir, _ = filepath.Abs(o.Dir)
	return o
}

// clusterSpec is the fixed shape of one cluster.
type clusterSpec struct {
	Name       string
	Offset     int // ports: apiserver +0, controller-manager +1, scheduler +2, kwok +3, podsim +4, metrics-server +5
	EtcdPrefix string
	Nodes      int
	Users      []user
}

type user struct {
	Name    string // also the kubeconfig context and token file name
	Masters bool
}

const componentsUser = "components"

var specs = map[string]clusterSpec{
	Demo: {Name: Demo, Offset: 10, EtcdPrefix: "/registry", Nodes: 4,
		Users: []user{{Name: ContextDemoAdmin, Masters: true}, {Name: ContextDemoViewer}}},
	Staging: {Name: Staging, Offset: 20, EtcdPrefix: "/staging-registry", Nodes: 2,
		Users: []user{{Name: ContextStagingAdmin, Masters: true}}},
}

// Ports reports where each server of a cluster listens. Kwok serves the
// kubelet API of every node of the cluster (logs, exec, port-forward) on its
// port; PodSim is the HTTP server that pod ports are forwarded to;
// MetricsServer serves metrics.k8s.io behind the API server's aggregation layer.
type Ports struct {
	APIServer, ControllerManager, Scheduler, Kwok, PodSim, MetricsServer int
}

func (o Options) ports(s clusterSpec) Ports {
	b := o.PortBase + s.Offset
	return Ports{APIServer: b, ControllerManager: b + 1, Scheduler: b + 2, Kwok: b + 3, PodSim: b + 4, MetricsServer: b + 5}
}

// Discover fills in the port base of a control plane that runs in
// opts.Dir (started by another process) from its kubeconfig.
func Discover(opts Options) (Options, error) {
	opts = opts.withDefaults()
	raw, err := clientcmd.LoadFromFile(opts.KubeconfigPath())
	if err != nil {
		return opts, fmt.Errorf("%w (is the control plane up? run hack/cluster up)", err)
	}
	for name, s := range specs {
		c, ok := raw.Clusters[name]
		if !ok {
			continue
		}
		u, err := url.Parse(c.Server)
		if err != nil {
			return opts, fmt.Errorf("server of %s in %s: %w", name, opts.KubeconfigPath(), err)
		}
		port, err := strconv.Atoi(u.Port())
		if err != nil {
			return opts, fmt.Errorf("server of %s in %s: %w", name, opts.KubeconfigPath(), err)
		}
		opts.PortBase = port - s.Offset
		return opts, nil
	}
	return opts, fmt.Errorf("%s names no cluster of this control plane", opts.KubeconfigPath())
}

// Ports returns where the servers of a cluster listen.
func (o Options) Ports(cluster string) Ports { return o.withDefaults().ports(specs[cluster]) }

// PodSimDir is where podsim keeps the simulated container files of a
// cluster: log files, exec working directories (see package hack/podsim).
func (o Options) PodSimDir(cluster string) string {
	return filepath.Join(o.withDefaults().Dir, cluster, "podsim")
}

// Server returns the API server URL of a cluster.
func (o Options) Server(cluster string) string {
	o = o.withDefaults()
	return fmt.Sprintf("https://127.0.0.1:%d", o.ports(specs[cluster]).APIServer)
}

// KubeconfigPath is the kubeconfig that Up writes, with every context.
func (o Options) KubeconfigPath() string { return filepath.Join(o.withDefaults().Dir, "kubeconfig") }

func (o Options) validate() error {
	for _, c := range o.Clusters {
		if _, ok := specs[c]; !ok {
			return fmt.Errorf("unknown cluster %q (want %s or %s)", c, Demo, Staging)
		}
	}
	if o.PortBase < 1024 || o.PortBase+offlineOffset > 65535 {
		return fmt.Errorf("port base %d out of range 1024..%d", o.PortBase, 65535-offlineOffset)
	}
	return nil
}

// processes lists every program of the configured clusters in start order.
func (o Options) processes(bins Binaries, p pki) []process {
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", o.PortBase+etcdClientOffset)
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", o.PortBase+etcdPeerOffset)
	procs := []process{{Name: "etcd", Bin: bins.Path(Etcd), Args: []string{
		"--name=crowsnest",
		"--data-dir=" + filepath.Join(o.Dir, "etcd"),
		"--listen-client-urls=" + etcdClient,
		"--advertise-client-urls=" + etcdClient,
		"--listen-peer-urls=" + etcdPeer,
		"--initial-advertise-peer-urls=" + etcdPeer,
		"--initial-cluster=crowsnest=" + etcdPeer,
		"--listen-metrics-urls=",
		"--quota-backend-bytes=8589934592",
		// A throw-away local cluster: durability on power loss buys nothing
		// and fsync dominates write latency when seeding 100k pods.
		"--unsafe-no-fsync=true",
		"--log-level=warn",
	}}}
	for _, name := range o.Clusters {
		s := specs[name]
		ports := o.ports(s)
		dir := filepath.Join(o.Dir, name)
		procs = append(procs, process{Name: name + "-apiserver", Bin: bins.Path(KubeAPIServer), Args: []string{
			"--etcd-servers=" + etcdClient,
			"--etcd-prefix=" + s.EtcdPrefix,
			"--bind-address=127.0.0.1",
			"--advertise-address=127.0.0.1",
			// The lease reconciler refuses loopback addresses; nothing here needs
			// the default/kubernetes Service to have endpoints.
			"--endpoint-reconciler-type=none",
			"--secure-port=" + strconv.Itoa(ports.APIServer),
			"--cert-dir=" + dir,
			"--tls-cert-file=" + p.ServingCert,
			"--tls-private-key-file=" + p.ServingKey,
			"--client-ca-file=" + p.CACert,
			"--token-auth-file=" + filepath.Join(dir, "tokens.csv"),
			"--authorization-mode=RBAC",
			"--service-account-issuer=https://kubernetes.default.svc",
			"--service-account-key-file=" + p.SAPub,
			"--service-account-signing-key-file=" + p.SAKey,
			"--service-cluster-ip-range=10.96.0.0/16",
			"--allow-privileged=true",
			// Logs, exec and port-forward go to kwok, which serves the kubelet
			// API of every node on the address the nodes advertise
			// (127.0.0.1) and the port in their status. The API server checks
			// kwok's certificate against our CA and shows a client
			// certificate, as it would to a kubelet; kwok (v0.8.0) asks for
			// no client certificate, so it serves anyone on loopback.
			"--kubelet-preferred-address-types=InternalIP",
			"--kubelet-certificate-authority=" + p.CACert,
			"--kubelet-client-certificate=" + p.KubeletClientCert,
			"--kubelet-client-key=" + p.KubeletKey,
			// The aggregation layer: metrics.k8s.io is served by metrics-server
			// (an APIService, see bootstrap), which trusts the user named in
			// the headers of a client showing the front-proxy certificate.
			"--requestheader-client-ca-file=" + p.CACert,
			"--requestheader-allowed-names=" + frontProxyClient,
			"--requestheader-username-headers=X-Remote-User",
			"--requestheader-group-headers=X-Remote-Group",
			"--requestheader-extra-headers-prefix=X-Remote-Extra-",
			"--proxy-client-cert-file=" + p.FrontProxyCert,
			"--proxy-client-key-file=" + p.FrontProxyKey,
			"--event-ttl=168h",
			"--profiling=false",
			"--v=1",
		}})
		kubeconfig := filepath.Join(dir, "components.kubeconfig")
		procs = append(procs,
			process{Name: name + "-controller-manager", Bin: bins.Path(KubeControllerManager), Args: []string{
				"--kubeconfig=" + kubeconfig,
				"--bind-address=127.0.0.1",
				"--secure-port=" + strconv.Itoa(ports.ControllerManager),
				"--cert-dir=" + dir,
				"--service-account-private-key-file=" + p.SAKey,
				"--root-ca-file=" + p.CACert,
				"--use-service-account-credentials=false",
				"--leader-elect=false",
				"--kube-api-qps=500",
				"--kube-api-burst=1000",
				"--concurrent-replicaset-syncs=50", // seed.Pods: ReplicaSets adopt their pods one patch at a time
				// kwok renews node leases; while it works through tens of
				// thousands of seeded pods a renewal can be late. The default
				// 50s grace would then mark every pod NotReady (kwok never
				// marks them Ready again) and later evict them.
				"--node-monitor-grace-period=5m",
				"--profiling=false",
				"--v=1",
			}},
			process{Name: name + "-scheduler", Bin: bins.Path(KubeScheduler), Args: []string{
				"--config=" + filepath.Join(dir, "scheduler.yaml"),
				"--bind-address=127.0.0.1",
				"--secure-port=" + strconv.Itoa(ports.Scheduler),
				"--cert-dir=" + dir,
				"--v=1",
			}},
			process{Name: name + "-kwok", Bin: bins.Path(Kwok), Args: []string{
				"--kubeconfig=" + kubeconfig,
				"--config=" + bins.KwokStages,
				"--config=" + bins.KwokMetrics,
				"--config=" + filepath.Join(dir, "kwok.yaml"),
				"--manage-all-nodes=false",
				"--manage-nodes-with-annotation-selector=" + KwokNodeAnnotation + "=fake",
				// The nodes advertise kwok's own address and port as their
				// kubelet's: loopback only, HTTPS with a certificate from our CA.
				"--server-address=127.0.0.1:" + strconv.Itoa(ports.Kwok),
				"--node-ip=127.0.0.1",
				"--node-port=" + strconv.Itoa(ports.Kwok),
				"--tls-cert-file=" + p.KwokCert,
				"--tls-private-key-file=" + p.KwokKey,
				"--cidr=10.128.0.0/10",
				"--v=1",
			}},
			process{Name: name + "-podsim", Bin: bins.Path(PodSim), Args: []string{
				"--kubeconfig=" + kubeconfig,
				"--dir=" + o.PodSimDir(name),
				"--listen=127.0.0.1:" + strconv.Itoa(ports.PodSim),
			}},
			// metrics-server scrapes kwok's emulated kubelet resource metrics
			// of each node (the path a node's annotation names, see
			// createKwokNode) every 10 s, the shortest it allows, so a test
			// or the demo sees usage soon after start.
			process{Name: name + "-metrics-server", Bin: bins.Path(MetricsServer), Args: []string{
				"--kubeconfig=" + kubeconfig,
				"--authentication-kubeconfig=" + kubeconfig,
				"--authorization-kubeconfig=" + kubeconfig,
				"--bind-address=127.0.0.1",
				"--secure-port=" + strconv.Itoa(ports.MetricsServer),
				"--tls-cert-file=" + p.MetricsCert,
				"--tls-private-key-file=" + p.MetricsKey,
				"--kubelet-preferred-address-types=InternalIP",
				"--kubelet-use-node-status-port",
				"--kubelet-certificate-authority=" + p.CACert,
				"--kubelet-client-certificate=" + p.KubeletClientCert,
				"--kubelet-client-key=" + p.KubeletKey,
				"--kubelet-request-timeout=5s",
				"--metric-resolution=10s",
				"--v=1",
			}},
		)
	}
	return procs
}

// Up starts the control plane described by opts unless it already runs, and
// returns once every component reports healthy. A half-running control plane
// (one component died) is stopped and started afresh.
func Up(ctx context.Context, opts Options) error {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return err
	}
	began := time.Now()
	procs, p, bins, unlock, err := prepare(ctx, opts)
	if err != nil {
		return err
	}
	defer unlock()
	alive := 0
	for _, pr := range procs {
		// A process of another build (podsim's sources changed) counts as
		// stopped, so the control plane restarts with the new one.
		if _, err := running(opts.Dir, pr.Name); err == nil && recordedBin(opts.Dir, pr.Name) == pr.Bin {
			alive++
		}
	}
	if alive == len(procs) {
		if err := waitHealthy(ctx, opts, p, 10*time.Second); err == nil {
			opts.Log("control plane already running in %s; kubeconfig %s", opts.Dir, opts.KubeconfigPath())
			return nil
		}
	}
	if alive > 0 {
		opts.Log("found a partly running control plane in %s; restarting it", opts.Dir)
		if err := stopAll(opts.Dir, procs); err != nil {
			return err
		}
	}
	// Fresh data for every start: a cluster is cheap to seed again, and a
	// stale etcd from an interrupted run is the usual cause of odd failures.
	if err := os.RemoveAll(filepath.Join(opts.Dir, "etcd")); err != nil {
		return err
	}
	for _, c := range opts.Clusters {
		if err := os.RemoveAll(opts.PodSimDir(c)); err != nil {
			return err
		}
	}
	if err := writeConfigs(opts, p); err != nil {
		return err
	}
	start := func(names ...string) error {
		for _, pr := range procs {
			for _, n := range names {
				if pr.Name == n {
					if _, err := pr.start(opts.Dir); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	fail := func(err error) error {
		_ = stopAll(opts.Dir, procs)
		return err
	}
	if err := start("etcd"); err != nil {
		return fail(err)
	}
	if err := waitFor(ctx, opts.Dir, "etcd", 30*time.Second, func() error {
		return httpCheck(ctx, fmt.Sprintf("http://127.0.0.1:%d/health", opts.PortBase+etcdClientOffset), nil, "")
	}); err != nil {
		return fail(err)
	}
	var apiservers []string
	for _, c := range opts.Clusters {
		apiservers = append(apiservers, c+"-apiserver")
	}
	if err := start(apiservers...); err != nil {
		return fail(err)
	}
	// The clusters are independent until here: bootstrap them side by side.
	errs := make([]error, len(opts.Clusters))
	var wg sync.WaitGroup
	for i, c := range opts.Clusters {
		wg.Go(func() {
			if err := waitAPIServer(ctx, opts, p, specs[c], 60*time.Second); err != nil {
				errs[i] = err
			} else if err := bootstrap(ctx, opts, p, bins, specs[c]); err != nil {
				errs[i] = fmt.Errorf("bootstrap %s: %w", c, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fail(err)
	}
	var rest []string
	for _, c := range opts.Clusters {
		rest = append(rest, c+"-controller-manager", c+"-scheduler", c+"-kwok", c+"-podsim", c+"-metrics-server")
	}
	if err := start(rest...); err != nil {
		return fail(err)
	}
	if err := waitHealthy(ctx, opts, p, 60*time.Second); err != nil {
		return fail(err)
	}
	if err := waitNodesReady(ctx, opts, p, 60*time.Second); err != nil {
		return fail(err)
	}
	opts.Log("control plane ready in %.1fs: %s; kubeconfig %s", time.Since(began).Seconds(), describe(opts), opts.KubeconfigPath())
	return nil
}

func describe(opts Options) string {
	var parts []string
	for _, c := range opts.Clusters {
		parts = append(parts, c+" "+opts.Server(c))
	}
	return strings.Join(parts, ", ")
}

func allUsers(opts Options) []string {
	users := []string{componentsUser}
	for _, c := range opts.Clusters {
		for _, u := range specs[c].Users {
			users = append(users, u.Name)
		}
	}
	return users
}

// Down stops every process Up started in opts.Dir, by PID, and removes the
// directory with its data, keys and kubeconfig.
func Down(opts Options) error {
	opts = opts.withDefaults()
	if _, err := os.Stat(opts.Dir); os.IsNotExist(err) {
		return nil
	}
	unlock, err := lock(opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	names, err := recordedProcesses(opts.Dir)
	if err != nil {
		return err
	}
	var errs []error
	// Stop clients before servers: kwok, scheduler and controller-manager,
	// then API servers, then etcd.
	for _, stage := range []func(string) bool{
		func(n string) bool { return n != "etcd" && !strings.HasSuffix(n, "-apiserver") },
		func(n string) bool { return strings.HasSuffix(n, "-apiserver") },
		func(n string) bool { return n == "etcd" },
	} {
		for _, n := range names {
			if stage(n) {
				if err := stop(opts.Dir, n, 10*time.Second); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.RemoveAll(opts.Dir)
}

// Component is one process in a Status report.
type Component struct {
	Name    string
	PID     int
	Running bool
}

// Status reports each recorded process of opts.Dir and whether it runs.
func Status(opts Options) ([]Component, error) {
	opts = opts.withDefaults()
	names, err := recordedProcesses(opts.Dir)
	if err != nil {
		return nil, err
	}
	var out []Component
	for _, n := range names {
		pid, err := running(opts.Dir, n)
		out = append(out, Component{Name: n, PID: pid, Running: err == nil})
	}
	return out, nil
}

func recordedProcesses(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "run"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".pid"); ok {
			names = append(names, n)
		}
	}
	return names, nil
}

func stopAll(dir string, procs []process) error {
	var errs []error
	for i := len(procs) - 1; i >= 0; i-- {
		if err := stop(dir, procs[i].Name, 10*time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// lock takes an exclusive lock on dir so that two `up` or `down` runs for
// the same directory never interleave.
func lock(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// RestartAPIServer stops one cluster's API server and starts it again with
// the same flags and data (etcd keeps running): what a managed control
// plane's upgrade or a crash looks like to clients. Fault tests use it.
func RestartAPIServer(ctx context.Context, opts Options, cluster string) error {
	opts = opts.withDefaults()
	s, ok := specs[cluster]
	if !ok {
		return fmt.Errorf("unknown cluster %q", cluster)
	}
	procs, p, _, unlock, err := prepare(ctx, opts)
	if err != nil {
		return err
	}
	defer unlock()
	name := cluster + "-apiserver"
	for _, pr := range procs {
		if pr.Name != name {
			continue
		}
		if err := stop(opts.Dir, name, 10*time.Second); err != nil {
			return err
		}
		if _, err := pr.start(opts.Dir); err != nil {
			return err
		}
		return waitAPIServer(ctx, opts, p, s, 60*time.Second)
	}
	return fmt.Errorf("cluster %q has no API server in %s", cluster, opts.Dir)
}

// prepare builds any missing binaries, takes the state directory's lock
// (release it with unlock) and returns the processes, key material and
// binaries of the control plane in opts.Dir.
func prepare(ctx context.Context, opts Options) (procs []process, p pki, bins Binaries, unlock func(), err error) {
	bins, err = EnsureBinaries(ctx, opts.RepoRoot, opts.CacheDir, opts.Log)
	if err != nil {
		return nil, p, bins, nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, p, bins, nil, err
	}
	unlock, err = lock(opts.Dir)
	if err != nil {
		return nil, p, bins, nil, err
	}
	p, err = ensurePKI(opts.Dir, allUsers(opts))
	if err != nil {
		unlock()
		return nil, p, bins, nil, err
	}
	return opts.processes(bins, p), p, bins, unlock, nil
}
