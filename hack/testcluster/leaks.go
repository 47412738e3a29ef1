package testcluster

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

// WaitNoLeaks fails the test unless, within 30 s, no goroutine is left but
// those the options ignore. It waits because some of client-go's
// goroutines end a while after their connection closed: the WebSocket
// heartbeat of an exec stream (tools/remotecommand) returns at its next
// ping, every 5 s, once the stream was cancelled from our side.
func WaitNoLeaks(t testing.TB, opts ...goleak.Option) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := goleak.Find(opts...)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
