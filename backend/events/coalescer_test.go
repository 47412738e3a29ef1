package events_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	clocktesting "k8s.io/utils/clock/testing"

	"crowsnest/backend/events"
)

const interval = time.Second

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// harness is a Coalescer on a fake clock whose Recorder stamps events with
// the fake time, so At says exactly when (in fake time) a notice went out.
type harness struct {
	clock *clocktesting.FakeClock
	rec   *events.Recorder
	c     *events.Coalescer
}

func newHarness(t *testing.T, ctx context.Context, interval time.Duration) *harness {
	t.Helper()
	verifyNoLeaks(t) // registered first, so it runs after the Stop below
	clk := clocktesting.NewFakeClock(t0)
	rec := &events.Recorder{Clock: clk}
	c := events.NewCoalescer(ctx, rec, interval, clk)
	t.Cleanup(c.Stop)
	return &harness{clock: clk, rec: rec, c: c}
}

// sent is an expected notice: its name is "changed:"+key.
type sent struct {
	key     string
	payload any
	at      time.Duration // fake time since t0
}

func (h *harness) recorded() []sent {
	var out []sent
	for _, e := range h.rec.Events() {
		out = append(out, sent{strings.TrimPrefix(e.Name, "changed:"), e.Payload, e.At.Sub(t0)})
	}
	return out
}

// waitForCount waits until at least n events have been recorded. The timeout
// only bounds a failing test; no assertion depends on wall-clock time.
func (h *harness) waitForCount(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, h.rec.WaitFor(ctx, func(ev []events.Recorded) bool { return len(ev) >= n }))
}

func (h *harness) notify(key string, payload any) { h.c.Notify(key, "changed:"+key, payload) }

func TestCoalescerFirstNoticeGoesOutAtOnce(t *testing.T) {
	h := newHarness(t, context.Background(), interval)
	h.notify("a", 1)
	// Sent synchronously by Notify: no waiting, no clock step.
	assert.Equal(t, []sent{{"a", 1, 0}}, h.recorded())
	assert.False(t, h.clock.HasWaiters(), "nothing pending, so no timer")
}

func TestCoalescerMergesABurst(t *testing.T) {
	h := newHarness(t, context.Background(), interval)
	for i := range 100 {
		h.notify("a", i)
		h.clock.Step(interval / 200) // the burst spans half an interval
	}
	assert.Equal(t, []sent{{"a", 0, 0}}, h.recorded(), "only the first is sent during the burst")

	h.clock.SetTime(t0.Add(interval))
	h.waitForCount(t, 2)
	assert.Equal(t, []sent{{"a", 0, 0}, {"a", 99, interval}}, h.recorded(),
		"one more, with the latest payload, when the interval has passed")

	// Exactly one more: nothing is pending and no timer is left, so no
	// amount of time sends anything else.
	assert.False(t, h.clock.HasWaiters())
	h.clock.Step(10 * interval)
	h.c.Stop()
	assert.Len(t, h.recorded(), 2)
}

// op is one step of a scenario: a notice (payload = the op's index), a
// Forget, or a clock step; then the notices it should cause.
type op struct {
	notify string
	forget string
	step   time.Duration
	want   []sent
}

func TestCoalescerScenarios(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		ops  []op
	}{
		{"keys are independent", []op{
			{notify: "a", want: []sent{{"a", 0, 0}}},
			{notify: "b", want: []sent{{"b", 1, 0}}}, // a's send does not hold b back
			{notify: "a"},
			{step: 500 * ms},
			{notify: "b"},
			{step: 500 * ms, want: []sent{{"a", 2, interval}, {"b", 4, interval}}},
		}},
		{"a key quiet for an interval sends at once again", []op{
			{notify: "a", want: []sent{{"a", 0, 0}}},
			{step: interval},
			{notify: "a", want: []sent{{"a", 2, interval}}},
			{step: 300 * ms},
			{notify: "a"},
			{step: 700 * ms, want: []sent{{"a", 4, 2 * interval}}},
		}},
		{"a notice after a merged send waits a full interval from that send", []op{
			{notify: "a", want: []sent{{"a", 0, 0}}},
			{notify: "a"},
			{step: interval, want: []sent{{"a", 1, interval}}},
			{step: 200 * ms},
			{notify: "a"},
			{step: 500 * ms},
			{step: 300 * ms, want: []sent{{"a", 4, 2 * interval}}},
			{step: interval},
			{notify: "a", want: []sent{{"a", 8, 3 * interval}}},
		}},
		{"keys due at different times each get their own send", []op{
			{notify: "a", want: []sent{{"a", 0, 0}}},
			{step: 500 * ms},
			{notify: "b", want: []sent{{"b", 2, 500 * ms}}},
			{notify: "b"},
			{notify: "a"},
			{step: 500 * ms, want: []sent{{"a", 4, interval}}},
			{step: 500 * ms, want: []sent{{"b", 3, 1500 * ms}}},
		}},
		{"a late step sends everything due at once", []op{
			{notify: "b", want: []sent{{"b", 0, 0}}},
			{step: 500 * ms},
			{notify: "a", want: []sent{{"a", 2, 500 * ms}}},
			{notify: "a"},
			{notify: "b"},
			{step: 5 * interval, want: []sent{{"b", 4, 5500 * ms}, {"a", 3, 5500 * ms}}}, // b was due first
		}},
		{"forget drops the pending notice and the key's history", []op{
			{notify: "a", want: []sent{{"a", 0, 0}}},
			{notify: "a"},
			{forget: "a"},
			{step: 2 * interval},
			{notify: "a", want: []sent{{"a", 4, 2 * interval}}},
			{notify: "a"},
			{forget: "a"},
			{notify: "a", want: []sent{{"a", 7, 2 * interval}}},
		}},
		{"forget leaves other keys alone", []op{
			{notify: "a", want: []sent{{"a", 0, 0}}},
			{step: 500 * ms},
			{notify: "b", want: []sent{{"b", 2, 500 * ms}}},
			{notify: "a"},
			{notify: "b"},
			{forget: "a"}, // the earliest pending key: the timer moves to b's
			{step: 500 * ms},
			{step: 500 * ms, want: []sent{{"b", 4, 1500 * ms}}},
		}},
		{"forget of an unknown key does nothing", []op{
			{forget: "nope"},
			{notify: "a", want: []sent{{"a", 1, 0}}},
			{notify: "a"},
			{forget: "b"},
			{step: interval, want: []sent{{"a", 2, interval}}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, context.Background(), interval)
			var want []sent
			for i, o := range tc.ops {
				switch {
				case o.notify != "":
					h.notify(o.notify, i)
				case o.forget != "":
					h.c.Forget(o.forget)
				default:
					h.clock.Step(o.step)
				}
				want = append(want, o.want...)
				h.waitForCount(t, len(want))
				require.Equal(t, want, h.recorded(), "after op %d %+v", i, o)
			}
			// Whatever was still to come has had its chance; Stop waits for
			// the goroutine, so anything extra is recorded by now.
			h.clock.Step(10 * interval)
			h.c.Stop()
			assert.Equal(t, want, h.recorded(), "no notices beyond the expected ones")
		})
	}
}

