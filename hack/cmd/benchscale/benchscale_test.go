package main

import (
	"encoding/xml"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name, method, url, verb, resource string
	}{
		{"list all pods", "GET", "/api/v1/pods?limit=500", "LIST", "pods"},
		{"watch-list pods", "GET", "/api/v1/pods?allowWatchBookmarks=true&sendInitialEvents=true&watch=true", "WATCH", "pods"},
		{"list in a namespace", "GET", "/api/v1/namespaces/load/pods", "LIST", "pods"},
		{"get one pod", "GET", "/api/v1/namespaces/load/pods/p-1", "GET", "pods"},
		{"pod log", "GET", "/api/v1/namespaces/load/pods/p-1/log", "GET", "pods/log"},
		{"list namespaces", "GET", "/api/v1/namespaces", "LIST", "namespaces"},
		{"get a namespace", "GET", "/api/v1/namespaces/load", "GET", "namespaces"},
		{"group resource", "GET", "/apis/apps/v1/deployments?watch=1", "WATCH", "deployments.apps"},
		{"old watch path", "GET", "/api/v1/watch/namespaces/load/pods", "WATCH", "pods"},
		{"access review", "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "CREATE", "selfsubjectaccessreviews.authorization.k8s.io"},
		{"patch", "PATCH", "/api/v1/namespaces/load/pods/p-1", "PATCH", "pods"},
		{"delete collection", "DELETE", "/api/v1/namespaces/load/pods", "DELETECOLLECTION", "pods"},
		{"version", "GET", "/version", "DISCOVERY", "/version"},
		{"group discovery", "GET", "/apis", "DISCOVERY", "/apis"},
		{"group version discovery", "GET", "/apis/apps/v1", "DISCOVERY", "/apis/apps/v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verb, resource := classify(httptest.NewRequest(tt.method, tt.url, nil))
			assert.Equal(t, tt.verb, verb)
			assert.Equal(t, tt.resource, resource)
		})
	}
}

func TestByKindFindsRepeatedReads(t *testing.T) {
	c := func(phase, verb, res string, n int) RequestCount {
		return RequestCount{requestKey: requestKey{Phase: phase, Verb: verb, Resource: res}, Count: n}
	}
	r := RequestReport{Counts: []RequestCount{
		c(phaseStart, "WATCH", "pods", 1),
		// started during views by a list then a watch: its first list is not a repeat
		c(phaseViews, "LIST", "deployments.apps", 1),
		c(phaseViews, "WATCH", "deployments.apps", 1),
		// polled
		c(phaseStart, "LIST", "events", 1),
		c(phaseStart, "WATCH", "events", 1),
		c(phaseViews, "LIST", "events", 3),
		c(phaseViews, "CREATE", "selfsubjectaccessreviews.authorization.k8s.io", 4),
		c(phaseStart, "CREATE", "selfsubjectaccessreviews.authorization.k8s.io", 2),
		c(phaseStart, "DISCOVERY", "/version", 1),
	}}
	assert.Equal(t, []KindRequests{
		{Resource: "deployments.apps", Lists: 1, Watches: 1},
		{Resource: "events", Lists: 4, Watches: 1, ViewsReads: 3},
		{Resource: "pods", Watches: 1},
	}, r.byKind())
	start, views := r.accessChecks()
	assert.Equal(t, 2, start)
	assert.Equal(t, 4, views)
}

func TestParseChildLine(t *testing.T) {
	var r Result
	out := "some log line\n{\"program\":\"floor\",\"syncMs\":12.5,\"pods\":3}\n\n"
	require.NoError(t, parseChildLine([]byte(out), &r))
	assert.Equal(t, Result{Program: "floor", SyncMS: 12.5, Pods: 3}, r)
	assert.Error(t, parseChildLine([]byte("panic: boom\n"), &r))
}

