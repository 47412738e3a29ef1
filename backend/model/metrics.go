package model

// Metrics states (MetricsState.State).
const (
	MetricsAvailable    = "available"
	MetricsNotInstalled = "not-installed" // no metrics.k8s.io API on the server
	MetricsUnavailable  = "unavailable"   // its APIService is not Available; Message says why
	MetricsForbidden    = "forbidden"     // RBAC refuses; Message says what
)

// MetricsState is what the last poll of one metrics.k8s.io resource found.
// State is "" while nothing on screen has asked for it.
type MetricsState struct {
	State   string `json:"state,omitempty"`
	Message string `json:"message,omitempty"`
	// At is when measurements last arrived, Unix milliseconds.
	At int64 `json:"at,omitempty"`
}

// MetricsStatus is the session's view of metrics.k8s.io, per resource,
// said once in the page (above the table), never per cell.
type MetricsStatus struct {
	Pods  MetricsState `json:"pods"`
	Nodes MetricsState `json:"nodes"`
	// Version moves with every poll that brought measurements: a details
	// panel's chart reads the usage again.
	Version uint64 `json:"version"`
	// IntervalSeconds is the time between two polls while measurements
	// are shown.
	IntervalSeconds int `json:"intervalSeconds"`
}

// UsagePoint is one measurement: when (Unix milliseconds), CPU in
// millicores, memory (working set) in bytes.
type UsagePoint struct {
	T      int64 `json:"t"`
	CPU    int64 `json:"cpu"`
	Memory int64 `json:"memory"`
}

// UsageSeries is the measurements of one container (Name), or of the
// whole pod or node (Name "").
type UsageSeries struct {
	Name   string       `json:"name"`
	Points []UsagePoint `json:"points"`
}

// UsageHistory is what the details panel charts: the kept window of one
// pod (its total, then each container) or node (its total).
type UsageHistory struct {
	State  MetricsState  `json:"state"`
	Series []UsageSeries `json:"series"`
	// WindowSeconds is how far back measurements are kept.
	WindowSeconds int `json:"windowSeconds"`
}
