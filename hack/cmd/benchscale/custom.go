package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/bench"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/seed"
)

// Custom resources (issue 14): the bench CRD's resources (seed.BenchCRD,
// ~3 KB each) cached by Crowsnest, against a bare client-go dynamic
// informer on the same cluster, the floor. Measured once per harness run,
// before the pod series, each program a process of its own.

// CustomResult is one run of one program over the custom resources.
type CustomResult struct {
	Program string `json:"program"`
	Rep     int    `json:"rep"`
	// Objects is how many resources the program held once synced.
	Objects int `json:"objects"`
	// WallMS is the process's wall time, measured by the parent.
	WallMS float64 `json:"wallMs"`
	// SyncMS runs, for the floor, from the top of its main (no client yet)
	// to synced; for Crowsnest, on a session that is connected and knows
	// the kind, from the first read of the kind (which starts its
	// informer, after an access review) until the session's status says
	// it synced, as the UI hears it.
	SyncMS float64 `json:"syncMs"`
	// HeapPerObject is HeapAlloc once synced minus HeapAlloc before, both
	// after two GCs, per object held: for Crowsnest the kind's cache,
	// before any view of it opened.
	HeapPerObject float64 `json:"heapBytesPerObject"`
	// ViewBytesPerRow is what the first view of the kind (the page's
	// table, which builds the kind's base) adds, per row (Crowsnest only).
	ViewBytesPerRow float64 `json:"viewBytesPerRow,omitempty"`
	SettledRSSKiB   int64   `json:"settledRssKiB"`
	PeakRSSKiB      int64   `json:"peakRssKiB"`
	// Opening a second view, end to end (Session.OpenView), median of 5:
	// in the default order, by name, by the integer Resources column.
	OpenDefaultMS float64 `json:"openDefaultMs,omitempty"`
	OpenNameMS    float64 `json:"openNameMs,omitempty"`
	OpenColumnMS  float64 `json:"openColumnMs,omitempty"`
}

// benchGVR is the custom resources' resource, and benchKind its kind's ID.
var (
	benchGVR  = seed.BenchGVR(seed.BenchGroup)
	benchKind = kinds.LearntID(benchGVR.GroupResource())
)

// measureCrowsnestCRs connects a session, waits until it has learnt the
// bench kind from its CRD, then reads the kind, which starts its
// informer, and measures the cache and a view of it.
func measureCrowsnestCRs(o childOptions) (CustomResult, error) {
	board, s, _, err := connectBoard(o, session.Options{})
	if err != nil {
		return CustomResult{}, err
	}
	defer board.Stop()
	var k *kinds.Kind
	deadline := time.Now().Add(o.timeout)
	for k, err = s.Kind(string(benchKind)); err != nil; k, err = s.Kind(string(benchKind)) {
		if time.Now().After(deadline) {
			return CustomResult{}, fmt.Errorf("the session never learnt %s: %w", benchKind, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	r := CustomResult{Program: progCrowsnestCRs}
	before := heapNow()
	began := time.Now()
	if _, err := s.Access().Cache().List(k, "", nil); err != nil {
		return r, err
	}
	if r.Objects, err = bench.WaitSynced(s, k.ID, o.timeout); err != nil {
		return r, err
	}
	r.SyncMS = bench.MS(time.Since(began))
	cached := heapNow()
	r.HeapPerObject = (float64(cached) - float64(before)) / float64(max(r.Objects, 1))
	page, err := s.OpenView(model.ViewSpec{Kind: string(k.ID)})
	if err != nil {
		return r, err
	}
	defer s.CloseView(page.ID)
	r.ViewBytesPerRow = (float64(heapNow()) - float64(cached)) / float64(max(page.Count, 1))
	if r.SettledRSSKiB, err = settledRSS(o.settle); err != nil {
		return r, err
	}
	for _, m := range []struct {
		spec model.ViewSpec
		ms   *float64
	}{
		{model.ViewSpec{Kind: string(k.ID)}, &r.OpenDefaultMS},
		{model.ViewSpec{Kind: string(k.ID), SortBy: "name"}, &r.OpenNameMS},
		{model.ViewSpec{Kind: string(k.ID), SortBy: "resources", Desc: true}, &r.OpenColumnMS},
	} {
		opens, _, err := bench.TimeOpens(s, m.spec, 5)
		if err != nil {
			return r, err
		}
		*m.ms = bench.MS(opens.Median())
	}
	r.PeakRSSKiB, err = procStatus("VmHWM")
	return r, err
}

// measureFloorCRs is the floor for custom resources: a bare client-go
// dynamic informer of the bench resources (JSON, as every client of a
// custom resource), compression off over loopback as the app does, a
// transform that drops managedFields, and no event handler.
func measureFloorCRs(began time.Time, o childOptions) (CustomResult, error) {
	before := heapNow()
	cfg, err := floorConfig(o)
	if err != nil {
		return CustomResult{}, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return CustomResult{}, err
	}
	inf := dynamicinformer.NewFilteredDynamicInformer(dyn, benchGVR, "", 0,
		cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}, nil).Informer()
	if err := inf.SetTransform(dropManagedFields); err != nil {
		return CustomResult{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go inf.RunWithContext(ctx)
	deadline := time.Now().Add(o.timeout)
	for !inf.HasSynced() {
		if time.Now().After(deadline) {
			return CustomResult{}, fmt.Errorf("floor: %s not synced after %s", benchGVR.GroupResource(), o.timeout)
		}
		time.Sleep(time.Millisecond)
	}
	r := CustomResult{Program: progFloorCRs, SyncMS: bench.MS(time.Since(began)), Objects: len(inf.GetStore().ListKeys())}
	r.HeapPerObject = (float64(heapNow()) - float64(before)) / float64(max(r.Objects, 1))
	if r.SettledRSSKiB, err = settledRSS(o.settle); err != nil {
		return r, err
	}
	r.PeakRSSKiB, err = procStatus("VmHWM")
	runtime.KeepAlive(inf)
	return r, err
}

// measureCustom seeds the custom resources and measures both programs,
// h.reps times each in alternating order.
func (h *harness) measureCustom(ctx context.Context, clients seed.Clients) error {
	began := time.Now()
	logf("custom resources: seeding %d of %s", h.crs, benchGVR.GroupResource())
	if err := seed.CustomResources(ctx, clients, seed.CustomResourcesOptions{Count: h.crs, Log: logf}); err != nil {
		return fmt.Errorf("seed custom resources: %w", err)
	}
	logf("custom resources: seeded in %s", time.Since(began).Round(time.Second))
	h.report.Custom = nil
	for rep := range h.reps {
		order := []string{progCrowsnestCRs, progFloorCRs}
		if rep%2 == 1 {
			slices.Reverse(order)
		}
		for _, p := range order {
			time.Sleep(pause)
			var r CustomResult
			run, err := h.runChild(ctx, p, &r)
			if err != nil {
				return fmt.Errorf("custom resources rep %d %s: %w", rep, p, err)
			}
			r.Rep, r.WallMS = rep, bench.MS(run.Wall)
			logf("custom resources rep %d %-13s sync %6.0f ms  heap/object %5.0f B  settled %6.1f MB  (%d objects)",
				rep, p, r.SyncMS, r.HeapPerObject, kibToMB(r.SettledRSSKiB), r.Objects)
			h.report.Custom = append(h.report.Custom, r)
		}
	}
	return nil
}
