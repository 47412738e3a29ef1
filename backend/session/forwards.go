package session

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/forward"
	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// forwardsKey is the coalescer key of EventForwardsChanged.
const forwardsKey = "forwards"

// portForwards are the session's port-forwards and the pods subscription
// that tells them when their pod goes away. Built on first use.
type portForwards struct {
	reg  *forward.Registry
	pods *informer.Handle
	sub  *informer.Registration
}

func (p *portForwards) close() {
	if p.sub != nil {
		p.pods.Unsubscribe(p.sub)
	}
	p.reg.Close()
}

// forwards returns the session's registry, creating it (and subscribing
// to the pods informer) the first time. s.mu is not held while the
// informer is asked for: its status callback takes s.mu.
func (s *Session) forwards() (*forward.Registry, error) {
	s.mu.Lock()
	stopped, cur := s.stopped, s.portForwards
	s.mu.Unlock()
	switch {
	case stopped:
		return nil, ErrStopped
	case cur != nil:
		return cur.reg, nil
	}
	dial, err := forward.NewDialer(s.cfg, s.client)
	if err != nil {
		return nil, err
	}
	pods, err := s.owner.Informer(kinds.Builtin(kinds.Pods))
	if err != nil {
		return nil, err
	}
	reg := forward.NewRegistry(s.ctx, dial, "g"+strconv.FormatUint(s.Generation, 10)+"f", s.ForwardsChanged)
	p := &portForwards{reg: reg, pods: pods}
	p.sub = pods.Subscribe(toolscache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, obj any) { podChanged(reg, obj, false) },
		DeleteFunc: func(obj any) { podChanged(reg, obj, true) },
	})
	s.mu.Lock()
	stopped, cur = s.stopped, s.portForwards
	if !stopped && cur == nil {
		s.portForwards = p
	}
	s.mu.Unlock()
	switch {
	case stopped:
		p.close()
		return nil, ErrStopped
	case cur != nil: // another call built it first
		p.close()
		return cur.reg, nil
	}
	return reg, nil
}

// existingForwards returns the registry for calls about a forward by id:
// with none built yet, no id is known (and no informer is started for it).
func (s *Session) existingForwards(id string) (*forward.Registry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		return nil, ErrStopped
	case s.portForwards == nil:
		return nil, fmt.Errorf("port-forward %q: %w", id, forward.ErrNoForward)
	}
	return s.portForwards.reg, nil
}

// podsSyncTimeout bounds how long a start waits for the pods cache.
const podsSyncTimeout = 10 * time.Second

// podsSynced waits (within podsSyncTimeout) until the pods informer the
// forwards follow has listed: a pod deleted before that would never be
// heard of, while one deleted after it is, and the start reads its pod from
// the API after this. A user who may not watch pods gets forwards that
// work but do not hear of their pod going.
func (s *Session) podsSynced() {
	s.mu.Lock()
	p := s.portForwards
	s.mu.Unlock()
	if p == nil {
		return
	}
	_ = wait.PollUntilContextTimeout(s.ctx, 20*time.Millisecond, podsSyncTimeout, true, func(context.Context) (bool, error) {
		return p.pods.HasSynced(), nil
	})
}

// podChanged tells the forwards of a pod that ended, was deleted or is no
// longer Ready.
func podChanged(reg *forward.Registry, obj any, deleted bool) {
	if gone, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = gone.Obj
	}
	m, ok := obj.(interface {
		GetNamespace() string
		GetName() string
	})
	if !ok {
		return
	}
	ns, name := m.GetNamespace(), m.GetName()
	if deleted {
		reg.Lost(ns, name, fmt.Sprintf("pod %s was deleted", name), true)
	} else if why, ended := forward.PodGone(obj); why != "" {
		reg.Lost(ns, name, fmt.Sprintf("pod %s %s", name, why), ended)
	}
}

// ForwardsChanged sends EventForwardsChanged: something the list shows
// changed outside the forwards (which one is saved).
func (s *Session) ForwardsChanged() {
	s.notices.Notify(forwardsKey, model.EventForwardsChanged, model.ForwardsNotice{Generation: s.Generation})
}

// CanPortForward reports whether the user may create pods/portforward in
// namespace, and if not, why.
func (s *Session) CanPortForward(namespace string) (model.Permission, error) {
	a, err := forward.CanForward(s.ctx, s.client, namespace)
	if err != nil {
		return model.Permission{}, s.plugins.Explain(err)
	}
	if a.Allowed {
		return model.Permission{Allowed: true}, nil
	}
	reason := fmt.Sprintf("your user may not forward ports (create pods/portforward) in namespace %s", namespace)
	if a.Reason != "" {
		reason += ": " + a.Reason
	}
	return model.Permission{Reason: reason}, nil
}

