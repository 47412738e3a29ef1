package bench_test

import (
	"sync"
	"testing"
	"time"

	"crowsnest/backend/bench"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
)

// switchAndSync switches to context, opens the pod view and waits for the
// pods to sync. It returns the time until the status said so, the time
// until the status event said so, and the pod count.
func switchAndSync(b *testing.B, board *session.Switchboard, tap *statusTap, context string) (time.Duration, time.Duration, int) {
	d, ev, _, n := switchAndSyncCPU(b, board, tap, context)
	return d, ev, n
}

// switchAndSyncCPU is switchAndSync that also returns the CPU time the
// process spent until the pods were synced (all its goroutines, the
// background stop of the old session and GC included): unlike wall time,
// it does not grow when other processes share the machine.
func switchAndSyncCPU(b *testing.B, board *session.Switchboard, tap *statusTap, context string) (time.Duration, time.Duration, time.Duration, int) {
	b.Helper()
	cpu := bench.CPUTime()
	began := time.Now()
	st, err := board.Switch(context)
	if err != nil {
		b.Fatalf("switch to %s: %v", context, err)
	}
	s, err := board.Current()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.OpenView(bench.PodsSpec); err != nil {
		b.Fatal(err)
	}
	n, err := bench.WaitPodsSynced(s, 2*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	synced := time.Since(began)
	cpu = bench.CPUTime() - cpu
	b.StopTimer()
	defer b.StartTimer()
	at, ok := tap.wait(st.Generation, 5*time.Second)
	if !ok {
		b.Fatalf("no session status event with pods synced for %s (generation %d)", context, st.Generation)
	}
	return synced, at.Sub(began), cpu, n
}

// statusTap remembers when each session generation first emitted a status
// with pods synced.
type statusTap struct {
	mu       sync.Mutex
	syncedAt map[uint64]time.Time
}

func (t *statusTap) Emit(_ string, payload any) {
	at := time.Now()
	st, ok := payload.(model.SessionStatus)
	if !ok {
		return
	}
	if k, ok := bench.KindStatus(st, kinds.Pods); !ok || k.State != string(informer.StateSynced) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, seen := t.syncedAt[st.Generation]; !seen {
		t.syncedAt[st.Generation] = at
	}
}

func (t *statusTap) wait(gen uint64, d time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(d)
	for {
		t.mu.Lock()
		at, ok := t.syncedAt[gen]
		t.mu.Unlock()
		if ok || time.Now().After(deadline) {
			return at, ok
		}
		time.Sleep(5 * time.Millisecond)
	}
}
