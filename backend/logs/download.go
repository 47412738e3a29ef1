package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

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
	return writeFile(path, func(w io.Writer) (int64, error) { return Download(ctx, client, req, w, progress) })
}

// writeFile writes a file through write into a temporary file beside
// path, renamed into place once complete: a failed write leaves no file.
func writeFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return 0, err
	}
	n, err := write(f)
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

// SaveOptions say how Save writes a Stream's lines.
type SaveOptions struct {
	Timestamps bool // each line begins with its time (RFC 3339, UTC, nanoseconds)
	Tags       bool // each line begins with [pod/container] (several sources)
}

// Save writes the lines the Stream keeps now, oldest first, as the log's
// text (escape sequences as received), one per line, to a file at path
// (written beside it and renamed into place). It returns how many lines
// it wrote. Lines that arrive meanwhile are left out; lines that fall out
// of the ring meanwhile are skipped.
func (s *Stream) Save(path string, o SaveOptions) (int, error) {
	lines := 0
	_, err := writeFile(path, func(f io.Writer) (int64, error) {
		w := bufio.NewWriterSize(f, 64<<10)
		end := s.Progress().Next
		var n int64
		for from := uint64(0); from < end; {
			chunk, next := s.copyLines(from, saveChunk, end)
			if len(chunk) == 0 {
				break
			}
			for _, l := range chunk {
				if l.Seq >= end {
					break
				}
				if o.Timestamps {
					w.WriteString(l.Time.UTC().Format(time.RFC3339Nano))
					w.WriteByte(' ')
				}
				if o.Tags {
					w.WriteByte('[')
					w.WriteString(l.Pod)
					if l.Container != "" {
						w.WriteByte('/')
						w.WriteString(l.Container)
					}
					w.WriteString("] ")
				}
				w.WriteString(l.Text)
				if err := w.WriteByte('\n'); err != nil {
					return n, err
				}
				n += int64(len(l.Text)) + 1
				lines++
			}
			from = next
		}
		return n, w.Flush()
	})
	if err != nil {
		return 0, fmt.Errorf("save the log: %w", err)
	}
	return lines, nil
}

// saveChunk is how many lines Save copies out of the ring at a time.
const saveChunk = 2000

// copyLines copies up to limit kept lines from from (or the first kept),
// before end, whole (a window would cut long ones); next is where to go on.
func (s *Stream) copyLines(from uint64, limit int, end uint64) (lines []Line, next uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from = max(from, s.ring.first())
	stop := min(end, s.ring.next, from+uint64(limit))
	for seq := from; seq < stop; seq++ {
		lines = append(lines, *s.ring.at(seq))
	}
	return lines, max(from, stop)
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
