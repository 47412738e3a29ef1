package actions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kubectl/pkg/drain"

	"crowsnest/backend/model"
)

// Write runs one write of a drain (the cordon, each eviction) through the
// caller's write door: refused when read-only, recorded in the app log.
type Write func(verb, kind, namespace, name string, write func(ctx context.Context) error) error

// How long a drain waits between two eviction attempts a
// PodDisruptionBudget refused, and between two looks at an evicted pod.
var (
	BudgetRetry = 2 * time.Second
	GonePoll    = 500 * time.Millisecond
)

// helper is kubectl's drain helper with the options: it lists the pods a
// drain evicts (its filters: DaemonSets, mirror pods, emptyDir, pods
// without a controller) and evicts them through the Eviction API.
func helper(ctx context.Context, c Clients, o model.DrainOptions) *drain.Helper {
	grace := int(o.GraceSeconds)
	return &drain.Helper{
		Ctx: ctx, Client: c.Kube, Force: o.Force, GracePeriodSeconds: grace,
		IgnoreAllDaemonSets: o.IgnoreDaemonSets, DeleteEmptyDirData: o.DeleteEmptyDir,
		Out: io.Discard, ErrOut: io.Discard,
	}
}

// planDrain lists the node's pods as a drain with these options would
// treat them, and the PodDisruptionBudgets that would block an eviction
// now.
func planDrain(ctx context.Context, c Clients, node string, o model.DrainOptions) ([]model.DrainPod, []string, error) {
	pods, err := drainPods(ctx, c, node, o)
	if err != nil {
		return nil, nil, err
	}
	budgets := map[string]bool{}
	var names []string
	for i := range pods {
		p := &pods[i]
		if p.State != model.DrainPodPending {
			continue
		}
		b, err := blockingBudget(ctx, c, p.Namespace, p.Name, true)
		if err != nil {
			return nil, nil, err
		}
		if b != "" {
			p.State, p.Budget = model.DrainPodBlocked, b
			p.Reason = "PodDisruptionBudget " + b + " allows no disruption now"
			if !budgets[b] {
				budgets[b] = true
				names = append(names, b)
			}
		}
	}
	return pods, names, nil
}

// drainPods is every pod on the node, pending when the helper would evict
// it, else skipped or refused with the reason.
func drainPods(ctx context.Context, c Clients, node string, o model.DrainOptions) ([]model.DrainPod, error) {
	h := helper(ctx, c, o)
	list, errs := h.GetPodsForDeletion(node)
	if list == nil {
		return nil, errors.Join(errs...)
	}
	evict := map[string]bool{}
	for _, p := range list.Pods() {
		evict[p.Namespace+"/"+p.Name] = true
	}
	all, err := c.Kube.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	if err != nil {
		return nil, err
	}
	out := make([]model.DrainPod, 0, len(all.Items))
	for i := range all.Items {
		p := &all.Items[i]
		d := model.DrainPod{Namespace: p.Namespace, Name: p.Name, State: model.DrainPodPending}
		if !evict[p.Namespace+"/"+p.Name] {
			d.State, d.Reason = leftBecause(p, o)
		}
		out = append(out, d)
	}
	return out, nil
}

// leftBecause says why the helper leaves a pod: kubectl's filters, in
// words a user can act on.
func leftBecause(p *corev1.Pod, o model.DrainOptions) (string, string) {
	if _, mirror := p.Annotations[corev1.MirrorPodAnnotationKey]; mirror {
		return model.DrainPodSkipped, "mirror pod (static, managed by the kubelet)"
	}
	ref := metav1.GetControllerOf(p)
	if ref != nil && ref.Kind == "DaemonSet" {
		if o.IgnoreDaemonSets {
			return model.DrainPodSkipped, "DaemonSet pod (ignored)"
		}
		return model.DrainPodRefused, "DaemonSet pod: choose to ignore DaemonSets"
	}
	if p.DeletionTimestamp != nil {
		return model.DrainPodSkipped, "already terminating"
	}
	for _, v := range p.Spec.Volumes {
		if v.EmptyDir != nil && !o.DeleteEmptyDir {
			return model.DrainPodRefused, "uses emptyDir data: choose to delete emptyDir data"
		}
	}
	if ref == nil && !o.Force {
		return model.DrainPodRefused, "not managed by a controller (it would not come back): choose force"
	}
	return model.DrainPodSkipped, "left by the drain helper"
}

