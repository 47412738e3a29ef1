package model

// Column value types: how a column's cells sort in Go and how the page
// formats and sizes them. Cells travel as text whatever the type.
const (
	// TypeText sorts as text.
	TypeText = "text"
	// TypeInteger sorts numerically: "3", "-1".
	TypeInteger = "integer"
	// TypeNumber sorts numerically: "0.25", "1e3".
	TypeNumber = "number"
	// TypeBoolean is "true" or "false".
	TypeBoolean = "boolean"
	// TypeQuantity is a resource quantity: "250m", "1Gi".
	TypeQuantity = "quantity"
	// TypeDuration is a Go duration ("1m30s"); the page shows it short ("90s").
	TypeDuration = "duration"
	// TypeTimestamp is a time in Unix seconds; the page shows the age ("5m").
	TypeTimestamp = "timestamp"
)

// Column is one column of a kind's table. A row's Cells hold one value per
// column of its kind, in the kind's column order.
type Column struct {
	// ID is unique within the kind; it is the view's SortBy. The columns
	// every kind shares are "name", "namespace" (namespaced kinds) and "age".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Type is one of the Type* constants.
	Type string `json:"type"`
	// Priority 0 is shown by default; higher only when the table is wide
	// (kubectl's -o wide) and in the details panel.
	Priority int `json:"priority,omitempty"`
	// Health marks the column that carries the row's status: the page
	// colours it by the row's Health.
	Health bool `json:"health,omitempty"`
	// Wide marks free text that deserves room (an event's message, hosts).
	Wide bool `json:"wide,omitempty"`
	// Description explains the column (a CRD printer column's description).
	Description string `json:"description,omitempty"`
	// Usage marks a cell measured by metrics.k8s.io rather than read from
	// the object: empty (shown "—") while there are no measurements.
	Usage bool `json:"usage,omitempty"`
}

// KindInfo is one kind the session can show: what the navigation, the
// palette and a table need to know of it. The page hard-codes no kind.
type KindInfo struct {
	// ID names the kind in every call: the plural resource for the kinds
	// Crowsnest knows ("pods"), "plural.group" for the others
	// ("certificates.cert-manager.io").
	ID string `json:"id"`
	// Kind is the API kind ("Pod"); Label the plural shown ("Pods").
	Kind  string `json:"kind"`
	Label string `json:"label"`
	// Nav is the navigation group ("Workloads", "Network", ..., "Custom
	// resources"); custom and other discovered kinds are listed under it by
	// their API group.
	Nav        string   `json:"nav"`
	APIGroup   string   `json:"apiGroup,omitempty"`
	Version    string   `json:"version"`
	Resource   string   `json:"resource"`
	Namespaced bool     `json:"namespaced"`
	ShortNames []string `json:"shortNames,omitempty"`
	Columns    []Column `json:"columns"`
	// SortBy and Desc are the sort a table of the kind starts with; empty
	// is namespace, then name.
	SortBy string `json:"sortBy,omitempty"`
	Desc   bool   `json:"desc,omitempty"`
	// Custom is set for kinds learnt from the server (CRDs, aggregated
	// APIs) rather than built in.
	Custom bool `json:"custom,omitempty"`
	// Unavailable, when set, says why the kind is listed but cannot be
	// shown (the API does not let it be listed and watched).
	Unavailable string `json:"unavailable,omitempty"`
	// Features the page offers on the kind's objects (FeatureLogs...).
	Features []string `json:"features,omitempty"`
	// Usage names the metrics.k8s.io resource ("pods", "nodes") whose
	// measurements fill the kind's usage columns and details chart;
	// SessionStatus.Metrics says its state.
	Usage string `json:"usage,omitempty"`
	// Actions the kind's objects allow, in menu order.
	Actions []Action `json:"actions,omitempty"`
	// Hidden, when set, names the objects the kind's table leaves out
	// unless the view asks for them (ViewSpec.ShowHidden): the page's toggle.
	Hidden string `json:"hidden,omitempty"`
}

// KindList answers Kinds: every kind of a session. Version grows whenever
// a kind appears, changes (a CRD's printer columns or served version) or
// goes; SessionStatus carries it, so the page asks again only then.
type KindList struct {
	Generation uint64     `json:"generation"`
	Version    uint64     `json:"version"`
	Kinds      []KindInfo `json:"kinds"`
}

// Table is a small table of facts in the details panel (a Role's rules, an
// HPA's metrics).
type Table struct {
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}
