package logs_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// fakeServer serves container logs the way the kubelet does (tail, since
// by whole seconds, follow), from lines the test controls, and can cut its
// connections: a log server for tests that need exact control.
type fakeServer struct {
	mu        sync.Mutex
	logs      map[string][]fakeLine // "pod/container"
	followers map[string][]*io.PipeWriter
	requests  []fakeRequest
	fail      map[string]error // returned by the next opens of "pod/container"
}

type fakeLine struct {
	t    time.Time
	text string
}

type fakeRequest struct {
	key  string
	opts corev1.PodLogOptions
}

func newFakeServer() *fakeServer {
	return &fakeServer{logs: map[string][]fakeLine{}, followers: map[string][]*io.PipeWriter{}, fail: map[string]error{}}
}

func key(pod, container string) string { return pod + "/" + container }

func (f *fakeServer) format(l fakeLine) string {
	return l.t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") + " " + l.text + "\n"
}

func (f *fakeServer) open(ctx context.Context, pod, container string, o *corev1.PodLogOptions) (io.ReadCloser, error) {
	k := key(pod, container)
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{key: k, opts: *o})
	if err := f.fail[k]; err != nil {
		f.mu.Unlock()
		return nil, err
	}
	lines := slices.Clone(f.logs[k])
	if o.SinceTime != nil {
		since := o.SinceTime.Time
		lines = slices.DeleteFunc(lines, func(l fakeLine) bool { return l.t.Before(since) })
	}
	if o.TailLines != nil && int(*o.TailLines) < len(lines) {
		lines = lines[len(lines)-int(*o.TailLines):]
	}
	// What the log holds now is there at once, as in a socket's buffer;
	// what is added later arrives through the pipe.
	var backlog bytes.Buffer
	for _, l := range lines {
		backlog.WriteString(f.format(l))
	}
	if !o.Follow {
		f.mu.Unlock()
		return io.NopCloser(&backlog), nil
	}
	pr, pw := io.Pipe()
	f.followers[k] = append(f.followers[k], pw)
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		pw.CloseWithError(ctx.Err())
	}()
	return readCloser{io.MultiReader(&backlog, pr), pr}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// add appends lines to a log and sends them to its followers.
func (f *fakeServer) add(pod, container string, lines ...fakeLine) {
	k := key(pod, container)
	f.mu.Lock()
	f.logs[k] = append(f.logs[k], lines...)
	followers := slices.Clone(f.followers[k])
	f.mu.Unlock()
	for _, pw := range followers {
		for _, l := range lines {
			if _, err := io.WriteString(pw, f.format(l)); err != nil {
				break
			}
		}
	}
}

// cut ends every open connection to a log mid-stream.
func (f *fakeServer) cut(pod, container string) {
	k := key(pod, container)
	f.mu.Lock()
	followers := f.followers[k]
	delete(f.followers, k)
	f.mu.Unlock()
	for _, pw := range followers {
		pw.CloseWithError(io.ErrUnexpectedEOF)
	}
}

func (f *fakeServer) requestsFor(pod, container string) []corev1.PodLogOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []corev1.PodLogOptions
	for _, r := range f.requests {
		if r.key == key(pod, container) {
			out = append(out, r.opts)
		}
	}
	return out
}

// series makes n lines of a container stamped from start, step apart.
func series(name string, start time.Time, step time.Duration, n int) []fakeLine {
	out := make([]fakeLine, n)
	for i := range out {
		out[i] = fakeLine{t: start.Add(time.Duration(i) * step), text: fmt.Sprintf("%s line %d", name, i)}
	}
	return out
}
