package applog_test

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"crowsnest/backend/applog"
	"crowsnest/backend/events"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// syncBuffer is a bytes.Buffer for writers on several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSessionLogNeverHoldsTheToken connects with a kubeconfig whose users
// authenticate with bearer tokens, with client-go logging every request
// (verbosity 9 logs request headers), and checks that the log tells the
// connection and sync but never holds a token.
func TestSessionLogNeverHoldsTheToken(t *testing.T) {
	env := testcluster.Get(t)
	raw, err := clientcmd.LoadFromFile(env.Kubeconfig())
	require.NoError(t, err)
	var tokens []string
	for _, u := range raw.AuthInfos {
		if u.Token != "" {
			tokens = append(tokens, u.Token)
		}
	}
	require.NotEmpty(t, tokens, "the test kubeconfig authenticates with bearer tokens")

	var flags flag.FlagSet
	klog.InitFlags(&flags)
	require.NoError(t, flags.Set("v", "9"))
	t.Cleanup(func() { _ = flags.Set("v", "0") })

	var buf syncBuffer
	log := applog.New(&buf, slog.LevelDebug)
	sessions := applog.NewSessionLog(log)
	board := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: sessions.Emitter(&events.Recorder{}),
		Paths: func() []string { return []string{env.Kubeconfig()} },
	})
	t.Cleanup(board.Stop)

	_, err = board.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	// The namespaces' sync, not the first kind's: the CRDs the session
	// learns kinds from may sync first, and a switch then would stop the
	// namespaces before their line is written.
	synced := regexp.MustCompile(`msg="kind synced" generation=1 context=demo-admin kind=namespaces count=\d+`)
	require.Eventually(t, func() bool { return synced.MatchString(buf.String()) },
		30*time.Second, 50*time.Millisecond, "log so far:\n%s", buf.String())
	// Another user's token, and a failing context, go through the log too.
	_, err = board.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	_, err = board.Switch(controlplane.ContextOffline)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return strings.Contains(buf.String(), `context=offline`) &&
			strings.Contains(buf.String(), `msg="session failed"`)
	},
		30*time.Second, 50*time.Millisecond, "log so far:\n%s", buf.String())
	board.Stop()

	out := buf.String()
	assert.Contains(t, out, `msg="session connected" generation=1 context=demo-admin server=https://127.0.0.1:`)
	assert.Contains(t, out, "source=client-go", "client-go's own log lines reach the file")
	for _, tok := range tokens {
		assert.NotContains(t, out, tok, "a bearer token was written to the log")
	}
}
