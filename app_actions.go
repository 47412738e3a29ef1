package main

import (
	"crowsnest/backend/model"
)

// PlanAction says what an action (scale, restart, delete, cordon, drain,
// suspend, run now, undo) would do to the objects named, changing
// nothing: whether RBAC allows it per object and why not, what changes
// (replicas before → after, the pods a drain evicts and the
// PodDisruptionBudgets that block it, the dependents a delete removes, a
// Deployment's revisions), and the server dry-run's answer.
func (a *App) PlanAction(req model.ActionRequest) (model.ActionPlan, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ActionPlan{}, err
	}
	return s.PlanAction(req)
}

// RunAction performs an action on each object named, each as one write
// (refused in a read-only context, recorded in the app log), and reports
// per object with the API's message as is. Observed carries what the
// plan showed, so that an object changed since is refused, not
// overwritten. A drain returns its id; "drain:changed" notices follow.
func (a *App) RunAction(req model.ActionRequest) (model.ActionResult, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ActionResult{}, err
	}
	return s.RunAction(req)
}

// DrainStatus is a drain's progress: each pod's eviction and the
// PodDisruptionBudget that blocks it, by name.
func (a *App) DrainStatus(id string) (model.DrainStatus, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.DrainStatus{}, err
	}
	return s.DrainStatus(id)
}

// CancelDrain stops a drain; the node stays cordoned.
func (a *App) CancelDrain(id string) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.CancelDrain(id)
}
