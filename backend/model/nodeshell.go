package model

// FeatureNodeShell: the page offers a node shell on the kind's objects
// (nodes), when the settings enable it for the context.
const FeatureNodeShell = "nodeshell"

// NodeShellPlan is the pod a node shell would create, shown to the user
// before anything is created: every field is read from that pod, and the
// server has accepted it in a dry run. OpenNodeShell with its ID creates
// exactly this pod.
type NodeShellPlan struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	Context    string `json:"context"`
	// User is who the API server says the user is ("" if it did not say).
	User      string `json:"user,omitempty"`
	Node      string `json:"node"`
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	Image     string `json:"image"`
	// The pod's privileges on the node.
	Privileged  bool `json:"privileged"`
	HostPID     bool `json:"hostPID"`
	HostNetwork bool `json:"hostNetwork"`
	HostIPC     bool `json:"hostIPC"`
	// Tolerations says which taints the pod tolerates ("every taint").
	Tolerations string `json:"tolerations"`
	// Command is the pod's own command (it keeps the pod running); Shell
	// is what the terminal runs in it.
	Command     []string          `json:"command"`
	Shell       []string          `json:"shell"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	// YAML is the pod as it is sent (a few KB).
	YAML string `json:"yaml"`
	// Warnings are what the server said of the dry run (a Pod Security
	// warning, a deprecated field).
	Warnings []string `json:"warnings,omitempty"`
}

// NodeShellPod is a node shell pod found in the cluster that no terminal
// of this session holds: left behind by an app that crashed or lost its
// connection, or opened by another app.
type NodeShellPod struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Node      string `json:"node"`
	Phase     string `json:"phase"`
	// Created is the pod's creation time, Unix seconds.
	Created int64 `json:"created"`
	// OpenedBy and Session are the pod's annotations: who opened it, from
	// which app and context.
	OpenedBy string `json:"openedBy,omitempty"`
	Session  string `json:"session,omitempty"`
	// Deleting: the pod is being deleted already.
	Deleting bool `json:"deleting,omitempty"`
}

// NodeShellLeftovers lists the node shell pods of the cluster that no
// terminal of this session holds.
type NodeShellLeftovers struct {
	Generation uint64         `json:"generation"`
	Pods       []NodeShellPod `json:"pods"`
	// Scope is where they were looked for: "all namespaces", or the one
	// namespace the user may list pods in.
	Scope string `json:"scope"`
	// More: there are more than Pods lists.
	More bool `json:"more,omitempty"`
}
