package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"crowsnest/backend/bench"
)

// Report is everything one harness run measured; scale.json is it as JSON.
type Report struct {
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
	Command  string       `json:"command"`
	Machine  string       `json:"machine"`
	Reps     int          `json:"reps"`
	Runs     []Result     `json:"runs"`     // every repetition of every program
	Requests []RequestRun `json:"requests"` // one per N
	// Custom is every repetition of the custom-resource programs.
	Custom []CustomResult `json:"custom,omitempty"`
}

// RequestRun is the requests child's report at one N.
type RequestRun struct {
	N int `json:"n"`
	RequestReport
}

// JSON is the report, indented.
func (r Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// summary is the medians of one program's runs at one N.
type summary struct {
	runs                     int
	pods                     int
	syncMS, syncFromSwitchMS float64
	heapPerPod               float64
	peakMB, settledMB        float64
	syncPeakMB               float64 // VmHWM after sync (Go children)
	// peakAtMost: a run's ru_maxrss did not exceed the parent's own peak,
	// so it bounds the program's peak from above (kubectl only).
	peakAtMost                    bool
	openMS, openDefaultMS         float64
	windowP50, windowP95          float64
	selectorOpenMS, selectorQuery float64
	selectorMatches               int
}

// Budgets of issue 7.
const (
	maxSyncVsKubectl = 0.2
	maxSyncVsFloor   = 1.5
	maxSync100k      = 10 * time.Second
	maxHeapPerPod    = 3 * 1024 // "3 KB"
	maxRSSVsFloor    = 1.3
	maxRSS100kMB     = 400.0
	maxPeakVsSettled = 1.5
	// Issue 14's budgets for custom resources.
	maxCustomVsFloor     = 1.5
	maxHeapPerCustomByte = 1536 // "1.5 KB"
	// budgetN is the pod count the absolute budgets are set at.
	budgetN    = 100_000
	bytesPerMB = 1e6
)

const (
	resultMet    = "met"
	resultMissed = "**missed**"
)

// programs in the order tables and legends list them.
var programs = []string{progCrowsnest, progFloor, progKubectl}

var programNames = map[string]string{progCrowsnest: "Crowsnest", progFloor: "floor (bare informer)", progKubectl: "kubectl get pods -A -o json"}

func kibToMB(kib int64) float64 { return float64(kib) * 1024 / bytesPerMB }

// ns lists the pod counts measured, ascending.
func (r Report) ns() []int {
	var out []int
	for _, run := range r.Runs {
		out = append(out, run.N)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// summary is the medians of program's runs at n (lower median for an even
// count); false if it has none.
func (r Report) summary(n int, program string) (summary, bool) {
	var s summary
	var sync, fromSwitch, heap, peak, syncPeak, settled, open, openDefault, w50, w95, selOpen, selQuery []float64
	for _, run := range r.Runs {
		if run.N != n || run.Program != program {
			continue
		}
		s.runs++
		s.pods = max(s.pods, run.Pods)
		s.selectorMatches = run.SelectorMatches
		s.peakAtMost = s.peakAtMost || (run.Program == progKubectl && run.PeakRSSKiB <= run.ParentHWMKiB)
		sync = append(sync, run.SyncMS)
		fromSwitch = append(fromSwitch, run.SyncFromSwitchMS)
		heap = append(heap, run.HeapPerPod)
		peak = append(peak, kibToMB(run.PeakRSSKiB))
		syncPeak = append(syncPeak, kibToMB(run.SyncPeakRSSKiB))
		settled = append(settled, kibToMB(run.SettledRSSKiB))
		open = append(open, run.OpenMS)
		openDefault = append(openDefault, run.OpenDefaultMS)
		w50 = append(w50, run.WindowP50MS)
		w95 = append(w95, run.WindowP95MS)
		selOpen = append(selOpen, run.SelectorOpenMS)
		selQuery = append(selQuery, run.SelectorQueryMS)
	}
	m := bench.MedianOf
	s.syncMS, s.syncFromSwitchMS, s.heapPerPod = m(sync), m(fromSwitch), m(heap)
	s.peakMB, s.syncPeakMB, s.settledMB = m(peak), m(syncPeak), m(settled)
	s.openMS, s.openDefaultMS, s.windowP50, s.windowP95 = m(open), m(openDefault), m(w50), m(w95)
	s.selectorOpenMS, s.selectorQuery = m(selOpen), m(selQuery)
	return s, s.runs > 0
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// verdict is one budget across every N.
type verdict struct {
	budget, limit string
	values        []string // per N, in Report.ns order
	result        string
}

// check builds a verdict from a per-N measure: ok reports whether the
// budget holds, value how to show the measure. Ns without the runs needed
// show "–" and do not count.
func (r Report) check(budget, limit string, measure func(n int) (value string, ok, measured bool)) verdict {
	v := verdict{budget: budget, limit: limit, result: resultMet}
	seen := false
	for _, n := range r.ns() {
		value, ok, measured := measure(n)
		if !measured {
			v.values = append(v.values, "–")
			continue
		}
		seen = true
		v.values = append(v.values, value)
		if !ok {
			v.result = resultMissed
		}
	}
	if !seen {
		v.result = "not measured"
	}
	return v
}

// atBudgetN is check for a budget that holds at 100,000 pods only.
func (r Report) atBudgetN(budget, limit string, measure func(n int) (string, bool, bool)) verdict {
	v := r.check(budget, limit, func(n int) (string, bool, bool) {
		if n != budgetN {
			return "", false, false
		}
		return measure(n)
	})
	if ns := r.ns(); !slices.Contains(ns, budgetN) {
		largest := 0
		if len(ns) > 0 {
			largest = ns[len(ns)-1]
		}
		v.result = fmt.Sprintf("not measured (largest N %s)", thousands(largest))
	}
	return v
}

// verdicts are issue 7's budgets for what the harness measures.
func (r Report) verdicts() []verdict {
	// atMost: num's value over den's, two programs' summaries at one N,
	// is at most limit. N where either program did not run (kubectl is
	// skipped above --kubectl-max) show as not measured.
	atMost := func(budget string, limit float64, digits int, num, den string, numV, denV func(summary) float64) verdict {
		return r.check(budget, fmt.Sprintf("≤ %.1f×", limit), func(n int) (string, bool, bool) {
			a, ok1 := r.summary(n, num)
			b, ok2 := r.summary(n, den)
			x := ratio(numV(a), denV(b))
			return fmt.Sprintf("%.*f×", digits, x), x <= limit, ok1 && ok2
		})
	}
	syncMS := func(s summary) float64 { return s.syncMS }
	settledMB := func(s summary) float64 { return s.settledMB }
	out := []verdict{
		atMost("Sync vs kubectl (Crowsnest sync / kubectl wall)", maxSyncVsKubectl, 3, progCrowsnest, progKubectl, syncMS, syncMS),
		atMost("Sync vs the floor", maxSyncVsFloor, 2, progCrowsnest, progFloor, syncMS, syncMS),
		r.atBudgetN("100,000 pods synced", fmt.Sprintf("< %s", maxSync100k), func(n int) (string, bool, bool) {
			c, ok := r.summary(n, progCrowsnest)
			return fmt.Sprintf("%.2f s", c.syncMS/1000), c.syncMS < bench.MS(maxSync100k), ok
		}),
		r.check("Go heap per cached pod (view open)", fmt.Sprintf("≤ %d B", maxHeapPerPod), func(n int) (string, bool, bool) {
			c, ok := r.summary(n, progCrowsnest)
			return fmt.Sprintf("%.0f B", c.heapPerPod), c.heapPerPod <= maxHeapPerPod, ok
		}),
		atMost("Settled RSS vs the floor's", maxRSSVsFloor, 2, progCrowsnest, progFloor, settledMB, settledMB),
		r.atBudgetN("Peak RSS at 100,000 pods", fmt.Sprintf("< %.0f MB", maxRSS100kMB), func(n int) (string, bool, bool) {
			c, ok := r.summary(n, progCrowsnest)
			return fmt.Sprintf("%.0f MB", c.peakMB), c.peakMB < maxRSS100kMB, ok
		}),
		atMost("Peak RSS of the initial sync / settled RSS", maxPeakVsSettled, 2, progCrowsnest, progCrowsnest,
			func(s summary) float64 { return s.syncPeakMB }, settledMB),
	}
	return append(out, r.check("One watch per kind, no polling", "≤ 1 LIST and ≤ 1 WATCH per kind; 0 repeated reads", func(n int) (string, bool, bool) {
		for _, req := range r.Requests {
			if req.N != n {
				continue
			}
			worst, bad := "", 0
			for _, k := range req.byKind() {
				if excess := max(k.Lists-1, 0) + max(k.Watches-1, 0) + k.ViewsReads; excess > bad {
					worst, bad = k.Resource, excess
				}
			}
			if bad == 0 {
				return "yes", true, true
			}
			return fmt.Sprintf("%d extra (%s)", bad, worst), false, true
		}
		return "", false, false
	}))
}

// Markdown is scale.md: a table per N, the requests, the budgets.
func (r Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Scale harness (issue 7)\n\n")
	p("- Command: `%s`\n- Machine: %s\n- Run: %s – %s UTC\n", r.Command, r.Machine,
		r.Started.Format("2006-01-02 15:04"), r.Finished.Format("15:04"))
	p("- Medians of %d repetitions per program and N (the lower middle value for an even count), each program a process of its own, in alternating order. MB = 10⁶ bytes.\n", r.Reps)
	p("- Peak RSS: the Go children's own `VmHWM` at exit; kubectl's `ru_maxrss`, marked ≤ when it did not exceed the harness's own peak (Linux reports the larger of the two). Sync peak: `VmHWM` once synced and settled, before the latency measurements.\n\n")
	for _, n := range r.ns() {
		p("## N = %s load pods\n\n", thousands(n))
		p("| program | pods held | sync (ms) | × kubectl | × floor | from Switch (ms) | heap/pod (B) | peak RSS (MB) | sync peak RSS (MB) | settled RSS (MB) | sync peak / settled |\n")
		p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		k, _ := r.summary(n, progKubectl)
		f, _ := r.summary(n, progFloor)
		for _, prog := range programs {
			s, ok := r.summary(n, prog)
			if !ok {
				continue
			}
			dash := func(x float64, format string) string {
				if x == 0 {
					return "–"
				}
				return fmt.Sprintf(format, x)
			}
			peak := fmt.Sprintf("%.1f", s.peakMB)
			if s.peakAtMost {
				peak = "≤ " + peak
			}
			p("| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n", programNames[prog], dash(float64(s.pods), "%.0f"),
				s.syncMS, dash(ratio(s.syncMS, k.syncMS), "%.3f"), dash(ratio(s.syncMS, f.syncMS), "%.2f"),
				dash(s.syncFromSwitchMS, "%.0f"), dash(s.heapPerPod, "%.0f"), peak, dash(s.syncPeakMB, "%.1f"),
				dash(s.settledMB, "%.1f"), dash(ratio(s.syncPeakMB, s.settledMB), "%.2f"))
		}
		if c, ok := r.summary(n, progCrowsnest); ok {
			p("\nCrowsnest on the synced session: open a new all-namespace pod view in the default order **%.2f ms**, by name **%.2f ms**; "+
				"a 100-row window p50 **%.3f ms**, p95 %.3f ms; `OpenView(load, %s)` **%.2f ms**; the cache query of it %.3f ms (%d pods).\n",
				c.openDefaultMS, c.openMS, c.windowP50, c.windowP95, bench.LoadSelector, c.selectorOpenMS, c.selectorQuery, c.selectorMatches)
		}
		for _, req := range r.Requests {
			if req.N == n {
				writeRequests(&b, req)
			}
		}
		p("\n")
	}
	r.writeCustom(&b)
	p("## Budgets\n\n| budget | limit |")
	for _, n := range r.ns() {
		p(" N = %s |", thousands(n))
	}
	p(" result |\n|---|---|")
	for range r.ns() {
		p("---:|")
	}
	p("---|\n")
	for _, v := range r.verdicts() {
		p("| %s | %s | %s | %s |\n", v.budget, v.limit, strings.Join(v.values, " | "), v.result)
	}
	return b.String()
}

// customSummary is the medians of one custom-resource program's runs.
type customSummary struct {
	runs, objects                       int
	syncMS, heapPerObject, viewPerRow   float64
	settledMB, peakMB                   float64
	openDefault, openName, openColumnMS float64
}

func (r Report) customSummary(program string) (customSummary, bool) {
	var s customSummary
	var sync, heap, view, settled, peak, od, on, oc []float64
	for _, run := range r.Custom {
		if run.Program != program {
			continue
		}
		s.runs++
		s.objects = max(s.objects, run.Objects)
		sync, heap, view = append(sync, run.SyncMS), append(heap, run.HeapPerObject), append(view, run.ViewBytesPerRow)
		settled, peak = append(settled, kibToMB(run.SettledRSSKiB)), append(peak, kibToMB(run.PeakRSSKiB))
		od, on, oc = append(od, run.OpenDefaultMS), append(on, run.OpenNameMS), append(oc, run.OpenColumnMS)
	}
	m := bench.MedianOf
	s.syncMS, s.heapPerObject, s.viewPerRow, s.settledMB, s.peakMB = m(sync), m(heap), m(view), m(settled), m(peak)
	s.openDefault, s.openName, s.openColumnMS = m(od), m(on), m(oc)
	return s, s.runs > 0
}

// writeCustom is the custom resources' section: both programs and issue
// 14's budgets.
func (r Report) writeCustom(b *strings.Builder) {
	c, ok1 := r.customSummary(progCrowsnestCRs)
	f, ok2 := r.customSummary(progFloorCRs)
	if !ok1 || !ok2 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Custom resources (issue 14)\n\n")
	p("%s resources of `%s` (~3 KB of JSON each), medians of %d runs. Crowsnest: a connected session that has learnt the kind, from its first read of the kind to its status saying synced; "+
		"heap per object of its cache before any view; a view's bytes per row on top. The floor: a bare client-go dynamic informer from the top of its main.\n\n",
		thousands(c.objects), benchGVR.GroupResource(), c.runs)
	p("| program | objects | sync (ms) | × floor | heap/object (B) | view (B/row) | settled RSS (MB) | peak RSS (MB) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	p("| Crowsnest | %d | %.0f | %.2f | %.0f | %.0f | %.1f | %.1f |\n", c.objects, c.syncMS, ratio(c.syncMS, f.syncMS), c.heapPerObject, c.viewPerRow, c.settledMB, c.peakMB)
	p("| floor (bare dynamic informer) | %d | %.0f | 1.00 | %.0f | – | %.1f | %.1f |\n\n", f.objects, f.syncMS, f.heapPerObject, f.settledMB, f.peakMB)
	p("Crowsnest on the synced session: open a new view in the default order **%.2f ms**, by name %.2f ms, by the Resources column %.2f ms.\n\n",
		c.openDefault, c.openName, c.openColumnMS)
	verdict := func(ok bool) string {
		if ok {
			return resultMet
		}
		return resultMissed
	}
	x := ratio(c.syncMS, f.syncMS)
	p("| budget | limit | measured | result |\n|---|---|---:|---|\n")
	p("| Sync vs the bare dynamic informer | ≤ %.1f× | %.2f× | %s |\n", maxCustomVsFloor, x, verdict(x <= maxCustomVsFloor))
	p("| Go heap per cached resource | ≤ %d B | %.0f B | %s |\n\n", maxHeapPerCustomByte, c.heapPerObject, verdict(c.heapPerObject <= maxHeapPerCustomByte))
}

func writeRequests(b *strings.Builder, req RequestRun) {
	start, views := req.accessChecks()
	fmt.Fprintf(b, "\nAPI requests of one session: synced (start), then %d views of every kind opened and closed over %.0f s (views). "+
		"Access reviews: %d at start, %d during views.\n\n", req.ViewsOpened, req.PeriodS, start, views)
	fmt.Fprintf(b, "| resource | LIST | WATCH | reads repeated during views |\n|---|---:|---:|---:|\n")
	for _, k := range req.byKind() {
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", k.Resource, k.Lists, k.Watches, k.ViewsReads)
	}
	var other []string
	for _, c := range req.Counts {
		if c.Verb != "LIST" && c.Verb != "WATCH" {
			other = append(other, fmt.Sprintf("%s %s %s ×%d", c.Phase, c.Verb, c.Resource, c.Count))
		}
	}
	if len(other) > 0 {
		fmt.Fprintf(b, "\nOther requests: %s.\n", strings.Join(other, "; "))
	}
}

// thousands writes n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
