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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/nodeshell"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

// The node every node shell of these tests opens on: a kwok node.
const shellNode = "demo-worker-1"

// kwokShell replaces nsenter on the local control plane, where kwok runs
// an exec'd command on this machine (as the user who started it), not in
// a node's namespaces: a shell that says where it runs.
var kwokShell = []string{"/bin/sh", "-c", `echo "shell on $0"; exec sh`, "the-node"}

// shellBoard is a switchboard connected to context, whose node shell
// settings are cfg's for that context and off for every other.
func shellBoard(t *testing.T, env *testcluster.Env, context string, cfg session.NodeShellConfig) (*session.Switchboard, *events.Recorder, *session.Session) {
	t.Helper()
	return shellBoardWith(t, env, context, func(ctx string) session.NodeShellConfig {
		if ctx != context {
			return session.NodeShellConfig{}
		}
		return cfg
	})
}

func shellBoardWith(t *testing.T, env *testcluster.Env, context string, settings func(string) session.NodeShellConfig) (*session.Switchboard, *events.Recorder, *session.Session) {
	t.Helper()
	rec := &events.Recorder{}
	b := session.NewSwitchboard(t.Context(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{env.Kubeconfig()} }, NodeShell: settings,
	})
	t.Cleanup(b.Stop)
	_, err := b.Switch(context)
	require.NoError(t, err)
	waitConnected(t, b)
	return b, rec, mustCurrent(t, b)
}

// shellPods lists the node shell pods of a namespace.
func shellPods(t *testing.T, cs kubernetes.Interface, ns string) []corev1.Pod {
	t.Helper()
	list, err := cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: nodeshell.LabelNode})
	require.NoError(t, err)
	return list.Items
}

// waitPodGone waits until the API server no longer has the pod.
func waitPodGone(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := cs.CoreV1().Pods(ns).Get(t.Context(), name, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}, 30*time.Second, 50*time.Millisecond, "pod %s/%s deleted", ns, name)
}

func terminalEnded(evs []events.Recorded, id string) (model.TerminalEnded, bool) {
	for _, e := range evs {
		if x, ok := e.Payload.(model.TerminalEnded); ok && x.ID == id {
			return x, true
		}
	}
	return model.TerminalEnded{}, false
}

// TestNodeShellOffIsRefused: node shells are off unless the settings
// enable them for the context; refused with the reason, nothing created.
func TestNodeShellOffIsRefused(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	b, _ := newBoard(t, env) // no node shell settings at all
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	_, _, otherOnly := shellBoardWith(t, env, controlplane.ContextDemoAdmin, func(ctx string) session.NodeShellConfig {
		return session.NodeShellConfig{Enabled: ctx == controlplane.ContextStagingAdmin, Namespace: ns}
	})
	for _, s := range []*session.Session{mustCurrent(t, b), otherOnly} {
		p, err := s.CanNodeShell()
		require.NoError(t, err)
		assert.False(t, p.Allowed)
		assert.Equal(t, "Enable node shells for context demo-admin in Settings", p.Reason)
		_, err = s.PlanNodeShell(shellNode)
		require.ErrorIs(t, err, session.ErrNodeShellsOff)
		assert.ErrorContains(t, err, `context "demo-admin": enable node shells for this context in Settings`)
		_, err = s.OpenNodeShell("g1p1", 80, 24)
		assert.ErrorContains(t, err, "no node shell plan")
	}
	assert.Empty(t, shellPods(t, cs, ns), "nothing created")
}

// TestNodeShellInAReadOnlyContext: a context made read-only (Settings)
// refuses node shells and the deletion of leftovers, with the reason.
func TestNodeShellInAReadOnlyContext(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	rec := &events.Recorder{}
	b := session.NewSwitchboard(t.Context(), session.Options{
		Version: "test", Emitter: rec, Paths: func() []string { return []string{env.Kubeconfig()} },
		NodeShell: func(string) session.NodeShellConfig {
			return session.NodeShellConfig{Enabled: true, Namespace: ns, Shell: kwokShell}
		},
		ReadOnly: func(string) string { return `context "demo-admin" is marked read-only (Settings)` },
	})
	t.Cleanup(b.Stop)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)
	p, err := s.CanNodeShell()
	require.NoError(t, err)
	assert.False(t, p.Allowed)
	assert.Contains(t, p.Reason, "read-only")
	_, err = s.PlanNodeShell(shellNode)
	assert.ErrorIs(t, err, session.ErrReadOnly)
	pod := nodeshell.Pod(nodeshell.Spec{Node: "demo-worker-2", Namespace: ns, Image: "busybox:1.36", Suffix: "ro001"})
	_, err = cs.CoreV1().Pods(ns).Create(t.Context(), pod, metav1.CreateOptions{})
	require.NoError(t, err)
	assert.ErrorIs(t, s.DeleteNodeShellPod(ns, pod.Name), session.ErrReadOnly)
	assert.Len(t, shellPods(t, cs, ns), 1, "the leftover stays")
}

