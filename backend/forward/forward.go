package forward

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
)

// State is where a forward is in its life.
type State string

// The states of a forward.
const (
	Starting     State = "starting"
	Active       State = "active"
	Reconnecting State = "reconnecting"
	Error        State = "error"
	Stopped      State = "stopped"
)

// Host is the only address a forward listens on.
const Host = "127.0.0.1"

// waitTunnel bounds how long an accepted connection waits for a forward
// that is reconnecting before it is closed.
const waitTunnel = 30 * time.Second

// Linger is how long a connection whose local side has finished sending
// stays open while the pod sends nothing more.
const Linger = 5 * time.Second

// ErrPortInUse is wrapped by the error for a local port that is taken.
var ErrPortInUse = errors.New("already in use")

// ErrNotRunning is returned for a connection to a forward that is stopping.
var ErrNotRunning = errors.New("the forward is not running")

// Target is the pod and port a forward's connections go to now.
type Target struct {
	Pod  string
	Port int32
}

// Resolver picks the Target a forward should use now: the pod of a pod's
// forward, or a Ready pod of a Service or workload. It is called when the
// forward starts and again each time its pod goes away (Movable).
type Resolver func(ctx context.Context) (Target, error)

// Dialer opens a tunnel to a pod's portforward subresource.
type Dialer func(namespace, pod string) (httpstream.Connection, error)

// Spec describes a forward: what it targets (for the user: Kind, Name and
// Port as asked) and how to find the pod behind it.
type Spec struct {
	Kind, Namespace, Name string
	// Port is the remote port as the user asked for it: a number or a
	// port's name.
	Port string
	// LocalPort is the port to listen on; 0 takes a free one.
	LocalPort int
	// Movable forwards (of a Service or workload) move to another Ready
	// pod when theirs goes away; others report it as an error.
	Movable bool
	Resolve Resolver
}

// Stats is a forward as the user sees it, at one moment.
type Stats struct {
	ID      string
	Spec    Spec
	State   State
	Message string
	// Pod and RemotePort are where connections go (last went).
	Pod        string
	RemotePort int32
	// LocalPort is the port listened on (last listened on when stopped;
	// the chosen one before the first start, 0 for any).
	LocalPort int
	// Address is Host:LocalPort, or "" while LocalPort is 0.
	Address string
	// Connections are open now; Total were accepted since the forward was
	// created. BytesIn came from the pod, BytesOut went to it.
	Connections, Total int64
	BytesIn, BytesOut  int64
}

// Forward is one port-forward. Its methods may be called from any
// goroutine. Once Stop returns, the forward's listener, tunnel and
// connections are closed and none of its goroutines is left; Restart
// listens again.
type Forward struct {
	id       string
	spec     Spec
	dial     Dialer
	parent   context.Context
	onChange func()

	// ops serialises Stop and Restart.
	ops sync.Mutex
	// wg counts the goroutines of the current run; Add is called only
	// under mu while the run's context is live, so Stop's Wait (after
	// cancelling under mu) sees every one.
	wg sync.WaitGroup

	mu        sync.Mutex
	state     State
	message   string
	target    Target
	localPort int
	runCtx    context.Context
	cancel    context.CancelFunc
	ln        net.Listener
	tunnel    httpstream.Connection
	conns     map[net.Conn]struct{}
	// ready is closed while the forward is active; a reconnecting
	// forward replaces it with an open one.
	ready chan struct{}

	open, total, in, out atomic.Int64
	requests             atomic.Int64
}

func newForward(parent context.Context, id string, spec Spec, dial Dialer, onChange func()) *Forward {
	if onChange == nil {
		onChange = func() {}
	}
	return &Forward{id: id, spec: spec, dial: dial, parent: parent, onChange: onChange, state: Stopped,
		localPort: spec.LocalPort, conns: map[net.Conn]struct{}{}}
}

// Stats returns the forward as it is now.
func (f *Forward) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := Stats{ID: f.id, Spec: f.spec, State: f.state, Message: f.message, Pod: f.target.Pod, RemotePort: f.target.Port,
		LocalPort: f.localPort, Connections: f.open.Load(), Total: f.total.Load(), BytesIn: f.in.Load(), BytesOut: f.out.Load()}
	s.Spec.Resolve = nil
	if f.localPort != 0 {
		s.Address = net.JoinHostPort(Host, strconv.Itoa(f.localPort))
	}
	return s
}

// Restart stops the forward if it runs and starts it again: it listens
// (on the port it last used when none was chosen, if still free), resolves
// its pod and opens a tunnel to it. On failure the forward is left in the
// error state with the reason, which is also returned.
func (f *Forward) Restart() error {
	f.ops.Lock()
	defer f.ops.Unlock()
	f.stop(Stopped, "")
	return f.start()
}

