package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/backend/bench"
	"crowsnest/backend/kinds"
	"crowsnest/backend/kubeconfig"
	"crowsnest/backend/memlimit"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
)

// The programs the harness compares. Crowsnest and the floor run as this
// binary re-executed in a child mode; kubectl is kubectl.
const (
	progCrowsnest = "crowsnest"
	progFloor     = "floor"
	progKubectl   = "kubectl"
	// progRequests is the child that counts a session's API requests.
	progRequests = "requests"
	// The same comparison for custom resources (issue 14): Crowsnest's
	// cache of the bench CRD's kind, and a bare client-go dynamic informer.
	progCrowsnestCRs = "crowsnest-crs"
	progFloorCRs     = "floor-crs"
)

// childOptions is what a child is told on its command line.
type childOptions struct {
	kubeconfig, context string
	settle              time.Duration // before the settled RSS is read
	period              time.Duration // of the requests child's views
	timeout             time.Duration // for the pods to sync
}

// Result is one run of one program: what the child measured of itself
// (printed as one JSON line) plus what the parent saw of the process.
type Result struct {
	Program string `json:"program"`
	N       int    `json:"n"`   // pods seeded in the load namespace
	Rep     int    `json:"rep"` // repetition, from 0
	// Pods is the pods the program held once synced (all namespaces).
	Pods int `json:"pods,omitempty"`
	// WallMS is the process's wall time, measured by the parent.
	WallMS float64 `json:"wallMs"`
	// SyncMS runs from the child's start of measurement (the top of its
	// main) to pods synced; for kubectl it is the wall time.
	SyncMS float64 `json:"syncMs"`
	// SyncFromSwitchMS runs from Switchboard.Switch (Crowsnest only).
	SyncFromSwitchMS float64 `json:"syncFromSwitchMs,omitempty"`
	// HeapPerPod is HeapAlloc after sync minus HeapAlloc at the start, both
	// after two GCs, per pod held.
	HeapPerPod    float64 `json:"heapBytesPerPod,omitempty"`
	SettledRSSKiB int64   `json:"settledRssKiB,omitempty"`
	// PeakRSSKiB is the program's peak resident set: a Go child's own
	// VmHWM as it exits, kubectl's ru_maxrss.
	PeakRSSKiB int64 `json:"peakRssKiB"`
	// MaxRSSKiB is the child's ru_maxrss, from the parent, and
	// ParentHWMKiB the parent's own VmHWM when the child ended: on Linux
	// ru_maxrss is never below the parent's peak (see bench.Run), so it is
	// the child's only when above ParentHWMKiB.
	MaxRSSKiB    int64 `json:"maxRssKiB"`
	ParentHWMKiB int64 `json:"parentHwmKiB"`
	// SyncPeakRSSKiB is the child's VmHWM once its settled RSS was read:
	// the peak of the initial sync, before the latencies were measured.
	SyncPeakRSSKiB int64 `json:"syncPeakRssKiB,omitempty"`
	// Crowsnest's latencies, after the settled RSS was read.
	OpenMS          float64 `json:"openMs,omitempty"`          // a second all-namespace pod view, by name
	OpenDefaultMS   float64 `json:"openDefaultMs,omitempty"`   // the same in the default order, as the page opens it
	WindowP50MS     float64 `json:"windowP50Ms,omitempty"`     // ViewRows of 100 rows
	WindowP95MS     float64 `json:"windowP95Ms,omitempty"`     //
	SelectorOpenMS  float64 `json:"selectorOpenMs,omitempty"`  // OpenView(load, app=orders)
	SelectorQueryMS float64 `json:"selectorQueryMs,omitempty"` // cache.Reader.List(load, app=orders)
	SelectorMatches int     `json:"selectorMatches,omitempty"` //
}

// runChild is a child's main: it measures and prints one JSON line.
func runChild(program string, o childOptions) error {
	began := time.Now()
	var out any
	var err error
	switch program {
	case progCrowsnest:
		memlimit.Follow(context.Background()) // as main.go does
		out, err = measureCrowsnest(began, o)
	case progFloor:
		out, err = measureFloor(began, o)
	case progRequests:
		out, err = countRequests(o)
	case progCrowsnestCRs:
		memlimit.Follow(context.Background())
		out, err = measureCrowsnestCRs(o)
	case progFloorCRs:
		out, err = measureFloorCRs(began, o)
	default:
		err = fmt.Errorf("unknown child program %q", program)
	}
	if err != nil {
		return err
	}
	line, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Printf("%s\n", line)
	return err
}

