package model

// Row is one line of a resource table: the few fields a list shows, never
// the whole object (a pod row is a few hundred bytes). One shape serves every
// kind; columns that only some kinds have travel in Cells.
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
	// Complete, Ready, Bound, Active...).
	Status string `json:"status,omitempty"`
	// Health colours Status: one of HealthOK, HealthWarn, HealthError,
	// HealthNeutral.
	Health   string   `json:"health"`
	Ready    string   `json:"ready,omitempty"` // "x/y"
	Restarts int32    `json:"restarts,omitempty"`
	Node     string   `json:"node,omitempty"`
	Images   []string `json:"images,omitempty"`
	// Cells holds kind-specific columns by column id ("upToDate", "type",
	// "clusterIP", "schedule", "message", ...).
	Cells map[string]string `json:"cells,omitempty"`
}

// Health values of a Row.
const (
	HealthOK      = "ok"
	HealthWarn    = "warn"
	HealthError   = "error"
	HealthNeutral = "neutral"
)