func TestCoalescerZeroIntervalSendsEverything(t *testing.T) {
	h := newHarness(t, context.Background(), 0)
	for i := range 3 {
		h.notify("a", i)
	}
	assert.Equal(t, []sent{{"a", 0, 0}, {"a", 1, 0}, {"a", 2, 0}}, h.recorded())
	assert.False(t, h.clock.HasWaiters())
}

func TestCoalescerStopDropsPendingAndSilences(t *testing.T) {
	h := newHarness(t, context.Background(), interval)
	h.notify("a", 1)
	h.notify("a", 2) // pending
	h.notify("b", 3)
	h.notify("b", 4) // pending
	h.c.Stop()
	assert.False(t, h.clock.HasWaiters(), "Stop stops the timer")

	h.clock.Step(10 * interval)
	h.notify("a", 5)
	h.notify("c", 6)
	h.c.Forget("a")
	h.c.Stop() // a second Stop is harmless
	assert.Equal(t, []sent{{"a", 1, 0}, {"b", 3, 0}}, h.recorded())
}

func TestCoalescerContextCancelStops(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(context.Background())
	h := newHarness(t, ctx, interval)
	h.notify("a", 1)
	h.notify("a", 2) // pending
	cancel()
	h.notify("b", 3) // refused even if the goroutine has not noticed yet
	h.clock.Step(10 * interval)

	// The goroutine exits without Stop (checked before the cleanup's Stop).
	goleak.VerifyNone(t, ignore)
	assert.Equal(t, []sent{{"a", 1, 0}}, h.recorded())
}

// TestCoalescerStopRacesNotify stops a Coalescer on the real clock while other
// goroutines notify as fast as they can; whatever was sent when Stop
// returned is all there ever is. Run with -race.
func TestCoalescerStopRacesNotify(t *testing.T) {
	verifyNoLeaks(t)
	rec := &events.Recorder{}
	c := events.NewCoalescer(context.Background(), rec, 100*time.Microsecond, nil)

	var wg sync.WaitGroup
	quit := make(chan struct{})
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-quit:
					return
				default:
				}
				c.Notify(fmt.Sprint("view-", g, "-", i%3), "changed", i)
				if i%50 == 0 {
					c.Forget(fmt.Sprint("view-", g, "-", i%3))
				}
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(ctx, func(ev []events.Recorded) bool { return len(ev) >= 200 }))

	c.Stop()
	n := len(rec.Events())
	for range 1000 { // the notifiers are still going
		c.Notify("late", "changed", 0)
	}
	close(quit)
	wg.Wait()
	assert.Len(t, rec.Events(), n, "nothing emitted after Stop returned")
}

// verifyNoLeaks fails the test if a goroutine started during it outlives it.
func verifyNoLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

func TestCoalescerNotifyNowSupersedesWhatWaits(t *testing.T) {
	h := newHarness(t, context.Background(), interval)
	h.notify("a", 1)
	h.notify("a", 2) // waits for the interval
	h.clock.Step(interval / 4)
	h.c.NotifyNow("a", "changed:a", 3)
	assert.Equal(t, []sent{{"a", 1, 0}, {"a", 3, interval / 4}}, h.recorded(), "sent at once; 2 is dropped")
	assert.False(t, h.clock.HasWaiters(), "nothing is left pending")

	h.notify("a", 4) // rate-limited from the NotifyNow
	assert.Len(t, h.recorded(), 2)
	h.clock.SetTime(t0.Add(interval/4 + interval))
	h.waitForCount(t, 3)
	assert.Equal(t, sent{"a", 4, interval/4 + interval}, h.recorded()[2])
}