// Stop closes the forward's listener, tunnel and connections and waits for
// its goroutines. Stopping a stopped forward does nothing.
func (f *Forward) Stop() {
	// A start in progress holds ops: cancel its run first, so that it
	// gives up (its resolve and dial watch the run's context).
	f.mu.Lock()
	if f.cancel != nil {
		f.cancel()
	}
	f.mu.Unlock()
	f.ops.Lock()
	defer f.ops.Unlock()
	f.stop(Stopped, "")
}

func (f *Forward) start() error {
	if err := f.parent.Err(); err != nil {
		return ErrNotRunning
	}
	ctx, cancel := context.WithCancel(f.parent)
	f.mu.Lock()
	f.state, f.message = Starting, ""
	f.runCtx, f.cancel = ctx, cancel
	f.ready = make(chan struct{})
	port := f.localPort
	f.mu.Unlock()
	f.onChange()

	ln, err := listen(port)
	if err != nil && f.spec.LocalPort == 0 && port != 0 {
		// The port it last had is taken now: any will do.
		ln, err = listen(0)
	}
	if err != nil {
		return f.fail(err)
	}
	target, err := f.spec.Resolve(ctx)
	if err != nil {
		ln.Close()
		return f.fail(err)
	}
	tunnel, err := f.openTunnel(ctx, target.Pod)
	if err != nil {
		ln.Close()
		return f.fail(err)
	}
	f.mu.Lock()
	if ctx.Err() != nil {
		f.mu.Unlock()
		ln.Close()
		tunnel.Close()
		return ErrNotRunning
	}
	f.ln, f.tunnel, f.target = ln, tunnel, target
	f.localPort = ln.Addr().(*net.TCPAddr).Port
	f.state = Active
	close(f.ready)
	f.wg.Add(2)
	go f.accept(ctx, ln)
	go f.watch(ctx, tunnel)
	f.mu.Unlock()
	f.onChange()
	return nil
}

// fail ends a start that did not get through, with err as the message.
func (f *Forward) fail(err error) error {
	f.mu.Lock()
	if f.state == Starting {
		f.state, f.message = Error, err.Error()
	}
	f.cancel()
	f.mu.Unlock()
	f.onChange()
	return err
}

// stop ends the current run, leaving the forward in state with message.
func (f *Forward) stop(state State, message string) {
	f.mu.Lock()
	release := f.detachLocked(state, message)
	f.mu.Unlock()
	release()
	f.wg.Wait()
	f.onChange()
}

// detachLocked ends the current run under f.mu: it cancels the run, sets
// state and message, and takes the run's listener, tunnel and connections,
// which the returned func closes once the caller has released f.mu.
func (f *Forward) detachLocked(state State, message string) func() {
	if f.cancel != nil {
		f.cancel()
	}
	f.state, f.message = state, message
	ln, tunnel := f.ln, f.tunnel
	f.ln, f.tunnel = nil, nil
	conns := make([]net.Conn, 0, len(f.conns))
	for c := range f.conns {
		conns = append(conns, c)
	}
	return func() {
		if ln != nil {
			ln.Close()
		}
		if tunnel != nil {
			tunnel.Close()
		}
		for _, c := range conns {
			c.Close()
		}
	}
}

// openTunnel dials a tunnel to pod, giving up when ctx ends. client-go's dialers
// take no context and set no handshake timeout, so a server that accepts
// and never answers would hold a Stop (and the session's) for as long as
// it likes: the dial runs on its own, and a tunnel that arrives after ctx
// ended is closed. That goroutine is the one thing of a forward that may
// outlive Stop, and only while such a dial hangs.
func (f *Forward) openTunnel(ctx context.Context, pod string) (httpstream.Connection, error) {
	type dialed struct {
		conn httpstream.Connection
		err  error
	}
	done := make(chan dialed, 1)
	go func() {
		c, err := f.dial(f.spec.Namespace, pod)
		done <- dialed{c, err}
	}()
	select {
	case d := <-done:
		return d.conn, d.err
	case <-ctx.Done():
		go func() {
			if d := <-done; d.conn != nil {
				d.conn.Close()
			}
		}()
		return nil, fmt.Errorf("port-forward to pod %s: %w", pod, ctx.Err())
	}
}