// heapNow collects twice and returns HeapAlloc.
func heapNow() uint64 {
	bench.GC2()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// settledRSS collects, waits for settle and reads VmRSS.
func settledRSS(settle time.Duration) (int64, error) {
	bench.GC2()
	time.Sleep(settle)
	return procStatus("VmRSS")
}

// procStatus reads a field of /proc/self/status in kB (VmRSS, VmHWM).
func procStatus(field string) (int64, error) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	return parseProcStatus(raw, field)
}

func parseProcStatus(status []byte, field string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s line in /proc/self/status", field)
}

// discard is the Emitter of a headless session: nobody listens.
type discard struct{}

func (discard) Emit(string, any) {}

// connect switches a new Switchboard to the context, opens the
// all-namespace pod view (as the UI does) and waits until the session's
// status says the pods have synced.
func connect(o childOptions, opts session.Options) (*session.Switchboard, *session.Session, int, time.Time, error) {
	board, s, switched, err := connectBoard(o, opts)
	if err != nil {
		return nil, nil, 0, switched, err
	}
	_, err = s.OpenView(bench.PodsSpec)
	pods := 0
	if err == nil {
		pods, err = bench.WaitPodsSynced(s, o.timeout)
	}
	if err != nil {
		board.Stop()
		return nil, nil, 0, switched, err
	}
	return board, s, pods, switched, nil
}

// connectBoard switches a new Switchboard to the context and returns its
// session, which has started no informer of its own accord.
func connectBoard(o childOptions, opts session.Options) (*session.Switchboard, *session.Session, time.Time, error) {
	opts.Version, opts.Paths = "bench", func() []string { return []string{o.kubeconfig} }
	if opts.Emitter == nil {
		opts.Emitter = discard{}
	}
	board := session.NewSwitchboard(context.Background(), opts)
	switched := time.Now()
	_, err := board.Switch(o.context)
	var s *session.Session
	if err == nil {
		s, err = board.Current()
	}
	if err != nil {
		board.Stop()
		return nil, nil, switched, err
	}
	return board, s, switched, nil
}

// measureCrowsnest is the app's backend, headless: the Switchboard and
// session the app runs, an emitter that drops every event.
func measureCrowsnest(began time.Time, o childOptions) (Result, error) {
	before := heapNow()
	board, s, pods, switched, err := connect(o, session.Options{})
	if err != nil {
		return Result{}, err
	}
	defer board.Stop()
	synced := time.Now()
	r := Result{Program: progCrowsnest, Pods: pods,
		SyncMS: bench.MS(synced.Sub(began)), SyncFromSwitchMS: bench.MS(synced.Sub(switched))}
	r.HeapPerPod = (float64(heapNow()) - float64(before)) / float64(max(pods, 1))
	if r.SettledRSSKiB, err = settledRSS(o.settle); err != nil {
		return r, err
	}
	if r.SyncPeakRSSKiB, err = procStatus("VmHWM"); err != nil {
		return r, err
	}
	if err := viewLatencies(s, &r); err != nil {
		return r, err
	}
	r.PeakRSSKiB, err = procStatus("VmHWM")
	return r, err
}

// viewLatencies fills in the latencies of BenchmarkPodView, measured the
// same way, on a synced session.
func viewLatencies(s *session.Session, r *Result) error {
	opens, _, err := bench.TimeOpens(s, bench.PodsSpec, 5)
	if err != nil {
		return err
	}
	r.OpenMS = bench.MS(opens.Median())
	if opens, _, err = bench.TimeOpens(s, bench.DefaultPodsSpec, 5); err != nil {
		return err
	}
	r.OpenDefaultMS = bench.MS(opens.Median())

	info, err := s.OpenView(bench.PodsSpec)
	if err != nil {
		return err
	}
	defer s.CloseView(info.ID)
	var offsets []int
	if last := info.Count - 100; last >= 0 {
		for range 20 {
			offsets = append(offsets, 0, last/4, last/2, 3*last/4, last)
		}
	}
	windows, err := bench.TimeWindows(s, info.ID, offsets, 100)
	if err != nil {
		return err
	}
	r.WindowP50MS, r.WindowP95MS = bench.MS(windows.Median()), bench.MS(windows.Quantile(0.95))

	spec := model.ViewSpec{Kind: string(kinds.Pods), Namespace: bench.LoadNamespace,
		Selector: bench.LoadSelector, SortBy: "name"}
	var selOpens bench.Durations
	for range 20 {
		began := time.Now()
		v, err := s.OpenView(spec)
		if err != nil {
			return err
		}
		selOpens = append(selOpens, time.Since(began))
		s.CloseView(v.ID)
	}
	r.SelectorOpenMS = bench.MS(selOpens.Median())
	queries, matches, err := bench.TimeSelectorQueries(s.Access().Cache(), 200)
	if err != nil {
		return err
	}
	r.SelectorQueryMS, r.SelectorMatches = bench.MS(queries.Median()), matches
	return nil
}

