package terminal_test

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"crowsnest/backend/terminal"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/faultproxy"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// waitTimeout bounds every wait: the shared test machine can be slow.
const waitTimeout = 30 * time.Second

// screen collects a terminal's output and its end.
// It acknowledges every chunk, as the page does once it has written it,
// unless holdAcks is set: then it acknowledges nothing until released.
type screen struct {
	mu       sync.Mutex
	out      strings.Builder
	lastSeq  uint64
	gaps     int
	ended    *terminal.Ending
	changed  chan struct{} // closed and replaced on every change
	term     *terminal.Terminal
	holdAcks bool
}

// ack acknowledges what arrived, unless acks are held (call with mu held).
func (s *screen) ack() {
	if s.term != nil && !s.holdAcks {
		s.term.Ack(s.lastSeq)
	}
}

// release stops holding acks back and acknowledges everything so far.
func (s *screen) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdAcks = false
	s.ack()
}

func newScreen() *screen { return &screen{changed: make(chan struct{})} }

func (s *screen) output(c terminal.Chunk) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Seq != s.lastSeq+1 {
		s.gaps++
	}
	s.lastSeq = c.Seq
	s.out.WriteString(c.Data)
	s.ack()
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *screen) end(e terminal.Ending) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = &e
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until cond holds for the output so far and the ending (nil
// while running).
func (s *screen) waitFor(t *testing.T, what string, cond func(out string, e *terminal.Ending) bool) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		s.mu.Lock()
		out, e, ch := s.out.String(), s.ended, s.changed
		s.mu.Unlock()
		if cond(out, e) {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; output so far %q, ending %+v", what, out, e)
		}
	}
}

func (s *screen) waitOutput(t *testing.T, text string) {
	t.Helper()
	s.waitFor(t, "output "+text, func(out string, _ *terminal.Ending) bool { return strings.Contains(out, text) })
}

func (s *screen) waitEnd(t *testing.T) terminal.Ending {
	t.Helper()
	s.waitFor(t, "the end", func(_ string, e *terminal.Ending) bool { return e != nil })
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.Zero(t, s.gaps, "chunks numbered without gaps")
	return *s.ended
}

func runPod(t *testing.T, env *testcluster.Env, ns, name string) *corev1.Pod {
	t.Helper()
	return env.RunPod(t, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/shop/cart:2.7.3"}}},
	})
}

func start(t *testing.T, cfg *rest.Config, pod *corev1.Pod, o terminal.Options) (*terminal.Terminal, *screen) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	sc := newScreen()
	o.Namespace, o.Pod, o.Output, o.End = pod.Namespace, pod.Name, sc.output, sc.end
	if o.Container == "" {
		o.Container = "app"
	}
	term, err := terminal.Start(t.Context(), cfg, cs, o)
	require.NoError(t, err)
	t.Cleanup(term.Close)
	sc.mu.Lock()
	sc.term = term
	sc.ack() // what arrived before Start returned
	sc.mu.Unlock()
	return term, sc
}

// TestShellRunsWhatIsTyped: the automatic shell (bash here) echoes what
// is typed and runs it; exit ends the terminal with the shell's code.
func TestShellRunsWhatIsTyped(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "shell")
	term, sc := start(t, env.Admin(t), pod, terminal.Options{Cols: 80, Rows: 24})

	// The quotes keep the typed line (echoed by the TTY) from containing
	// what the command prints.
	require.NoError(t, term.Write([]byte("echo \"hel\"\"lo\" \"shell:${BASH_VERSION:+bash}\"\n")))
	sc.waitOutput(t, "hello shell:bash")
	require.NoError(t, term.Write([]byte("pwd\n")))
	sc.waitOutput(t, env.ExecDir(pod))
	require.NoError(t, term.Write([]byte("exit\n")))
	e := sc.waitEnd(t)
	assert.Equal(t, terminal.Ending{Exited: true}, e)
	assert.ErrorIs(t, term.Write([]byte("x")), terminal.ErrEnded)
}

