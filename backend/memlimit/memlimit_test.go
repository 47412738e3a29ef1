package memlimit

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLimit(t *testing.T) {
	assert.Equal(t, int64(minLimit), Limit(0), "a small heap: GOGC decides")
	assert.Equal(t, int64(minLimit), Limit(100<<20))
	assert.Equal(t, int64(190<<20)*3/2+runtimeRoom, Limit(190<<20), "100,000 pods")
	assert.Greater(t, Limit(4<<30), int64(6<<30), "always half as much again as what is live")
}

func TestLiveHeapIsReadable(t *testing.T) {
	held := make([]byte, 32<<20)
	sample := []metrics.Sample{{Name: liveHeap}}
	// The live heap is what the last collection found.
	debug.FreeOSMemory()
	assert.GreaterOrEqual(t, live(sample), uint64(len(held)))
	held[0] = 1
}

func TestFollowSetsTheLimitAndStops(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	ctx, cancel := context.WithCancel(context.Background())
	done := Follow(ctx)
	require.Eventually(t, func() bool { return debug.SetMemoryLimit(-1) >= minLimit && debug.SetMemoryLimit(-1) < math.MaxInt64 },
		5*time.Second, 10*time.Millisecond)
	cancel()
	<-done
}

func TestUserLimitStands(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	<-Follow(context.Background())
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1))
}
