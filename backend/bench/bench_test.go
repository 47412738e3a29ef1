package bench_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	"crowsnest/backend/bench"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
)

// BenchmarkPodSync is budget 1: a pods cache synced from start in at most a
// quarter of the time `kubectl get pods -A -o json` takes on the same
// cluster. Each iteration times both, alternating which goes first; the
// ratio is of the medians. ns/op is the cache's sync alone.
func BenchmarkPodSync(b *testing.B) {
	f := setup(b)
	cfg := f.restConfigFor(b, controlplane.ContextDemoAdmin)
	cacheDir := b.TempDir()
	// Warm-up, not measured: kubectl fills its discovery cache, both
	// connections' TLS set-up paths are paged in.
	f.kubectlGetPods(b, cacheDir)
	_, c := syncPods(b, cfg)
	c.stop()

	var syncs, kubectls bench.Durations
	pods := 0
	for i := 0; b.Loop(); i++ {
		if i%2 == 1 {
			b.StopTimer()
			kubectls = append(kubectls, f.kubectlGetPods(b, cacheDir))
			b.StartTimer()
		}
		took, c := syncPods(b, cfg)
		b.StopTimer()
		syncs = append(syncs, took)
		pods = c.len()
		c.stop()
		if i%2 == 0 {
			kubectls = append(kubectls, f.kubectlGetPods(b, cacheDir))
		}
		runtime.GC()
		b.StartTimer()
	}
	b.ReportMetric(bench.MS(syncs.Median()), "ms-sync")
	b.ReportMetric(bench.MS(syncs.Max()), "ms-sync-max")
	b.ReportMetric(bench.MS(kubectls.Median()), "ms-kubectl")
	b.ReportMetric(float64(syncs.Median())/float64(kubectls.Median()), "ratio-vs-kubectl")
	b.ReportMetric(float64(pods), "pods")
	b.Logf("sync %v; kubectl %v", syncs, kubectls)
}

