package bench_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/kubeconfig"
)

// The update driver of BenchmarkPodUpdates runs in a child process (this
// test binary, re-executed), so that the benchmark process's CPU time is the
// app's alone: informer, view and notices, not the client sending patches.

// patcherEnv carries the driver's job, as JSON, to the child.
const patcherEnv = "CROWSNEST_BENCH_PATCHER"

// seqLabel is the label each patch sets, to the patch's sequence number, so
// a view row shows which patch it reflects.
const seqLabel = "crowsnest.dev/bench-seq"

// patchJob is what the child does: patch the labels of Names (round-robin
// from FirstSeq) at Rate per second for Duration.
type patchJob struct {
	Kubeconfig string        `json:"kubeconfig"`
	Context    string        `json:"context"`
	Namespace  string        `json:"namespace"`
	NamesFile  string        `json:"namesFile"`
	Rate       float64       `json:"rate"`
	Duration   time.Duration `json:"duration"`
	FirstSeq   int64         `json:"firstSeq"`
	// Stream makes the child report every patch as it goes (lines "S seq
	// name unixnano" before sending, "R seq unixnano" on success).
	Stream  bool `json:"stream"`
	Workers int  `json:"workers"`
}

// patchSummary is the child's last line: "D sent ok failed elapsed-ns".
type patchSummary struct {
	Sent, OK, Failed int64
	Elapsed          time.Duration
	FirstErr         string
}

func (s patchSummary) rate() float64 { return float64(s.OK) / s.Elapsed.Seconds() }

// runPatcher is the child's main.
func runPatcher() int {
	var job patchJob
	if err := json.Unmarshal([]byte(os.Getenv(patcherEnv)), &job); err != nil {
		fmt.Fprintln(os.Stderr, "patcher: bad job:", err)
		return 2
	}
	raw, err := os.ReadFile(job.NamesFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "patcher:", err)
		return 2
	}
	names := strings.Fields(string(raw))
	cfg, err := kubeconfig.Load([]string{job.Kubeconfig}).RESTConfig(job.Context, "bench-patcher")
	if err != nil {
		fmt.Fprintln(os.Stderr, "patcher:", err)
		return 2
	}
	cfg.QPS, cfg.Burst = float32(job.Rate*2), int(job.Rate*2)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "patcher:", err)
		return 2
	}
	pods := cs.CoreV1().Pods(job.Namespace)

	out := bufio.NewWriter(os.Stdout)
	var outMu sync.Mutex
	line := func(format string, args ...any) {
		outMu.Lock()
		fmt.Fprintf(out, format+"\n", args...)
		if job.Stream {
			_ = out.Flush()
		}
		outMu.Unlock()
	}

	var sent, ok, failed atomic.Int64
	var firstErr atomic.Value
	jobs := make(chan int64)
	var wg sync.WaitGroup
	for range max(job.Workers, 1) {
		wg.Go(func() {
			for seq := range jobs {
				name := names[int(seq)%len(names)]
				patch := fmt.Appendf(nil, `{"metadata":{"labels":{%q:%q}}}`, seqLabel, strconv.FormatInt(seq, 10))
				if job.Stream {
					line("S %d %s %d", seq, name, time.Now().UnixNano())
				}
				sent.Add(1)
				_, err := pods.Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{})
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
				if job.Stream {
					line("R %d %d", seq, time.Now().UnixNano())
				}
			}
		})
	}
	// Patch i is due at began + i/Rate; a pacer that falls behind (every
	// worker busy) sends as soon as a worker frees up, so the achieved rate
	// is what the API server sustains. Sending stops when Duration is up,
	// whatever the rate offered, so a phase lasts as long at 5,000/s
	// offered as at 100/s.
	interval := time.Duration(float64(time.Second) / job.Rate)
	total := int64(job.Duration / interval)
	began := time.Now()
	line("G %d", began.UnixNano())
	_ = flush(out, &outMu)
	for i := range total {
		due := began.Add(time.Duration(i) * interval)
		if time.Since(began) >= job.Duration {
			break
		}
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		jobs <- job.FirstSeq + i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(began)
	msg, _ := firstErr.Load().(string)
	line("D %d %d %d %d %q", sent.Load(), ok.Load(), failed.Load(), elapsed.Nanoseconds(), msg)
	if err := flush(out, &outMu); err != nil {
		fmt.Fprintln(os.Stderr, "patcher:", err)
		return 1
	}
	return 0
}

func flush(w *bufio.Writer, mu *sync.Mutex) error {
	mu.Lock()
	defer mu.Unlock()
	return w.Flush()
}

// drive runs one patch job in a child process. onStart, if set, is called
// when the child starts patching (after its own start-up); onLine, if set,
// gets every streamed line as it arrives. Both are called from one goroutine.
func drive(job patchJob, onStart func(), onLine func(fields []string)) (patchSummary, error) {
	spec, err := json.Marshal(job)
	if err != nil {
		return patchSummary{}, err
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), patcherEnv+"="+string(spec))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return patchSummary{}, err
	}
	if err := cmd.Start(); err != nil {
		return patchSummary{}, err
	}
	var sum patchSummary
	var parseErr error
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "G":
			if onStart != nil {
				onStart()
			}
			continue
		case "D":
			sum, parseErr = parseSummary(sc.Text())
			continue
		}
		if onLine != nil {
			onLine(fields)
		}
	}
	if err := cmd.Wait(); err != nil {
		return sum, fmt.Errorf("patcher: %w: %s", err, stderr.String())
	}
	if parseErr != nil {
		return sum, parseErr
	}
	if sum.Sent == 0 {
		return sum, fmt.Errorf("patcher sent nothing: %s", stderr.String())
	}
	return sum, nil
}

func parseSummary(s string) (patchSummary, error) {
	var sum patchSummary
	var elapsed int64
	_, err := fmt.Sscanf(s, "D %d %d %d %d %q", &sum.Sent, &sum.OK, &sum.Failed, &elapsed, &sum.FirstErr)
	sum.Elapsed = time.Duration(elapsed)
	if err != nil {
		return sum, fmt.Errorf("patcher summary %q: %w", s, err)
	}
	return sum, nil
}
