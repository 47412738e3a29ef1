// Package actions performs the everyday actions on objects (scale,
// restart, delete, cordon, drain, suspend, run now, undo) in two steps:
// Plan, which changes nothing (RBAC per object through a
// SelfSubjectAccessReview, the impact, a server dry-run where the API has
// one), and Apply, one object's write. It knows nothing of sessions: the
// caller runs each Apply through its write door (session.Do), which
// refuses read-only contexts and records the write.
//
// Which actions a kind allows is the registry's (kinds.Kind.Actions);
// Parse refuses any other.
package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/access"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// MaxObjects bounds the objects of one request (one plan, one
// confirmation).
const MaxObjects = 500

// ErrChanged is wrapped by the error of an object that changed since the
// plan in what the plan showed: the user should look again.
var ErrChanged = errors.New("changed since you looked")

// Clients are what actions call the API with: the session's.
type Clients struct {
	Kube    kubernetes.Interface
	Dynamic dynamic.Interface
}

// Request is a parsed ActionRequest: its kind and its declaration.
type Request struct {
	model.ActionRequest
	Kind *kinds.Kind
	Spec kinds.ActionSpec
}

// Parse checks a request against its kind's declared actions and the
// action's own arguments.
func Parse(k *kinds.Kind, r model.ActionRequest) (Request, error) {
	spec, ok := k.Action(r.Action)
	if !ok {
		return Request{}, fmt.Errorf("%s do not allow the action %q", k.Label, r.Action)
	}
	if len(r.Names) == 0 || len(r.Names) > MaxObjects {
		return Request{}, fmt.Errorf("an action applies to 1 to %d objects, not %d", MaxObjects, len(r.Names))
	}
	if len(r.Names) > 1 && !spec.Bulk {
		return Request{}, fmt.Errorf("%s applies to one object at a time", spec.ID)
	}
	if k.Namespaced {
		if errs := validation.IsDNS1123Label(r.Namespace); len(errs) > 0 {
			return Request{}, fmt.Errorf("invalid namespace %q: %s", r.Namespace, errs[0])
		}
	} else if r.Namespace != "" {
		return Request{}, fmt.Errorf("%s are not namespaced", k.Label)
	}
	seen := map[string]bool{}
	for _, n := range r.Names {
		if n == "" || len(n) > 253 || seen[n] {
			return Request{}, fmt.Errorf("invalid or repeated name %q", n)
		}
		seen[n] = true
	}
	switch r.Action {
	case model.ActionScale:
		if r.Replicas < 0 || r.Replicas > 100000 {
			return Request{}, fmt.Errorf("invalid replica count %d", r.Replicas)
		}
	case model.ActionDelete:
		switch r.Propagation {
		case "":
			r.Propagation = model.PropagationBackground
		case model.PropagationBackground, model.PropagationForeground, model.PropagationOrphan:
		default:
			return Request{}, fmt.Errorf("invalid propagation %q", r.Propagation)
		}
		if r.GraceSeconds != nil && *r.GraceSeconds < 0 {
			return Request{}, fmt.Errorf("invalid grace period %d", r.GraceSeconds)
		}
	case model.ActionDrain:
		if r.Drain.GraceSeconds < -1 || r.Drain.TimeoutSeconds < 0 {
			return Request{}, errors.New("invalid drain grace period or timeout")
		}
	case model.ActionUndo:
		if r.Revision < 0 {
			return Request{}, fmt.Errorf("invalid revision %d", r.Revision)
		}
	}
	return Request{ActionRequest: r, Kind: k, Spec: spec}, nil
}

// Detail is the write's short, value-free description for the app log.
func (r Request) Detail() string {
	switch r.Action {
	case model.ActionScale:
		return "replicas " + strconv.Itoa(int(r.Replicas))
	case model.ActionDelete:
		d := "propagation " + r.Propagation
		if r.GraceSeconds != nil {
			d += ", grace " + strconv.FormatInt(*r.GraceSeconds, 10) + "s"
		}
		return d
	case model.ActionUndo:
		return "to revision " + strconv.FormatInt(r.Revision, 10)
	}
	return ""
}

// Verb is the write's verb in the app log.
func (r Request) Verb() string { return r.Action }

// resource is the dynamic client for the request's kind and namespace.
func (c Clients) resource(r Request) dynamic.ResourceInterface {
	ri := c.Dynamic.Resource(r.Kind.GVR)
	if r.Kind.Namespaced {
		return ri.Namespace(r.Namespace)
	}
	return ri
}

