package model

// Action ids: what the page may offer on an object, as its kind declares
// (KindInfo.Actions).
const (
	ActionScale    = "scale"
	ActionRestart  = "restart"
	ActionDelete   = "delete"
	ActionCordon   = "cordon"
	ActionUncordon = "uncordon"
	ActionDrain    = "drain"
	ActionSuspend  = "suspend"
	ActionResume   = "resume"
	ActionRunNow   = "run"
	ActionUndo     = "undo"
)

// Action is one action a kind allows, with the request it is authorized
// as (the page asks Can for Verb on the kind; PlanAction asks per object
// with the subresource).
type Action struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Verb, Resource and Subresource are what RBAC must allow
	// ("update", "deployments", "scale"). Resource may name another kind's
	// resource than the action's target (a drain creates pods/eviction).
	Verb        string `json:"verb"`
	Group       string `json:"group,omitempty"`
	Resource    string `json:"resource"`
	Subresource string `json:"subresource,omitempty"`
	// Bulk: the action may apply to several selected objects at once.
	Bulk bool `json:"bulk,omitempty"`
	// Danger: it removes or disrupts (delete, drain); the page styles it so.
	Danger bool `json:"danger,omitempty"`
	// ConfirmName: the confirmation asks for the object's name to be
	// typed (deleting a Namespace or a Node). Any action on several
	// objects asks for their count.
	ConfirmName bool `json:"confirmName,omitempty"`
}

// Delete propagation policies (metav1.DeletionPropagation).
const (
	PropagationBackground = "Background"
	PropagationForeground = "Foreground"
	PropagationOrphan     = "Orphan"
)

// ActionRequest asks for an action on one or more objects of one kind in
// one namespace. Fields beyond the target are read by the actions they
// belong to.
type ActionRequest struct {
	Action    string   `json:"action"`
	Kind      string   `json:"kind"`
	Namespace string   `json:"namespace"`
	Names     []string `json:"names"`
	// Replicas is a scale's new count.
	Replicas int32 `json:"replicas,omitempty"`
	// Propagation is a delete's (PropagationBackground by default) and
	// GraceSeconds its grace period (unset: the object's default).
	Propagation  string `json:"propagation,omitempty"`
	GraceSeconds *int64 `json:"graceSeconds,omitempty"`
	// Revision is the Deployment revision an undo returns to (0: the one
	// before the current).
	Revision int64 `json:"revision,omitempty"`
	// Drain holds a drain's options.
	Drain DrainOptions `json:"drain"`
	// Observed is what the plan showed of each object before the action
	// (ActionObject.Before), by name: a run refuses an object whose value
	// changed since (ErrChanged), so what was confirmed is what happens.
	Observed map[string]string `json:"observed,omitempty"`
	// UIDs are the plan's objects' UIDs (ActionObject.UID), by name: a
	// delete is sent with a UID precondition, and refused (ErrChanged) for
	// an object that is another one now.
	UIDs map[string]string `json:"uids,omitempty"`
}

// DrainOptions are kubectl drain's, plus what to do when a
// PodDisruptionBudget blocks an eviction.
type DrainOptions struct {
	IgnoreDaemonSets bool `json:"ignoreDaemonSets"`
	DeleteEmptyDir   bool `json:"deleteEmptyDir"`
	// Force evicts pods no controller manages (they are not recreated).
	Force bool `json:"force"`
	// GraceSeconds overrides the pods' grace period (-1: theirs).
	GraceSeconds int64 `json:"graceSeconds"`
	// TimeoutSeconds bounds the whole drain (0: no bound).
	TimeoutSeconds int64 `json:"timeoutSeconds"`
	// WaitOnBudget keeps retrying an eviction a PodDisruptionBudget
	// refuses until it allows it (or the timeout); otherwise the drain
	// stops at the first such refusal, naming the budget.
	WaitOnBudget bool `json:"waitOnBudget"`
}

