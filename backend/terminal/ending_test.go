package terminal

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/client-go/util/exec"
)

func TestEnding(t *testing.T) {
	assert.Equal(t, Ending{Exited: true}, ending(nil), "the stream's success: exit 0")
	assert.Equal(t, Ending{Exited: true, ExitCode: 2},
		ending(fmt.Errorf("stream: %w", exec.CodeExitError{Err: errors.New("command terminated with exit code 2"), Code: 2})),
		"a kubelet's NonZeroExitCode status")
	assert.Equal(t, Ending{Exited: true, ExitCode: 3},
		ending(errors.New("error executing command in container: cmd wait: /bin/sh -c exit 3: exit status 3")),
		"a server that gives the code only in its message (kwok)")
	for _, msg := range []string{
		"error dialing backend: dial tcp 127.0.0.1:10250: connect: connection refused",
		"exit status 3 was not the end: read: connection reset",
		"container \"app\" not found: exit status 1234",
	} {
		assert.Equal(t, Ending{Reason: msg}, ending(errors.New(msg)), "no exit code read from %q", msg)
	}
}