// listen opens the forward's listener on Host only.
func listen(port int) (net.Listener, error) {
	addr := net.JoinHostPort(Host, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			return nil, fmt.Errorf("%s is %w", addr, ErrPortInUse)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// addrInUse tells a taken port: EADDRINUSE, or WSAEADDRINUSE (10048) on
// Windows.
func addrInUse(err error) bool {
	var errno syscall.Errno
	return errors.Is(err, syscall.EADDRINUSE) || (errors.As(err, &errno) && errno == 10048)
}

// Lost tells the forward that pod went away for reason: it ended (deleted
// or finished), or it is no longer Ready. A forward to another pod ignores
// it. A Movable forward moves to another Ready pod in the background
// (reconnecting, then active). A pod's own forward goes to the error state
// with reason and closes its listener when its pod ended, and carries on
// when it is only not Ready (as kubectl does).
func (f *Forward) Lost(pod, reason string, ended bool) {
	f.mu.Lock()
	if f.state != Active || f.target.Pod != pod || (!ended && !f.spec.Movable) {
		f.mu.Unlock()
		return
	}
	if !f.spec.Movable {
		f.mu.Unlock()
		f.broke(reason)
		return
	}
	old := f.tunnel
	f.tunnel = nil
	f.state, f.message = Reconnecting, reason
	f.ready = make(chan struct{})
	ctx := f.runCtx
	f.wg.Add(1)
	go f.relocate(ctx, pod, reason)
	f.mu.Unlock()
	if old != nil {
		old.Close()
	}
	f.onChange()
}

// broke ends a running forward in the error state, with reason. It does
// not wait for the run's goroutines: they end by themselves, and the next
// Stop or Restart waits for them.
func (f *Forward) broke(reason string) {
	f.mu.Lock()
	if f.state != Active && f.state != Reconnecting {
		f.mu.Unlock()
		return
	}
	release := f.detachLocked(Error, reason)
	f.mu.Unlock()
	release()
	f.onChange()
}

// relocate resolves another pod and opens a tunnel to it, retrying (with
// back-off, up to every 5 s) until it succeeds or the run ends.
func (f *Forward) relocate(ctx context.Context, from, reason string) {
	defer f.wg.Done()
	delay := 200 * time.Millisecond
	for {
		target, err := f.spec.Resolve(ctx)
		var tunnel httpstream.Connection
		if err == nil {
			tunnel, err = f.openTunnel(ctx, target.Pod)
		}
		if err == nil {
			f.mu.Lock()
			if ctx.Err() != nil || f.state != Reconnecting {
				f.mu.Unlock()
				tunnel.Close()
				return
			}
			f.tunnel, f.target = tunnel, target
			f.state, f.message = Active, fmt.Sprintf("moved from pod %s (%s)", from, reason)
			close(f.ready)
			f.wg.Add(1)
			go f.watch(ctx, tunnel)
			f.mu.Unlock()
			f.onChange()
			return
		}
		f.mu.Lock()
		if f.state == Reconnecting {
			f.message = fmt.Sprintf("%s; waiting for another pod: %v", reason, err)
		}
		f.mu.Unlock()
		f.onChange()
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// watch forgets a tunnel that closed by itself (the API server ended it),
// so the next connection opens another.
func (f *Forward) watch(ctx context.Context, tunnel httpstream.Connection) {
	defer f.wg.Done()
	select {
	case <-ctx.Done():
	case <-tunnel.CloseChan():
		f.mu.Lock()
		if f.tunnel == tunnel {
			f.tunnel = nil
		}
		f.mu.Unlock()
	}
}

func (f *Forward) accept(ctx context.Context, ln net.Listener) {
	defer f.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				f.broke("accept: " + err.Error())
			}
			return
		}
		f.mu.Lock()
		if ctx.Err() != nil {
			f.mu.Unlock()
			c.Close()
			return
		}
		f.conns[c] = struct{}{}
		f.wg.Add(1)
		f.mu.Unlock()
		go f.serve(ctx, c)
	}
}

// serve carries one accepted connection over the tunnel.
func (f *Forward) serve(ctx context.Context, c net.Conn) {
	defer f.wg.Done()
	f.open.Add(1)
	f.total.Add(1)
	f.onChange()
	defer func() {
		c.Close()
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
		f.open.Add(-1)
		f.onChange()
	}()
	wctx, cancel := context.WithTimeout(ctx, waitTunnel)
	tunnel, port, err := f.tunnelFor(wctx)
	cancel()
	if err != nil {
		f.note(ctx, err)
		return
	}
	if err := f.pipe(c, tunnel, port); err != nil {
		f.note(ctx, err)
	}
}

// note shows a connection's failure in the message of a running forward.
func (f *Forward) note(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	f.mu.Lock()
	if f.state == Active {
		f.message = "last connection failed: " + err.Error()
	}
	f.mu.Unlock()
	f.onChange()
}

// tunnelFor returns the tunnel of an active forward, opening a new one if
// the last closed, and waits (within ctx) while the forward reconnects.
func (f *Forward) tunnelFor(ctx context.Context) (httpstream.Connection, int32, error) {
	for {
		f.mu.Lock()
		state, tunnel, target, ready := f.state, f.tunnel, f.target, f.ready
		f.mu.Unlock()
		switch {
		case state == Active && tunnel != nil:
			return tunnel, target.Port, nil
		case state == Active:
			t, err := f.openTunnel(ctx, target.Pod)
			if err != nil {
				if ctx.Err() == nil && f.spec.Movable {
					f.Lost(target.Pod, err.Error(), true)
					continue
				}
				return nil, 0, err
			}
			f.mu.Lock()
			if ctx.Err() == nil && f.state == Active && f.tunnel == nil && f.target == target {
				f.tunnel = t
				f.wg.Add(1)
				go f.watch(f.runCtx, t)
				f.mu.Unlock()
				return t, target.Port, nil
			}
			f.mu.Unlock()
			t.Close()
		case state == Reconnecting:
			select {
			case <-ready:
			case <-ctx.Done():
				return nil, 0, fmt.Errorf("no pod to forward to: %w", ctx.Err())
			}
		default:
			return nil, 0, ErrNotRunning
		}
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
	}
}

// pipe copies between c and a pair of new streams (data and error) to port
// on tunnel until either side ends, and returns the error the kubelet
// reported, if any.
func (f *Forward) pipe(c net.Conn, tunnel httpstream.Connection, port int32) error {
	h := http.Header{}
	h.Set(corev1.StreamType, corev1.StreamTypeError)
	h.Set(corev1.PortHeader, strconv.Itoa(int(port)))
	h.Set(corev1.PortForwardRequestIDHeader, strconv.FormatInt(f.requests.Add(1), 10))
	errStream, err := tunnel.CreateStream(h)
	if err != nil {
		return fmt.Errorf("open the error stream: %w", err)
	}
	// Nothing is sent on the error stream.
	errStream.Close()
	h.Set(corev1.StreamType, corev1.StreamTypeData)
	data, err := tunnel.CreateStream(h)
	if err != nil {
		errStream.Reset()
		tunnel.RemoveStreams(errStream)
		return fmt.Errorf("open the data stream: %w", err)
	}

	var wg sync.WaitGroup
	remote := make(chan error, 1)
	wg.Add(3)
	go func() {
		defer wg.Done()
		msg, err := io.ReadAll(io.LimitReader(errStream, 4<<10))
		switch {
		case err != nil:
			remote <- nil // the tunnel went; the copy reports that
		case len(msg) > 0:
			remote <- fmt.Errorf("port %d of pod: %s", port, msg)
		default:
			remote <- nil
		}
	}()
	fromPod, fromLocal := make(chan struct{}), make(chan struct{})
	var heard atomic.Int64 // bytes from the pod on this connection
	go func() {
		defer wg.Done()
		defer close(fromPod)
		_, _ = io.Copy(counter{w: c, n: &f.in, also: &heard, changed: f.onChange}, data)
	}()
	go func() {
		defer wg.Done()
		defer close(fromLocal)
		_, err := io.Copy(counter{w: data, n: &f.out, changed: f.onChange}, c)
		if err == nil {
			data.Close() // half-close: the pod reads EOF
		} else {
			data.Reset()
		}
	}()
	podEnded := true
	select {
	case <-fromPod:
	case <-fromLocal:
		// The local side is done sending. Not every pod end hears of a
		// half-close, so the pair ends once the pod has been silent for
		// Linger.
		for ended := false; !ended; {
			before := heard.Load()
			t := time.NewTimer(Linger)
			select {
			case <-fromPod:
				ended = true
			case <-t.C:
				ended = heard.Load() == before
				podEnded = !ended
			}
			t.Stop()
		}
	}
	// The pod's side has ended: end ours, then wait for the error stream,
	// which the kubelet closes once the pair is done (or the tunnel goes).
	c.Close()
	data.Reset()
	var perr error
	if podEnded {
		t := time.NewTimer(5 * time.Second)
		select {
		case perr = <-remote:
		case <-tunnel.CloseChan():
		case <-t.C:
		}
		t.Stop()
	}
	errStream.Reset()
	wg.Wait()
	tunnel.RemoveStreams(errStream, data)
	return perr
}

// counter counts the bytes written through it in n (and also, if set).
type counter struct {
	w       io.Writer
	n, also *atomic.Int64
	changed func()
}

func (c counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if n > 0 {
		c.n.Add(int64(n))
		if c.also != nil {
			c.also.Add(int64(n))
		}
		c.changed()
	}
	return n, err
}
