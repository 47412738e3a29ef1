package main

import (
	"errors"

	"crowsnest/backend/model"
)

// The bound methods of editing and applying YAML. The texts themselves
// (the object to edit, previews with their diffs) are larger than a
// bound call's result should be and travel through the edit handler
// (session.EditHandler); these calls carry ids, tokens and results.

// BeginEdit begins an edit of an object from its live state: the answer's
// resourceVersion is what the update will carry. Its text is read from
// session.EditTextPath, previews are posted to session.EditPreviewPath.
func (a *App) BeginEdit(kind, namespace, name string) (model.EditInfo, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.EditInfo{}, err
	}
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return model.EditInfo{}, err
	}
	return s.BeginEdit(k, ns, name)
}

// ApplyEdit applies the text of an edit whose preview answered token,
// exactly as previewed, with the edit's resourceVersion. If the object
// changed meanwhile nothing is written: the answer is "rebased" (the
// edit's text is now the merge; preview it again).
func (a *App) ApplyEdit(id, token string) (model.EditResult, error) {
	if len(id) > 64 || len(token) > 64 {
		return model.EditResult{}, errors.New("invalid edit id or token")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.EditResult{}, err
	}
	return s.ApplyEdit(id, token)
}

// EndEdit forgets an edit (the editor closed).
func (a *App) EndEdit(id string) {
	if s, err := a.board.Current(); err == nil {
		s.EndEdit(id)
	}
}

// ApplyYAML applies the documents of a text whose preview (posted to
// session.ApplyPreviewPath) answered token, exactly as previewed: each a
// server-side apply with the field manager "crowsnest". Without force,
// fields another manager owns come back as conflicts; force takes them
// over. indexes, when not empty, limits it to those documents.
func (a *App) ApplyYAML(token string, force bool, indexes []int) ([]model.ApplyResult, error) {
	if len(token) > 64 || len(indexes) > 1000 {
		return nil, errors.New("invalid apply token or documents")
	}
	s, err := a.board.Current()
	if err != nil {
		return nil, err
	}
	return s.ApplyYAML(token, force, indexes)
}
