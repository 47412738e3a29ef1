package edit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/edit"
)

func TestParseErrorsHaveLineAndColumn(t *testing.T) {
	for _, tc := range []struct {
		name, text      string
		doc, line, col  int
		messageFragment string
	}{
		{name: "unclosed flow list", text: "apiVersion: v1\nkind: ConfigMap\ndata: [1, 2\n", line: 4, col: 1, messageFragment: "did not find expected"},
		{name: "bad indentation", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n namespace: b\n", line: 5, col: 2, messageFragment: "did not find expected key"},
		{name: "mapping in a value", text: "apiVersion: v1\nkind: a: b\n", line: 2, col: 8, messageFragment: "mapping values are not allowed"},
		{name: "tab", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n", line: 4, col: 1, messageFragment: "cannot start any token"},
		{name: "second document", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b\n", doc: 1, line: 8, col: 1},
		{name: "not a mapping", text: "- a\n- b\n", line: 1, col: 1, messageFragment: "must be a mapping"},
		{name: "no kind", text: "apiVersion: v1\nmetadata: {name: a}\n", line: 1, col: 1, messageFragment: "kind is missing"},
		{name: "no name", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n", line: 4, col: 3, messageFragment: "metadata.name is missing"},
		{name: "kind not text", text: "apiVersion: v1\nkind: [a]\nmetadata: {name: a}\n", line: 2, col: 7, messageFragment: "kind is missing or not text"},
		{name: "number key", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  1: x\n", line: 5, col: 3, messageFragment: "key must be text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := edit.Parse([]byte(tc.text))
			var se *edit.SyntaxError
			require.True(t, errors.As(err, &se), "err %v", err)
			assert.Nil(t, docs)
			assert.Equal(t, tc.doc, se.Document, "document")
			assert.Equal(t, tc.line, se.Line, "line: %v", se)
			assert.Equal(t, tc.col, se.Column, "column: %v", se)
			assert.Contains(t, se.Message, tc.messageFragment)
			assert.Contains(t, se.Error(), "line ")
		})
	}
}

func TestParseDocuments(t *testing.T) {
	docs, err := edit.Parse([]byte("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {when: 2024-01-02T03:04:05Z, n: \"1\"}\n---\n# only a comment\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec: {replicas: 2, paused: false}\n---\n"))
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Equal(t, 0, docs[0].Index)
	assert.Equal(t, 2, docs[0].Line)
	assert.Equal(t, map[string]any{"when": "2024-01-02T03:04:05Z", "n": "1"}, docs[0].Object["data"])
	assert.Equal(t, 1, docs[1].Index)
	assert.Equal(t, 9, docs[1].Line)
	assert.Equal(t, map[string]any{"replicas": int64(2), "paused": false}, docs[1].Object["spec"], "numbers as the API decodes them")
}

func TestClean(t *testing.T) {
	obj := map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "a", "uid": "u", "resourceVersion": "7", "generation": int64(3),
		"managedFields": []any{map[string]any{"manager": "kubectl"}}}, "data": map[string]any{"a": "1"}}
	out := edit.Clean(obj)
	assert.Equal(t, map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "a"}, "data": map[string]any{"a": "1"}}, out)
	assert.Contains(t, obj["metadata"], "managedFields", "the original is left alone")
	assert.Nil(t, edit.Clean(nil))
}

func TestStatusOnly(t *testing.T) {
	base := deployment(1, "web:1")
	live := deployment(1, "web:1")
	live["status"] = map[string]any{"readyReplicas": int64(1)}
	live["metadata"].(map[string]any)["resourceVersion"] = "9"
	assert.True(t, edit.StatusOnly(base, live))
	assert.False(t, edit.StatusOnly(base, deployment(2, "web:1")))
}

