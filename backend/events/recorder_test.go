package events_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"crowsnest/backend/events"
)

var _ events.Emitter = (*events.Recorder)(nil)

func TestRecorderKeepsEventsInOrder(t *testing.T) {
	clk := clocktesting.NewFakeClock(t0)
	r := &events.Recorder{Clock: clk}
	r.Emit("one", 1)
	clk.Step(time.Second)
	r.Emit("two", map[string]int{"n": 2})

	got := r.Events()
	assert.Equal(t, []events.Recorded{
		{Name: "one", Payload: 1, At: t0},
		{Name: "two", Payload: map[string]int{"n": 2}, At: t0.Add(time.Second)},
	}, got)

	got[0].Name = "changed by the caller"
	assert.Equal(t, "one", r.Events()[0].Name, "Events returns a copy")
}

func TestRecorderZeroValueUsesTheRealClock(t *testing.T) {
	var r events.Recorder
	before := time.Now()
	r.Emit("x", nil)
	assert.False(t, r.Events()[0].At.Before(before))
}

func TestRecorderWaitFor(t *testing.T) {
	tests := []struct {
		name    string
		already int // events emitted before WaitFor
		later   int // events emitted concurrently after WaitFor starts
		want    int // WaitFor waits for this many
		wantErr bool
	}{
		{name: "already true", already: 3, want: 2},
		{name: "becomes true", already: 1, later: 5, want: 4},
		{name: "never true", already: 1, want: 2, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r events.Recorder
			for range tc.already {
				r.Emit("before", nil)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			wg.Go(func() {
				for range tc.later {
					r.Emit("later", nil)
				}
				if tc.wantErr {
					cancel() // the test's end, not a timeout
				}
			})
			if tc.wantErr && tc.later == 0 {
				wg.Wait()
			}
			var seen int
			err := r.WaitFor(ctx, func(ev []events.Recorded) bool { seen = len(ev); return len(ev) >= tc.want })
			wg.Wait()
			if tc.wantErr {
				require.Error(t, err)
				assert.True(t, errors.Is(err, context.Canceled), "wraps ctx.Err(): %v", err)
				assert.Contains(t, err.Error(), "1 events recorded")
				return
			}
			require.NoError(t, err)
			assert.GreaterOrEqual(t, seen, tc.want)
		})
	}
}

func TestRecorderConcurrentEmit(t *testing.T) {
	var r events.Recorder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				r.Emit("e", nil)
			}
		})
	}
	require.NoError(t, r.WaitFor(ctx, func(ev []events.Recorded) bool { return len(ev) == 800 }))
	wg.Wait()
	assert.Len(t, r.Events(), 800)
}
