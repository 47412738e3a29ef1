// Package forward runs port-forwards to pods through the API server, the
// way `kubectl port-forward` does, built so that they do not die silently.
//
// A Forward owns a TCP listener on 127.0.0.1 (never another address) and
// one tunnel (an httpstream connection: WebSocket, falling back to SPDY) to
// the pod it forwards to now. Each accepted connection becomes a pair of
// streams on that tunnel; the bytes and connections are counted.
//
// A Forward does not watch the cluster: whoever owns it (the session) tells
// it through Lost when the pod behind it goes away. A forward of a Service
// or workload (Spec.Movable) then resolves another Ready pod and moves its
// tunnel there, keeping its listener (connections in progress break); a
// forward of one pod goes to the error state and closes its listener.
//
// A Registry holds the forwards of one session; Close stops them all and
// returns when none of their goroutines is left.
package forward
