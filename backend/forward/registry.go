package forward

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// MaxForwards bounds the forwards one registry holds, running or not.
const MaxForwards = 64

// ErrNoForward is wrapped by the error for an id the registry does not hold.
var ErrNoForward = errors.New("no such port-forward")

// ErrClosed is returned by a registry after Close.
var ErrClosed = errors.New("the port-forwards were closed")

// Registry holds the forwards of one session, in the order they were
// added. Its methods may be called from any goroutine; after Close
// returns, every forward is stopped and none of their goroutines is left.
type Registry struct {
	ctx      context.Context
	dial     Dialer
	prefix   string
	onChange func()

	mu       sync.Mutex
	closed   bool
	next     int
	forwards map[string]*Forward
	order    []string
}

// NewRegistry returns a registry whose forwards run until ctx ends or
// Close. Their ids start with prefix; onChange (which must not block) is
// called after any forward changes, its counters included.
func NewRegistry(ctx context.Context, dial Dialer, prefix string, onChange func()) *Registry {
	if onChange == nil {
		onChange = func() {}
	}
	return &Registry{ctx: ctx, dial: dial, prefix: prefix, onChange: onChange, forwards: map[string]*Forward{}}
}

// Add records a forward without starting it (state stopped): a saved
// forward restored at connect.
func (r *Registry) Add(spec Spec) (Stats, error) {
	f, err := r.add(spec)
	if err != nil {
		return Stats{}, err
	}
	r.onChange()
	return f.Stats(), nil
}

// Start adds a forward and starts it: it listens, resolves its pod and
// opens a tunnel before returning. A forward that cannot start is not
// kept; its error says why (ErrPortInUse for a taken local port).
func (r *Registry) Start(spec Spec) (Stats, error) {
	f, err := r.add(spec)
	if err != nil {
		return Stats{}, err
	}
	if err := f.Restart(); err != nil {
		r.drop(f.id)
		f.Stop()
		r.onChange()
		return Stats{}, err
	}
	return f.Stats(), nil
}

func (r *Registry) add(spec Spec) (*Forward, error) {
	if spec.Resolve == nil {
		return nil, errors.New("port-forward: no resolver")
	}
	if spec.LocalPort < 0 || spec.LocalPort > 65535 {
		return nil, fmt.Errorf("invalid local port %d: 1 to 65535, or 0 for any free port", spec.LocalPort)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return nil, ErrClosed
	case len(r.forwards) >= MaxForwards:
		return nil, fmt.Errorf("too many port-forwards (%d); remove one", MaxForwards)
	}
	r.next++
	id := r.prefix + strconv.Itoa(r.next)
	f := newForward(r.ctx, id, spec, r.dial, r.onChange)
	r.forwards[id] = f
	r.order = append(r.order, id)
	return f, nil
}

func (r *Registry) drop(id string) *Forward {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.forwards[id]
	if !ok {
		return nil
	}
	delete(r.forwards, id)
	for i, o := range r.order {
		if o == id {
			r.order = append(r.order[:i:i], r.order[i+1:]...)
			break
		}
	}
	return f
}

func (r *Registry) get(id string) (*Forward, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	f, ok := r.forwards[id]
	if !ok {
		return nil, fmt.Errorf("port-forward %q: %w", id, ErrNoForward)
	}
	return f, nil
}

// Stop stops a forward; it stays listed.
func (r *Registry) Stop(id string) (Stats, error) {
	f, err := r.get(id)
	if err != nil {
		return Stats{}, err
	}
	f.Stop()
	return f.Stats(), nil
}

// Restart starts a forward again (stopping it first if it runs). A forward
// that cannot start stays listed in the error state.
func (r *Registry) Restart(id string) (Stats, error) {
	f, err := r.get(id)
	if err != nil {
		return Stats{}, err
	}
	err = f.Restart()
	return f.Stats(), err
}

// Remove stops a forward and forgets it.
func (r *Registry) Remove(id string) error {
	if _, err := r.get(id); err != nil {
		return err
	}
	if f := r.drop(id); f != nil {
		f.Stop()
	}
	r.onChange()
	return nil
}

// Get returns one forward's stats.
func (r *Registry) Get(id string) (Stats, error) {
	f, err := r.get(id)
	if err != nil {
		return Stats{}, err
	}
	return f.Stats(), nil
}

// List returns every forward, in the order they were added.
func (r *Registry) List() []Stats {
	r.mu.Lock()
	fs := make([]*Forward, 0, len(r.order))
	for _, id := range r.order {
		fs = append(fs, r.forwards[id])
	}
	r.mu.Unlock()
	out := make([]Stats, len(fs))
	for i, f := range fs {
		out[i] = f.Stats()
	}
	return out
}

// Lost tells every forward in namespace that pod went away (see
// Forward.Lost). It does not block on the network.
func (r *Registry) Lost(namespace, pod, reason string, ended bool) {
	r.mu.Lock()
	var fs []*Forward
	for _, f := range r.forwards {
		if f.spec.Namespace == namespace {
			fs = append(fs, f)
		}
	}
	r.mu.Unlock()
	for _, f := range fs {
		f.Lost(pod, reason, ended)
	}
}

// Close stops every forward and waits for their goroutines. Safe to call
// twice.
func (r *Registry) Close() {
	r.mu.Lock()
	r.closed = true
	fs := make([]*Forward, 0, len(r.forwards))
	for _, f := range r.forwards {
		fs = append(fs, f)
	}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.Stop()
		}()
	}
	wg.Wait()
}
