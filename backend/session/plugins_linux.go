package session

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// killPlugins ends every process that carries marker in its environment:
// the exec credential plugins a session started and whatever they started
// or exec'd into (the environment survives both). client-go runs plugins
// without a context or timeout, so a plugin that hangs (waiting on a
// browser login, a dead network) would hold a session's requests, and its
// goroutines, forever; the session kills them when it stops.
func killPlugins(marker string) int {
	if marker == "" {
		return 0
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	want := []byte(marker)
	self := os.Getpid()
	killed := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue // gone, or not ours
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.Equal(kv, want) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				killed++
				break
			}
		}
	}
	return killed
}
