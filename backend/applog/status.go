package applog

import (
	"log/slog"
	"sync"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
)

// SessionLog turns the stream of session status events into log lines for
// what changed: a session's phase (connecting, connected, error) and each
// kind's sync state. The lines are stable, so a test (or a user reading a
// bug report) can tell from the log that the app connected and synced:
//
//	msg="session connected" generation=1 context=demo-admin server=https://127.0.0.1:6443
//	msg="kind synced" generation=1 context=demo-admin kind=namespaces count=8
//
// Observe may be called from any goroutine.
type SessionLog struct {
	log *slog.Logger

	mu    sync.Mutex
	gen   uint64
	phase string
	kinds map[string]string
}

// NewSessionLog logs to log.
func NewSessionLog(log *slog.Logger) *SessionLog {
	return &SessionLog{log: log, kinds: map[string]string{}}
}

// Observe logs what changed since the last status.
func (l *SessionLog) Observe(st model.SessionStatus) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st.Generation < l.gen {
		return // a late event of a session already replaced
	}
	if st.Generation != l.gen {
		l.gen, l.phase, l.kinds = st.Generation, "", map[string]string{}
	}
	attrs := []any{"generation", st.Generation, "context", st.Context}
	if st.Phase != l.phase {
		l.phase = st.Phase
		switch st.Phase {
		case model.PhaseConnected:
			l.log.Info("session connected", append(attrs, "server", st.Server)...)
		case model.PhaseError:
			l.log.Error("session failed", append(attrs, "server", st.Server, "error", st.Message)...)
		default:
			l.log.Info("session "+st.Phase, append(attrs, "server", st.Server)...)
		}
	}
	for _, k := range st.Kinds {
		if l.kinds[k.Kind] == k.State {
			continue
		}
		l.kinds[k.Kind] = k.State
		switch k.State {
		case "pending":
		case "synced":
			l.log.Info("kind synced", append(attrs, "kind", k.Kind, "count", k.Count)...)
		case "error":
			l.log.Warn("kind failed", append(attrs, "kind", k.Kind, "error", k.Error)...)
		default:
			l.log.Info("kind "+k.State, append(attrs, "kind", k.Kind)...)
		}
	}
}

// Emitter returns an events.Emitter that passes every event on to next and
// logs session status events through l.
func (l *SessionLog) Emitter(next events.Emitter) events.Emitter {
	return statusEmitter{next: next, log: l}
}

type statusEmitter struct {
	next events.Emitter
	log  *SessionLog
}

func (e statusEmitter) Emit(name string, payload any) {
	if st, ok := payload.(model.SessionStatus); ok && name == model.EventSessionStatus {
		e.log.Observe(st)
	}
	e.next.Emit(name, payload)
}
