package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/cache"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
)

const (
	// LoadNamespace holds the pods seed.Pods creates for the benchmarks.
	LoadNamespace = "load"
	// LoadSelector picks one app's pods among the load pods (a 40th of them).
	LoadSelector = "app=orders"
)

// PodsSpec is the view issue 3's budget talks about: every namespace, by
// name.
var PodsSpec = model.ViewSpec{Kind: string(kinds.Pods), SortBy: "name"}

// DefaultPodsSpec is the pod view the page opens: every namespace, in the
// default order (namespace, name), which a new view takes from the kind's
// base without sorting (issue 14's budget).
var DefaultPodsSpec = model.ViewSpec{Kind: string(kinds.Pods)}

// Durations collects samples and summarises them.
type Durations []time.Duration

// Quantile is the nearest-rank q-quantile (0 < q <= 1); 0 without samples.
func (d Durations) Quantile(q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Median is the 0.5-quantile.
func (d Durations) Median() time.Duration { return d.Quantile(0.5) }

// Max is the largest sample.
func (d Durations) Max() time.Duration { return d.Quantile(1) }

// MS is d in (fractional) milliseconds, the unit benchmarks report.
func MS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// MedianOf is the lower median of xs; 0 when xs is empty.
func MedianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// GC2 collects twice, so that objects freed by the first collection's
// finalisers and sweeps are gone before heap figures are read.
func GC2() {
	runtime.GC()
	runtime.GC()
}

// CPUTime is the user plus system CPU time of this process (not of its
// children).
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusPoll is how often WaitSynced asks the session for its status.
const statusPoll = 5 * time.Millisecond

// WaitPodsSynced polls the session's status, as the UI hears it, until it
// reports the pods kind synced, and returns how many pods it holds.
func WaitPodsSynced(s *session.Session, timeout time.Duration) (int, error) {
	return WaitSynced(s, kinds.Pods, timeout)
}

// WaitSynced polls the session's status every 5 ms until it reports kind
// k synced, and returns how many objects of k it holds.
func WaitSynced(s *session.Session, k kinds.ID, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		if ks, ok := KindStatus(s.Status(), k); ok && ks.State == string(informer.StateSynced) {
			return ks.Count, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s of %s not synced after %s: %+v", k, s.Context, timeout, s.Status())
		}
		time.Sleep(statusPoll)
	}
}

// KindStatus finds kind k in a session status.
func KindStatus(st model.SessionStatus, k kinds.ID) (model.KindStatus, bool) {
	for _, ks := range st.Kinds {
		if ks.Kind == string(k) {
			return ks, true
		}
	}
	return model.KindStatus{}, false
}

// TimeOpens times n Session.OpenView of spec on a synced session, each
// view closed again and a GC run outside the timing, and returns the
// durations and the rows of the last view.
func TimeOpens(s *session.Session, spec model.ViewSpec, n int) (Durations, int, error) {
	took := make(Durations, 0, n)
	rows := 0
	for range n {
		began := time.Now()
		info, err := s.OpenView(spec)
		d := time.Since(began)
		if err != nil {
			return took, rows, err
		}
		took, rows = append(took, d), info.Count
		s.CloseView(info.ID)
		runtime.GC()
	}
	return took, rows, nil
}

// TimeWindows times Session.ViewRows of limit rows at each offset, in
// order, and fails on a window shorter than limit.
func TimeWindows(s *session.Session, id string, offsets []int, limit int) (Durations, error) {
	took := make(Durations, 0, len(offsets))
	for _, off := range offsets {
		began := time.Now()
		w, err := s.ViewRows(id, off, limit)
		d := time.Since(began)
		if err != nil || len(w.Rows) != limit {
			return took, fmt.Errorf("window of %d at %d: %d rows, %v", limit, off, len(w.Rows), err)
		}
		took = append(took, d)
	}
	return took, nil
}

// TimeSelectorQueries times n cache queries of the load pods matching
// LoadSelector in LoadNamespace, and returns how many pods matched.
func TimeSelectorQueries(r *cache.Reader, n int) (Durations, int, error) {
	sel, err := cache.ParseSelector(LoadSelector)
	if err != nil {
		return nil, 0, err
	}
	took := make(Durations, 0, n)
	matches := 0
	for range n {
		began := time.Now()
		objs, err := r.List(kinds.Builtin(kinds.Pods), LoadNamespace, sel)
		d := time.Since(began)
		if err != nil || len(objs) == 0 {
			return took, 0, fmt.Errorf("list %s in %s: %d objects, %v", LoadSelector, LoadNamespace, len(objs), err)
		}
		took = append(took, d)
		matches = len(objs)
	}
	return took, matches, nil
}

// Run is a child process's wall time and peak resident set.
type Run struct {
	Wall time.Duration
	// MaxRSSKiB is getrusage's ru_maxrss of the child (KiB on Linux). On
	// Linux it is at least the parent's own peak when the child was
	// started (exec keeps the high-water mark of the address space it
	// replaces, which a Go parent's vfork shares), so it is the child's
	// peak only when that exceeds the parent's.
	MaxRSSKiB int64
}

// RunProcess runs cmd to completion and measures it. Its stderr is in the
// error when it fails.
func RunProcess(cmd *exec.Cmd) (Run, error) {
	var stderr bytes.Buffer
	if cmd.Stderr == nil {
		cmd.Stderr = &stderr
	}
	began := time.Now()
	err := cmd.Run()
	run := Run{Wall: time.Since(began)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			run.MaxRSSKiB = ru.Maxrss
		}
	}
	if err != nil {
		return run, fmt.Errorf("%s: %w: %s", cmd.Path, err, stderr.String())
	}
	return run, nil
}

// KubectlGetPods runs `kubectl get pods -A -o json` on a kubeconfig
// context, its output thrown away; cacheDir is its discovery cache, so a
// warm-up run makes the later ones comparable.
func KubectlGetPods(ctx context.Context, kubectl, kubeconfig, kubeContext, cacheDir string) (Run, error) {
	cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", kubeconfig,
		"--context", kubeContext, "--cache-dir", cacheDir,
		"get", "pods", "--all-namespaces", "-o", "json")
	cmd.Stdout = io.Discard
	return RunProcess(cmd)
}

// WaitRunning waits until kwok has moved every pod of ns to Running, so the
// status updates of freshly seeded pods are over before anything is timed.
// A pass whose continue token expired (a busy API server) starts again.
func WaitRunning(ctx context.Context, cs kubernetes.Interface, ns string, logf func(string, ...any)) error {
	last := -1
	for {
		notRunning, total := 0, 0
		opts := metav1.ListOptions{Limit: 1000}
		for {
			page, err := cs.CoreV1().Pods(ns).List(ctx, opts)
			if apierrors.IsResourceExpired(err) && opts.Continue != "" {
				notRunning, total, opts.Continue = 0, 0, ""
				continue
			}
			if err != nil {
				return fmt.Errorf("list pods in %s: %w", ns, err)
			}
			for i := range page.Items {
				total++
				if page.Items[i].Status.Phase != corev1.PodRunning {
					notRunning++
				}
			}
			if page.Continue == "" {
				break
			}
			opts.Continue = page.Continue
		}
		if notRunning == 0 {
			logf("all %d pods in %s are Running", total, ns)
			return nil
		}
		if notRunning != last {
			logf("waiting for kwok: %d of %d pods in %s not Running yet", notRunning, total, ns)
			last = notRunning
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d pods in %s never became Running: %w", notRunning, ns, ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}
