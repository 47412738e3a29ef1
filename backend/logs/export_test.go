package logs

import (
	"context"
	"encoding/json"
	"io"

	corev1 "k8s.io/api/core/v1"
)

// OpenWith is Open with the API replaced by open, for tests that need a
// log server they control (cut connections, exact timestamps).
func OpenWith(ctx context.Context, namespace string, open func(ctx context.Context, pod, container string, o *corev1.PodLogOptions) (io.ReadCloser, error), opts Options) *Stream {
	return newStream(ctx, namespace, open, opts)
}

func jsonMarshal(s string) ([]byte, error) { return json.Marshal(s) }
