package bench_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/bench"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/backend/view"
)

const (
	// phaseLength is how long each measured phase sends updates.
	phaseLength = 10 * time.Second
	// settle lets the last watch events drain before a phase's CPU is read.
	settle = 500 * time.Millisecond
	// patchWorkers bounds the patches in flight.
	patchWorkers = 128
	// ratesEnv overrides churnRates, e.g. CROWSNEST_BENCH_RATES=100,1000.
	ratesEnv = "CROWSNEST_BENCH_RATES"
)

// churnRates are the update rates (per second) the churn benchmarks offer,
// one sub-benchmark each: issue 7's 100, 1,000 and 5,000.
var churnRates = []float64{100, 1000, 5000}

// forEachRate runs measure as a sub-benchmark "rate=R" for each offered
// rate of churnRates or of $CROWSNEST_BENCH_RATES.
func forEachRate(b *testing.B, measure func(b *testing.B, rate float64)) {
	rates := churnRates
	if env := os.Getenv(ratesEnv); env != "" {
		rates = nil
		for f := range strings.SplitSeq(env, ",") {
			r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || r <= 0 {
				b.Fatalf("%s=%q: %q is not a positive rate", ratesEnv, env, f)
			}
			rates = append(rates, r)
		}
	}
	for _, rate := range rates {
		b.Run(fmt.Sprintf("rate=%.0f", rate), func(b *testing.B) { measure(b, rate) })
	}
}

// churn adds up the phases of a churn benchmark's iterations.
type churn struct {
	baseCPU, baseWall, viewCPU, viewWall time.Duration
	notices, updates                     int64
	lat                                  latencies
	unmatched                            int
}

func (c *churn) baseline(ph phase) {
	c.baseCPU += ph.cpu
	c.baseWall += ph.wall
}

// withView adds a view phase that saw notices and made updates.
func (c *churn) withView(ph phase, notices, updates int64) {
	c.viewCPU += ph.cpu
	c.viewWall += ph.wall
	c.notices += notices
	c.updates += updates
}

func (c *churn) latency(p *latencyProbe) {
	l, left := p.results()
	c.lat.add(l)
	c.unmatched += left
}

// report reports what both churn benchmarks measure: the latency (lat)
// quantiles, notices per second and the view's upkeep.
func (c *churn) report(b *testing.B, lat bench.Durations) {
	baseFrac := c.baseCPU.Seconds() / c.baseWall.Seconds()
	viewFrac := c.viewCPU.Seconds() / c.viewWall.Seconds()
	upkeep := viewFrac - baseFrac
	b.ReportMetric(bench.MS(lat.Quantile(0.95)), "ms-p95")
	b.ReportMetric(bench.MS(lat.Quantile(0.99)), "ms-p99")
	b.ReportMetric(bench.MS(lat.Median()), "ms-p50")
	b.ReportMetric(bench.MS(lat.Max()), "ms-max")
	b.ReportMetric(float64(c.notices)/c.viewWall.Seconds(), "notices/s")
	b.ReportMetric(upkeep, "cpu-fraction")
	b.ReportMetric(baseFrac, "cpu-fraction-baseline")
	b.ReportMetric(viewFrac, "cpu-fraction-with-view")
	b.ReportMetric(upkeep*c.viewWall.Seconds()/float64(max(c.updates, 1))*1e6, "cpu-us/update")
	b.ReportMetric(float64(c.unmatched), "unmatched")
}

// phase is one patching phase: the process's CPU time and the wall time
// from the child's first patch to its last response plus settle.
type phase struct {
	cpu, wall time.Duration
	sum       patchSummary
}

func runPhase(job patchJob, onStart func(), onLine func([]string)) (phase, error) {
	var cpu0 time.Duration
	var wall0 time.Time
	sum, err := drive(job, func() {
		cpu0, wall0 = bench.CPUTime(), time.Now()
		if onStart != nil {
			onStart()
		}
	}, onLine)
	if err != nil {
		return phase{}, err
	}
	if wall0.IsZero() {
		return phase{}, fmt.Errorf("patcher never started")
	}
	time.Sleep(settle)
	return phase{cpu: bench.CPUTime() - cpu0, wall: time.Since(wall0), sum: sum}, nil
}