// blockingBudget names a PodDisruptionBudget of the pod that allows no
// disruption ("" if none). onlyExhausted false names any budget selecting
// the pod (after the API refused an eviction for one).
func blockingBudget(ctx context.Context, c Clients, ns, pod string, onlyExhausted bool) (string, error) {
	p, err := c.Kube.CoreV1().Pods(ns).Get(ctx, pod, metav1.GetOptions{})
	if err != nil {
		return "", client404(err)
	}
	pdbs, err := c.Kube.PolicyV1().PodDisruptionBudgets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	var any string
	for _, b := range pdbs.Items {
		sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(p.Labels)) {
			continue
		}
		if b.Status.DisruptionsAllowed < 1 {
			return b.Name, nil
		}
		any = b.Name
	}
	if onlyExhausted {
		return "", nil
	}
	return any, nil
}

func client404(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// Drain is one node's drain in progress: cordon, then an eviction per pod
// through the Eviction API, each waited for until the pod is gone. Its
// methods may be called from any goroutine. It ends by itself, when
// Cancel is called, or when the context it was started with ends (the
// session's); Wait returns once its goroutines have.
type Drain struct {
	id, node string
	c        Clients
	opts     model.DrainOptions
	write    Write
	onChange func()
	cancel   context.CancelCauseFunc
	done     chan struct{}

	mu sync.Mutex
	st model.DrainStatus
}

// Why a drain ended early.
var (
	errCancelled = errors.New("cancelled")
	errBlocked   = errors.New("blocked by a PodDisruptionBudget")
)

// StartDrain starts draining node. onChange is called (from the drain's
// goroutines) after each change of its status.
func StartDrain(parent context.Context, c Clients, id, node string, o model.DrainOptions, write Write, onChange func()) *Drain {
	ctx, cancel := context.WithCancelCause(parent)
	d := &Drain{id: id, node: node, c: c, opts: o, write: write, onChange: onChange, cancel: cancel, done: make(chan struct{}),
		st: model.DrainStatus{ID: id, Node: node, State: model.DrainRunning, Pods: []model.DrainPod{}, Version: 1}}
	go func() {
		defer close(d.done)
		defer cancel(nil)
		d.run(ctx)
	}()
	return d
}

// Status is the drain's progress now (a copy).
func (d *Drain) Status() model.DrainStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.st
	st.Pods = append([]model.DrainPod(nil), d.st.Pods...)
	return st
}

// Cancel stops the drain: evictions not yet made are not made; the node
// stays cordoned.
func (d *Drain) Cancel() { d.cancel(errCancelled) }

// Wait returns once the drain has ended.
func (d *Drain) Wait() { <-d.done }

// Done is closed when the drain has ended.
func (d *Drain) Done() <-chan struct{} { return d.done }

func (d *Drain) update(f func(st *model.DrainStatus)) {
	d.mu.Lock()
	f(&d.st)
	d.st.Version++
	d.mu.Unlock()
	if d.onChange != nil {
		d.onChange()
	}
}

func (d *Drain) setPod(i int, state, reason, budget string) {
	d.update(func(st *model.DrainStatus) {
		p := &st.Pods[i]
		p.State, p.Reason, p.Budget = state, reason, budget
	})
}

func (d *Drain) finish(state, msg string) {
	d.update(func(st *model.DrainStatus) { st.State, st.Message = state, msg })
}