// TestResizeReachesTheProcess: the initial size and a resize are the
// TTY's size as the command sees it.
func TestResizeReachesTheProcess(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "resize")
	term, sc := start(t, env.Admin(t), pod, terminal.Options{Cols: 80, Rows: 24})

	require.NoError(t, term.Write([]byte("stty size\n")))
	sc.waitOutput(t, "24 80\r\n")
	term.Resize(132, 50)
	// The size and the input travel on separate streams: ask until the
	// new size is seen.
	require.Eventually(t, func() bool {
		require.NoError(t, term.Write([]byte("stty size\n")))
		sc.mu.Lock()
		defer sc.mu.Unlock()
		return strings.Contains(sc.out.String(), "50 132\r\n")
	}, waitTimeout, 200*time.Millisecond)
}

// TestExitCodes: how a command's end is reported. A zero exit comes as
// the stream's success. A non-zero exit is reported by a kubelet as an
// exit code (client-go's exec.CodeExitError), but kwok v0.8.0, which
// plays the kubelet here, loses the status: its exec wraps the process's
// *os/exec.ExitError with fmt.Errorf, and the streaming server
// (k8s.io/cri-streaming, ServeExec) looks for a k8s.io/utils/exec.ExitError
// by type assertion, so it answers with an internal error whose message
// ends with "exit status 3". The terminal reads the code from there.
func TestExitCodes(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "codes")
	cfg := env.Admin(t)

	_, sc := start(t, cfg, pod, terminal.Options{Command: []string{"/bin/sh", "-c", "echo done; exit 0"}})
	assert.Equal(t, terminal.Ending{Exited: true}, sc.waitEnd(t))

	_, sc = start(t, cfg, pod, terminal.Options{Command: []string{"/bin/sh", "-c", "echo failing; exit 3"}})
	assert.Equal(t, terminal.Ending{Exited: true, ExitCode: 3}, sc.waitEnd(t), "the code from kwok's message")

	_, sc = start(t, cfg, pod, terminal.Options{Command: []string{"/no/such/shell"}})
	e := sc.waitEnd(t)
	assert.False(t, e.Exited)
	assert.Contains(t, e.Reason, "/no/such/shell")
}

// TestDeadStreamEndsOnlyItsTerminal: when one terminal's connection dies,
// it ends with the reason; another terminal into the same pod goes on.
func TestDeadStreamEndsOnlyItsTerminal(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "cut")
	direct := env.Admin(t)
	cut := env.Admin(t)
	proxy, err := faultproxy.Start(strings.TrimPrefix(cut.Host, "https://"))
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	cut.Host = "https://" + proxy.Addr()

	t1, sc1 := start(t, cut, pod, terminal.Options{Cols: 80, Rows: 24})
	t2, sc2 := start(t, direct, pod, terminal.Options{Cols: 80, Rows: 24})
	for _, x := range []struct {
		term *terminal.Terminal
		sc   *screen
	}{{t1, sc1}, {t2, sc2}} {
		require.NoError(t, x.term.Write([]byte("echo \"rea\"\"dy\"\n")))
		x.sc.waitOutput(t, "ready")
	}
	proxy.Reset()
	e := sc1.waitEnd(t)
	assert.False(t, e.Exited)
	assert.NotEmpty(t, e.Reason)

	require.NoError(t, t2.Write([]byte("echo \"sti\"\"ll here\"\n")))
	sc2.waitOutput(t, "still here")
	sc2.mu.Lock()
	assert.Nil(t, sc2.ended)
	sc2.mu.Unlock()
}