// BenchmarkPodCacheHeap is budget 2: the Go heap a synced pods cache keeps,
// per cached pod, at most 4 KB. Heap figures are taken after two GCs
// before the cache starts and after it has synced.
func BenchmarkPodCacheHeap(b *testing.B) {
	f := setup(b)
	cfg := f.restConfigFor(b, controlplane.ContextDemoAdmin)
	var alloc, inuse []float64
	pods := 0
	for b.Loop() {
		var before, after runtime.MemStats
		bench.GC2()
		runtime.ReadMemStats(&before)
		c, err := startPodCache(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.waitSynced(5 * time.Minute); err != nil {
			b.Fatal(err)
		}
		bench.GC2()
		runtime.ReadMemStats(&after)
		b.StopTimer()
		writeHeapProfile(b)
		pods = c.len()
		alloc = append(alloc, (float64(after.HeapAlloc)-float64(before.HeapAlloc))/float64(pods))
		inuse = append(inuse, (float64(after.HeapInuse)-float64(before.HeapInuse))/float64(pods))
		runtime.KeepAlive(c)
		c.stop()
		b.StartTimer()
	}
	b.ReportMetric(bench.MedianOf(alloc), "bytes/pod")
	b.ReportMetric(bench.MedianOf(inuse), "inuse-bytes/pod")
	b.ReportMetric(float64(pods), "pods")
	b.Logf("HeapAlloc per pod %.0f; HeapInuse per pod %.0f", alloc, inuse)
}

// BenchmarkPodView is budget 3, on a session whose pods have synced:
// opening the all-namespace pod view sorted by name (under 30 ms), a
// 100-row window of it (under 2 ms) and a namespace + label-selector query
// of the cache (under 1 ms). OpenDefault is issue 14's budget end to end:
// a new all-namespace view in the default order, as the page opens it
// (under 30 ms; BenchmarkViewOpen measures it at 100,000 pods).
func BenchmarkPodView(b *testing.B) {
	f := setup(b)
	board := f.newBoard(b, discard{})
	s, pods := connectSynced(b, board, controlplane.ContextDemoAdmin)

	b.Run("Open", func(b *testing.B) { benchmarkOpen(b, s, bench.PodsSpec) })
	b.Run("OpenDefault", func(b *testing.B) { benchmarkOpen(b, s, bench.DefaultPodsSpec) })

	b.Run("Window100", func(b *testing.B) {
		info, err := s.OpenView(bench.PodsSpec)
		if err != nil {
			b.Fatal(err)
		}
		defer s.CloseView(info.ID)
		rng := rand.New(rand.NewPCG(1, 2))
		const perIteration = 200
		var took bench.Durations
		for b.Loop() {
			offsets := make([]int, perIteration)
			for i := range offsets {
				offsets[i] = rng.IntN(max(info.Count-100, 1))
			}
			d, err := bench.TimeWindows(s, info.ID, offsets, 100)
			if err != nil {
				b.Fatal(err)
			}
			took = append(took, d...)
		}
		b.ReportMetric(bench.MS(took.Median()), "ms-median")
		b.ReportMetric(bench.MS(took.Quantile(0.95)), "ms-p95")
		b.ReportMetric(bench.MS(took.Max()), "ms-max")
	})

	b.Run("NamespaceSelectorQuery", func(b *testing.B) {
		reader := s.Access().Cache()
		const perIteration = 200
		var took bench.Durations
		matches := 0
		for b.Loop() {
			d, n, err := bench.TimeSelectorQueries(reader, perIteration)
			if err != nil {
				b.Fatal(err)
			}
			took, matches = append(took, d...), n
		}
		b.ReportMetric(bench.MS(took.Median()), "ms-median")
		b.ReportMetric(bench.MS(took.Quantile(0.95)), "ms-p95")
		b.ReportMetric(bench.MS(took.Max()), "ms-max")
		b.ReportMetric(float64(matches), "matches")
	})
	b.Logf("session %s holds %d pods", s.Context, pods)
}

// benchmarkOpen times Session.OpenView of spec on a synced session. Once,
// outside the timed loop, it also measures what an open view keeps per row
// and the CPU that opening costs in all, as the process's CPU over a
// settling period after the open minus an idle period of the same length
// (client-go used to replay every object to a new view's handler after
// OpenView returned; views now start from the kind's base, so little
// should remain). The first view of a kind in a session builds the kind's
// base, which the session keeps: Open, which runs first, counts it in its
// bytes per row and CPU; OpenDefault does not.
func benchmarkOpen(b *testing.B, s *session.Session, spec model.ViewSpec) {
	const settleOpen = 3 * time.Second
	bench.GC2()
	idle0 := bench.CPUTime()
	time.Sleep(settleOpen)
	idle := bench.CPUTime() - idle0
	var before, after runtime.MemStats
	bench.GC2()
	runtime.ReadMemStats(&before)
	cpu0 := bench.CPUTime()
	info, err := s.OpenView(spec)
	if err != nil {
		b.Fatal(err)
	}
	time.Sleep(settleOpen)
	openCPU := bench.CPUTime() - cpu0 - idle
	bench.GC2()
	runtime.ReadMemStats(&after)
	s.CloseView(info.ID)
	viewBytes := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(max(info.Count, 1))

	var took bench.Durations
	rows := 0
	for b.Loop() {
		b.StopTimer()
		d, n, err := bench.TimeOpens(s, spec, 1)
		if err != nil {
			b.Fatal(err)
		}
		took, rows = append(took, d...), n
		b.StartTimer()
	}
	b.ReportMetric(bench.MS(took.Median()), "ms-median")
	b.ReportMetric(bench.MS(took.Max()), "ms-max")
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(viewBytes, "view-bytes/row")
	b.ReportMetric(bench.MS(openCPU), "open-cpu-ms")
}

// BenchmarkPodUpdates is budget 4 under churn: with pods updated at each
// offered rate of churnRates (100, 1,000 and 5,000/s; a sub-benchmark
// each), a change reaches the emitter as a notice within 150 ms at p95, a
// view gets at most 10 notices a second, and its upkeep costs under 10%
// of one core. The achieved rate is reported beside the offered one: the
// local API server on a small machine does only about 100 patches/s, and
// the patcher sends what it can until the phase's time is up
// (BenchmarkPodUpdatesReplay measures the app's side at the full rates).
//
// A child process (patcher_test.go) patches a label of the load pods. Each
// iteration has three phases of phaseLength:
//
//   - baseline: no view open; the session's pods informer follows the
//     updates. Process CPU / wall time.
//   - view: the all-namespace pod view sorted by name is open. CPU / wall
//     time again; the difference from the baseline is the view's upkeep.
//     Notices per second are counted here.
//   - latency: the same view; at every notice the emitter looks up the rows
//     of the patches not yet seen. A patch's latency runs from its response
//     (and, separately, from its sending) to the first notice after which
//     the view shows it. A second, plain pods informer in this process
//     records when each update arrives by watch, which splits the latency
//     into the API server's delivery and the app's own share. This phase's
//     extra work is why its CPU is not measured.
func BenchmarkPodUpdates(b *testing.B) {
	f := setup(b)
	tap := &noticeTap{}
	board := f.newBoard(b, tap)
	s, pods := connectSynced(b, board, controlplane.ContextDemoAdmin)
	cfg := f.restConfigFor(b, controlplane.ContextDemoAdmin)

	objs, err := s.Access().Cache().List(kinds.Builtin(kinds.Pods), bench.LoadNamespace, nil)
	if err != nil || len(objs) == 0 {
		b.Fatalf("load pods: %d, %v", len(objs), err)
	}
	names := make([]string, 0, len(objs))
	for _, o := range objs {
		m, err := meta.Accessor(o)
		if err != nil {
			b.Fatal(err)
		}
		names = append(names, m.GetName())
	}
	slices.Sort(names)
	namesFile := filepath.Join(b.TempDir(), "names")
	if err := os.WriteFile(namesFile, []byte(strings.Join(names, "\n")), 0o600); err != nil {
		b.Fatal(err)
	}
	seq := time.Now().Unix() * 1_000_000 // above any earlier run's labels
	job := func(rate float64, stream bool) patchJob {
		j := patchJob{Kubeconfig: f.env.Kubeconfig(), Context: controlplane.ContextDemoAdmin,
			Namespace: bench.LoadNamespace, NamesFile: namesFile, Rate: rate, Duration: phaseLength,
			FirstSeq: seq, Stream: stream, Workers: patchWorkers}
		seq += int64(rate*phaseLength.Seconds()) + 1
		return j
	}

	forEachRate(b, func(b *testing.B, rate float64) {
		var c churn
		var achieved []float64
		failed := int64(0)
		for b.Loop() {
			// Baseline: no view.
			ph, err := runPhase(job(rate, false), nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			c.baseline(ph)
			failed += ph.sum.Failed

			// View open: upkeep and notices.
			info, err := s.OpenView(bench.PodsSpec)
			if err != nil {
				b.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond) // the opening's notice is not part of the phase
			tap.follow(info.ID)
			var n0 int64
			ph, err = runPhase(job(rate, false), func() { n0 = tap.count() }, nil)
			if err != nil {
				b.Fatal(err)
			}
			c.withView(ph, tap.count()-n0, ph.sum.OK)
			achieved = append(achieved, ph.sum.rate())
			failed += ph.sum.Failed

			// Latency, with the probing emitter and the reference informer.
			probe := newLatencyProbe(sessionRows(s, info.ID))
			ref, err := startReference(cfg, probe)
			if err != nil {
				b.Fatal(err)
			}
			tap.setProbe(probe)
			ph, err = runPhase(job(rate, true), nil, probe.onLine)
			if err != nil {
				b.Fatal(err)
			}
			failed += ph.sum.Failed
			probe.drain(2 * time.Second)
			tap.setProbe(nil)
			tap.follow("")
			ref.stop()
			s.CloseView(info.ID)
			c.latency(probe)
		}
		c.report(b, c.lat.fromResp)
		b.ReportMetric(bench.MS(c.lat.fromSend.Quantile(0.95)), "ms-p95-from-send")
		b.ReportMetric(bench.MS(c.lat.watchFromSend.Quantile(0.95)), "ms-p95-watch-from-send")
		b.ReportMetric(bench.MS(c.lat.app.Quantile(0.95)), "ms-p95-app")
		b.ReportMetric(bench.MS(c.lat.app.Median()), "ms-p50-app")
		b.ReportMetric(bench.MS(c.lat.response.Quantile(0.95)), "ms-p95-patch-response")
		b.ReportMetric(rate, "patches/s-offered")
		b.ReportMetric(bench.MedianOf(achieved), "patches/s")
		b.ReportMetric(float64(failed), "failed-patches")
		b.Logf("session holds %d pods; %.0f/s offered, %.0f/s done; %d latency samples",
			pods, rate, bench.MedianOf(achieved), len(c.lat.fromResp))
	})
}

// BenchmarkPodUpdatesReplay is budget 4 at the full offered rates, which
// the local API server cannot sustain on a small machine (see
// BenchmarkPodUpdates): the app's side alone, with the API server replaced
// by a watch the benchmark feeds (see replay_test.go) with modified copies
// of the cluster's own pods, at each rate of churnRates. Phases as in
// BenchmarkPodUpdates: baseline (informer only), view (upkeep and notices),
// latency (from feeding an update to the notice after which the view shows
// it; no API server or network in it, so this is the app's own share of
// the budget).
func BenchmarkPodUpdatesReplay(b *testing.B) {
	f := setup(b)
	pods, err := fetchPods(f.restConfigFor(b, controlplane.ContextDemoAdmin))
	if err != nil {
		b.Fatal(err)
	}
	tap := &noticeTap{}
	r, err := newReplay(pods, tap)
	if err != nil {
		b.Fatal(err)
	}
	defer r.stop()

	forEachRate(b, func(b *testing.B, rate float64) {
		perPhase := int(rate * phaseLength.Seconds())
		var c churn
		var achieved []float64
		for i := 0; b.Loop(); i++ {
			ph, got := r.feed(r.updates(perPhase), rate, nil)
			c.baseline(ph)
			achieved = append(achieved, got)

			id := fmt.Sprintf("r%.0f-%d", rate, i)
			v, err := r.open(id, bench.PodsSpec)
			if err != nil {
				b.Fatal(err)
			}
			batch := r.updates(perPhase)
			time.Sleep(200 * time.Millisecond) // the opening's notice is not part of the phase
			tap.follow(id)
			n0 := tap.count()
			ph, got = r.feed(batch, rate, nil)
			c.withView(ph, tap.count()-n0, int64(len(batch)))
			achieved = append(achieved, got)

			probe := newLatencyProbe(v.Window)
			tap.setProbe(probe)
			r.feed(r.updates(perPhase), rate, func(u update, at time.Time) {
				probe.sent(u.seq, u.pod.Namespace, u.pod.Name, at)
				probe.responded(u.seq, at)
			})
			probe.drain(2 * time.Second)
			tap.setProbe(nil)
			tap.follow("")
			v.Close()
			c.latency(probe)
		}
		c.report(b, c.lat.fromSend)
		b.ReportMetric(rate, "updates/s-offered")
		b.ReportMetric(bench.MedianOf(achieved), "updates/s")
		b.Logf("replaying over %d pods (%d load pods) at %.0f/s; %d latency samples", len(pods), len(r.targets), rate, len(c.lat.fromSend))
	})
}

// BenchmarkSwitchContext is budget 5: switching to another context until
// its pods are synced, under 1 s, demo-admin → staging-admin and back. Each
// switch is what the UI does: Switch, then open the pod view, then wait
// until the session's status reports pods synced (polled every 5 ms).
// The time until the session emits that status (what the frontend hears)
// is reported beside it. demo holds the 10,000 load pods, so the way back
// lists all of them; staging holds the small staging profile.
func BenchmarkSwitchContext(b *testing.B) {
	f := setup(b)
	tap := &statusTap{syncedAt: map[uint64]time.Time{}}
	board := f.newBoard(b, tap)
	switchAndSync(b, board, tap, controlplane.ContextDemoAdmin)

	var toStaging, toDemo, evStaging, evDemo, cpuDemo bench.Durations
	var podsStaging, podsDemo int
	for b.Loop() {
		d, ev, n := switchAndSync(b, board, tap, controlplane.ContextStagingAdmin)
		toStaging, evStaging, podsStaging = append(toStaging, d), append(evStaging, ev), n
		d, ev, cpu, n := switchAndSyncCPU(b, board, tap, controlplane.ContextDemoAdmin)
		toDemo, evDemo, cpuDemo, podsDemo = append(toDemo, d), append(evDemo, ev), append(cpuDemo, cpu), n
	}
	all := append(append(bench.Durations{}, toStaging...), toDemo...)
	b.ReportMetric(bench.MS(toStaging.Median()), "ms-to-staging")
	b.ReportMetric(bench.MS(toDemo.Median()), "ms-to-demo")
	b.ReportMetric(bench.MS(all.Max()), "ms-max")
	b.ReportMetric(bench.MS(evStaging.Median()), "ms-event-to-staging")
	b.ReportMetric(bench.MS(evDemo.Median()), "ms-event-to-demo")
	b.ReportMetric(bench.MS(cpuDemo.Median()), "cpu-ms-to-demo")
	b.ReportMetric(float64(podsStaging), "pods-staging")
	b.ReportMetric(float64(podsDemo), "pods-demo")
	b.Logf("to staging %v (event %v); to demo %v (event %v)", toStaging, evStaging, toDemo, evDemo)
}
