package main

import (
	"errors"

	"crowsnest/backend/model"
	"crowsnest/backend/session"
)

// The bound methods of the change timeline: Changes views (windows and
// notices, as tables), an object's Timeline, and comparing or restoring
// the fields of an entry through the editor.

// OpenChanges opens a Changes view of the observed changes that match
// the filter, newest first; "changes:changed" notices name its id.
func (a *App) OpenChanges(filter model.ChangeFilter) (model.ChangeViewInfo, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ChangeViewInfo{}, err
	}
	return s.OpenChanges(filter)
}

// UpdateChanges changes a Changes view's filter.
func (a *App) UpdateChanges(id string, filter model.ChangeFilter) (model.ChangeViewInfo, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ChangeViewInfo{}, err
	}
	return s.UpdateChanges(id, filter)
}

// ChangesWindow returns a window of a Changes view (at most 100 entries).
func (a *App) ChangesWindow(id string, offset, limit int) (model.ChangeWindow, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ChangeWindow{}, err
	}
	return s.ChangesWindow(id, offset, limit)
}

// CloseChanges closes a Changes view.
func (a *App) CloseChanges(id string) {
	if s, err := a.board.Current(); err == nil {
		s.CloseChanges(id)
	}
}

// ChangeEntry returns one observed change with all its fields.
func (a *App) ChangeEntry(seq uint64) (model.ChangeEntry, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ChangeEntry{}, err
	}
	return s.ChangeEntry(seq)
}

// Timeline returns an object's observed changes and, for Deployments, its
// rollout revisions.
func (a *App) Timeline(kind, namespace, name string) (model.Timeline, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Timeline{}, err
	}
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return model.Timeline{}, err
	}
	return s.Timeline(k, ns, name)
}

// sessionOf is the current session if it is generation's: a change's
// sequence number means nothing in another session.
func (a *App) sessionOf(generation uint64) (*session.Session, error) {
	s, err := a.board.Current()
	if err != nil {
		return nil, err
	}
	if s.Generation != generation {
		return nil, errors.New("the context changed")
	}
	return s, nil
}

// CompareChange returns a change's fields with their values now.
func (a *App) CompareChange(generation, seq uint64) (model.ChangeCompare, error) {
	s, err := a.sessionOf(generation)
	if err != nil {
		return model.ChangeCompare{}, err
	}
	return s.CompareChange(seq)
}

// BeginRestore begins an edit whose text is the live object with a
// change's fields set back to their old values; the editor previews it
// (server dry-run) and applies it only after a confirmation.
func (a *App) BeginRestore(generation, seq uint64) (model.EditInfo, error) {
	s, err := a.sessionOf(generation)
	if err != nil {
		return model.EditInfo{}, err
	}
	return s.BeginRestore(seq)
}