// review asks whether the user may do the action on one object.
func review(ctx context.Context, c Clients, r Request, name string) (access.Answer, error) {
	a := r.Kind.Info()
	var m model.Action
	for _, x := range a.Actions {
		if x.ID == r.Action {
			m = x
		}
	}
	act := access.Action{What: r.Spec.ID + " " + r.Kind.Label, Verb: m.Verb, Group: m.Group, Resource: m.Resource, Subresource: m.Subresource}
	target := name
	if m.Resource != r.Kind.GVR.Resource {
		target = "" // another resource: a drain's evictions, a run's Job
	}
	return access.ReviewObject(ctx, c.Kube, act, r.Namespace, target)
}

// dryRun are the options of a server dry-run.
var dryRun = []string{metav1.DryRunAll}

func opts(dry bool) []string {
	if dry {
		return dryRun
	}
	return nil
}

// Plan says what the action would do to each object without changing
// anything. An object that cannot be read or may not be acted on is in
// the plan with its reason; the error is for the plan as a whole.
func Plan(ctx context.Context, c Clients, r Request) (model.ActionPlan, error) {
	p := model.ActionPlan{Action: r.Action, Kind: string(r.Kind.ID), Namespace: r.Namespace}
	for _, name := range r.Names {
		o := model.ActionObject{Name: name}
		ans, err := review(ctx, c, r, name)
		if err != nil {
			return p, err
		}
		o.Allowed, o.Reason = ans.Allowed, ans.Denial()
		if !o.Allowed && p.Denied == "" {
			p.Denied = o.Reason
		}
		u, err := c.resource(r).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			o.Error = err.Error()
			p.Objects = append(p.Objects, o)
			continue
		}
		o.ResourceVersion, o.UID = u.GetResourceVersion(), string(u.GetUID())
		if err := planObject(ctx, c, r, u, &o, &p); err != nil {
			o.Error = err.Error()
		}
		p.Objects = append(p.Objects, o)
	}
	if p.Denied == "" && r.Action != model.ActionDrain && r.Action != model.ActionUndo {
		// The server's own check of the write, for an allowed object.
		for _, o := range p.Objects {
			if o.Error != "" {
				continue
			}
			if _, err := apply(ctx, c, r, o.Name, true); err != nil {
				p.DryRun = err.Error()
			}
			break
		}
	}
	p.Impact = append(p.Impact, impact(r, p)...)
	return p, nil
}

// planObject fills what the action changes on one object.
func planObject(ctx context.Context, c Clients, r Request, u *unstructured.Unstructured, o *model.ActionObject, p *model.ActionPlan) error {
	switch r.Action {
	case model.ActionScale:
		s, err := c.resource(r).Get(ctx, o.Name, metav1.GetOptions{}, "scale")
		if err != nil {
			return err
		}
		n, _, _ := unstructured.NestedInt64(s.Object, "spec", "replicas")
		o.Before, o.After = strconv.FormatInt(n, 10), strconv.Itoa(int(r.Replicas))
	case model.ActionCordon, model.ActionUncordon:
		v, _, _ := unstructured.NestedBool(u.Object, "spec", "unschedulable")
		o.Before, o.After = schedulable(!v), schedulable(r.Action == model.ActionUncordon)
	case model.ActionSuspend, model.ActionResume:
		v, _, _ := unstructured.NestedBool(u.Object, "spec", "suspend")
		o.Before, o.After = suspended(v), suspended(r.Action == model.ActionSuspend)
	case model.ActionDelete:
		if r.Propagation != model.PropagationOrphan {
			children, err := dependents(ctx, c, r.Kind, u, 200-len(p.Children))
			if err != nil {
				return err
			}
			p.Children = append(p.Children, children...)
		}
	case model.ActionRunNow:
		o.After = "job " + manualJobName(o.Name, "xxxxx")
	case model.ActionDrain:
		pods, budgets, err := planDrain(ctx, c, o.Name, r.Drain)
		if err != nil {
			return err
		}
		p.Pods, p.Budgets = pods, budgets
		v, _, _ := unstructured.NestedBool(u.Object, "spec", "unschedulable")
		o.Before, o.After = schedulable(!v), schedulable(false)
	case model.ActionUndo:
		revs, current, err := history(ctx, c, r.Namespace, o.Name)
		if err != nil {
			return err
		}
		p.Revisions = revs
		o.Before = strconv.FormatInt(current, 10)
		if to := undoTarget(revs, r.Revision); to != nil {
			o.After = strconv.FormatInt(to.Revision, 10)
		} else if len(revs) > 0 {
			return fmt.Errorf("no revision %d to return to", r.Revision)
		}
	}
	return nil
}