func (d *Drain) run(parent context.Context) {
	ctx := parent
	if d.opts.TimeoutSeconds > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(parent, time.Duration(d.opts.TimeoutSeconds)*time.Second)
		defer cancel()
	}
	err := d.write("cordon", "nodes", "", d.node, func(context.Context) error {
		_, err := d.c.Kube.CoreV1().Nodes().Patch(ctx, d.node, "application/merge-patch+json",
			[]byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{})
		return err
	})
	if err != nil {
		d.finish(model.DrainFailed, "cordon: "+err.Error())
		return
	}
	pods, err := drainPods(ctx, d.c, d.node, d.opts)
	if err != nil {
		d.finish(d.endState(ctx, err))
		return
	}
	d.update(func(st *model.DrainStatus) { st.Pods = pods })
	var refused []string
	for _, p := range pods {
		if p.State == model.DrainPodRefused {
			refused = append(refused, p.Namespace+"/"+p.Name+" ("+p.Reason+")")
		}
	}
	if len(refused) > 0 {
		d.finish(model.DrainFailed, fmt.Sprintf("cannot drain: %d pods refused: %v (the node stays cordoned)", len(refused), refused))
		return
	}
	gv, err := drain.CheckEvictionSupport(d.c.Kube)
	if err != nil || gv.Empty() {
		d.finish(model.DrainFailed, fmt.Sprintf("the server does not support evictions: %v", err))
		return
	}
	h := helper(ctx, d.c, d.opts)
	var wg sync.WaitGroup
	for i, p := range pods {
		if p.State != model.DrainPodPending {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.evict(ctx, h, gv, i, p)
		}()
	}
	wg.Wait()
	st := d.Status()
	for _, p := range st.Pods {
		if p.State == model.DrainPodFailed {
			d.finish(model.DrainFailed, fmt.Sprintf("pod %s/%s: %s", p.Namespace, p.Name, p.Reason))
			return
		}
	}
	if ctx.Err() != nil {
		d.finish(d.endState(ctx, ctx.Err()))
		return
	}
	d.finish(model.DrainDone, "")
}

// endState is how a drain that stopped early ends, and why.
func (d *Drain) endState(ctx context.Context, err error) (string, string) {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errCancelled):
		return model.DrainCancelled, "cancelled; the node stays cordoned"
	case errors.Is(cause, errBlocked):
		return model.DrainFailed, cause.Error() + "; the drain stopped and the node stays cordoned"
	case errors.Is(cause, context.DeadlineExceeded):
		return model.DrainFailed, "timed out; the node stays cordoned"
	case cause != nil:
		return model.DrainFailed, cause.Error()
	}
	return model.DrainFailed, err.Error()
}

// evict evicts one pod until it is gone. A PodDisruptionBudget that
// refuses it (429) stops the whole drain, naming the budget, unless the
// user chose to wait for budgets: then the eviction is tried again until
// the budget allows it.
func (d *Drain) evict(ctx context.Context, h *drain.Helper, gv schema.GroupVersion, i int, p model.DrainPod) {
	pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Name}}
	live, err := d.c.Kube.CoreV1().Pods(p.Namespace).Get(ctx, p.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		d.setPod(i, model.DrainPodGone, "", "")
		return
	}
	if err != nil {
		d.failPod(ctx, i, err)
		return
	}
	for {
		err := d.write("evict", "pods", p.Namespace, p.Name, func(context.Context) error { return h.EvictPod(pod, gv) })
		switch {
		case err == nil:
			d.setPod(i, model.DrainPodEvicted, "", "")
			if err := d.waitGone(ctx, live); err != nil {
				d.failPod(ctx, i, err)
				return
			}
			d.setPod(i, model.DrainPodGone, "", "")
			return
		case apierrors.IsNotFound(err):
			d.setPod(i, model.DrainPodGone, "", "")
			return
		case apierrors.IsTooManyRequests(err):
			budget, _ := blockingBudget(ctx, d.c, p.Namespace, p.Name, false)
			reason := err.Error()
			d.setPod(i, model.DrainPodBlocked, reason, budget)
			if !d.opts.WaitOnBudget {
				what := "a PodDisruptionBudget"
				if budget != "" {
					what = "PodDisruptionBudget " + budget
				}
				d.cancel(fmt.Errorf("%w: eviction of pod %s/%s refused by %s", errBlocked, p.Namespace, p.Name, what))
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(BudgetRetry):
			}
		default:
			d.failPod(ctx, i, err)
			return
		}
	}
}

func (d *Drain) failPod(ctx context.Context, i int, err error) {
	if ctx.Err() != nil {
		return // the drain ends; its end says why
	}
	d.setPod(i, model.DrainPodFailed, err.Error(), "")
}

// waitGone waits until the evicted pod is deleted (or replaced by another
// of the same name).
func (d *Drain) waitGone(ctx context.Context, pod *corev1.Pod) error {
	t := time.NewTicker(GonePoll)
	defer t.Stop()
	for {
		p, err := d.c.Kube.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) || (err == nil && p.UID != pod.UID) {
			return nil
		}
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