// TestNodeShellPlanOpenClose: the plan is the exact pod, checked by a
// dry run that creates nothing; opening creates that pod, running, and a
// terminal in it; closing the terminal deletes the pod.
func TestNodeShellPlanOpenClose(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	_, rec, s := shellBoard(t, env, controlplane.ContextDemoAdmin, session.NodeShellConfig{Enabled: true, Namespace: ns,
		Image: "registry.example.com/tools/shell:1.0", Shell: kwokShell})

	p, err := s.CanNodeShell()
	require.NoError(t, err)
	assert.Equal(t, model.Permission{Allowed: true}, p)

	plan, err := s.PlanNodeShell(shellNode)
	require.NoError(t, err)
	assert.Equal(t, s.Generation, plan.Generation)
	assert.Equal(t, "demo-admin", plan.Context)
	assert.Equal(t, "crowsnest-admin", plan.User, "the user as the API server knows it")
	assert.Equal(t, shellNode, plan.Node)
	assert.Equal(t, ns, plan.Namespace)
	assert.Regexp(t, `^crowsnest-node-shell-demo-worker-1-[a-z0-9]{5}$`, plan.Pod)
	assert.Equal(t, "registry.example.com/tools/shell:1.0", plan.Image)
	assert.True(t, plan.Privileged)
	assert.True(t, plan.HostPID)
	assert.True(t, plan.HostNetwork)
	assert.True(t, plan.HostIPC)
	assert.Equal(t, "every taint", plan.Tolerations)
	assert.Equal(t, []string{"sleep", "86400"}, plan.Command)
	assert.Equal(t, kwokShell, plan.Shell)
	assert.Equal(t, map[string]string{"app.kubernetes.io/managed-by": "crowsnest", "crowsnest.dev/node-shell": shellNode}, plan.Labels)
	assert.Equal(t, "crowsnest-admin", plan.Annotations[nodeshell.AnnotationOpenedBy])
	assert.Contains(t, plan.Annotations[nodeshell.AnnotationSession], "context demo-admin")
	for _, want := range []string{"name: " + plan.Pod, "namespace: " + ns, "nodeName: " + shellNode, "privileged: true", "hostPID: true"} {
		assert.Contains(t, plan.YAML, want)
	}
	assert.Empty(t, plan.Warnings)
	assert.Empty(t, shellPods(t, cs, ns), "the dry run created nothing")

	info, err := s.OpenNodeShell(plan.ID, 100, 30)
	require.NoError(t, err)
	assert.Equal(t, shellNode, info.Node, "labelled a node shell")
	assert.Equal(t, ns, info.Namespace)
	assert.Equal(t, plan.Pod, info.Pod)
	assert.Equal(t, "shell", info.Container)
	assert.Equal(t, kwokShell, info.Command)

	// The pod is the plan's, created by our field manager, running.
	pod, err := cs.CoreV1().Pods(ns).Get(t.Context(), plan.Pod, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, corev1.PodRunning, pod.Status.Phase)
	for k, v := range plan.Labels {
		// Admission may add more (the node's topology labels).
		assert.Equal(t, v, pod.Labels[k], "label %s", k)
	}
	assert.Equal(t, shellNode, pod.Spec.NodeName)
	assert.Equal(t, nodeshell.Privileges{Privileged: true, HostPID: true, HostNetwork: true, HostIPC: true}, nodeshell.PrivilegesOf(pod))
	assert.Equal(t, []corev1.Toleration{{Operator: corev1.TolerationOpExists}}, pod.Spec.Tolerations)
	managers := []string{}
	for _, m := range pod.ManagedFields {
		if m.Operation == metav1.ManagedFieldsOperationUpdate && m.Subresource == "" {
			managers = append(managers, m.Manager)
		}
	}
	assert.Equal(t, []string{"crowsnest"}, managers)

	// A plan is used once.
	_, err = s.OpenNodeShell(plan.ID, 80, 24)
	assert.ErrorContains(t, err, "no node shell plan")

	waitTerminal(t, rec, "the shell's greeting", func(evs []events.Recorded) bool {
		return strings.Contains(terminalOutput(evs, info.ID), "shell on the-node")
	})
	require.NoError(t, s.TerminalInput(info.ID, "echo \"he\"\"llo\"\n"))
	waitTerminal(t, rec, "hello", func(evs []events.Recorded) bool { return strings.Contains(terminalOutput(evs, info.ID), "hello\r\n") })

	// Its own pod is no leftover.
	left, err := s.NodeShellLeftovers()
	require.NoError(t, err)
	for _, p := range left.Pods {
		assert.NotEqual(t, plan.Pod, p.Name)
	}
	assert.ErrorContains(t, s.DeleteNodeShellPod(ns, plan.Pod), "close its terminal")

	require.NoError(t, s.CloseTerminal(info.ID))
	waitPodGone(t, cs, ns, plan.Pod)
}

