// Package metrics reads metrics.k8s.io (metrics-server's API) for the
// usage columns of pods and nodes and the details' charts.
//
// The API cannot be watched, so it is polled, and only while something on
// screen shows measurements: the session acquires a Target for each open
// table of pods or nodes and each details panel of one, and releases it
// when the table or panel goes. With nothing acquired, nothing is asked.
// Each target is asked at most once per interval (15 s by default, never
// under MinInterval); after a failure (no API, APIService unavailable,
// RBAC) at most once per FailureInterval. A user who may not list pod
// metrics cluster-wide is asked per allowed namespace, as the informers
// are (the session's access reviews).
//
// What is measured is kept per object for Window (store.go), bounded; the
// latest measurements go to the views as kinds.Usages after every poll.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"
	"k8s.io/utils/clock"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// Intervals between two polls of a target.
const (
	DefaultInterval = 15 * time.Second
	MinInterval     = 5 * time.Second
	// FailureInterval is the least time between two polls of a target
	// whose last poll failed.
	FailureInterval = 60 * time.Second
)

// Group is the API group metrics-server serves, and APIService the name
// of its registration with the aggregator.
const (
	Group      = "metrics.k8s.io"
	APIService = "v1beta1.metrics.k8s.io"
)

// The measured resources (Target.Resource, kinds.Kind.UsageOf).
const (
	Pods  = "pods"
	Nodes = "nodes"
)

var (
	podMetrics  = schema.GroupVersionResource{Group: Group, Version: "v1beta1", Resource: Pods}
	apiServices = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
)

// Target is something on screen that shows measurements: the pods of a
// namespace ("" for all), or the nodes.
type Target struct {
	Resource  string
	Namespace string
}

// Access says where the user may list pod metrics: the session's
// informer.Reviewer (cached access reviews).
type Access interface {
	Can(ctx context.Context, verb string, gvr schema.GroupVersionResource, ns string) (bool, string, error)
	Namespaces(ctx context.Context) ([]string, error)
}

// Options configure a Poller. Client is required.
type Options struct {
	Client metricsclient.Interface
	// Discovery confirms that a 404 means no metrics API; Dynamic reads
	// the APIService's condition when the API answers 503. Either may be
	// nil (the error's own message is said then).
	Discovery discovery.ServerGroupsInterface
	Dynamic   dynamic.Interface
	// Access, if set, chooses the namespaces of a cluster-wide pods target
	// for a user who may not list pod metrics cluster-wide.
	Access Access
	// Interval gives the time between polls (read before each wait; the
	// settings may change); DefaultInterval if nil, never under MinInterval.
	Interval func() time.Duration
	// OnUsage receives the latest measurements of a resource after each
	// poll of it (nil when there are none), from the poller's goroutine.
	OnUsage func(resource string, u kinds.Usages)
	// OnStatus hears of every change of Status, from the poller's goroutine.
	OnStatus func()
	Clock    clock.WithTicker
}

// Poller polls metrics.k8s.io for the targets on screen. Its methods may
// be called from any goroutine; OnUsage and OnStatus are called from its
// own, one at a time. After Stop returns, it asks nothing and calls
// nothing.
type Poller struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}

	mu      sync.Mutex
	demand  map[Target]int
	targets map[Target]*targetState
	stores  map[string]*store
	states  map[string]model.MetricsState
	version uint64
}

type targetState struct {
	last   time.Time // when it was last polled; zero: never
	failed bool
}

// New starts a Poller under ctx; it polls nothing until a target is
// acquired.
func New(ctx context.Context, opts Options) *Poller {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	ctx, cancel := context.WithCancel(ctx)
	now := opts.Clock.Now()
	p := &Poller{opts: opts, ctx: ctx, cancel: cancel, done: make(chan struct{}), wake: make(chan struct{}, 1),
		demand: map[Target]int{}, targets: map[Target]*targetState{},
		stores: map[string]*store{Pods: newStore(now), Nodes: newStore(now)},
		states: map[string]model.MetricsState{}}
	go p.run()
	return p
}

// Acquire says that t is on screen until release is called (once).
func (p *Poller) Acquire(t Target) (release func()) {
	if t.Resource == Nodes {
		t.Namespace = ""
	}
	p.mu.Lock()
	p.demand[t]++
	p.mu.Unlock()
	p.kick()
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			if p.demand[t]--; p.demand[t] <= 0 {
				delete(p.demand, t)
			}
			p.mu.Unlock()
			p.kick()
		})
	}
}

func (p *Poller) kick() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Stop ends the polling and waits for it.
func (p *Poller) Stop() {
	p.cancel()
	<-p.done
}

