package model

// Row is one line of a resource table: the few fields a list shows, never
// the whole object (a pod row is a few hundred bytes). One shape serves every
// kind: the kind's columns travel in Cells.
type Row struct {
	// Key is "namespace/name", or "name" for cluster-scoped kinds.
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	UID       string `json:"uid"`
	// Created is the creation time in Unix seconds; the UI derives the age
	// so that it ticks without new data.
	Created int64             `json:"created"`
	Labels  map[string]string `json:"labels,omitempty"`
	// Status is the phase or a one-word summary (Running, CrashLoopBackOff,
	// Complete, Ready, Bound, Active...), for related rows and details.
	Status string `json:"status,omitempty"`
	// Health colours Status: one of HealthOK, HealthWarn, HealthError,
	// HealthNeutral.
	Health string `json:"health"`
	// Images are the containers' images (pods and workloads), for details.
	Images []string `json:"images,omitempty"`
	// Cells holds one value per column of the row's kind, in the kind's
	// column order (KindInfo.Columns), as text of the column's type.
	Cells []string `json:"cells"`
}

// Health values of a Row.
const (
	HealthOK      = "ok"
	HealthWarn    = "warn"
	HealthError   = "error"
	HealthNeutral = "neutral"
)