// TestNodeShellPodGoesWhenTheShellExits: the command exiting deletes the
// pod, as a closed terminal does.
func TestNodeShellPodGoesWhenTheShellExits(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	_, rec, s := shellBoard(t, env, controlplane.ContextDemoAdmin, session.NodeShellConfig{Enabled: true, Namespace: ns, Shell: kwokShell})
	plan, err := s.PlanNodeShell(shellNode)
	require.NoError(t, err)
	info, err := s.OpenNodeShell(plan.ID, 80, 24)
	require.NoError(t, err)
	waitTerminal(t, rec, "the shell", func(evs []events.Recorded) bool {
		return strings.Contains(terminalOutput(evs, info.ID), "shell on the-node")
	})
	require.NoError(t, s.TerminalInput(info.ID, "exit 3\n"))
	var ended model.TerminalEnded
	waitTerminal(t, rec, "the end", func(evs []events.Recorded) bool {
		var ok bool
		ended, ok = terminalEnded(evs, info.ID)
		return ok
	})
	assert.Equal(t, model.TerminalEnded{ID: info.ID, Generation: s.Generation, Exited: true, ExitCode: 3}, ended)
	waitPodGone(t, cs, ns, plan.Pod)
	// The page closing the ended terminal afterwards changes nothing.
	require.NoError(t, s.CloseTerminal(info.ID))
}

// TestNodeShellNsenterOnKwok: the default shell, nsenter into PID 1's
// namespaces, run by kwok on this machine rather than on a node: here it
// cannot open PID 1's namespaces (not root, or a container's restricted
// /proc), and its failure is the terminal's output and exit code; the
// pod goes with it. On a real node the pod's privileges let it in.
func TestNodeShellNsenterOnKwok(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	_, rec, s := shellBoard(t, env, controlplane.ContextDemoAdmin, session.NodeShellConfig{Enabled: true, Namespace: ns})
	plan, err := s.PlanNodeShell(shellNode)
	require.NoError(t, err)
	assert.Equal(t, nodeshell.Shell, plan.Shell)
	info, err := s.OpenNodeShell(plan.ID, 80, 24)
	require.NoError(t, err)
	assert.Equal(t, nodeshell.Shell, info.Command)
	var ended model.TerminalEnded
	var ok bool
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err = rec.WaitFor(ctx, func(evs []events.Recorded) bool {
		ended, ok = terminalEnded(evs, info.ID)
		return ok
	})
	if err != nil {
		// nsenter got in: this machine let an unprivileged process into
		// PID 1's namespaces (the tests run as root on a host). Then it
		// is a shell like any other.
		require.NoError(t, s.TerminalInput(info.ID, "exit 7\n"))
		waitTerminal(t, rec, "the end", func(evs []events.Recorded) bool {
			ended, ok = terminalEnded(evs, info.ID)
			return ok
		})
		assert.Equal(t, 7, ended.ExitCode)
	} else {
		assert.True(t, ended.Exited, "%+v", ended)
		assert.NotZero(t, ended.ExitCode)
		// kwok v0.8.0 can lose the last output of a TTY command that exits
		// at once (ARCHITECTURE.md, Terminals): nsenter's message may not
		// arrive, but what arrives is its.
		if out := terminalOutput(rec.Events(), info.ID); out != "" {
			assert.Contains(t, out, "nsenter")
		}
	}
	waitPodGone(t, cs, ns, plan.Pod)
}

