package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"crowsnest/backend/kinds"
)

// ErrReadOnly is wrapped by the error of a write refused because the
// context, or the whole app, is read-only (Settings).
var ErrReadOnly = errors.New("read-only")

// Write is one change to the cluster the user asked for, as the read-only
// guard checks it and the app log records it: never a body or a value.
type Write struct {
	Verb      string // what is done: "scale", "delete", "apply", "cordon"...
	Kind      *kinds.Kind
	Namespace string
	Names     []string
	// Detail is a short, value-free description of the change for the log
	// ("replicas 1 -> 3", "propagation Foreground"); never a body.
	Detail string
}

// CheckWritable refuses a write when the session's context or the app is
// read-only (ErrReadOnly, with the reason). Bound methods that only
// preview (a server dry-run) do not call it; every real write goes
// through Do, which does.
func (s *Session) CheckWritable() error {
	if s.readOnly == nil {
		return nil
	}
	if why := s.readOnly(s.Context); why != "" {
		return fmt.Errorf("%w: %s", ErrReadOnly, why)
	}
	return nil
}

// Do performs one write: refused in a read-only context, otherwise run
// with the session's context and recorded in the app log (who, context,
// verb, object; whether it succeeded and the API's message if not). It
// is the one door of every write to the cluster.
func (s *Session) Do(w Write, write func(ctx context.Context) error) error {
	if err := s.CheckWritable(); err != nil {
		slog.Info("write refused", append(s.writeAttrs(w), "reason", err.Error())...)
		return err
	}
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return ErrStopped
	}
	err := write(s.ctx)
	if err != nil {
		err = s.plugins.Explain(err)
	}
	s.record(w, err)
	return err
}

// record writes a write's line in the app log: "write", or "write
// failed" with the API's message. Do records every write; the deletion
// of a node shell's pod, which undoes the session's own write outside
// Do, records itself here too.
func (s *Session) record(w Write, err error) {
	if err != nil {
		slog.Warn("write failed", append(s.writeAttrs(w), "error", err.Error())...)
		return
	}
	slog.Info("write", s.writeAttrs(w)...)
}

// writeAttrs are what the app log says of a write: never a body.
func (s *Session) writeAttrs(w Write) []any {
	kind := ""
	if w.Kind != nil {
		kind = string(w.Kind.ID)
	}
	attrs := []any{"context", s.Context, "user", s.User, "verb", w.Verb, "kind", kind, "namespace", w.Namespace, "names", w.Names}
	if w.Detail != "" {
		attrs = append(attrs, "detail", w.Detail)
	}
	return attrs
}