func unixNano(s string) time.Time {
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Unix(0, n)
}

// reference is a plain pods informer that tells the probe when each update
// arrives by watch.
type reference struct{ cache *podCache }

func startReference(cfg *rest.Config, p *latencyProbe) (*reference, error) {
	c, err := startPodCache(cfg)
	if err != nil {
		return nil, err
	}
	if err := c.waitSynced(5 * time.Minute); err != nil {
		c.stop()
		return nil, err
	}
	inf, err := c.owner.Informer(kinds.Builtin(kinds.Pods))
	if err != nil {
		c.stop()
		return nil, err
	}
	inf.Subscribe(toolscache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, obj any) { p.watched(obj) },
	})
	return &reference{cache: c}, nil
}

func (r *reference) stop() { r.cache.stop() }

// noticeTap is the session's Emitter: it counts the notices of the view it
// follows and hands each to the latency probe, if one is set.
type noticeTap struct {
	mu      sync.Mutex
	viewID  string
	probe   *latencyProbe
	notices atomic.Int64
}

func (t *noticeTap) follow(id string) {
	t.mu.Lock()
	t.viewID = id
	t.mu.Unlock()
}

func (t *noticeTap) setProbe(p *latencyProbe) {
	t.mu.Lock()
	t.probe = p
	t.mu.Unlock()
}

func (t *noticeTap) count() int64 { return t.notices.Load() }

func (t *noticeTap) Emit(name string, payload any) {
	at := time.Now()
	n, ok := payload.(model.ViewNotice)
	if !ok || name != model.EventViewChanged {
		return
	}
	t.mu.Lock()
	follows, probe := n.ViewID == t.viewID, t.probe
	t.mu.Unlock()
	if !follows {
		return
	}
	t.notices.Add(1)
	if probe != nil {
		probe.check(at)
	}
}

// latencyProbe matches patches to notices: at each notice it reads the rows
// of the patches not yet seen (the view is sorted by name, so it knows where
// they are) and marks those whose label shows the patch.
type latencyProbe struct {
	rows func(offset, limit int) (model.Window, error) // the view's windows

	mu      sync.Mutex
	index   map[string]int // row key → position in the view
	bySeq   map[int64]*patchRec
	pending map[int64]*patchRec
	watchAt map[int64]time.Time // when the reference informer saw each patch
}

type patchRec struct {
	seq              int64
	key, name        string
	sent, resp, seen time.Time
}

// newLatencyProbe probes the windows rows returns.
func newLatencyProbe(rows func(offset, limit int) (model.Window, error)) *latencyProbe {
	p := &latencyProbe{rows: rows, index: map[string]int{},
		bySeq: map[int64]*patchRec{}, pending: map[int64]*patchRec{}, watchAt: map[int64]time.Time{}}
	for off := 0; ; {
		w, err := rows(off, view.MaxWindow)
		if err != nil || len(w.Rows) == 0 {
			break
		}
		for i, r := range w.Rows {
			p.index[r.Key] = off + i
		}
		off += len(w.Rows)
	}
	return p
}

// sessionRows are the windows of a session's view.
func sessionRows(s *session.Session, id string) func(offset, limit int) (model.Window, error) {
	return func(offset, limit int) (model.Window, error) { return s.ViewRows(id, offset, limit) }
}

// sent records a patch of pod ns/name as sent at at.
func (p *latencyProbe) sent(seq int64, ns, name string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := &patchRec{seq: seq, name: name, key: ns + "/" + name, sent: at}
	p.bySeq[seq] = r
	p.pending[seq] = r
}

// responded records the patch's successful response.
func (p *latencyProbe) responded(seq int64, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r, ok := p.bySeq[seq]; ok {
		r.resp = at
	}
}

