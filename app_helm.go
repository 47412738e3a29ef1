package main

import "crowsnest/backend/model"

// App's bound methods of Helm releases. A release's manifest is fetched
// from session.HelmManifestPath; these calls carry its history, the places
// of its values and one value at a time.

// HelmRelease reads a release's history, values (their places, never
// their values), notes and resources from its Secrets now.
func (a *App) HelmRelease(namespace, name string) (model.HelmRelease, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.HelmRelease{}, err
	}
	return s.HelmRelease(namespace, name)
}

// RevealHelmValue shows one value of a release's revision, the
// user-supplied one or (computed) the one the chart was rendered with, on
// the user's explicit request: read now, never cached or logged.
func (a *App) RevealHelmValue(namespace, name string, revision int, computed bool, path []string) (string, error) {
	s, err := a.board.Current()
	if err != nil {
		return "", err
	}
	if len(path) > 64 {
		path = path[:64]
	}
	return s.RevealHelmValue(namespace, name, revision, computed, path)
}
