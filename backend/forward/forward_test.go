package forward_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"k8s.io/apimachinery/pkg/util/httpstream"

	"crowsnest/backend/forward"
)

func podSpec(resolve forward.Resolver) forward.Spec {
	return forward.Spec{Kind: "pods", Namespace: "shop", Name: "web-0", Port: "8080", Resolve: resolve}
}

func toWeb0(context.Context) (forward.Target, error) {
	return forward.Target{Pod: "web-0", Port: 8080}, nil
}

// TestCloseDoesNotWaitForAHungDial: client-go's dialers take no context;
// a server that never answers the upgrade must not hold the registry's
// Close (the session's stop, the app's quit).
func TestCloseDoesNotWaitForAHungDial(t *testing.T) {
	defer goleak.VerifyNone(t)
	dialing, release := make(chan struct{}), make(chan struct{})
	dial := func(_, _ string) (httpstream.Connection, error) {
		close(dialing)
		<-release
		return nil, errors.New("connection refused")
	}
	reg := forward.NewRegistry(t.Context(), dial, "f", nil)
	started := make(chan error, 1)
	go func() {
		_, err := reg.Start(podSpec(toWeb0))
		started <- err
	}()
	<-dialing
	reg.Close()
	err := <-started
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, reg.List(), "a forward that did not start is not kept")
	close(release) // the dial returns; its goroutine ends
}

// TestStartFailsClearly: a forward whose pod cannot be resolved or dialed
// is not kept and says why; nothing listens afterwards.
func TestStartFailsClearly(t *testing.T) {
	defer goleak.VerifyNone(t)
	refused := errors.New(`pods "web-0" is forbidden`)
	reg := forward.NewRegistry(t.Context(), func(_, _ string) (httpstream.Connection, error) { return nil, refused }, "f", nil)
	defer reg.Close()

	_, err := reg.Start(podSpec(toWeb0))
	assert.ErrorIs(t, err, refused)
	_, err = reg.Start(podSpec(func(context.Context) (forward.Target, error) {
		return forward.Target{}, forward.ErrNoReadyPod
	}))
	assert.ErrorIs(t, err, forward.ErrNoReadyPod)
	_, err = reg.Start(forward.Spec{Kind: "pods", Namespace: "shop", Name: "web-0", Port: "8080", LocalPort: 70000, Resolve: toWeb0})
	assert.EqualError(t, err, "invalid local port 70000: 1 to 65535, or 0 for any free port")
	assert.Empty(t, reg.List())

	// A saved forward is listed stopped, and a restart that fails leaves
	// it listed in the error state with the reason.
	st, err := reg.Add(podSpec(toWeb0))
	require.NoError(t, err)
	assert.Equal(t, forward.Stopped, st.State)
	assert.Empty(t, st.Address)
	st, err = reg.Restart(st.ID)
	assert.ErrorIs(t, err, refused)
	assert.Equal(t, forward.Error, st.State)
	assert.Equal(t, refused.Error(), st.Message)
	_, err = reg.Stop("nope")
	assert.ErrorIs(t, err, forward.ErrNoForward)
}
