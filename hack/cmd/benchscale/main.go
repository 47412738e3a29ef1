// Command benchscale is the scale harness of issue 7 (`make bench`): for
// each pod count N it seeds the local control plane's demo cluster up to N
// load pods, then runs, several times in alternating order and each as a
// process of its own, Crowsnest's backend headless, a bare client-go pod
// informer (the floor) and `kubectl get pods -A -o json`, and reports their
// sync time, heap per pod and resident memory, the app's list and query
// latencies, and the API requests a long session makes. Before the pods it
// does the same for custom resources (issue 14): --crs of the bench CRD's
// resources, Crowsnest's cache of them against a bare dynamic informer.
// Results go to build/bench/scale.{json,md,svg} and the chart also to
// docs/perf/scale.svg.
//
// The same binary is its own child: `benchscale -child
// crowsnest|floor|requests|crowsnest-crs|floor-crs` measures one program
// and prints one JSON line.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"crowsnest/backend/bench"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/seed"
)

func main() {
	var (
		child    = flag.String("child", "", "run as the child measuring one program: crowsnest, floor or requests")
		kc       = flag.String("kubeconfig", "", "child: the kubeconfig to read")
		kctx     = flag.String("context", controlplane.ContextDemoAdmin, "the kubeconfig context measured")
		dir      = flag.String("dir", os.Getenv("CROWSNEST_CLUSTER_DIR"), "control-plane state directory (hack/cluster --dir)")
		portBase = flag.Int("port-base", controlplane.DefaultPortBase, "control-plane port base (hack/cluster --port-base)")
		podsFlag = flag.String("pods", "10000,50000,100000", "the pod counts N to seed and measure, ascending (empty: none)")
		crs      = flag.Int("crs", 10000, "custom resources of the bench CRD to seed and measure first (0: none)")
		reps     = flag.Int("reps", 3, "repetitions of each program at each N (medians are reported)")
		settle   = flag.Duration("settle", 3*time.Second, "wait after sync and GC before reading the settled RSS")
		period   = flag.Duration("requests-period", 60*time.Second, "how long the requests child opens and closes views (0: skip)")
		timeout  = flag.Duration("timeout", 10*time.Minute, "for one program to sync")
		out      = flag.String("out", "build/bench", "output directory (a relative path is from the repository root)")
		chart    = flag.String("chart", "docs/perf/scale.svg", "a copy of the chart, relative to the repository root (empty: none)")
		kubeMax  = flag.Int("kubectl-max", 0, "run kubectl only at N up to this (0: every N); it holds ~180 KB RSS per pod, 9 GB at 50,000")
		resume   = flag.Bool("resume", false, "keep the results for other N already in the output directory's scale.json (a series resumed after an interruption)")
	)
	flag.Parse()
	co := childOptions{kubeconfig: *kc, context: *kctx, settle: *settle, period: *period, timeout: *timeout}
	if *child != "" {
		if err := runChild(*child, co); err != nil {
			fmt.Fprintf(os.Stderr, "benchscale %s: %v\n", *child, err)
			os.Exit(1)
		}
		return
	}
	ns, err := parsePods(*podsFlag)
	switch {
	case err != nil:
	case *reps < 1:
		err = fmt.Errorf("--reps must be at least 1")
	case len(ns) == 0 && *crs <= 0:
		err = fmt.Errorf("nothing to measure: --pods is empty and --crs is 0")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchscale:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := &harness{opts: controlplane.Options{Dir: *dir, PortBase: *portBase, Log: logf},
		child: co, reps: *reps, crs: *crs, outDir: *out, chartCopy: *chart, resume: *resume, kubectlMax: *kubeMax}
	if err := h.run(ctx, ns); err != nil {
		fmt.Fprintln(os.Stderr, "benchscale:", err)
		os.Exit(1)
	}
}

// parsePods reads "10000,50000" into ascending, distinct positive counts;
// "" is none.
func parsePods(s string) ([]int, error) {
	var ns []int
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--pods: %q is not a positive count", f)
		}
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return slices.Compact(ns), nil
}

