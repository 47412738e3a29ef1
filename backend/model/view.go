package model

// ViewSpec is what a table shows: a kind, a namespace ("" for all), a label
// selector, a text filter over the visible columns, and the sort.
type ViewSpec struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Selector  string `json:"selector"`
	Filter    string `json:"filter"`
	// SortBy is the id of one of the kind's columns. Empty sorts by
	// namespace, then name.
	SortBy string `json:"sortBy"`
	Desc   bool   `json:"desc"`
	// ShowHidden shows the objects the kind hides by default
	// (KindInfo.Hidden: Helm's release Secrets among Secrets).
	ShowHidden bool `json:"showHidden,omitempty"`
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
	// Removed is set once the view's kind is no longer served (its CRD was
	// deleted): the view is empty and asks the server for nothing more.
	Removed bool `json:"removed,omitempty"`
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
	// Removed: see ViewInfo.
	Removed bool `json:"removed,omitempty"`
}

// ObjectNotice is the payload of EventObjectChanged: the object a details
// panel follows changed, or the events about it or its dependents did; the
// page asks for its details again. Gone is set when the object was deleted.
type ObjectNotice struct {
	WatchID    string `json:"watchId"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	Gone       bool   `json:"gone,omitempty"`
}

// Event names emitted to the frontend.
const (
	EventViewChanged   = "view:changed"
	EventSessionStatus = "session:status"
	EventObjectChanged = "object:changed"
)