// mayForward fails with a Forbidden error when the user may not forward
// ports in namespace.
func (s *Session) mayForward(namespace string) error {
	p, err := s.CanPortForward(namespace)
	if err != nil {
		return err
	}
	if !p.Allowed {
		return apierrors.NewForbidden(schema.GroupResource{Resource: "pods/portforward"}, "", fmt.Errorf("%s", p.Reason))
	}
	return nil
}

// StartForward starts a port-forward to a pod, or to a Ready pod of a
// Service or workload, on 127.0.0.1. It returns once the forward listens
// and its tunnel is open, or fails before anything is kept: permission
// denied (apierrors.IsForbidden), no such object or port, no Ready pod,
// the local port taken (forward.ErrPortInUse). The forward runs until
// stopped, removed, or the session's end; EventForwardsChanged tells of
// its changes.
func (s *Session) StartForward(req model.ForwardRequest) (model.Forward, error) {
	spec, err := s.forwardSpec(req)
	if err != nil {
		return model.Forward{}, err
	}
	if err := s.mayForward(spec.Namespace); err != nil {
		return model.Forward{}, err
	}
	reg, err := s.forwards()
	if err != nil {
		return model.Forward{}, err
	}
	s.podsSynced()
	st, err := reg.Start(spec)
	if err != nil {
		return model.Forward{}, s.plugins.Explain(err)
	}
	return s.forwardOf(st), nil
}

// AddForward lists a forward without starting it (stopped): a saved
// forward restored at connect.
func (s *Session) AddForward(req model.ForwardRequest) (model.Forward, error) {
	spec, err := s.forwardSpec(req)
	if err != nil {
		return model.Forward{}, err
	}
	reg, err := s.forwards()
	if err != nil {
		return model.Forward{}, err
	}
	st, err := reg.Add(spec)
	if err != nil {
		return model.Forward{}, err
	}
	return s.forwardOf(st), nil
}

// StopForward stops a forward; it stays listed and can be restarted.
func (s *Session) StopForward(id string) (model.Forward, error) {
	reg, err := s.existingForwards(id)
	if err != nil {
		return model.Forward{}, err
	}
	st, err := reg.Stop(id)
	if err != nil {
		return model.Forward{}, err
	}
	return s.forwardOf(st), nil
}

// RestartForward starts a forward again, checking the permission first. A
// forward that cannot start stays listed in the error state.
func (s *Session) RestartForward(id string) (model.Forward, error) {
	reg, err := s.existingForwards(id)
	if err != nil {
		return model.Forward{}, err
	}
	st, err := reg.Get(id)
	if err != nil {
		return model.Forward{}, err
	}
	if err := s.mayForward(st.Spec.Namespace); err != nil {
		return s.forwardOf(st), err
	}
	s.podsSynced()
	st, err = reg.Restart(id)
	return s.forwardOf(st), s.plugins.Explain(err)
}

// RemoveForward stops a forward and forgets it.
func (s *Session) RemoveForward(id string) error {
	reg, err := s.existingForwards(id)
	if err != nil {
		return err
	}
	return reg.Remove(id)
}

// Forwards lists the session's forwards in the order they were added.
func (s *Session) Forwards() ([]model.Forward, error) {
	s.mu.Lock()
	stopped, p := s.stopped, s.portForwards
	s.mu.Unlock()
	switch {
	case stopped:
		return nil, ErrStopped
	case p == nil:
		return []model.Forward{}, nil
	}
	list := p.reg.List()
	out := make([]model.Forward, len(list))
	for i, st := range list {
		out[i] = s.forwardOf(st)
	}
	return out, nil
}

// ForwardRequestOf returns what a listed forward was asked as, to save it.
func (s *Session) ForwardRequestOf(id string) (model.ForwardRequest, error) {
	reg, err := s.existingForwards(id)
	if err != nil {
		return model.ForwardRequest{}, err
	}
	st, err := reg.Get(id)
	if err != nil {
		return model.ForwardRequest{}, err
	}
	sp := st.Spec
	return model.ForwardRequest{Kind: sp.Kind, Namespace: sp.Namespace, Name: sp.Name, Port: sp.Port, LocalPort: sp.LocalPort}, nil
}

