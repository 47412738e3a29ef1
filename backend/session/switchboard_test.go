package session_test

import (
	"context"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
)

// closedServerKubeconfig writes a kubeconfig with a context "closed", whose
// server is a loopback port nobody listens on (every request is refused at
// once), and a context "broken", whose cluster is missing.
func closedServerKubeconfig(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	server := "https://" + l.Addr().String()
	require.NoError(t, l.Close())
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: server, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "test-token-not-a-secret"}
	cfg.Contexts["closed"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.Contexts["broken"] = &clientcmdapi.Context{Cluster: "missing", AuthInfo: "u"}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, clientcmd.WriteToFile(*cfg, path))
	return path
}

// callingBack is an Emitter that asks the Switchboard, from inside Emit,
// which session is current, as the app's own handlers may: with the
// Switchboard's lock held while it emits, that would never return.
type callingBack struct {
	events.Recorder
	board func() *session.Switchboard

	mu      sync.Mutex
	current map[uint64]uint64 // status generation -> current session's generation (0: none)
}

func (e *callingBack) Emit(name string, payload any) {
	if st, ok := payload.(model.SessionStatus); ok {
		b := e.board()
		_ = b.Status()
		var gen uint64
		if s, err := b.Current(); err == nil {
			gen = s.Generation
		}
		e.mu.Lock()
		if _, seen := e.current[st.Generation]; !seen {
			e.current[st.Generation] = gen
		}
		e.mu.Unlock()
	}
	e.Recorder.Emit(name, payload)
}

// TestStatusEventsAfterUnlocking: the Switchboard emits status events
// without holding its lock, so an Emitter may call back into it; a new
// session's first status goes out once it is current and before its probe
// reports, and a context that cannot start reports its error.
func TestStatusEventsAfterUnlocking(t *testing.T) {
	path := closedServerKubeconfig(t)
	var b *session.Switchboard
	emit := &callingBack{board: func() *session.Switchboard { return b }, current: map[uint64]uint64{}}
	b = session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: emit, Paths: func() []string { return []string{path} },
	})
	switched := make(chan struct{})
	t.Cleanup(func() {
		select {
		case <-switched:
			b.Stop()
		default: // stuck holding the lock: Stop would wait for ever
		}
	})
	go func() {
		defer close(switched)
		st, err := b.Switch("closed")
		assert.NoError(t, err)
		assert.Equal(t, model.PhaseConnecting, st.Phase)
		_, err = b.Switch("broken")
		assert.ErrorContains(t, err, `"missing"`)
	}()
	select {
	case <-switched:
	case <-time.After(30 * time.Second):
		require.FailNow(t, "Switch did not return: an Emitter that calls back into the Switchboard is stuck")
	}

	var phases []string
	for _, e := range emit.Events() {
		if st, ok := e.Payload.(model.SessionStatus); ok && st.Generation == 1 {
			phases = append(phases, st.Phase)
		}
	}
	require.NotEmpty(t, phases)
	assert.Equal(t, model.PhaseConnecting, phases[0], "the first status of a session says connecting: %v", phases)
	emit.mu.Lock()
	defer emit.mu.Unlock()
	assert.Equal(t, uint64(1), emit.current[1], "a session's first status goes out once it is current")
	assert.Equal(t, uint64(0), emit.current[2], "a context that cannot start leaves no session")
	assert.Equal(t, model.PhaseError, b.Status().Phase)
	assert.Equal(t, uint64(2), b.Status().Generation)
}