// TestLargeOutputArrivesWhole: a burst of output larger than a chunk
// arrives complete and in order, in several chunks. The command stays
// alive after its output: kwok v0.8.0 closes a TTY's pty as soon as the
// process exits, before its copy of the pty's last output has reached the
// stream, so the tail of a command that exits at once can be lost there.
func TestLargeOutputArrivesWhole(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "burst")
	_, sc := start(t, env.Admin(t), pod, terminal.Options{Command: []string{"/bin/sh", "-c", "seq 1 20000; echo done; exec sleep 60"}})
	var want strings.Builder
	for i := 1; i <= 20000; i++ {
		want.WriteString(strconv.Itoa(i) + "\r\n")
	}
	want.WriteString("done\r\n")
	sc.waitOutput(t, "done\r\n")
	sc.mu.Lock()
	defer sc.mu.Unlock()
	assert.Equal(t, want.String(), sc.out.String())
	assert.Greater(t, sc.lastSeq, uint64(1))
}

// TestSlowPageLosesNothing: a page that stops taking output (here: no
// acknowledgement at all until the window is full) holds the command
// back instead of losing output; once it takes again, megabytes arrive
// whole and in order.
func TestSlowPageLosesNothing(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "slow-page")
	cs, err := kubernetes.NewForConfig(env.Admin(t))
	require.NoError(t, err)
	sc := newScreen()
	sc.holdAcks = true
	term, err := terminal.Start(t.Context(), env.Admin(t), cs, terminal.Options{Namespace: pod.Namespace, Pod: pod.Name,
		Container: "app", Output: sc.output, End: sc.end,
		Command: []string{"/bin/sh", "-c", "seq 1 400000; echo done; exec sleep 60"}})
	require.NoError(t, err)
	t.Cleanup(term.Close)
	sc.mu.Lock()
	sc.term = term
	sc.mu.Unlock()
	sc.waitFor(t, "a full window", func(string, *terminal.Ending) bool {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		return sc.lastSeq == terminal.DefaultWindow
	})
	sc.release()
	sc.waitOutput(t, "done\r\n")
	var want strings.Builder
	for i := 1; i <= 400000; i++ {
		want.WriteString(strconv.Itoa(i) + "\r\n")
	}
	want.WriteString("done\r\n")
	sc.mu.Lock()
	defer sc.mu.Unlock()
	require.Equal(t, want.Len(), sc.out.Len(), "every byte arrived")
	assert.True(t, want.String() == sc.out.String(), "in order")
	assert.Zero(t, sc.gaps)
}

// TestViewerMayNotExec: the restricted user is refused by the review.
func TestViewerMayNotExec(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	a, err := terminal.CanExec(t.Context(), env.Client(t, controlplane.ContextDemoViewer), ns)
	require.NoError(t, err)
	assert.False(t, a.Allowed)
	assert.True(t, apierrors.IsForbidden(a.Err()))
	assert.Contains(t, a.Err().Error(), "you may not open terminals in namespace")
	assert.Contains(t, a.Denial(), "create pods/exec")
	a, err = terminal.CanExec(t.Context(), env.Client(t, controlplane.ContextDemoAdmin), ns)
	require.NoError(t, err)
	assert.True(t, a.Allowed)
	assert.NoError(t, a.Err())
}

// TestClosedTerminalsLeaveNothing: terminals closed while their shells
// run, and terminals whose command ended, leave no goroutine behind.
func TestClosedTerminalsLeaveNothing(t *testing.T) {
	env := testcluster.Get(t)
	pod := runPod(t, env, env.Namespace(t), "leaks")
	cfg := env.Admin(t)
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	ignore := goleak.IgnoreCurrent()
	for i := range 20 {
		sc := newScreen()
		term, err := terminal.Start(t.Context(), cfg, cs, terminal.Options{Namespace: pod.Namespace, Pod: pod.Name,
			Container: "app", Cols: 80, Rows: 24, Output: sc.output, End: sc.end})
		require.NoError(t, err)
		require.NoError(t, term.Write([]byte("echo \"o\"\"k\"\n")))
		sc.waitOutput(t, "ok")
		if i%2 == 0 {
			require.NoError(t, term.Write([]byte("exit\n")))
			sc.waitEnd(t)
		}
		term.Close()
	}
	testcluster.WaitNoLeaks(t, ignore)
}
