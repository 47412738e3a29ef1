package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
)

// DownloadRequest names the log Download writes.
type DownloadRequest struct {
	Namespace, Pod, Container string
	Previous                  bool // the previous run's log
	Timestamps                bool // prefix each line with its timestamp
}

// progressEvery is how many bytes pass between progress reports.
const progressEvery = 256 << 10

// Download streams a container's whole log from the API server (not the
// lines a Stream keeps) to w. progress, if not nil, is called with the
// bytes written so far every 256 KiB and once at the end, from the calling
// goroutine. Cancelling ctx stops it with ctx's error.
func Download(ctx context.Context, client kubernetes.Interface, req DownloadRequest, w io.Writer, progress func(written int64)) (int64, error) {
	rc, err := client.CoreV1().Pods(req.Namespace).GetLogs(req.Pod, &corev1.PodLogOptions{
		Container: req.Container, Previous: req.Previous, Timestamps: req.Timestamps,
	}).Stream(ctx)
	if err != nil {
		return 0, fmt.Errorf("download the log of %s/%s %s: %w", req.Namespace, req.Pod, req.Container, err)
	}
	defer rc.Close()
	pw := &progressWriter{w: w, progress: progress}
	_, err = io.Copy(pw, rc)
	if progress != nil {
		progress(pw.n)
	}
	if ctx.Err() != nil {
		return pw.n, ctx.Err()
	}
	if err != nil {
		return pw.n, fmt.Errorf("download the log of %s/%s %s: %w", req.Namespace, req.Pod, req.Container, err)
	}
	return pw.n, nil
}

// DownloadFile is Download into the file at path. The log is written to a
// temporary file beside it, renamed into place once complete; a failed or
// cancelled download leaves no file behind.
func DownloadFile(ctx context.Context, client kubernetes.Interface, req DownloadRequest, path string, progress func(written int64)) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return 0, err
	}
	n, err := Download(ctx, client, req, f, progress)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return n, err
	}
	return n, nil
}

type progressWriter struct {
	w        io.Writer
	n, last  int64
	progress func(int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	if p.progress != nil && p.n-p.last >= progressEvery {
		p.last = p.n
		p.progress(p.n)
	}
	return n, err
}
