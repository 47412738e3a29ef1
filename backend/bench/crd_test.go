package bench_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/wait"

	"crowsnest/backend/bench"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/seed"
)

// demoCRDKind is a kind the demo profile's CRDs give: once a session lists
// it, its learner has made its first pass.
const demoCRDKind = "databases.data.crowsnest.io"

// BenchmarkCRDToNavigation is issue 14's budget: a CRD created → its kind
// in the navigation in under 2 s on the local cluster. On a connected
// session, each iteration creates a CRD (seed.BenchCRD in a group of its
// own) and times, from the Create call:
//
//   - the kind in the session's Kinds(), polled every 2 ms (ms-median,
//     ms-max: the budget);
//   - the session:status event whose kindsVersion says the kinds changed,
//     which is what the page reacts to by reading Kinds (ms-event-*);
//   - the API server marking the CRD Established, seen by a watch of that
//     CRD in this process: the API server's share (ms-established-median).
//
// Outside the timing, the CRD is deleted once its resource can be listed
// (deleted before, it waits minutes for its finalizer), and the iteration
// waits until the kind has left the session.
func BenchmarkCRDToNavigation(b *testing.B) {
	f := setup(b)
	tap := &kindsTap{}
	board := f.newBoard(b, tap)
	if _, err := board.Switch(controlplane.ContextDemoAdmin); err != nil {
		b.Fatal(err)
	}
	s, err := board.Current()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := waitKind(s, demoCRDKind, true, time.Minute); err != nil {
		b.Fatal(err)
	}
	cfg, err := controlplane.BulkConfig(f.env.Options(), controlplane.ContextDemoAdmin, "crowsnest-bench-crds")
	if err != nil {
		b.Fatal(err)
	}
	clients, err := seed.ClientsFor(cfg)
	if err != nil {
		b.Fatal(err)
	}
	crds := clients.Extensions.ApiextensionsV1().CustomResourceDefinitions()

	var inKinds, events, established bench.Durations
	for b.Loop() {
		group := "nav-" + rand.String(6) + "." + seed.BenchGroup
		crd := seed.BenchCRD(group)
		id := kinds.LearntID(seed.BenchGVR(group).GroupResource())
		b.StopTimer()
		watched, err := watchEstablished(clients, crd.Name)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = crds.Delete(context.Background(), crd.Name, metav1.DeleteOptions{}) })
		b.StartTimer()

		began := time.Now()
		if _, err := crds.Create(context.Background(), crd, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		version, err := waitKind(s, string(id), true, 30*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		inKinds = append(inKinds, time.Since(began))
		b.StopTimer()
		at, ok := tap.waitVersion(version, began, 5*time.Second)
		if !ok {
			b.Fatalf("no session status with kinds version %d after %s appeared", version, id)
		}
		events = append(events, at.Sub(began))
		select {
		case at := <-watched:
			established = append(established, at.Sub(began))
		case <-time.After(30 * time.Second):
			b.Fatalf("no watch event saw %s Established", crd.Name)
		}
		if err := deleteCRD(clients, crd.Name, seed.BenchGVR(group)); err != nil {
			b.Fatal(err)
		}
		if _, err := waitKind(s, string(id), false, time.Minute); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(bench.MS(inKinds.Median()), "ms-median")
	b.ReportMetric(bench.MS(inKinds.Max()), "ms-max")
	b.ReportMetric(bench.MS(events.Median()), "ms-event-median")
	b.ReportMetric(bench.MS(events.Max()), "ms-event-max")
	b.ReportMetric(bench.MS(established.Median()), "ms-established-median")
	b.Logf("in Kinds %v; status event %v; Established (API server) %v", inKinds, events, established)
}

// waitKind polls the session's kinds every 2 ms until kind id is listed
// (or, with listed false, is not), and returns the list's version then.
func waitKind(s *session.Session, id string, listed bool, timeout time.Duration) (uint64, error) {
	deadline := time.Now().Add(timeout)
	for {
		kl := s.Kinds()
		has := slices.ContainsFunc(kl.Kinds, func(k model.KindInfo) bool { return k.ID == id })
		if has == listed {
			return kl.Version, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("kind %s listed=%v not reached after %s", id, listed, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// watchEstablished watches one CRD and sends the time its Established
// condition is first seen true.
func watchEstablished(clients seed.Clients, name string) (<-chan time.Time, error) {
	w, err := clients.Extensions.ApiextensionsV1().CustomResourceDefinitions().Watch(context.Background(),
		metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	if err != nil {
		return nil, err
	}
	out := make(chan time.Time, 1)
	go func() {
		defer w.Stop()
		for ev := range w.ResultChan() {
			crd, ok := ev.Object.(*apiextensionsv1.CustomResourceDefinition)
			if !ok {
				continue
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					out <- time.Now()
					return
				}
			}
		}
	}()
	return out, nil
}

// deleteCRD deletes a CRD once its resource can be listed, and waits
// until it is gone.
func deleteCRD(clients seed.Clients, name string, gvr schema.GroupVersionResource) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := seed.WaitListable(ctx, clients, gvr); err != nil {
		return err
	}
	crds := clients.Extensions.ApiextensionsV1().CustomResourceDefinitions()
	if err := crds.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := crds.Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
}

// kindsTap remembers when each session status was emitted, with its kinds
// version.
type kindsTap struct {
	mu   sync.Mutex
	seen []kindsSeen
}

type kindsSeen struct {
	at      time.Time
	version uint64
}

func (t *kindsTap) Emit(_ string, payload any) {
	at := time.Now()
	if st, ok := payload.(model.SessionStatus); ok {
		t.mu.Lock()
		t.seen = append(t.seen, kindsSeen{at: at, version: st.KindsVersion})
		t.mu.Unlock()
	}
}

// waitVersion returns when the first status after since carrying a kinds
// version of at least v was emitted.
func (t *kindsTap) waitVersion(v uint64, since time.Time, d time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(d)
	for {
		t.mu.Lock()
		for _, s := range t.seen {
			if s.version >= v && !s.at.Before(since) {
				t.mu.Unlock()
				return s.at, true
			}
		}
		t.mu.Unlock()
		if time.Now().After(deadline) {
			return time.Time{}, false
		}
		time.Sleep(2 * time.Millisecond)
	}
}
