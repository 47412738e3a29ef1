package logs

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRingCapsByLines(t *testing.T) {
	r := newRing(3, 1<<20)
	for i := range 5 {
		r.add(Line{Text: string(rune('a' + i))})
	}
	assert.Equal(t, uint64(3), r.first())
	assert.Equal(t, uint64(6), r.next)
	assert.Equal(t, uint64(2), r.dropped)
	assert.Equal(t, "c", r.at(3).Text)
	assert.Equal(t, "e", r.at(5).Text)
	assert.Equal(t, int64(3*(1+lineOverhead)), r.bytes)
}

func TestRingCapsByBytes(t *testing.T) {
	r := newRing(1000, 3*(10+lineOverhead))
	for range 5 {
		r.add(Line{Text: strings.Repeat("x", 10)})
	}
	assert.Equal(t, 3, r.n)
	assert.Equal(t, uint64(2), r.dropped)
	// A line bigger than the whole cap is kept alone.
	r.add(Line{Text: strings.Repeat("y", 1000)})
	assert.Equal(t, 1, r.n)
	assert.Equal(t, uint64(6), r.first())
	assert.Equal(t, uint64(5), r.dropped)
}

// TestRingMatchesModel appends random lines and checks the ring against a
// plain slice of everything appended.
func TestRingMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		maxLines := 1 + rng.IntN(2000)
		maxBytes := int64(1+rng.IntN(100)) * (lineOverhead + 20)
		r := newRing(maxLines, maxBytes)
		var all []Line
		for i := range rng.IntN(5000) {
			l := Line{Text: strings.Repeat("z", rng.IntN(40))}
			r.add(l)
			l.Seq = uint64(i + 1)
			all = append(all, l)

			require.LessOrEqual(t, r.n, maxLines, "round %d", round)
			require.True(t, r.bytes <= maxBytes || r.n == 1, "round %d: %d bytes over %d", round, r.bytes, maxBytes)
			require.Equal(t, uint64(len(all)), r.next-1)
			require.Equal(t, uint64(len(all)-r.n), r.dropped)
		}
		var bytes int64
		for seq := r.first(); seq < r.next; seq++ {
			require.Equal(t, all[seq-1], *r.at(seq))
			bytes += all[seq-1].cost()
		}
		require.Equal(t, bytes, r.bytes)
		// What fell out is exactly what would not fit.
		if first := r.first(); first > 1 {
			prev := all[first-2]
			require.True(t, r.n == maxLines || bytes+prev.cost() > maxBytes, "round %d dropped a line that fit", round)
		}
	}
}

func TestJSONCost(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\"back\\slash", "\x1b[31mred\x1b[0m", "<a href>&", "ünïcödé", "\xff\xfe bad", "tab\there"} {
		b, err := jsonMarshal(s)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, jsonCost(s), len(b), "%q", s)
	}
}