// onLine takes the patcher's streamed "S seq name unixnano" and "R seq
// unixnano" lines.
func (p *latencyProbe) onLine(f []string) {
	switch {
	case f[0] == "S" && len(f) == 4:
		seq, _ := strconv.ParseInt(f[1], 10, 64)
		p.sent(seq, bench.LoadNamespace, f[2], unixNano(f[3]))
	case f[0] == "R" && len(f) == 3:
		seq, _ := strconv.ParseInt(f[1], 10, 64)
		p.responded(seq, unixNano(f[2]))
	}
}

// check runs in the Emitter, at a notice emitted at time at.
func (p *latencyProbe) check(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for seq, r := range p.pending {
		row, ok := p.row(r)
		if !ok {
			continue
		}
		if v, err := strconv.ParseInt(row.Labels[seqLabel], 10, 64); err == nil && v >= r.seq {
			r.seen = at
			delete(p.pending, seq)
		}
	}
}

// row finds a pod's row: at its remembered position, else by binary search
// in the view's order (name, then key).
func (p *latencyProbe) row(r *patchRec) (model.Row, bool) {
	at := func(i int) (model.Row, int, bool) {
		w, err := p.rows(i, 1)
		if err != nil || len(w.Rows) == 0 {
			return model.Row{}, w.Count, false
		}
		return w.Rows[0], w.Count, true
	}
	if i, ok := p.index[r.key]; ok {
		if row, _, ok := at(i); ok && row.Key == r.key {
			return row, true
		}
	}
	_, n, _ := at(0)
	lo, hi := 0, n
	for lo < hi {
		mid := (lo + hi) / 2
		row, _, ok := at(mid)
		if !ok {
			return model.Row{}, false
		}
		if row.Name < r.name || (row.Name == r.name && row.Key < r.key) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	row, _, ok := at(lo)
	if !ok || row.Key != r.key {
		return model.Row{}, false
	}
	p.index[r.key] = lo
	return row, true
}

// watched records when the reference informer got a patched pod.
func (p *latencyProbe) watched(obj any) {
	at := time.Now()
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	seq, err := strconv.ParseInt(m.GetLabels()[seqLabel], 10, 64)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, seen := p.watchAt[seq]; !seen {
		p.watchAt[seq] = at
	}
}

// drain waits up to d for the patches still pending to show up in a notice.
func (p *latencyProbe) drain(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		left := 0
		for _, r := range p.pending {
			if !r.resp.IsZero() {
				left++
			}
		}
		p.mu.Unlock()
		if left == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// latencies are the per-patch delays of the latency phase.
type latencies struct {
	fromResp      bench.Durations // patch response → notice showing it (0 if the notice came first)
	response      bench.Durations // patch sent → its response, for every patch that succeeded
	fromSend      bench.Durations // patch sent → notice
	watchFromSend bench.Durations // patch sent → reference informer's watch event
	app           bench.Durations // reference informer's watch event → notice (0 if the notice came first)
}

func (l *latencies) add(o latencies) {
	l.fromResp = append(l.fromResp, o.fromResp...)
	l.response = append(l.response, o.response...)
	l.fromSend = append(l.fromSend, o.fromSend...)
	l.watchFromSend = append(l.watchFromSend, o.watchFromSend...)
	l.app = append(l.app, o.app...)
}

// results returns the latencies of the patches a notice showed, and how
// many successful patches no notice ever showed.
func (p *latencyProbe) results() (l latencies, unmatched int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.bySeq {
		if !r.resp.IsZero() {
			l.response = append(l.response, r.resp.Sub(r.sent))
		}
		switch {
		case r.resp.IsZero(): // failed patch
		case r.seen.IsZero():
			unmatched++
		default:
			l.fromResp = append(l.fromResp, max(r.seen.Sub(r.resp), 0))
			l.fromSend = append(l.fromSend, r.seen.Sub(r.sent))
			if w, ok := p.watchAt[r.seq]; ok {
				l.watchFromSend = append(l.watchFromSend, w.Sub(r.sent))
				l.app = append(l.app, max(r.seen.Sub(w), 0))
			}
		}
	}
	return l, unmatched
}