// harness is the parent: it seeds, runs the children and writes reports.
type harness struct {
	opts      controlplane.Options
	child     childOptions
	reps      int
	crs       int // custom resources to measure; 0: none
	outDir    string
	chartCopy string
	resume    bool
	// kubectlMax: kubectl is measured at N up to this only (0: every N).
	kubectlMax int

	root    string
	kubectl string
	report  Report
}

// pause lets the API server settle (its own GC, the watch caches) between
// two measured processes.
const pause = 2 * time.Second

func (h *harness) run(ctx context.Context, ns []int) error {
	root, err := controlplane.FindRepoRoot()
	if err != nil {
		return err
	}
	h.root, h.opts.RepoRoot = root, root
	bins, err := controlplane.EnsureBinaries(ctx, root, controlplane.DefaultCacheDir(), logf)
	if err != nil {
		return err
	}
	h.kubectl = bins.Path(controlplane.Kubectl)
	if err := controlplane.Up(ctx, h.opts); err != nil {
		return err
	}
	h.child.kubeconfig = h.opts.KubeconfigPath()
	cfg, err := controlplane.BulkConfig(h.opts, h.child.context, "crowsnest-benchscale")
	if err != nil {
		return err
	}
	clients, err := seed.ClientsFor(cfg)
	if err != nil {
		return err
	}
	if err := seed.Cluster(ctx, clients, seed.Options{Profile: controlplane.Demo, Log: logf}); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	cs := clients.Kube
	cacheDir, err := os.MkdirTemp("", "benchscale-kubectl-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cacheDir)
	h.report = Report{Started: time.Now().UTC(), Command: strings.Join(os.Args, " "), Machine: describeMachine(), Reps: h.reps}
	if h.resume {
		if err := h.keepEarlier(ns); err != nil {
			return err
		}
	}

	if h.crs > 0 {
		if err := h.measureCustom(ctx, clients); err != nil {
			return err
		}
		if err := h.write(); err != nil {
			return err
		}
	}
	for _, n := range ns {
		began := time.Now()
		logf("N=%d: seeding the load namespace up to %d pods (progress every 1,000; then the ReplicaSets adopt them)", n, n)
		if err := seed.Pods(ctx, cs, seed.PodsOptions{Count: n, Namespace: bench.LoadNamespace, Log: logf}); err != nil {
			return fmt.Errorf("seed %d pods: %w", n, err)
		}
		if err := bench.WaitRunning(ctx, cs, bench.LoadNamespace, logf); err != nil {
			return err
		}
		logf("N=%d: seeded in %s", n, time.Since(began).Round(time.Second))
		programs := []string{progCrowsnest, progFloor}
		if h.kubectlMax == 0 || n <= h.kubectlMax {
			if _, err := bench.KubectlGetPods(ctx, h.kubectl, h.child.kubeconfig, h.child.context, cacheDir); err != nil {
				return fmt.Errorf("kubectl warm-up: %w", err)
			}
			programs = append(programs, progKubectl)
		} else {
			logf("N=%d: kubectl not run (--kubectl-max %d)", n, h.kubectlMax)
		}
		for rep := range h.reps {
			order := slices.Clone(programs)
			if rep%2 == 1 {
				slices.Reverse(order)
			}
			for _, p := range order {
				time.Sleep(pause)
				r, err := h.measure(ctx, p, cacheDir)
				if err != nil {
					return fmt.Errorf("N=%d rep %d %s: %w", n, rep, p, err)
				}
				r.N, r.Rep = n, rep
				logf("N=%d rep %d %-9s sync %8.0f ms  peak RSS %6.1f MB  settled %6.1f MB  heap/pod %5.0f B  (%d pods)",
					n, rep, p, r.SyncMS, kibToMB(r.PeakRSSKiB), kibToMB(r.SettledRSSKiB), r.HeapPerPod, r.Pods)
				h.report.Runs = append(h.report.Runs, r)
			}
		}
		if h.child.period > 0 {
			logf("N=%d: counting a session's requests while views open and close for %s", n, h.child.period)
			req, err := h.countRequests(ctx, n)
			if err != nil {
				return fmt.Errorf("N=%d requests: %w", n, err)
			}
			h.report.Requests = append(h.report.Requests, req)
		}
		// Written after every N, so a long series keeps what it measured.
		if err := h.write(); err != nil {
			return err
		}
	}
	return nil
}

// measure runs one program once.
func (h *harness) measure(ctx context.Context, program, cacheDir string) (Result, error) {
	var r Result
	var run bench.Run
	var err error
	if program == progKubectl {
		run, err = bench.KubectlGetPods(ctx, h.kubectl, h.child.kubeconfig, h.child.context, cacheDir)
		r.SyncMS, r.PeakRSSKiB = bench.MS(run.Wall), run.MaxRSSKiB
	} else {
		run, err = h.runChild(ctx, program, &r)
	}
	r.Program, r.WallMS, r.MaxRSSKiB = program, bench.MS(run.Wall), run.MaxRSSKiB
	if hwm, hwmErr := procStatus("VmHWM"); hwmErr == nil {
		r.ParentHWMKiB = hwm
	}
	return r, err
}

func (h *harness) countRequests(ctx context.Context, n int) (RequestRun, error) {
	var rep RequestReport
	_, err := h.runChild(ctx, progRequests, &rep)
	return RequestRun{N: n, RequestReport: rep}, err
}

// runChild re-executes this binary as the child measuring program and
// decodes its JSON line into v.
func (h *harness) runChild(ctx context.Context, program string, v any) (bench.Run, error) {
	self, err := os.Executable()
	if err != nil {
		return bench.Run{}, err
	}
	// A child that hangs ends the run rather than holding it forever.
	ctx, cancel := context.WithTimeout(ctx, h.child.timeout+h.child.period+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "-child", program, "-kubeconfig", h.child.kubeconfig,
		"-context", h.child.context, "-settle", h.child.settle.String(),
		"-requests-period", h.child.period.String(), "-timeout", h.child.timeout.String())
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	run, err := bench.RunProcess(cmd)
	if err != nil {
		return run, err
	}
	return run, parseChildLine(stdout.Bytes(), v)
}

// keepEarlier loads the output directory's scale.json, if any, and keeps
// its results for the pod counts this run does not measure, and those for
// custom resources unless this run measures them.
func (h *harness) keepEarlier(ns []int) error {
	raw, err := os.ReadFile(filepath.Join(h.path(h.outDir), "scale.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var old Report
	if err := json.Unmarshal(raw, &old); err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	for _, r := range old.Runs {
		if !slices.Contains(ns, r.N) {
			h.report.Runs = append(h.report.Runs, r)
		}
	}
	for _, r := range old.Requests {
		if !slices.Contains(ns, r.N) {
			h.report.Requests = append(h.report.Requests, r)
		}
	}
	if h.crs <= 0 {
		h.report.Custom = old.Custom
	}
	h.report.Started = old.Started
	h.report.Command = old.Command + "; resumed: " + h.report.Command
	logf("resuming: kept %d runs of earlier pod counts from %s", len(h.report.Runs), old.Started.Format(time.RFC3339))
	return nil
}

// path resolves p against the repository root unless it is absolute.
func (h *harness) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(h.root, p)
}

// write writes the JSON, the markdown and the chart.
func (h *harness) write() error {
	dir := h.path(h.outDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	h.report.Finished = time.Now().UTC()
	raw, err := h.report.JSON()
	if err != nil {
		return err
	}
	svg := h.report.Chart()
	files := map[string][]byte{
		filepath.Join(dir, "scale.json"): raw,
		filepath.Join(dir, "scale.md"):   []byte(h.report.Markdown()),
		filepath.Join(dir, "scale.svg"):  svg,
	}
	if h.chartCopy != "" {
		files[h.path(h.chartCopy)] = svg
	}
	for path, data := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	logf("wrote %s/scale.{json,md,svg}", dir)
	return nil
}

// describeMachine is the CPU count, model and memory, for the report.
func describeMachine() string {
	model := ""
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.Lines(string(raw)) {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		if l, _, ok := strings.Cut(string(raw), "\n"); ok {
			mem = strings.Join(strings.Fields(l), " ")
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s, %s", runtime.NumCPU(), model, mem, runtime.Version())
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] benchscale: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
