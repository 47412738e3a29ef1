// Package model holds the wire types the frontend sees: small, typed
// projections, never whole API objects.
package model

// About describes the running build and where it reads kubeconfig from.
type About struct {
	Version         string   `json:"version"`
	KubeconfigFiles []string `json:"kubeconfigFiles"`
}
