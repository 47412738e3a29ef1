// Package bench holds Crowsnest's performance benchmarks (in its _test
// files): the budgets of docs/PERFORMANCE.md measured against a real local
// control plane seeded with 10,000 pods. Those run only with
// CROWSNEST_BENCH=1, through `make bench`; plain `go test` runs nothing here
// and starts nothing. BenchmarkViewOpen needs no cluster (it feeds its
// caches in process) and runs whenever benchmarks are asked for.
//
// Its exported measurements (sync waits, view opens, window and query
// timings, child process runs, sample summaries) are shared by those
// benchmarks and by the scale harness, hack/cmd/benchscale, so both
// measure the same way.
package bench