// ActionPlan is what an action would do, computed without changing
// anything: per object whether it is allowed and what changes, the
// impact in words, and the server dry-run's answer.
type ActionPlan struct {
	Action    string         `json:"action"`
	Kind      string         `json:"kind"`
	Namespace string         `json:"namespace"`
	Objects   []ActionObject `json:"objects"`
	// Impact lines for the confirmation ("replicas 1 → 3").
	Impact []string `json:"impact,omitempty"`
	// Children a foreground delete removes first (kind/name), at most 200.
	Children []string `json:"children,omitempty"`
	// Pods a drain would evict, skip or refuse, and Budgets the
	// PodDisruptionBudgets that would block an eviction now.
	Pods    []DrainPod `json:"pods,omitempty"`
	Budgets []string   `json:"budgets,omitempty"`
	// Revisions of a Deployment (undo), newest first.
	Revisions []Revision `json:"revisions,omitempty"`
	// Denied is why the action cannot run on at least one object (RBAC,
	// read-only), "" when it can run on all.
	Denied string `json:"denied,omitempty"`
	// DryRun is the server dry-run's refusal, "" when it passed or the
	// action has none.
	DryRun string `json:"dryRun,omitempty"`
}

// ActionObject is one object of a plan.
type ActionObject struct {
	Name            string `json:"name"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	// UID is the object's UID when planned: a delete sends it back
	// (ActionRequest.UIDs) so that an object deleted and created again
	// under the same name since is not deleted unseen.
	UID     string `json:"uid,omitempty"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
	// Before and After say what the action changes ("1" → "3").
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Error is why the object cannot be planned (not found).
	Error string `json:"error,omitempty"`
}

// ActionResult is what a run did, per object, in the request's order.
type ActionResult struct {
	Objects []ActionOutcome `json:"objects"`
	// Drain is the id of a drain started (DrainStatus, drain:changed).
	Drain string `json:"drain,omitempty"`
}

// ActionOutcome is one object's result: Error is the API's message
// (or the read-only reason) as is; Created names what it created (a Job).
type ActionOutcome struct {
	Name    string `json:"name"`
	Error   string `json:"error,omitempty"`
	Created string `json:"created,omitempty"`
	// Changed is set when the object changed since the plan (the user
	// should look again).
	Changed bool `json:"changed,omitempty"`
}

// Pod states in a drain.
const (
	DrainPodPending = "pending" // to be evicted
	DrainPodSkipped = "skipped" // a DaemonSet's or mirror pod, left
	DrainPodRefused = "refused" // the options do not allow it (emptyDir, unmanaged)
	DrainPodBlocked = "blocked" // a PodDisruptionBudget refuses its eviction now
	DrainPodEvicted = "evicted" // eviction accepted, pod terminating
	DrainPodGone    = "gone"    // the pod is deleted
	DrainPodFailed  = "failed"  // the eviction failed otherwise
)

// DrainPod is one pod of a node being drained.
type DrainPod struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	State     string `json:"state"`
	// Reason says why it is skipped, refused, blocked or failed; Budget
	// names the PodDisruptionBudget that blocks it.
	Reason string `json:"reason,omitempty"`
	Budget string `json:"budget,omitempty"`
}

// Drain states.
const (
	DrainRunning   = "running"
	DrainDone      = "done"
	DrainFailed    = "failed"
	DrainCancelled = "cancelled"
)

// DrainStatus is a drain's progress (DrainStatus, after a drain:changed
// notice).
type DrainStatus struct {
	ID         string     `json:"id"`
	Generation uint64     `json:"generation"`
	Node       string     `json:"node"`
	State      string     `json:"state"`
	Message    string     `json:"message,omitempty"`
	Pods       []DrainPod `json:"pods"`
	Version    uint64     `json:"version"`
}

// EventDrainChanged carries a DrainNotice when a drain's status changed.
const EventDrainChanged = "drain:changed"

// DrainNotice says a drain's status changed; the page asks DrainStatus.
type DrainNotice struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
}

// Revision is one rollout revision of a Deployment: its ReplicaSet and
// the diff of its pod template against the current one.
type Revision struct {
	Revision    int64    `json:"revision"`
	ReplicaSet  string   `json:"replicaSet"`
	Created     int64    `json:"created"`
	Images      []string `json:"images,omitempty"`
	ChangeCause string   `json:"changeCause,omitempty"`
	Current     bool     `json:"current,omitempty"`
	// Diff is a unified diff of the current template (---) against this
	// revision's (+++), empty for the current one.
	Diff string `json:"diff,omitempty"`
}