// TestNodeShellThatNeverRuns: a pod whose node never runs it is deleted
// when the wait times out, and the error says why.
func TestNodeShellThatNeverRuns(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	// A node no kubelet (and no kwok) runs.
	node := "nobody-runs-" + ns
	_, err := cs.CoreV1().Nodes().Create(t.Context(), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: node,
		Labels: map[string]string{"kubernetes.io/os": "linux"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, cs.CoreV1().Nodes().Delete(context.Background(), node, metav1.DeleteOptions{}))
	})
	_, _, s := shellBoard(t, env, controlplane.ContextDemoAdmin, session.NodeShellConfig{Enabled: true, Namespace: ns,
		Shell: kwokShell, RunTimeout: 2 * time.Second})
	plan, err := s.PlanNodeShell(node)
	require.NoError(t, err)
	_, err = s.OpenNodeShell(plan.ID, 80, 24)
	require.Error(t, err)
	assert.ErrorContains(t, err, "did not run, so it was deleted: not running after 2s (still Pending")
	waitPodGone(t, cs, ns, plan.Pod)

	// A Windows node has no node shell.
	win := "windows-" + ns
	_, err = cs.CoreV1().Nodes().Create(t.Context(), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: win,
		Labels: map[string]string{"kubernetes.io/os": "windows"}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, cs.CoreV1().Nodes().Delete(context.Background(), win, metav1.DeleteOptions{}))
	})
	_, err = s.PlanNodeShell(win)
	assert.ErrorContains(t, err, "runs windows: a node shell needs a Linux node")
	_, err = s.PlanNodeShell("no-such-node")
	assert.True(t, apierrors.IsNotFound(err), "%v", err)
	assert.Empty(t, shellPods(t, cs, ns))
}

// TestNodeShellsEndWithTheirSession: a context switch with a node shell
// open deletes its pod before the session has stopped, and leaves no
// goroutine behind.
func TestNodeShellsEndWithTheirSession(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ignore := goleak.IgnoreCurrent()
	var pods []string
	func() {
		b, rec, s := shellBoard(t, env, controlplane.ContextDemoAdmin, session.NodeShellConfig{Enabled: true, Namespace: ns, Shell: kwokShell})
		for range 2 {
			plan, err := s.PlanNodeShell(shellNode)
			require.NoError(t, err)
			info, err := s.OpenNodeShell(plan.ID, 80, 24)
			require.NoError(t, err)
			waitTerminal(t, rec, "a shell", func(evs []events.Recorded) bool {
				return strings.Contains(terminalOutput(evs, info.ID), "shell on the-node")
			})
			pods = append(pods, plan.Pod)
		}
		// A plan not yet opened creates nothing, then or later.
		unopened, err := s.PlanNodeShell(shellNode)
		require.NoError(t, err)
		_, err = b.Switch(controlplane.ContextStagingAdmin)
		require.NoError(t, err)
		b.Stop()
		// Stop returned: every deletion was answered.
		for _, name := range pods {
			pod, err := cs.CoreV1().Pods(ns).Get(t.Context(), name, metav1.GetOptions{})
			assert.True(t, apierrors.IsNotFound(err) || pod.DeletionTimestamp != nil, "pod %s: %v", name, err)
		}
		_, err = s.OpenNodeShell(unopened.ID, 80, 24)
		assert.ErrorIs(t, err, session.ErrStopped)
		_, err = s.PlanNodeShell(shellNode)
		assert.ErrorIs(t, err, session.ErrStopped)
	}()
	for _, name := range pods {
		waitPodGone(t, cs, ns, name)
	}
	assert.Empty(t, shellPods(t, cs, ns))
	testcluster.WaitNoLeaks(t, ignore)
}