func (s *Session) forwardOf(st forward.Stats) model.Forward {
	sp := st.Spec
	return model.Forward{ID: st.ID, Generation: s.Generation, Kind: sp.Kind, Namespace: sp.Namespace, Name: sp.Name,
		Port: sp.Port, RemotePort: st.RemotePort, Pod: st.Pod, LocalPort: sp.LocalPort, Address: st.Address,
		State: string(st.State), Message: s.plugins.ExplainText(st.Message), Connections: st.Connections,
		TotalConnections: st.Total, BytesIn: st.BytesIn, BytesOut: st.BytesOut}
}

// forwardSpec checks a request and builds the forward's resolver for its
// kind: a pod's own, a Service's (its EndpointSlices' ready endpoints,
// then its selector) or a workload's (its selector).
func (s *Session) forwardSpec(req model.ForwardRequest) (forward.Spec, error) {
	k, ns, name, err := s.Object(req.Kind, req.Namespace, req.Name)
	if err != nil {
		return forward.Spec{}, err
	}
	port, err := forward.ParsePort(req.Port)
	if err != nil {
		return forward.Spec{}, err
	}
	if req.LocalPort < 0 || req.LocalPort > 65535 {
		return forward.Spec{}, fmt.Errorf("invalid local port %d: 1 to 65535, or 0 for any free port", req.LocalPort)
	}
	spec := forward.Spec{Kind: string(k.ID), Namespace: ns, Name: name, Port: port.String(), LocalPort: req.LocalPort}
	switch {
	case k.ID == kinds.Pods:
		spec.Resolve = func(ctx context.Context) (forward.Target, error) { return s.podTarget(ctx, ns, name, port) }
	case k.ID == kinds.Services:
		spec.Movable = true
		spec.Resolve = func(ctx context.Context) (forward.Target, error) { return s.serviceTarget(ctx, ns, name, port) }
	case k.PodSelector != nil && !k.Custom:
		spec.Movable = true
		spec.Resolve = func(ctx context.Context) (forward.Target, error) {
			obj, err := s.access.Full(ctx, k, ns, name)
			if err != nil {
				return forward.Target{}, err
			}
			sel := k.PodSelector(obj)
			if sel == nil {
				return forward.Target{}, fmt.Errorf("%s %s/%s selects no pods", k.Label, ns, name)
			}
			return s.selectedTarget(ctx, ns, sel, port, fmt.Sprintf("%s %s/%s", k.Label, ns, name))
		}
	default:
		return forward.Spec{}, fmt.Errorf("%s cannot be port-forwarded: pods, Services and workloads can", k.Label)
	}
	return spec, nil
}

// podTarget resolves port on a running pod.
func (s *Session) podTarget(ctx context.Context, ns, name string, port intstr.IntOrString) (forward.Target, error) {
	pod, err := s.fullPod(ctx, ns, name)
	if err != nil {
		return forward.Target{}, err
	}
	if why, ended := forward.PodGone(pod); ended {
		return forward.Target{}, fmt.Errorf("pod %s/%s %s", ns, name, why)
	}
	if pod.Status.Phase != corev1.PodRunning {
		return forward.Target{}, fmt.Errorf("pod %s/%s is not running (%s)", ns, name, pod.Status.Phase)
	}
	n, err := forward.ContainerPort(pod, port)
	if err != nil {
		return forward.Target{}, err
	}
	return forward.Target{Pod: name, Port: n}, nil
}

func (s *Session) fullPod(ctx context.Context, ns, name string) (*corev1.Pod, error) {
	obj, err := s.access.Full(ctx, kinds.Builtin(kinds.Pods), ns, name)
	if err != nil {
		return nil, err
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, fmt.Errorf("pod %s/%s: unexpected object %T", ns, name, obj)
	}
	return pod, nil
}