// measureFloor is the floor: a bare client-go pod informer. A typed
// clientset (protobuf, client-go's default for built-in kinds), no
// compression over loopback (as the app), a transform that drops
// managedFields, and no event handler.
func measureFloor(began time.Time, o childOptions) (Result, error) {
	before := heapNow()
	cfg, err := floorConfig(o)
	if err != nil {
		return Result{}, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithTransform(dropManagedFields))
	pods := factory.Core().V1().Pods().Informer()
	factory.Start(ctx.Done())
	defer func() {
		cancel() // Shutdown waits for the informers, which stop on ctx
		factory.Shutdown()
	}()
	deadline := time.Now().Add(o.timeout)
	for !pods.HasSynced() {
		if time.Now().After(deadline) {
			return Result{}, fmt.Errorf("floor: pods not synced after %s", o.timeout)
		}
		time.Sleep(time.Millisecond)
	}
	r := Result{Program: progFloor, SyncMS: bench.MS(time.Since(began)), Pods: len(pods.GetStore().ListKeys())}
	r.HeapPerPod = (float64(heapNow()) - float64(before)) / float64(max(r.Pods, 1))
	if r.SettledRSSKiB, err = settledRSS(o.settle); err != nil {
		return r, err
	}
	r.SyncPeakRSSKiB, err = procStatus("VmHWM")
	r.PeakRSSKiB = r.SyncPeakRSSKiB
	runtime.KeepAlive(pods)
	return r, err
}

// floorConfig is the floor's client configuration: the context's, with
// compression off over loopback as the app does.
func floorConfig(o childOptions) (*rest.Config, error) {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: o.kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: o.context},
	).ClientConfig()
	if err != nil {
		return nil, err
	}
	cfg.DisableCompression = kubeconfig.IsLoopback(cfg.Host)
	return cfg, nil
}

func dropManagedFields(obj any) (any, error) {
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

// countRequests connects a session with a counting transport and, once
// its pods have synced, opens and closes views of every kind in several
// namespaces and with selectors for o.period, as a long session in the UI
// would; then reports the requests made.
func countRequests(o childOptions) (RequestReport, error) {
	counter := newRequestCounter()
	board, s, pods, _, err := connect(o, session.Options{WrapTransport: counter.wrap})
	if err != nil {
		return RequestReport{}, err
	}
	defer board.Stop()
	counter.setPhase(phaseViews)
	report := RequestReport{Pods: pods, PeriodS: o.period.Seconds()}

	namespaces := []string{"", bench.LoadNamespace}
	if objs, err := s.Access().Cache().List(kinds.Builtin(kinds.Namespaces), "", nil); err == nil {
		for _, obj := range objs {
			if m, err := meta.Accessor(obj); err == nil && len(namespaces) < 6 {
				namespaces = append(namespaces, m.GetName())
			}
		}
	}
	selectors := []string{"", bench.LoadSelector, "tier=backend"}
	var open []string
	deadline := time.Now().Add(o.period)
	for round := 0; time.Now().Before(deadline); round++ {
		for i, k := range kinds.Builtins() {
			spec := model.ViewSpec{Kind: string(k.ID), SortBy: "name"}
			if k.Namespaced {
				spec.Namespace = namespaces[(round+i)%len(namespaces)]
			}
			if k.ID == kinds.Pods {
				spec.Selector = selectors[round%len(selectors)]
			}
			info, err := s.OpenView(spec)
			if err != nil {
				return report, fmt.Errorf("open %+v: %w", spec, err)
			}
			report.ViewsOpened++
			if _, err := s.ViewRows(info.ID, 0, 50); err != nil {
				return report, err
			}
			if _, err := s.Can("delete", k, spec.Namespace); err != nil {
				return report, err
			}
			open = append(open, info.ID)
		}
		// Keep the last round's views open, close the ones before it.
		for len(open) > len(kinds.Builtins()) {
			s.CloseView(open[0])
			open = open[1:]
		}
		time.Sleep(time.Second)
	}
	report.Counts = counter.snapshot()
	return report, nil
}

// parseChildLine returns the last line of a child's stdout that holds a
// JSON object, decoded into v.
func parseChildLine(stdout []byte, v any) error {
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "{") {
			return json.Unmarshal([]byte(l), v)
		}
	}
	return fmt.Errorf("no JSON result in the child's output %q", stdout)
}