// Status is what the last polls found.
func (p *Poller) Status() model.MetricsStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return model.MetricsStatus{Pods: p.states[Pods], Nodes: p.states[Nodes], Version: p.version,
		IntervalSeconds: int(p.interval() / time.Second)}
}

// History is the kept window of one pod (namespace, name) or node (name):
// its total, then a pod's containers.
func (p *Poller) History(resource, namespace, name string) model.UsageHistory {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := model.UsageHistory{State: p.states[resource], WindowSeconds: int(Window / time.Second), Series: []model.UsageSeries{}}
	if st := p.stores[resource]; st != nil {
		h.Series = st.history(kinds.Key(namespace, name), resource == Pods)
	}
	return h
}

func (p *Poller) interval() time.Duration {
	d := DefaultInterval
	if p.opts.Interval != nil {
		d = p.opts.Interval()
	}
	return max(d, MinInterval)
}

func (p *Poller) run() {
	defer close(p.done)
	for p.ctx.Err() == nil {
		due, wait := p.due()
		if len(due) > 0 {
			p.poll(due)
			continue
		}
		var timer clock.Timer
		var fire <-chan time.Time
		if wait > 0 {
			timer = p.opts.Clock.NewTimer(wait)
			fire = timer.C()
		}
		select {
		case <-p.ctx.Done():
		case <-p.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// due returns the demanded targets whose time has come, and otherwise how
// long until the next one's (0: nothing is demanded). The pods of one
// namespace are not asked for while all namespaces' are.
func (p *Poller) due() ([]Target, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.demand) == 0 {
		return nil, 0
	}
	now := p.opts.Clock.Now()
	interval := p.interval()
	allPods := p.demand[Target{Resource: Pods}] > 0
	var due []Target
	var wait time.Duration
	for t := range p.demand {
		if t.Resource == Pods && t.Namespace != "" && allPods {
			continue
		}
		st := p.targets[t]
		if st == nil {
			st = &targetState{}
			p.targets[t] = st
		}
		period := interval
		if st.failed {
			period = max(interval, FailureInterval)
		}
		next := st.last.Add(period).Sub(now)
		if st.last.IsZero() || next <= 0 {
			due = append(due, t)
			continue
		}
		if wait == 0 || next < wait {
			wait = next
		}
	}
	sort.Slice(due, func(i, j int) bool {
		return due[i].Resource < due[j].Resource || (due[i].Resource == due[j].Resource && due[i].Namespace < due[j].Namespace)
	})
	return due, wait
}

// poll asks for each target and publishes what changed.
func (p *Poller) poll(due []Target) {
	changed := map[string]bool{}
	for _, t := range due {
		if p.ctx.Err() != nil {
			return
		}
		state := p.pollTarget(t)
		p.mu.Lock()
		st := p.targets[t]
		st.last, st.failed = p.opts.Clock.Now(), state.State != model.MetricsAvailable
		if state.State != model.MetricsAvailable {
			p.stores[t.Resource].clear()
		}
		old := p.states[t.Resource]
		p.states[t.Resource] = state
		if state.State == model.MetricsAvailable || old.State == model.MetricsAvailable {
			changed[t.Resource] = true
		}
		statusChanged := old.State != state.State || old.Message != state.Message || state.State == model.MetricsAvailable
		if state.State == model.MetricsAvailable {
			p.version++
		}
		p.mu.Unlock()
		if statusChanged && p.opts.OnStatus != nil {
			p.opts.OnStatus()
		}
	}
	for _, resource := range []string{Nodes, Pods} {
		if !changed[resource] || p.opts.OnUsage == nil || p.ctx.Err() != nil {
			continue
		}
		p.mu.Lock()
		var u kinds.Usages
		if p.states[resource].State == model.MetricsAvailable {
			u = p.stores[resource].usages()
		}
		p.mu.Unlock()
		p.opts.OnUsage(resource, u)
	}
}

// pollTarget asks for one target (a cluster-wide pods target may be one
// request per allowed namespace) and records the answers.
func (p *Poller) pollTarget(t Target) model.MetricsState {
	scopes := []string{t.Namespace}
	if t.Resource == Pods && t.Namespace == "" && p.opts.Access != nil {
		var denied model.MetricsState
		scopes, denied = p.podScopes()
		if len(scopes) == 0 {
			return denied
		}
	}
	for _, ns := range scopes {
		ms, err := p.list(t.Resource, ns)
		if err != nil {
			return p.explain(err)
		}
		p.mu.Lock()
		st := p.stores[t.Resource]
		seen := make(map[string]bool, len(ms))
		for _, m := range ms {
			st.record(m)
			seen[m.key] = true
		}
		st.sweep(ns, seen, p.opts.Clock.Now())
		p.mu.Unlock()
	}
	return model.MetricsState{State: model.MetricsAvailable, At: p.opts.Clock.Now().UnixMilli()}
}

// podScopes is where pod metrics may be listed: cluster-wide, else the
// namespaces the access reviews allow (their answers are cached for the
// session), else none and why.
func (p *Poller) podScopes() ([]string, model.MetricsState) {
	ctx, a := p.ctx, p.opts.Access
	ok, reason, err := a.Can(ctx, "list", podMetrics, "")
	if err != nil || ok {
		return []string{""}, model.MetricsState{} // unknown: the request itself says
	}
	candidates, _ := a.Namespaces(ctx)
	var allowed []string
	for _, ns := range candidates {
		if ok, _, err := a.Can(ctx, "list", podMetrics, ns); err == nil && ok {
			allowed = append(allowed, ns)
		}
	}
	if len(allowed) > 0 {
		return allowed, model.MetricsState{}
	}
	if reason == "" {
		reason = fmt.Sprintf("your user may not list %s in any namespace", podMetrics.GroupResource())
	}
	return nil, model.MetricsState{State: model.MetricsForbidden, Message: reason}
}

// list asks for the measurements of one scope.
func (p *Poller) list(resource, ns string) ([]measurement, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	c := p.opts.Client.MetricsV1beta1()
	if resource == Nodes {
		l, err := c.NodeMetricses().List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		out := make([]measurement, len(l.Items))
		for i, n := range l.Items {
			out[i] = measurement{key: n.Name, at: n.Timestamp.Time, containers: []string{""},
				cpu: []int64{n.Usage.Cpu().MilliValue()}, mem: []int64{n.Usage.Memory().Value()}}
		}
		return out, nil
	}
	l, err := c.PodMetricses(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]measurement, len(l.Items))
	for i, pm := range l.Items {
		m := measurement{key: kinds.Key(pm.Namespace, pm.Name), ns: pm.Namespace, at: pm.Timestamp.Time,
			containers: make([]string, len(pm.Containers)), cpu: make([]int64, len(pm.Containers)), mem: make([]int64, len(pm.Containers))}
		// metrics-server lists containers in no fixed order: by name, so
		// that a series keeps its columns from poll to poll.
		cs := slices.SortedFunc(slices.Values(pm.Containers), func(a, b metricsv1beta1.ContainerMetrics) int { return strings.Compare(a.Name, b.Name) })
		for j, c := range cs {
			m.containers[j], m.cpu[j], m.mem[j] = c.Name, c.Usage.Cpu().MilliValue(), c.Usage.Memory().Value()
		}
		out[i] = m
	}
	return out, nil
}

// explain turns a failed request into a state: RBAC's refusal, an API
// that is not there (404, confirmed by discovery), or one whose
// APIService is not Available (its condition's message).
func (p *Poller) explain(err error) model.MetricsState {
	switch {
	case apierrors.IsForbidden(err):
		return model.MetricsState{State: model.MetricsForbidden, Message: statusMessage(err)}
	case apierrors.IsNotFound(err) && !p.served():
		return model.MetricsState{State: model.MetricsNotInstalled, Message: "the server has no " + Group + " API (metrics-server is not installed)"}
	}
	msg := statusMessage(err)
	if cond, ok := p.apiServiceCondition(); ok {
		msg = cond
	}
	return model.MetricsState{State: model.MetricsUnavailable, Message: msg}
}

// served reports whether discovery lists the metrics group (true when it
// cannot be asked: the 404 is then said as unavailable).
func (p *Poller) served() bool {
	if p.opts.Discovery == nil {
		return true
	}
	groups, err := p.opts.Discovery.ServerGroups()
	if err != nil && groups == nil {
		return true
	}
	for _, g := range groups.Groups {
		if g.Name == Group {
			return true
		}
	}
	return false
}

// apiServiceCondition is the message of the APIService's Available
// condition when it is not True.
func (p *Poller) apiServiceCondition() (string, bool) {
	if p.opts.Dynamic == nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	o, err := p.opts.Dynamic.Resource(apiServices).Get(ctx, APIService, metav1.GetOptions{})
	if err != nil {
		return "", false
	}
	conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != "Available" || m["status"] == "True" {
			continue
		}
		msg, _ := m["message"].(string)
		reason, _ := m["reason"].(string)
		switch {
		case msg != "":
			return msg, true
		case reason != "":
			return reason, true
		}
	}
	return "", false
}

// statusMessage is an API error's message, or the error's text.
func statusMessage(err error) string {
	var st apierrors.APIStatus
	if errors.As(err, &st) && st.Status().Message != "" {
		return st.Status().Message
	}
	return err.Error()
}