// serviceTarget picks a Ready pod behind a Service: first among its
// EndpointSlices' ready endpoints (whose port is the Service's target port
// already resolved), checked against the pods cache, since slices lag
// behind a pod's deletion; then, when the slices name none (not yet
// written, or not readable), among the Ready pods its selector matches,
// resolving a named target port on the pod.
func (s *Session) serviceTarget(ctx context.Context, ns, name string, port intstr.IntOrString) (forward.Target, error) {
	obj, err := s.access.Get(ctx, kinds.Builtin(kinds.Services), ns, name)
	if err != nil {
		return forward.Target{}, err
	}
	svc, ok := obj.(*corev1.Service)
	if !ok {
		return forward.Target{}, fmt.Errorf("service %s/%s: unexpected object %T", ns, name, obj)
	}
	sp, err := forward.ServicePort(svc, port)
	if err != nil {
		return forward.Target{}, err
	}
	if len(svc.Spec.Selector) == 0 {
		return forward.Target{}, fmt.Errorf("service %s/%s has no selector, so no pods to forward to", ns, name)
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	ready, err := s.readyPods(ctx, ns, sel)
	if err != nil {
		return forward.Target{}, err
	}
	if objs, err := s.access.List(ctx, kinds.Builtin(kinds.EndpointSlices), ns, discoveryv1.LabelServiceName+"="+name); err == nil {
		var eps []*discoveryv1.EndpointSlice
		for _, o := range objs {
			if e, ok := o.(*discoveryv1.EndpointSlice); ok {
				eps = append(eps, e)
			}
		}
		for _, e := range forward.ReadyEndpoints(eps, sp.Name) {
			if slices.Contains(ready, e.Pod) {
				return forward.Target{Pod: e.Pod, Port: e.Port}, nil
			}
		}
	}
	target := sp.TargetPort
	if target.Type == intstr.Int && target.IntVal == 0 {
		target = intstr.FromInt32(sp.Port)
	}
	return s.firstReady(ctx, ns, ready, target, fmt.Sprintf("service %s/%s", ns, name))
}

// selectedTarget picks a Ready pod among those sel matches.
func (s *Session) selectedTarget(ctx context.Context, ns string, sel labels.Selector, port intstr.IntOrString, what string) (forward.Target, error) {
	ready, err := s.readyPods(ctx, ns, sel)
	if err != nil {
		return forward.Target{}, err
	}
	return s.firstReady(ctx, ns, ready, port, what)
}

// firstReady resolves port on the first of the ready pods that has it.
func (s *Session) firstReady(ctx context.Context, ns string, ready []string, port intstr.IntOrString, what string) (forward.Target, error) {
	var last error
	for _, name := range ready {
		pod, err := s.fullPod(ctx, ns, name)
		if err == nil && forward.PodReady(pod) {
			var n int32
			if n, err = forward.ContainerPort(pod, port); err == nil {
				return forward.Target{Pod: name, Port: n}, nil
			}
		}
		last = err
	}
	if last != nil {
		return forward.Target{}, fmt.Errorf("%s: %w: %v", what, forward.ErrNoReadyPod, last)
	}
	return forward.Target{}, fmt.Errorf("%s has %w", what, forward.ErrNoReadyPod)
}

// readyPods names the Ready pods of ns that sel matches, sorted.
func (s *Session) readyPods(ctx context.Context, ns string, sel labels.Selector) ([]string, error) {
	objs, err := s.access.List(ctx, kinds.Builtin(kinds.Pods), ns, sel.String())
	if err != nil {
		return nil, s.plugins.Explain(err)
	}
	var out []string
	for _, o := range objs {
		if m, ok := o.(interface{ GetName() string }); ok && forward.PodReady(o) {
			out = append(out, m.GetName())
		}
	}
	slices.Sort(out)
	return out, nil
}

// ForwardPorts lists the ports the "Forward port" dialog offers for an
// object: a pod's or workload's container ports (TCP), a Service's ports.
func (s *Session) ForwardPorts(kind, namespace, name string) ([]model.ForwardPort, error) {
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return nil, err
	}
	out := []model.ForwardPort{}
	if k.ID == kinds.Services {
		obj, err := s.access.Get(s.ctx, k, ns, name)
		if err != nil {
			return nil, s.plugins.Explain(err)
		}
		svc, ok := obj.(*corev1.Service)
		if !ok {
			return nil, fmt.Errorf("service %s/%s: unexpected object %T", ns, name, obj)
		}
		for _, p := range svc.Spec.Ports {
			if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
				out = append(out, model.ForwardPort{Port: portName(p.Name, p.Port), Number: p.Port, Name: p.Name, Target: p.TargetPort.String()})
			}
		}
		return out, nil
	}
	if k.ID != kinds.Pods && (k.PodSelector == nil || k.Custom) {
		return nil, fmt.Errorf("%s cannot be port-forwarded: pods, Services and workloads can", k.Label)
	}
	obj, err := s.access.Full(s.ctx, k, ns, name)
	if err != nil {
		return nil, s.plugins.Explain(err)
	}
	var spec *corev1.PodSpec
	if pod, ok := obj.(*corev1.Pod); ok {
		spec = &pod.Spec
	} else if t := forward.PodTemplate(obj); t != nil {
		spec = &t.Spec
	}
	if spec == nil {
		return out, nil
	}
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
				out = append(out, model.ForwardPort{Port: portName(p.Name, p.ContainerPort), Number: p.ContainerPort, Name: p.Name, Container: c.Name})
			}
		}
	}
	return out, nil
}

// portName is how a request names a port: by its name when it has one.
func portName(name string, n int32) string {
	if name != "" {
		return name
	}
	return strconv.Itoa(int(n))
}
