package session_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// terminalOutput is the output events of a terminal so far, joined.
func terminalOutput(evs []events.Recorded, id string) string {
	var b strings.Builder
	for _, e := range evs {
		if o, ok := e.Payload.(model.TerminalOutput); ok && e.Name == model.EventTerminalOutput && o.ID == id {
			b.WriteString(o.Data)
		}
	}
	return b.String()
}

// pageAcks acknowledges every terminal output as it is recorded, as the
// page does once xterm.js has written it, until the test ends.
func pageAcks(t *testing.T, s *session.Session, rec *events.Recorder) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		acked := map[string]uint64{}
		_ = rec.WaitFor(t.Context(), func(evs []events.Recorded) bool {
			for _, e := range evs {
				if o, ok := e.Payload.(model.TerminalOutput); ok && o.Seq > acked[o.ID] {
					acked[o.ID] = o.Seq
					_ = s.AckTerminal(o.ID, o.Seq)
				}
			}
			return false
		})
	}()
	t.Cleanup(func() { <-done })
}

func waitTerminal(t *testing.T, rec *events.Recorder, what string, pred func([]events.Recorded) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, rec.WaitFor(ctx, pred), "waiting for %s", what)
}

// TestTerminalThroughTheSession: a terminal opens in the pod's default
// container, takes input and a resize, sends its output as events and
// its end as one event after the output.
func TestTerminalThroughTheSession(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "term", map[string]string{session.DefaultContainerAnnotation: "envoy"}))
	_, rec, s := connectedDemo(t, env)
	pageAcks(t, s, rec)

	p, err := s.CanExec(ns)
	require.NoError(t, err)
	assert.True(t, p.Allowed)

	info, err := s.OpenTerminal(model.TerminalTarget{Namespace: ns, Pod: pod.Name, Cols: 100, Rows: 30})
	require.NoError(t, err)
	assert.Equal(t, "envoy", info.Container, "the default-container annotation")
	assert.Equal(t, []string{"app", "envoy"}, info.Containers)
	assert.Equal(t, s.Generation, info.Generation)

	require.NoError(t, s.TerminalInput(info.ID, "echo \"hel\"\"lo\"; stty size\n"))
	waitTerminal(t, rec, "hello", func(evs []events.Recorded) bool {
		return strings.Contains(terminalOutput(evs, info.ID), "hello\r\n30 100\r\n")
	})
	require.NoError(t, s.ResizeTerminal(info.ID, 90, 20))
	assert.Error(t, s.ResizeTerminal(info.ID, 0, 20))
	require.Eventually(t, func() bool {
		require.NoError(t, s.TerminalInput(info.ID, "stty size\n"))
		return strings.Contains(terminalOutput(rec.Events(), info.ID), "20 90\r\n")
	}, 30*time.Second, 200*time.Millisecond)

	require.NoError(t, s.TerminalInput(info.ID, "exit 0\n"))
	var ended model.TerminalEnded
	waitTerminal(t, rec, "the end", func(evs []events.Recorded) bool {
		for _, e := range evs {
			if x, ok := e.Payload.(model.TerminalEnded); ok && x.ID == info.ID {
				ended = x
				return true
			}
		}
		return false
	})
	assert.Equal(t, model.TerminalEnded{ID: info.ID, Generation: s.Generation, Exited: true}, ended)
	// Nothing of the terminal follows its end.
	evs := rec.Events()
	assert.Equal(t, model.EventTerminalEnded, evs[len(evs)-1].Name)
	assert.Error(t, s.TerminalInput(info.ID, "x"), "an ended terminal takes no input")
	require.NoError(t, s.CloseTerminal(info.ID))
	assert.ErrorIs(t, s.CloseTerminal(info.ID), session.ErrNoTerminal)
	assert.ErrorIs(t, s.TerminalInput(info.ID, "x"), session.ErrNoTerminal)
}

