package podsim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestLineRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 6, 5, 38, 29, 123456789, time.UTC)
	tests := []struct {
		name string
		line Line
		want string
	}{
		{"stdout", Line{Time: at, Text: "hello"}, "2026-12-06T05:38:29.123456789Z stdout F hello\n"},
		{"stderr partial", Line{Time: at, Stream: "stderr", Text: "part", Partial: true}, "2026-12-06T05:38:29.123456789Z stderr P part\n"},
		{"empty text", Line{Time: at}, "2026-12-06T05:38:29.123456789Z stdout F \n"},
		{"ansi and spaces kept", Line{Time: at, Text: "\x1b[32m ok \x1b[0m"}, "2026-12-06T05:38:29.123456789Z stdout F \x1b[32m ok \x1b[0m\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.line.AppendTo(nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b))
			back, err := ParseLine(strings.TrimSuffix(string(b), "\n"))
			require.NoError(t, err)
			assert.True(t, back.Time.Equal(tt.line.Time))
			assert.Equal(t, tt.line.Text, back.Text)
			assert.Equal(t, tt.line.Partial, back.Partial)
		})
	}
	_, err := Line{Time: at, Text: "two\nlines"}.AppendTo(nil)
	assert.ErrorIs(t, err, ErrNewline)
	_, err = Line{Time: at, Stream: "stdin"}.AppendTo(nil)
	assert.Error(t, err)
	_, err = ParseLine("not a log line")
	assert.Error(t, err)
}

func TestContainerLogsAreRealisticAndOrdered(t *testing.T) {
	root := t.TempDir()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "storefront-1", UID: "u1",
			CreationTimestamp: metav1.NewTime(time.Now().Add(-time.Hour)),
			Annotations:       map[string]string{RestartsAnnotation: "3"}},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "init", Image: "registry.example.com/library/postgres:16.4"}},
			Containers: []corev1.Container{
				{Name: "storefront", Image: "registry.example.com/shop/storefront:1.42.0"},
				{Name: "envoy", Image: "registry.example.com/platform/envoy:1.31.2"},
			},
		},
	}
	now := time.Now()
	for _, c := range Containers(pod) {
		require.NoError(t, writeContainerLogs(root, pod, c, now))
	}
	assert.Equal(t, filepath.Join(root, "pods", "shop_storefront-1_u1", "storefront", "3.log"), LogPath(root, pod, "storefront"))
	assert.Equal(t, filepath.Join(root, "pods", "shop_storefront-1_u1", "init", "0.log"), LogPath(root, pod, "init"))
	assert.Empty(t, PreviousLogPath(root, pod, "init"), "init containers do not restart")

	cur, err := ReadLog(LogPath(root, pod, "storefront"))
	require.NoError(t, err)
	prev, err := ReadLog(PreviousLogPath(root, pod, "storefront"))
	require.NoError(t, err)
	assert.True(t, prev[len(prev)-1].Time.Before(cur[0].Time), "the previous run ended before this one started")
	assert.Equal(t, "stderr", prev[len(prev)-1].Stream)
	ansi := false
	for i, l := range cur {
		ansi = ansi || strings.Contains(l.Text, "\x1b[")
		if i > 0 {
			assert.False(t, l.Time.Before(cur[i-1].Time), "line %d goes back in time", i)
		}
		assert.False(t, l.Time.After(now), "line %d is in the future", i)
	}
	assert.True(t, ansi, "the storefront logs in colour")

	envoy, err := ReadLog(LogPath(root, pod, "envoy"))
	require.NoError(t, err)
	assert.Contains(t, envoy[len(envoy)-1].Text, "HTTP/1.1", "envoy writes access log lines")

	// Written once: a restarted podsim keeps what followers already read.
	before, err := os.ReadFile(LogPath(root, pod, "storefront"))
	require.NoError(t, err)
	require.NoError(t, writeContainerLogs(root, pod, "storefront", now.Add(time.Minute)))
	after, err := os.ReadFile(LogPath(root, pod, "storefront"))
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

func TestJSONWriterWritesJSON(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "u"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "cart", Image: "r/shop/cart:2"}}}}
	w := newWriter(pod, "cart", 0)
	require.Equal(t, styleJSON, w.style)
	for range 200 {
		l := w.next(time.Now())
		assert.True(t, strings.HasPrefix(l.Text, "{") && strings.HasSuffix(l.Text, "}"), l.Text)
	}
}

func TestStylesFollowNameAndImage(t *testing.T) {
	for image, want := range map[string]style{
		"r/library/postgres:16": stylePostgres, "r/library/redis:7": styleRedis, "r/platform/envoy:1": styleEnvoy,
		"r/monitoring/prometheus:2": styleLogfmt, "r/shop/catalog:5": styleJava, "r/platform/ingress-gateway:1": styleAccess,
		"r/shop/storefront:1": styleANSI, "r/payments/ledger:2": styleJSON,
	} {
		assert.Equal(t, want, styleFor("c", image), image)
	}
}
