package view_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"crowsnest/backend/view"
)

// podRow is shaped like the rows the Kubernetes layer will keep: a pointer
// to a small immutable projection.
type podRow struct {
	Key       string // namespace/name
	Namespace string
	Name      string
	Phase     string
	Restarts  int
	AgeSec    int64
}

func podKey(r *podRow) string { return r.Key }

// byRestarts has many ties (100 distinct values), so most comparisons fall
// back to the key: the slow case for the Set's comparison.
func byRestarts(a, b *podRow) bool { return a.Restarts < b.Restarts }

func podRows(n int, rng *rand.Rand) []*podRow {
	rows := make([]*podRow, n)
	for i := range rows {
		ns := fmt.Sprintf("ns-%03d", i%200)
		name := fmt.Sprintf("deploy-%05d-7d9f8b6c5-%05d", i/7, i)
		rows[i] = &podRow{
			Key: ns + "/" + name, Namespace: ns, Name: name, Phase: "Running",
			Restarts: rng.IntN(100), AgeSec: rng.Int64N(1e6),
		}
	}
	return rows
}

func benchmarkNew(b *testing.B, n int) {
	rows := podRows(n, rand.New(rand.NewPCG(1, 2)))
	b.ReportAllocs()
	for b.Loop() {
		view.New(podKey, byRestarts, nil, rows)
	}
}

func BenchmarkNew10k(b *testing.B)  { benchmarkNew(b, 10_000) }
func BenchmarkNew100k(b *testing.B) { benchmarkNew(b, 100_000) }

// BenchmarkNew10kFiltered is opening a view with a text filter: every row
// goes through ContainsFold, a tenth match.
func BenchmarkNew10kFiltered(b *testing.B) {
	rows := podRows(10_000, rand.New(rand.NewPCG(1, 2)))
	match := func(r *podRow) bool { return view.ContainsFold("0-7D9F8B6C5", r.Name, r.Namespace) }
	b.ReportAllocs()
	for b.Loop() {
		view.New(podKey, byRestarts, match, rows)
	}
}

// BenchmarkUpsert100k updates a random row of 100,000 to a random restart
// count, so it moves a random distance (a third of the rows on average).
func BenchmarkUpsert100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := podRows(100_000, rng)
	s := view.New(podKey, byRestarts, nil, rows)
	b.ReportAllocs()
	for b.Loop() {
		i := rng.IntN(len(rows))
		r := *rows[i]
		r.Restarts = rng.IntN(100)
		rows[i] = &r
		s.Upsert(&r)
	}
}

// BenchmarkUpsertInPlace100k changes a row's content but not its position.
func BenchmarkUpsertInPlace100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := podRows(100_000, rng)
	s := view.New(podKey, byRestarts, nil, rows)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := *rows[i%len(rows)]
		r.AgeSec++
		s.Upsert(&r)
		i++
	}
}

// BenchmarkInsertDelete100k adds a row to 100,000 and removes it again.
func BenchmarkInsertDelete100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := view.New(podKey, byRestarts, nil, podRows(100_000, rng))
	extra := podRows(1, rng)[0]
	extra.Key = "zz/extra"
	b.ReportAllocs()
	for b.Loop() {
		extra.Restarts = rng.IntN(100) // safe: the row is not in the set here
		s.Upsert(extra)
		s.Delete(extra.Key)
	}
}

func BenchmarkWindow100(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := view.New(podKey, byRestarts, nil, podRows(100_000, rng))
	b.ReportAllocs()
	for b.Loop() {
		s.Window(rng.IntN(100_000-100), 100)
	}
}

func BenchmarkIndexOf100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := podRows(100_000, rng)
	s := view.New(podKey, byRestarts, nil, rows)
	b.ReportAllocs()
	for b.Loop() {
		s.IndexOf(rows[rng.IntN(len(rows))].Key)
	}
}

// wideRow is a row held by value, as large as a model.Row with its
// resourceVersion (about 220 bytes).
type wideRow struct {
	podRow
	Extra [9]string
}

// BenchmarkUpsert100kValueRows is BenchmarkUpsert100k with R a 224-byte
// struct instead of a pointer. The Set shifts pointers to its own copies of
// the rows, so the size of R barely matters.
func BenchmarkUpsert100kValueRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ptrs := podRows(100_000, rng)
	rows := make([]wideRow, len(ptrs))
	for i, p := range ptrs {
		rows[i] = wideRow{podRow: *p}
	}
	s := view.New(func(r wideRow) string { return r.Key },
		func(a, b wideRow) bool { return a.Restarts < b.Restarts }, nil, rows)
	b.ReportAllocs()
	for b.Loop() {
		i := rng.IntN(len(rows))
		rows[i].Restarts = rng.IntN(100)
		s.Upsert(rows[i])
	}
}
