package model

// FeatureForward: the page offers port-forwards to the kind's objects
// (pods, and the pods of workloads and Services).
const FeatureForward = "forward"

// ForwardRequest asks for a port-forward to a pod, or to a Ready pod of a
// Service or workload.
type ForwardRequest struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Port is the remote port: a number or a port's name (a Service's
	// port for a Service, a container port otherwise).
	Port string `json:"port"`
	// LocalPort is the port on 127.0.0.1; 0 takes a free one.
	LocalPort int `json:"localPort,omitempty"`
}

// Port-forward states (Forward.State).
const (
	ForwardStarting     = "starting"
	ForwardActive       = "active"
	ForwardReconnecting = "reconnecting"
	ForwardError        = "error"
	ForwardStopped      = "stopped"
)

// Forward is a port-forward as the panel lists it.
type Forward struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	// Port is the remote port as asked; RemotePort the number it resolved
	// to on Pod, the pod connections go to now.
	Port       string `json:"port"`
	RemotePort int32  `json:"remotePort,omitempty"`
	Pod        string `json:"pod,omitempty"`
	// LocalPort is the port chosen (0: any); Address is 127.0.0.1:<port>
	// of the port listened on (last, or to be: the chosen one), "" for a
	// forward to any free port that never listened.
	LocalPort int    `json:"localPort,omitempty"`
	Address   string `json:"address,omitempty"`
	State     string `json:"state"`
	Message   string `json:"message,omitempty"`
	// Connections are open now; TotalConnections were accepted in all.
	// BytesIn came from the pod, BytesOut went to it.
	Connections      int64 `json:"connections"`
	TotalConnections int64 `json:"totalConnections"`
	BytesIn          int64 `json:"bytesIn"`
	BytesOut         int64 `json:"bytesOut"`
	// Saved forwards are restored (stopped) at the next connect to the
	// context.
	Saved bool `json:"saved,omitempty"`
}

// ForwardPort is a port the "Forward port" dialog offers for an object:
// a container port, or a Service's port.
type ForwardPort struct {
	// Port is what a ForwardRequest names: the port's name when it has
	// one, else its number.
	Port      string `json:"port"`
	Number    int32  `json:"number"`
	Name      string `json:"name,omitempty"`
	Container string `json:"container,omitempty"`
	// Target is a Service port's target port (a number or a name).
	Target string `json:"target,omitempty"`
}

// ForwardsNotice is the payload of EventForwardsChanged: the page reads
// the list again with Forwards.
type ForwardsNotice struct {
	Generation uint64 `json:"generation"`
}

// EventForwardsChanged says the session's port-forwards changed (state,
// connections or bytes); coalesced to ten a second.
const EventForwardsChanged = "forwards:changed"