func schedulable(ok bool) string {
	if ok {
		return "schedulable"
	}
	return "unschedulable"
}

func suspended(s bool) string {
	if s {
		return "suspended"
	}
	return "scheduled"
}

// impact is the plan in words for the confirmation.
func impact(r Request, p model.ActionPlan) []string {
	var out []string
	for _, o := range p.Objects {
		if o.Before != "" && o.After != "" && o.Before != o.After {
			what := o.Name + ": "
			if r.Action == model.ActionScale {
				what += "replicas "
			}
			if r.Action == model.ActionUndo {
				what += "revision "
			}
			out = append(out, what+o.Before+" → "+o.After)
		} else if o.Before != "" && o.Before == o.After {
			out = append(out, o.Name+": already "+o.After)
		}
	}
	switch r.Action {
	case model.ActionRestart:
		out = append(out, "Every pod is replaced, following the update strategy.")
	case model.ActionDelete:
		switch r.Propagation {
		case model.PropagationForeground:
			out = append(out, fmt.Sprintf("Foreground: the objects stay until their %d dependents are deleted.", len(p.Children)))
		case model.PropagationBackground:
			if len(p.Children) > 0 {
				out = append(out, fmt.Sprintf("Background: %d dependents are deleted afterwards by the garbage collector.", len(p.Children)))
			}
		case model.PropagationOrphan:
			out = append(out, "Orphan: dependents are kept.")
		}
	case model.ActionRunNow:
		out = append(out, "Creates a Job from the CronJob's job template, owned by the CronJob.")
	case model.ActionDrain:
		n := 0
		for _, pod := range p.Pods {
			if pod.State == model.DrainPodPending || pod.State == model.DrainPodBlocked {
				n++
			}
		}
		out = append(out, fmt.Sprintf("Cordons the node, then evicts %d pods through the Eviction API (PodDisruptionBudgets respected).", n))
		for _, b := range p.Budgets {
			out = append(out, "Blocked now by PodDisruptionBudget "+b+".")
		}
	}
	return out
}

// Apply performs the action on one object (not a drain: see StartDrain).
// It returns what it created, if anything (a Job's name).
func Apply(ctx context.Context, c Clients, r Request, name string) (string, error) {
	if r.Action == model.ActionDrain {
		return "", errors.New("a drain is started with StartDrain")
	}
	return apply(ctx, c, r, name, false)
}

func apply(ctx context.Context, c Clients, r Request, name string, dry bool) (string, error) {
	switch r.Action {
	case model.ActionScale:
		return "", scale(ctx, c, r, name, dry)
	case model.ActionRestart:
		return "", restart(ctx, c, r, name, dry)
	case model.ActionDelete:
		return "", remove(ctx, c, r, name, dry)
	case model.ActionCordon, model.ActionUncordon:
		return "", patchBool(ctx, c, r, name, dry, "unschedulable", r.Action == model.ActionCordon)
	case model.ActionSuspend, model.ActionResume:
		return "", patchBool(ctx, c, r, name, dry, "suspend", r.Action == model.ActionSuspend)
	case model.ActionRunNow:
		return runNow(ctx, c, r.Namespace, name, dry)
	case model.ActionUndo:
		return "", undo(ctx, c, r, name, dry)
	}
	return "", fmt.Errorf("unknown action %q", r.Action)
}

// observed is what the plan showed of name before, "" when the page did
// not say.
func (r Request) observed(name string) string { return r.Observed[name] }

// changed is the error of an object no longer as the user saw it.
func changed(name, saw, now string) error {
	return fmt.Errorf("%s %w: it was %s, it is now %s; look at the new plan", name, ErrChanged, saw, now)
}

// IsChanged reports whether err is a "changed since you looked" refusal.
func IsChanged(err error) bool { return errors.Is(err, ErrChanged) }

// conflictRetries bounds the retries of a write whose object changed in a
// way the user did not see (a Deployment's status).
const conflictRetries = 5

// retryConflict runs write again while the API answers 409 Conflict.
func retryConflict(write func() error) error {
	var err error
	for range conflictRetries {
		if err = write(); !apierrors.IsConflict(err) {
			return err
		}
	}
	return err
}

func contains(xs []string, x string) bool { return slices.Contains(xs, x) }
