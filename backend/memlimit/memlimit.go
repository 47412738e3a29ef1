// Package memlimit keeps a large cache's process from holding twice the
// memory it uses. With Go's default GOGC=100 the heap grows to twice what
// is live before a collection: 100,000 cached pods (~190 MB live with a
// view open) let the process reach ~440 MB while views open and close.
// A soft memory limit that follows the live heap, 1.5× it plus room for
// the runtime, caps that at ~330 MB, and for a small cluster (a live heap
// under ~130 MB) changes nothing: the limit never drops below 256 MiB,
// above where GOGC's own target would be. Because the limit always stays
// 50% above what is live, the collector never has to run continuously, as
// it would under a fixed limit that a very large cluster outgrows.
package memlimit

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

const (
	// minLimit is the lowest limit set.
	minLimit = 256 << 20
	// runtimeRoom is memory the limit counts beyond the heap (stacks,
	// the runtime's own structures, fragmentation).
	runtimeRoom = 64 << 20
	// every is how often the live heap is read again.
	every = time.Second
)

const liveHeap = "/gc/heap/live:bytes"

// Follow adjusts the soft memory limit to the live heap until ctx ends,
// unless the user set GOMEMLIMIT (then theirs stands). The channel is
// closed once it has stopped adjusting.
func Follow(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if os.Getenv("GOMEMLIMIT") != "" {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: liveHeap}}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			debug.SetMemoryLimit(Limit(live(sample)))
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return done
}

// Limit is the soft memory limit for a live heap of live bytes.
func Limit(live uint64) int64 {
	return max(minLimit, int64(live)*3/2+runtimeRoom)
}

func live(sample []metrics.Sample) uint64 {
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