// TestTerminalPodOfAWorkload: a terminal into a Deployment opens in a
// Ready pod of it; kinds without pods are refused with the reason.
func TestTerminalPodOfAWorkload(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pods := env.RunDeployment(t, ns, "web", 2, corev1.Container{Name: "app", Image: "registry.example.com/shop/web:1.0"})
	_, _, s := connectedDemo(t, env)
	names := []string{pods[0].Name, pods[1].Name}
	slices.Sort(names)
	var got string
	require.Eventually(t, func() bool {
		var err error
		got, err = s.TerminalPod("deployments", ns, "web")
		return err == nil
	}, 30*time.Second, 50*time.Millisecond, "a Ready pod in the cache")
	assert.Equal(t, names[0], got, "the first Ready pod by name")

	got, err := s.TerminalPod("pods", ns, pods[1].Name)
	require.NoError(t, err)
	assert.Equal(t, pods[1].Name, got)
	_, err = s.TerminalPod("configmaps", ns, "anything")
	assert.ErrorContains(t, err, "have no pods")
}

func TestTerminalTargetsRefused(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "refuse", nil))
	_, _, s := connectedDemo(t, env)
	for _, tc := range []struct {
		name   string
		target model.TerminalTarget
		want   string
	}{
		{"no such container", model.TerminalTarget{Namespace: ns, Pod: pod.Name, Container: "db"}, `has no container "db"`},
		{"no such pod", model.TerminalTarget{Namespace: ns, Pod: "nope"}, "not found"},
		{"bad name", model.TerminalTarget{Namespace: ns, Pod: "Bad/Name"}, ""},
		{"empty command", model.TerminalTarget{Namespace: ns, Pod: pod.Name, Command: []string{""}}, "invalid command"},
		{"bad size", model.TerminalTarget{Namespace: ns, Pod: pod.Name, Cols: -1}, "invalid terminal size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.OpenTerminal(tc.target)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestViewerMayNotOpenTerminals: a user without create pods/exec is
// refused before any stream opens, and told why by CanExec.
func TestViewerMayNotOpenTerminals(t *testing.T) {
	env := testcluster.Get(t)
	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	ns := controlplane.ViewerNamespace

	p, err := s.CanExec(ns)
	require.NoError(t, err)
	assert.False(t, p.Allowed)
	assert.Contains(t, p.Reason, "create pods/exec")
	_, err = s.OpenTerminal(model.TerminalTarget{Namespace: ns, Pod: "anything"})
	require.Error(t, err)
	assert.True(t, apierrors.IsForbidden(err), "Forbidden: %v", err)
	assert.Contains(t, err.Error(), "you may not open terminals in namespace")
}

// TestTerminalsEndWithTheirSession: 50 terminals opened and closed, then
// a session stopped with terminals open (a context switch), leave no
// goroutine behind.
func TestTerminalsEndWithTheirSession(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	pod := env.RunPod(t, logPodSpec(ns, "many", nil))
	ignore := goleak.IgnoreCurrent()
	func() {
		b, rec, s := connectedDemo(t, env)
		for range 50 {
			info, err := s.OpenTerminal(model.TerminalTarget{Namespace: ns, Pod: pod.Name, Cols: 80, Rows: 24})
			require.NoError(t, err)
			require.NoError(t, s.CloseTerminal(info.ID))
		}
		var open []string
		for range 5 {
			info, err := s.OpenTerminal(model.TerminalTarget{Namespace: ns, Pod: pod.Name, Cols: 80, Rows: 24})
			require.NoError(t, err)
			require.NoError(t, s.TerminalInput(info.ID, "echo \"o\"\"k\"\n"))
			open = append(open, info.ID)
		}
		for _, id := range open {
			waitTerminal(t, rec, "a shell", func(evs []events.Recorded) bool { return strings.Contains(terminalOutput(evs, id), "ok") })
		}
		// The switch stops the session in the background; the board's
		// Stop waits for it.
		_, err := b.Switch(controlplane.ContextStagingAdmin)
		require.NoError(t, err)
		b.Stop()
		_, err = s.OpenTerminal(model.TerminalTarget{Namespace: ns, Pod: pod.Name})
		assert.ErrorIs(t, err, session.ErrStopped)
		assert.ErrorIs(t, s.TerminalInput(open[0], "x"), session.ErrStopped)
	}()
	testcluster.WaitNoLeaks(t, ignore)
}