// TestNodeShellLeftovers: node shell pods of an earlier session are listed
// at the next connect and deleted one by one on request; nothing else is.
func TestNodeShellLeftovers(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	// What an app that crashed left behind.
	var left []string
	for i, suffix := range []string{"old01", "old02"} {
		pod := nodeshell.Pod(nodeshell.Spec{Node: []string{"demo-worker-2", "demo-worker-3"}[i], Namespace: ns, Image: "busybox:1.36",
			Suffix: suffix, OpenedBy: "crowsnest-admin", Session: "crowsnest on a crashed laptop, context demo-admin"})
		_, err := cs.CoreV1().Pods(ns).Create(t.Context(), pod, metav1.CreateOptions{})
		require.NoError(t, err)
		left = append(left, pod.Name)
	}
	plain := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "plain", Namespace: ns, Labels: map[string]string{nodeshell.LabelNode: "demo-worker-1"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}
	_, err := cs.CoreV1().Pods(ns).Create(t.Context(), plain, metav1.CreateOptions{})
	require.NoError(t, err)

	// Node shells are off: leftovers are still found.
	_, _, s := shellBoard(t, env, controlplane.ContextDemoAdmin, session.NodeShellConfig{Namespace: ns})
	found, err := s.NodeShellLeftovers()
	require.NoError(t, err)
	assert.Equal(t, s.Generation, found.Generation)
	assert.Equal(t, "all namespaces", found.Scope)
	var mine []model.NodeShellPod
	for _, p := range found.Pods {
		if p.Namespace == ns {
			mine = append(mine, p)
		}
	}
	require.Len(t, mine, 2, "the node shells' pods, not the pod that only has the label: %+v", found.Pods)
	assert.Equal(t, left[0], mine[0].Name)
	assert.Equal(t, "demo-worker-2", mine[0].Node)
	assert.Equal(t, "demo-worker-3", mine[1].Node)
	assert.Equal(t, "crowsnest-admin", mine[0].OpenedBy)
	assert.Equal(t, "crowsnest on a crashed laptop, context demo-admin", mine[0].Session)
	assert.NotZero(t, mine[0].Created)

	err = s.DeleteNodeShellPod(ns, "plain")
	require.ErrorIs(t, err, nodeshell.ErrNotNodeShell)
	for _, name := range left {
		require.NoError(t, s.DeleteNodeShellPod(ns, name))
	}
	for _, name := range left {
		waitPodGone(t, cs, ns, name)
	}
	_, err = cs.CoreV1().Pods(ns).Get(t.Context(), "plain", metav1.GetOptions{})
	require.NoError(t, err, "the other pod stays")
	found, err = s.NodeShellLeftovers()
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(found.Pods, func(p model.NodeShellPod) bool { return p.Namespace == ns }))
	assert.True(t, apierrors.IsNotFound(s.DeleteNodeShellPod(ns, left[0])), "already gone")
}

// TestViewerMayNotOpenNodeShells: a user who may not create pods is
// refused before any pod is created (not even a dry run), and told why.
func TestViewerMayNotOpenNodeShells(t *testing.T) {
	env := testcluster.Get(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	ns := controlplane.ViewerNamespace
	before := shellPods(t, admin, ns)
	_, _, s := shellBoard(t, env, controlplane.ContextDemoViewer, session.NodeShellConfig{Enabled: true, Namespace: ns, Shell: kwokShell})
	p, err := s.CanNodeShell()
	require.NoError(t, err)
	assert.False(t, p.Allowed)
	assert.Contains(t, p.Reason, "create pods")
	assert.Contains(t, p.Reason, "namespace "+ns)
	_, err = s.PlanNodeShell(shellNode)
	require.Error(t, err)
	assert.True(t, apierrors.IsForbidden(err), "Forbidden: %v", err)
	assert.Contains(t, err.Error(), "you may not create pods in namespace")
	assert.Equal(t, before, shellPods(t, admin, ns), "nothing created")
	// Leftovers: the viewer may list pods in its namespace only.
	found, err := s.NodeShellLeftovers()
	require.NoError(t, err)
	assert.Equal(t, "namespace "+ns, found.Scope)
	assert.ErrorContains(t, s.DeleteNodeShellPod(ns, "anything"), "not found")
}
