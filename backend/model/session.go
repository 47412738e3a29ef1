package model

// Session phases.
const (
	PhaseIdle       = "idle"       // no context chosen
	PhaseConnecting = "connecting" // reaching the API server
	PhaseConnected  = "connected"  // the server answered; kinds sync as views need them
	PhaseError      = "error"      // the context cannot be used or reached; Message says why
	// PhaseReconnecting: the server was reached, then a watch lost it; the
	// cache is kept but stale since StaleSince while the session probes.
	PhaseReconnecting = "reconnecting"
)

// KindStatus is the sync state of one kind the session has started
// (asked for by a view, a details panel or a query).
type KindStatus struct {
	Kind  string `json:"kind"`
	State string `json:"state"` // syncing, synced, error, forbidden
	Error string `json:"error,omitempty"`
	Count int    `json:"count"`
	// NamespaceCount is the count in the status's Namespace, for a
	// namespaced kind while the user looks at one namespace.
	NamespaceCount int `json:"namespaceCount,omitempty"`
	// Namespaces is set when the user may not list the kind cluster-wide:
	// the namespaces it is cached for.
	Namespaces []string `json:"namespaces,omitempty"`
}

// SessionStatus is the payload of EventSessionStatus and of Status().
type SessionStatus struct {
	Generation uint64       `json:"generation"`
	Context    string       `json:"context"`
	Server     string       `json:"server,omitempty"`
	Phase      string       `json:"phase"`
	Message    string       `json:"message,omitempty"`
	Kinds      []KindStatus `json:"kinds"`
	// KindsVersion is the version of the session's KindList: when it
	// changes, the page asks for the kinds again.
	KindsVersion uint64 `json:"kindsVersion"`
	// Namespace is the namespace the user looks at ("" for all), which
	// the kinds' NamespaceCount counts.
	Namespace string `json:"namespace,omitempty"`
	// Watches is the number of watches the session holds: one per started
	// kind, or one per namespace for a kind allowed only in some.
	Watches int `json:"watches"`
	// LastChange is when a cached object last changed, in Unix milliseconds.
	LastChange int64 `json:"lastChange,omitempty"`
	// StaleSince is when the server was last known reachable, in Unix
	// milliseconds, while the phase is reconnecting (or error after the
	// session had connected); 0 otherwise.
	StaleSince int64 `json:"staleSince,omitempty"`
	// Metrics is the state of metrics.k8s.io (usage columns and charts).
	Metrics MetricsStatus `json:"metrics"`
}

// ContextInfo is one kubeconfig context for the context picker.
type ContextInfo struct {
	Name      string   `json:"name"`
	Cluster   string   `json:"cluster"`
	Server    string   `json:"server"`
	User      string   `json:"user"`
	Namespace string   `json:"namespace"`
	Current   bool     `json:"current"`
	Valid     bool     `json:"valid"`
	Problems  []string `json:"problems,omitempty"`
	// ExecCommand names the credential plugin a connection would run; it
	// is never run by listing contexts.
	ExecCommand string `json:"execCommand,omitempty"`
	File        string `json:"file"`
}

// Details is the details panel of one object: its row, the events about
// it and the objects related to it. The YAML is fetched separately.
type Details struct {
	Row         Row               `json:"row"`
	Annotations map[string]string `json:"annotations,omitempty"`
	// Summary is the kind's key facts in display order (a Pod's IP, QoS
	// class and service account; a Service's type, cluster IP and ports...).
	Summary []Field `json:"summary"`
	// Tables are the kind's facts that read best as tables (a Role's
	// rules, an HPA's metrics, a NetworkPolicy's peers).
	Tables     []Table     `json:"tables,omitempty"`
	Conditions []Condition `json:"conditions"`
	Containers []Container `json:"containers"`
	Events     []Event     `json:"events"`
	// Related are the owners, dependents and other objects this one names
	// or is named by, as rows of their own kinds.
	Related []Row `json:"related"`
	// SecretKeys lists a Secret's keys and value sizes, never the values;
	// one value is shown only when the user asks (RevealSecretValue).
	SecretKeys []SecretKey `json:"secretKeys,omitempty"`
}

// Event is one Kubernetes Event about an object, newest last seen first.
type Event struct {
	Type    string `json:"type"` // Normal, Warning
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Count   int32  `json:"count"`
	// LastSeen is in Unix seconds.
	LastSeen int64  `json:"lastSeen"`
	Source   string `json:"source,omitempty"`
}

// SecretKey is one key of a Secret and the size of its value in bytes.
type SecretKey struct {
	Key  string `json:"key"`
	Size int    `json:"size"`
}

// SecretValue is one revealed Secret value. Base64 is set when the value is
// not UTF-8 text and Value holds it base64-encoded.
type SecretValue struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Base64 bool   `json:"base64,omitempty"`
}

// Permission answers whether the user may do something, and if not, why.
type Permission struct {
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
}

// Field is one labelled fact of the details summary.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Condition is one entry of an object's status.conditions.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"` // True, False, Unknown
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// LastTransition is in Unix seconds; 0 when unknown.
	LastTransition int64 `json:"lastTransition,omitempty"`
}

// Container is one container of a Pod or of a workload's pod template.
type Container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
	Init  bool   `json:"init,omitempty"`
	// Ephemeral is a container added to a running pod (kubectl debug).
	Ephemeral bool     `json:"ephemeral,omitempty"`
	Ready     bool     `json:"ready"`
	State     string   `json:"state,omitempty"` // Running, Waiting: CrashLoopBackOff, Terminated: Completed...
	Restarts  int32    `json:"restarts,omitempty"`
	Ports     []string `json:"ports,omitempty"` // "8080/TCP (http)"
}