func TestDiffLeavesNoiseOut(t *testing.T) {
	before := map[string]any{"metadata": map[string]any{"name": "a", "resourceVersion": "1", "generation": int64(1)}, "spec": map[string]any{"replicas": int64(1)}}
	after := map[string]any{"metadata": map[string]any{"name": "a", "resourceVersion": "2", "generation": int64(2)}, "spec": map[string]any{"replicas": int64(3)}}
	d, err := edit.Diff("live", "preview", before, after)
	require.NoError(t, err)
	assert.Contains(t, d, "-  replicas: 1\n+  replicas: 3\n")
	assert.NotContains(t, d, "resourceVersion")
	assert.NotContains(t, d, "generation")
	same, err := edit.Diff("live", "preview", before, map[string]any{"metadata": map[string]any{"name": "a", "resourceVersion": "9"}, "spec": map[string]any{"replicas": int64(1)}})
	require.NoError(t, err)
	assert.Empty(t, same, "only noise differs")
}

func deployment(replicas int64, image string, env ...string) map[string]any {
	envs := []any{}
	for i := 0; i+1 < len(env); i += 2 {
		envs = append(envs, map[string]any{"name": env[i], "value": env[i+1]})
	}
	return map[string]any{
		"metadata": map[string]any{"name": "web", "resourceVersion": "1", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{"replicas": replicas, "template": map[string]any{"spec": map[string]any{"containers": []any{
			map[string]any{"name": "web", "image": image, "env": envs},
			map[string]any{"name": "sidecar", "image": "proxy:1"},
		}}}},
	}
}

func TestMerge3(t *testing.T) {
	containers := func(obj map[string]any) []any {
		return obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	}
	t.Run("different fields both stay", func(t *testing.T) {
		base := deployment(1, "web:1")
		live := deployment(3, "web:1")
		live["metadata"].(map[string]any)["resourceVersion"] = "2"
		yours := deployment(1, "web:2")
		yours["metadata"].(map[string]any)["labels"].(map[string]any)["tier"] = "front"
		out, conflicts := edit.Merge3(base, live, yours)
		assert.Empty(t, conflicts)
		assert.Equal(t, int64(3), out["spec"].(map[string]any)["replicas"], "theirs")
		assert.Equal(t, "web:2", containers(out)[0].(map[string]any)["image"], "yours")
		assert.Equal(t, map[string]any{"app": "web", "tier": "front"}, out["metadata"].(map[string]any)["labels"])
		assert.Equal(t, "2", out["metadata"].(map[string]any)["resourceVersion"], "the live version")
	})
	t.Run("containers merge by name", func(t *testing.T) {
		base := deployment(1, "web:1", "A", "1")
		live := deployment(1, "web:1", "A", "1", "B", "2") // someone added B to web
		// they also put a new container first
		c := containers(live)
		live["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"] = append([]any{map[string]any{"name": "init", "image": "i:1"}}, c...)
		yours := deployment(1, "web:1", "A", "9") // you changed A
		delete(containers(yours)[1].(map[string]any), "image")
		containers(yours)[1].(map[string]any)["image"] = "proxy:2"
		out, conflicts := edit.Merge3(base, live, yours)
		assert.Empty(t, conflicts)
		got := containers(out)
		require.Len(t, got, 3)
		assert.Equal(t, "init", got[0].(map[string]any)["name"], "the live order")
		assert.Equal(t, []any{map[string]any{"name": "A", "value": "9"}, map[string]any{"name": "B", "value": "2"}}, got[1].(map[string]any)["env"])
		assert.Equal(t, "proxy:2", got[2].(map[string]any)["image"])
	})
	t.Run("the same field is a conflict with both values", func(t *testing.T) {
		base := deployment(1, "web:1")
		live := deployment(1, "web:3")
		yours := deployment(1, "web:2")
		out, conflicts := edit.Merge3(base, live, yours)
		require.Len(t, conflicts, 1)
		assert.Equal(t, edit.Conflict{Path: ".spec.template.spec.containers[name=web].image", Live: `"web:3"`, Yours: `"web:2"`}, conflicts[0])
		assert.Equal(t, "web:2", containers(out)[0].(map[string]any)["image"], "your text is kept")
	})
	t.Run("removed against changed", func(t *testing.T) {
		base := deployment(1, "web:1")
		live := deployment(1, "web:1")
		containers(live)[1].(map[string]any)["image"] = "proxy:9"
		yours := deployment(1, "web:1")
		spec := yours["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
		spec["containers"] = spec["containers"].([]any)[:1]
		_, conflicts := edit.Merge3(base, live, yours)
		require.Len(t, conflicts, 1)
		assert.Equal(t, ".spec.template.spec.containers[name=sidecar]", conflicts[0].Path)
		assert.Empty(t, conflicts[0].Yours, "removed")
		assert.Contains(t, conflicts[0].Live, "proxy:9")
	})
	t.Run("nested maps and removals", func(t *testing.T) {
		base := map[string]any{"a": map[string]any{"x": "1", "y": "1", "z": map[string]any{"deep": "1"}}}
		live := map[string]any{"a": map[string]any{"x": "1", "z": map[string]any{"deep": "1", "new": "t"}}} // removed y, added z.new
		yours := map[string]any{"a": map[string]any{"x": "2", "y": "1", "z": map[string]any{"deep": "1"}}, "b": "yours"}
		out, conflicts := edit.Merge3(base, live, yours)
		assert.Empty(t, conflicts)
		assert.Equal(t, map[string]any{"a": map[string]any{"x": "2", "z": map[string]any{"deep": "1", "new": "t"}}, "b": "yours"}, out)
	})
	t.Run("the same change on both sides", func(t *testing.T) {
		base := deployment(1, "web:1")
		out, conflicts := edit.Merge3(base, deployment(2, "web:1"), deployment(2, "web:1"))
		assert.Empty(t, conflicts)
		assert.Equal(t, int64(2), out["spec"].(map[string]any)["replicas"])
	})
	t.Run("lists without names are values", func(t *testing.T) {
		base := map[string]any{"args": []any{"a"}}
		_, conflicts := edit.Merge3(base, map[string]any{"args": []any{"a", "b"}}, map[string]any{"args": []any{"c"}})
		require.Len(t, conflicts, 1)
		assert.Equal(t, edit.Conflict{Path: ".args", Live: `["a","b"]`, Yours: `["c"]`}, conflicts[0])
	})
}

func TestResolveHidden(t *testing.T) {
	const hidden = "<redacted>"
	live := map[string]any{"data": map[string]any{"user": "YWRtaW4=", "password": "c2VjcmV0"}}
	yours := map[string]any{"data": map[string]any{"user": "cm9vdA==", "password": hidden, "new": "eA=="}}
	require.True(t, edit.HasHidden(yours, hidden))
	require.NoError(t, edit.ResolveHidden(yours, live, hidden))
	assert.Equal(t, map[string]any{"user": "cm9vdA==", "password": "c2VjcmV0", "new": "eA=="}, yours["data"], "the hidden key keeps its live value")
	assert.False(t, edit.HasHidden(yours, hidden))

	gone := map[string]any{"data": map[string]any{"token": hidden}}
	err := edit.ResolveHidden(gone, live, hidden)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"token" is hidden`)

	bad := map[string]any{"stringData": map[string]any{"x": hidden}}
	assert.Error(t, edit.ResolveHidden(bad, live, hidden), "a placeholder is never written as a value")

	before, after := edit.RedactPair(live, map[string]any{"data": map[string]any{"user": "cm9vdA==", "password": "c2VjcmV0", "new": "eA=="}}, hidden)
	assert.Equal(t, map[string]any{"user": hidden, "password": hidden}, before["data"])
	assert.Equal(t, map[string]any{"user": hidden + " (changed)", "password": hidden, "new": hidden}, after["data"])
	d, err := edit.Diff("live", "preview", before, after)
	require.NoError(t, err)
	for _, v := range []string{"YWRtaW4", "c2VjcmV0", "cm9vdA", "eA=="} {
		assert.NotContains(t, d, v, "no value in the diff")
	}
	assert.True(t, strings.Contains(d, "+  user: <redacted> (changed)"), d)
}

// FuzzParse: no input makes Parse panic, and it returns objects or an
// error, never both.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "a: b", "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\n- x", "{", "a: &x [*x]", "? [a]\n: b", "a: !!binary aGk="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		docs, err := edit.Parse([]byte(s))
		if err != nil && docs != nil {
			t.Fatalf("both documents and an error")
		}
		var se *edit.SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error %T is not a SyntaxError", err)
		}
	})
}
