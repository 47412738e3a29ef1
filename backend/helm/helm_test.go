package helm_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/helm"
)

// stored is a release as Helm's JSON has it (field names and nesting).
var stored = map[string]any{
	"name": "web", "namespace": "shop", "version": 3,
	"info": map[string]any{"first_deployed": "2026-01-02T03:04:05Z", "last_deployed": "2026-02-03T04:05:06Z",
		"deleted": "", "description": "Upgrade complete", "status": "deployed", "notes": "Visit http://web"},
	"chart": map[string]any{
		"metadata": map[string]any{"name": "web", "version": "1.2.3", "appVersion": "4.5"},
		"values":   map[string]any{"replicas": 1, "db": map[string]any{"host": "db", "password": "default"}, "debug": true},
	},
	"config":   map[string]any{"db": map[string]any{"password": "s3cret"}, "debug": nil},
	"manifest": "---\n# Source: web/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: other\n---\n# empty\n",
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func b64(b []byte) []byte { return []byte(base64.StdEncoding.EncodeToString(b)) }

func TestDecode(t *testing.T) {
	good, err := helm.Encode(stored)
	require.NoError(t, err)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"good", good, nil},
		{"plain JSON, as before Helm compressed; an empty time is zero", b64([]byte(`{"name":"web","version":3,"info":{"status":"deployed","last_deployed":""}}`)), nil},
		{"bad base64", []byte("%%%not base64%%%"), helm.ErrBase64},
		{"bad gzip", b64(append([]byte{0x1f, 0x8b}, []byte("garbage after the magic")...)), helm.ErrGzip},
		{"neither gzip nor JSON", b64([]byte("hello")), helm.ErrGzip},
		{"truncated gzip", b64(gz(t, []byte(`{"name":"web","manifest":"`+string(bytes.Repeat([]byte("x"), 5000))+`"}`))[:40]), helm.ErrGzip},
		{"bad JSON", b64(gz(t, []byte(`{"name": 42`))), helm.ErrJSON},
		{"JSON of the wrong shape", b64(gz(t, []byte(`{"name": ["web"]}`))), helm.ErrJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := helm.Decode(tt.data)
			if tt.want != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.want), "got %v, want %v", err, tt.want)
				assert.Nil(t, r)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "web", r.Name)
			assert.Equal(t, 3, r.Version)
			assert.Equal(t, "deployed", r.Info.Status)
		})
	}
	r, err := helm.Decode(good)
	require.NoError(t, err)
	assert.Equal(t, "shop", r.Namespace)
	assert.Equal(t, "Upgrade complete", r.Info.Description)
	assert.Equal(t, "Visit http://web", r.Info.Notes)
	assert.Equal(t, 2026, r.Info.LastDeployed.Year())
	assert.Equal(t, "web-1.2.3", r.Chart.Metadata.Label())
	assert.Equal(t, "4.5", r.Chart.Metadata.AppVersion)
	assert.Equal(t, "s3cret", r.Config["db"].(map[string]any)["password"])
}

func TestValuesMasked(t *testing.T) {
	r, err := helm.Decode(must(helm.Encode(stored)))
	require.NoError(t, err)
	computed := helm.Computed(r.Chart.Values, r.Config)
	leaves, more := helm.Leaves(computed)
	assert.Zero(t, more)
	var shown []string
	for _, l := range leaves {
		shown = append(shown, l.Display+":"+l.Type)
		assert.NotContains(t, l.Display, "s3cret")
	}
	// debug: null in the user's values removes the chart's default.
	assert.Equal(t, []string{"db.host:string", "db.password:string", "replicas:number"}, shown)
	assert.Equal(t, len("s3cret"), leaves[1].Size)

	v, err := helm.Lookup(computed, []string{"db", "password"})
	require.NoError(t, err)
	assert.Equal(t, "s3cret", v)
	v, err = helm.Lookup(computed, []string{"replicas"})
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	_, err = helm.Lookup(computed, []string{"db"})
	assert.ErrorIs(t, err, helm.ErrNoValue, "a map is not revealed whole")
	_, err = helm.Lookup(computed, []string{"nope"})
	assert.ErrorIs(t, err, helm.ErrNoValue)
	// The chart's defaults were not modified by the merge.
	assert.Equal(t, "default", r.Chart.Values["db"].(map[string]any)["password"])
	assert.Equal(t, true, r.Chart.Values["debug"])

	lists := map[string]any{"hosts": []any{"a", map[string]any{"b": "c"}}, "empty": map[string]any{}}
	leaves, _ = helm.Leaves(lists)
	var paths []string
	for _, l := range leaves {
		paths = append(paths, l.Display)
	}
	assert.Equal(t, []string{"empty", "hosts[0]", "hosts[1].b"}, paths)
	v, err = helm.Lookup(lists, leaves[2].Path)
	require.NoError(t, err)
	assert.Equal(t, "c", v)
	none, _ := helm.Leaves(nil)
	assert.Empty(t, none)
}

func TestResources(t *testing.T) {
	got := helm.Resources(stored["manifest"].(string), "shop")
	assert.Equal(t, []helm.Resource{
		{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "web"},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "other", Name: "web"},
	}, got)
	assert.Empty(t, helm.Resources("not: [yaml", "x"))
}

func FuzzDecode(f *testing.F) {
	f.Add(must(helm.Encode(stored)))
	f.Add([]byte("H4sI"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := helm.Decode(data)
		if err == nil && r == nil {
			t.Fatal("no release and no error")
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
