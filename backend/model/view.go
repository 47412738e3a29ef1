package model

// ViewSpec is what a table shows: a kind, a namespace ("" for all), a label
// selector, a text filter over the visible columns, and the sort.
type ViewSpec struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Selector  string `json:"selector"`
	Filter    string `json:"filter"`
	// SortBy is a column id: name, namespace, age, status, ready, restarts,
	// node, or a Cells key. Empty sorts by namespace, then name.
	SortBy string `json:"sortBy"`
	Desc   bool   `json:"desc"`
}

// ViewInfo answers OpenView and UpdateView.
type ViewInfo struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	Count      int    `json:"count"`
	// Synced is false while the kind's informer is still listing: the count
	// grows as objects arrive.
	Synced bool `json:"synced"`
}

// Window is a slice of a view's rows, as of Version.
type Window struct {
	ViewID     string `json:"viewId"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	Count      int    `json:"count"`
	Offset     int    `json:"offset"`
	Rows       []Row  `json:"rows"`
}

// ViewNotice is the payload of EventViewChanged: small on purpose; the UI
// refetches the window it shows.
type ViewNotice struct {
	ViewID     string `json:"viewId"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	Count      int    `json:"count"`
}

// Event names emitted to the frontend.
const (
	EventViewChanged   = "view:changed"
	EventSessionStatus = "session:status"
)