func TestParseProcStatus(t *testing.T) {
	status := []byte("Name:\tbenchscale\nVmPeak:\t  900 kB\nVmHWM:\t   61234 kB\nVmRSS:\t   51234 kB\nThreads: 9\n")
	kib, err := parseProcStatus(status, "VmRSS")
	require.NoError(t, err)
	assert.Equal(t, int64(51234), kib)
	kib, err = parseProcStatus(status, "VmHWM")
	require.NoError(t, err)
	assert.Equal(t, int64(61234), kib)
	_, err = parseProcStatus([]byte("Name:\tx\n"), "VmRSS")
	assert.Error(t, err)
}

func TestParsePods(t *testing.T) {
	ns, err := parsePods("50000, 10_000,10000,100000")
	require.NoError(t, err)
	assert.Equal(t, []int{10000, 50000, 100000}, ns)
	for _, bad := range []string{"10k", "0", "-5", "10000,"} {
		_, err := parsePods(bad)
		assert.Error(t, err, bad)
	}
	ns, err = parsePods(" ")
	require.NoError(t, err)
	assert.Empty(t, ns, "no pod series: custom resources only")
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		max  float64
		want []float64
	}{
		{100_000, []float64{0, 20_000, 40_000, 60_000, 80_000, 100_000}},
		{3.7, []float64{0, 1, 2, 3, 4}},
		{430, []float64{0, 100, 200, 300, 400, 500}},
		{0, []float64{0, 1}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, niceTicks(tt.max), "max %v", tt.max)
	}
}

// sample is a report at two Ns: at 100,000 pods Crowsnest misses the sync
// budget against the floor and its peak RSS is over 400 MB.
func sample() Report {
	run := func(prog string, n int, sync, heap float64, peakKiB, settledKiB int64) Result {
		syncPeak := peakKiB * 9 / 10
		if prog == progKubectl {
			syncPeak = 0
		}
		return Result{Program: prog, N: n, Pods: n + 40, SyncMS: sync, HeapPerPod: heap,
			PeakRSSKiB: peakKiB, SyncPeakRSSKiB: syncPeak, SettledRSSKiB: settledKiB, OpenMS: 10, WindowP50MS: 0.02, SelectorMatches: n / 40}
	}
	r := Report{Reps: 1, Command: "benchscale --pods 10000,100000", Machine: "2 CPUs"}
	for _, n := range []int{10_000, 100_000} {
		k := float64(n) / 10_000
		r.Runs = append(r.Runs,
			run(progCrowsnest, n, 900*k, 2000, 60_000*int64(k), 50_000*int64(k)),
			run(progFloor, n, 700*k, 4500, 70_000*int64(k), 50_000*int64(k)),
			run(progKubectl, n, 20_000*k, 0, 400_000*int64(k), 0),
		)
	}
	r.Runs[3].SyncMS = 12_000        // Crowsnest at 100k: 1.71× the floor, over 10 s
	r.Runs[2].ParentHWMKiB = 500_000 // kubectl at 10k: ru_maxrss no more than the harness's own peak
	r.Custom = []CustomResult{
		{Program: progCrowsnestCRs, Objects: 10_000, SyncMS: 1500, HeapPerObject: 1100, ViewBytesPerRow: 120,
			SettledRSSKiB: 39_063, PeakRSSKiB: 60_000, OpenDefaultMS: 2, OpenNameMS: 5, OpenColumnMS: 6},
		{Program: progFloorCRs, Objects: 10_000, SyncMS: 1200, HeapPerObject: 9000, SettledRSSKiB: 150_000, PeakRSSKiB: 180_000},
	}
	r.Requests = []RequestRun{{N: 10_000, RequestReport: RequestReport{Counts: []RequestCount{
		{requestKey: requestKey{Phase: phaseStart, Verb: "WATCH", Resource: "pods"}, Count: 1},
	}}}}
	return r
}

