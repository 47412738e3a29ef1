package terminal

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/util/exec"
)

// DefaultShell is the command a terminal runs when none is given: bash
// where the image has it, else sh. The choice is made inside the one exec
// stream, so no separate probe can fail (or take other terminals down with
// it, as a shared connection's probe did in a peer).
var DefaultShell = []string{"/bin/sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh"}

// Options say what a terminal runs and where its output goes.
type Options struct {
	Namespace, Pod, Container string
	// Command is run with a TTY; empty means DefaultShell.
	Command []string
	// Cols and Rows are the initial size (0: the server's default).
	Cols, Rows uint16

	// Output receives the output in order, from one goroutine, never
	// after Close returns.
	Output func(Chunk)
	// End is called once, after the last Output, when the command or
	// the stream ends on its own (not after Close).
	End func(Ending)

	// The batcher's bounds; zero means the defaults. Window is how many
	// chunks may be sent and not yet acknowledged (Ack): whoever receives
	// Output must acknowledge it, or output stops after Window chunks.
	MaxChunk, MaxPending, Window int
	Interval                     time.Duration
	// MaxInput bounds the input waiting for the stream (DefaultMaxInput).
	MaxInput int
}

// Ending is how a terminal ended.
type Ending struct {
	// Exited says the command ended and the server reported its exit
	// code: 0, or the code of a non-zero exit (exec.CodeExitError).
	Exited   bool
	ExitCode int
	// Reason is why the terminal ended otherwise: the stream's error (the
	// container has no such command, the connection dropped, ...).
	Reason string
}

// Terminal is one running exec stream with a TTY. Write and Resize may be
// called from any goroutine, at any time (after the end they fail or do
// nothing); Close ends the stream and returns once every goroutine of the
// terminal has ended and no Output or End will follow.
type Terminal struct {
	in     *input
	sizes  *sizes
	out    *batcher
	cancel context.CancelFunc
	stop   chan struct{} // closed by Close
	done   chan struct{} // closed when the stream's goroutines have ended
	once   sync.Once
}

// Start opens an exec stream into a container of a pod and returns its
// Terminal; the stream connects in the background, and a failure to
// connect ends the terminal through End like any other. The caller checks
// permission first (CanExec). ctx bounds the terminal's life (the
// session's context).
func Start(ctx context.Context, cfg *rest.Config, client kubernetes.Interface, o Options) (*Terminal, error) {
	if o.Namespace == "" || o.Pod == "" {
		return nil, errors.New("a terminal needs a pod and its namespace")
	}
	cmd := o.Command
	if len(cmd) == 0 {
		cmd = DefaultShell
	}
	req := client.CoreV1().RESTClient().Post().Namespace(o.Namespace).Resource("pods").Name(o.Pod).
		SubResource("exec").VersionedParams(&corev1.PodExecOptions{
		Container: o.Container, Command: cmd, Stdin: true, Stdout: true, TTY: true,
	}, scheme.ParameterCodec)
	spdy, err := remotecommand.NewSPDYExecutor(cfg, "POST", req.URL())
	if err != nil {
		return nil, fmt.Errorf("terminal into %s/%s: %w", o.Namespace, o.Pod, err)
	}
	ws, err := remotecommand.NewWebSocketExecutor(cfg, "GET", req.URL().String())
	if err != nil {
		return nil, fmt.Errorf("terminal into %s/%s: %w", o.Namespace, o.Pod, err)
	}
	// As kubectl does: SPDY only when the server (or a proxy) cannot
	// upgrade to WebSocket.
	executor, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return nil, fmt.Errorf("terminal into %s/%s: %w", o.Namespace, o.Pod, err)
	}

	ctx, cancel := context.WithCancel(ctx)
	t := &Terminal{in: newInput(o.MaxInput), sizes: newSizes(), cancel: cancel,
		stop: make(chan struct{}), done: make(chan struct{})}
	output := o.Output
	if output == nil {
		output = func(Chunk) {}
	}
	t.out = newBatcher(o, output)
	if o.Cols > 0 && o.Rows > 0 {
		t.sizes.push(remotecommand.TerminalSize{Width: o.Cols, Height: o.Rows})
	}
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		t.out.run(t.stop)
	}()
	go func() {
		defer close(t.done)
		err := executor.StreamWithContext(ctx, remotecommand.StreamOptions{
			Stdin: t.in, Stdout: t.out, Tty: true, TerminalSizeQueue: t.sizes,
		})
		t.in.close()
		t.sizes.close()
		t.out.end()
		<-flushed
		select {
		case <-t.stop:
			return
		default:
		}
		if o.End != nil {
			o.End(ending(err))
		}
	}()
	return t, nil
}

// ending describes how a stream ended.
func ending(err error) Ending {
	var code exec.CodeExitError
	switch {
	case err == nil:
		return Ending{Exited: true}
	case errors.As(err, &code):
		return Ending{Exited: true, ExitCode: code.Code}
	}
	if m := exitInMessage.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return Ending{Exited: true, ExitCode: n}
		}
	}
	return Ending{Reason: err.Error()}
}

// exitInMessage finds an exit code that a server gives only in its error
// message: Go's os/exec says "exit status N" of a process that exited, and
// a server built on it that fails to turn that into a NonZeroExitCode
// status (kwok v0.8.0, which plays the kubelet on the local control plane)
// ends its message with it.
var exitInMessage = regexp.MustCompile(`: exit status (\d{1,3})$`)

// Write sends input to the command. It fails with ErrEnded after the end
// and ErrInputFull when the stream has not taken what was sent before.
func (t *Terminal) Write(p []byte) error { return t.in.Write(p) }

// Ack says the receiver of Output has taken the chunks up to seq: the
// batcher sends at most Options.Window chunks ahead of it.
func (t *Terminal) Ack(seq uint64) { t.out.ack(seq) }

// Resize tells the command its terminal's new size (only the newest
// waiting size is sent).
func (t *Terminal) Resize(cols, rows uint16) {
	if cols == 0 || rows == 0 {
		return
	}
	select {
	case <-t.done:
	default:
		t.sizes.push(remotecommand.TerminalSize{Width: cols, Height: rows})
	}
}

// Done is closed once the terminal has ended, by itself or by Close.
func (t *Terminal) Done() <-chan struct{} { return t.done }

// Close ends the stream (the command gets a hang-up as its TTY closes)
// and returns when every goroutine of the terminal has ended.
func (t *Terminal) Close() {
	t.once.Do(func() {
		close(t.stop)
		t.out.end() // a Write waiting for room returns
		t.cancel()
		t.in.close()
		t.sizes.close()
	})
	<-t.done
}
