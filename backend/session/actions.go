package session

import (
	"context"
	"errors"
	"fmt"

	"crowsnest/backend/actions"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// MaxDrains bounds the drains a session keeps (ended ones count until
// the page forgets them, or the oldest ended goes).
const MaxDrains = 16

// ErrNoDrain is wrapped by the error for a drain id this session does not
// hold.
var ErrNoDrain = errors.New("no such drain")

func (s *Session) actionClients() actions.Clients {
	return actions.Clients{Kube: s.client, Dynamic: s.dyn}
}

// parseAction parses a request's kind through the registry and checks it
// against the kind's declared actions.
func (s *Session) parseAction(req model.ActionRequest) (actions.Request, error) {
	k, err := s.Kind(req.Kind)
	if err != nil {
		return actions.Request{}, err
	}
	return actions.Parse(k, req)
}

// PlanAction says what an action would do, changing nothing: per object
// whether RBAC allows it and what changes, the impact, a server dry-run's
// answer. A read-only context plans too, with the reason in Denied.
func (s *Session) PlanAction(req model.ActionRequest) (model.ActionPlan, error) {
	r, err := s.parseAction(req)
	if err != nil {
		return model.ActionPlan{}, err
	}
	p, err := actions.Plan(s.ctx, s.actionClients(), r)
	if err != nil {
		return p, s.plugins.Explain(err)
	}
	if ro := s.CheckWritable(); ro != nil {
		p.Denied = ro.Error()
	}
	return p, nil
}

// RunAction performs an action on each object of the request, each
// through Do (one Write per object: refused in a read-only context before
// any request, recorded in the app log), and reports per object. A drain
// starts and returns its id; its progress follows as drain:changed
// notices and DrainStatus.
func (s *Session) RunAction(req model.ActionRequest) (model.ActionResult, error) {
	r, err := s.parseAction(req)
	if err != nil {
		return model.ActionResult{}, err
	}
	if err := s.CheckWritable(); err != nil {
		return model.ActionResult{}, err
	}
	if r.Action == model.ActionDrain {
		id, err := s.startDrain(r)
		return model.ActionResult{Drain: id}, err
	}
	res := model.ActionResult{Objects: make([]model.ActionOutcome, 0, len(r.Names))}
	for _, name := range r.Names {
		out := model.ActionOutcome{Name: name}
		err := s.Do(Write{Verb: r.Verb(), Kind: r.Kind, Namespace: r.Namespace, Names: []string{name}, Detail: r.Detail()},
			func(ctx context.Context) error {
				created, err := actions.Apply(ctx, s.actionClients(), r, name)
				out.Created = created
				return err
			})
		if err != nil {
			out.Error = err.Error()
			out.Changed = actions.IsChanged(err)
			if errors.Is(err, ErrReadOnly) || errors.Is(err, ErrStopped) {
				// Nothing further can succeed.
				res.Objects = append(res.Objects, out)
				return res, err
			}
		}
		res.Objects = append(res.Objects, out)
	}
	return res, nil
}

// startDrain starts draining the request's node. The drain is the
// session's: it ends with it.
func (s *Session) startDrain(r actions.Request) (string, error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return "", ErrStopped
	}
	if s.drains == nil {
		s.drains = map[string]*actions.Drain{}
	}
	if len(s.drains) >= MaxDrains && !s.forgetEndedDrainLocked() {
		s.mu.Unlock()
		return "", fmt.Errorf("at most %d drains at once", MaxDrains)
	}
	id := s.newIDLocked("d")
	node := r.Names[0]
	nodes := kinds.Builtin(kinds.Nodes)
	pods := kinds.Builtin(kinds.Pods)
	write := func(verb, kind, ns, name string, f func(context.Context) error) error {
		k := nodes
		if kind == "pods" {
			k = pods
		}
		return s.Do(Write{Verb: verb, Kind: k, Namespace: ns, Names: []string{name}, Detail: "drain of node " + node}, f)
	}
	notify := func() {
		s.notices.Notify(id, model.EventDrainChanged, model.DrainNotice{ID: id, Generation: s.Generation})
	}
	d := actions.StartDrain(s.ctx, s.actionClients(), id, node, r.Drain, write, notify)
	s.drains[id] = d
	s.wg.Add(1)
	s.mu.Unlock()
	notify()
	go func() {
		defer s.wg.Done()
		d.Wait()
		notify()
	}()
	return id, nil
}

// forgetEndedDrainLocked drops one ended drain; false if none has ended.
func (s *Session) forgetEndedDrainLocked() bool {
	for id, d := range s.drains {
		select {
		case <-d.Done():
			delete(s.drains, id)
			return true
		default:
		}
	}
	return false
}

func (s *Session) drain(id string) (*actions.Drain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, ErrStopped
	}
	d, ok := s.drains[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrNoDrain, id)
	}
	return d, nil
}

// DrainStatus is a drain's progress: each pod's state, a blocking
// PodDisruptionBudget by name, the end and why.
func (s *Session) DrainStatus(id string) (model.DrainStatus, error) {
	d, err := s.drain(id)
	if err != nil {
		return model.DrainStatus{}, err
	}
	st := d.Status()
	st.Generation = s.Generation
	return st, nil
}

// CancelDrain stops a drain; evictions already made stand and the node
// stays cordoned.
func (s *Session) CancelDrain(id string) error {
	d, err := s.drain(id)
	if err != nil {
		return err
	}
	d.Cancel()
	return nil
}