func TestVerdicts(t *testing.T) {
	got := map[string]string{}
	for _, v := range sample().verdicts() {
		got[v.budget] = v.result
	}
	assert.Equal(t, map[string]string{
		"Sync vs kubectl (Crowsnest sync / kubectl wall)": resultMet,
		"Sync vs the floor":                          resultMissed,
		"100,000 pods synced":                        resultMissed,
		"Go heap per cached pod (view open)":         resultMet,
		"Settled RSS vs the floor's":                 resultMet,
		"Peak RSS at 100,000 pods":                   resultMissed, // 614 MB
		"Peak RSS of the initial sync / settled RSS": resultMet,
		"One watch per kind, no polling":             resultMet, // only N=10,000 counted
	}, got)
}

func TestVerdictAt100kNotMeasuredBelowIt(t *testing.T) {
	r := sample()
	r.Runs = r.Runs[:3] // N=10,000 only
	for _, v := range r.verdicts() {
		if strings.Contains(v.budget, "100,000") {
			assert.Equal(t, "not measured (largest N 10,000)", v.result)
		}
	}
}

// Without kubectl at 100,000 pods (--kubectl-max), the budgets against
// the floor still judge that N; only the one against kubectl skips it.
func TestVerdictsWithoutKubectlAtAnN(t *testing.T) {
	r := sample()
	r.Runs = slices.DeleteFunc(r.Runs, func(x Result) bool { return x.Program == progKubectl && x.N == 100_000 })
	for _, v := range r.verdicts() {
		switch v.budget {
		case "Sync vs kubectl (Crowsnest sync / kubectl wall)":
			assert.Equal(t, []string{"0.045×", "–"}, v.values)
			assert.Equal(t, resultMet, v.result)
		case "Sync vs the floor":
			assert.Equal(t, []string{"1.29×", "1.71×"}, v.values)
			assert.Equal(t, resultMissed, v.result)
		}
	}
	assert.Contains(t, r.Markdown(), "| Crowsnest | 100040 | 12000 | – | 1.71 |")
}

func TestMarkdown(t *testing.T) {
	md := sample().Markdown()
	for _, want := range []string{
		"## N = 10,000 load pods",
		"## N = 100,000 load pods",
		"| Crowsnest | 10040 | 900 | 0.045 | 1.29 | – | 2000 | 61.4 | 55.3 | 51.2 | 1.08 |",
		"| 100,000 pods synced | < 10s | – | 12.00 s | **missed** |",
		"| kubectl get pods -A -o json | 10040 | 20000 | 1.000 | 28.57 | – | – | ≤ 409.6 |",
		"| kubectl get pods -A -o json | 100040 | 200000 | 1.000 | 28.57 | – | – | 4096.0 |",
		"| pods | 0 | 1 | 0 |",
		"## Custom resources (issue 14)",
		"| Crowsnest | 10000 | 1500 | 1.25 | 1100 | 120 | 40.0 | 61.4 |",
		"| Sync vs the bare dynamic informer | ≤ 1.5× | 1.25× | met |",
		"| Go heap per cached resource | ≤ 1536 B | 1100 B | met |",
		"open a new view in the default order **2.00 ms**",
	} {
		assert.Contains(t, md, want)
	}
}

func TestChart(t *testing.T) {
	svg := sample().Chart()
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Texts   []string `xml:"text"`
		Panels  []struct {
			Texts     []string `xml:"text"`
			Polylines []struct {
				Points string `xml:"points,attr"`
			} `xml:"polyline"`
		} `xml:"g"`
	}
	require.NoError(t, xml.Unmarshal(svg, &doc), string(svg))
	var panels, lines int
	var texts []string
	for _, g := range doc.Panels {
		texts = append(texts, g.Texts...)
		if len(g.Polylines) > 0 {
			panels++
		}
		for _, p := range g.Polylines {
			lines++
			assert.Len(t, strings.Fields(p.Points), 2, "a point per N")
		}
	}
	assert.Equal(t, 2, panels)
	assert.Equal(t, 6, lines, "a line per program in each panel")
	for _, label := range []string{"peak RSS (MB)", "sync time (s)", "pods (N)", "Crowsnest", "floor (bare informer)", "kubectl get pods -A -o json"} {
		assert.Contains(t, texts, label)
	}
}
