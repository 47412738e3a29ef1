package kinds

import "crowsnest/backend/model"

// ActionSpec is one action a kind declares: how the page names it and
// what RBAC must allow. Resource "" is the kind's own resource.
type ActionSpec struct {
	ID, Title                          string
	Verb, Group, Resource, Subresource string
	Bulk, Danger, ConfirmName          bool
}

// The actions, as kinds declare them. Only the kinds that list an action
// offer it; the backend refuses an action its kind does not declare.
var (
	ActScale   = ActionSpec{ID: model.ActionScale, Title: "Scale…", Verb: "update", Subresource: "scale", Bulk: true}
	ActRestart = ActionSpec{ID: model.ActionRestart, Title: "Restart", Verb: "patch", Bulk: true}
	ActUndo    = ActionSpec{ID: model.ActionUndo, Title: "Rollout history…", Verb: "patch"}
	ActDelete  = ActionSpec{ID: model.ActionDelete, Title: "Delete…", Verb: "delete", Bulk: true, Danger: true}
	// ActDeleteNamed is delete for kinds whose loss takes much with it
	// (a Namespace, a Node): the user types the name to confirm.
	ActDeleteNamed = ActionSpec{ID: model.ActionDelete, Title: "Delete…", Verb: "delete", Bulk: true, Danger: true, ConfirmName: true}
	ActCordon      = ActionSpec{ID: model.ActionCordon, Title: "Cordon", Verb: "patch", Bulk: true}
	ActUncordon    = ActionSpec{ID: model.ActionUncordon, Title: "Uncordon", Verb: "patch", Bulk: true}
	// A drain cordons the node, then creates an eviction per pod.
	ActDrain   = ActionSpec{ID: model.ActionDrain, Title: "Drain…", Verb: "create", Resource: "pods", Subresource: "eviction", Danger: true}
	ActSuspend = ActionSpec{ID: model.ActionSuspend, Title: "Suspend", Verb: "patch", Bulk: true}
	ActResume  = ActionSpec{ID: model.ActionResume, Title: "Resume", Verb: "patch", Bulk: true}
	// Run now creates a Job from the CronJob's template.
	ActRunNow = ActionSpec{ID: model.ActionRunNow, Title: "Run now", Verb: "create", Group: "batch", Resource: "jobs"}
)

// Action returns the kind's declaration of action id, if it declares it.
func (k *Kind) Action(id string) (ActionSpec, bool) {
	for _, a := range k.Actions {
		if a.ID == id {
			return a, true
		}
	}
	return ActionSpec{}, false
}

// info is the action as the page sees it, its resource filled in.
func (a ActionSpec) info(k *Kind) model.Action {
	m := model.Action{ID: a.ID, Title: a.Title, Verb: a.Verb, Group: a.Group, Resource: a.Resource,
		Subresource: a.Subresource, Bulk: a.Bulk, Danger: a.Danger, ConfirmName: a.ConfirmName}
	if m.Resource == "" {
		m.Group, m.Resource = k.GVR.Group, k.GVR.Resource
	}
	return m
}

// withDelete adds delete, which every kind allows, after the kind's own
// actions.
func withDelete(as []ActionSpec) []ActionSpec {
	for _, a := range as {
		if a.ID == model.ActionDelete {
			return as
		}
	}
	return append(as, ActDelete)
}
