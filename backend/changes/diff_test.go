package changes

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func deployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", ResourceVersion: "1", Generation: 1,
			Labels: map[string]string{"app": "web", "app.kubernetes.io/part-of": "shop"}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{
				{Name: "app", Image: "nginx:1.25", Env: []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
					Ports:     []corev1.ContainerPort{{ContainerPort: 80, Protocol: "TCP"}},
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}},
				{Name: "sidecar", Image: "envoy:1", Args: []string{"-a", "-b"}},
			},
		}}},
	}
}

// fv is a Field as tests write it.
type fv struct{ Path, Old, New string }

func fvs(fields []Field) []fv {
	var out []fv
	for i := range fields {
		out = append(out, fv{fields[i].Path, fields[i].Old(), fields[i].New()})
	}
	return out
}

func paths(fields []Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}

func TestDiff(t *testing.T) {
	base := NewIgnore(always...)
	tests := []struct {
		name   string
		change func(d *appsv1.Deployment)
		want   []fv
	}{
		{name: "nothing", change: func(d *appsv1.Deployment) {}},
		{name: "bookkeeping only", change: func(d *appsv1.Deployment) {
			d.ResourceVersion, d.Generation = "2", 2
			d.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "x"}}
		}},
		{name: "replicas", change: func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To[int32](3) },
			want: []fv{{Path: "spec.replicas", Old: "1", New: "3"}}},
		{name: "a label added and one with a dotted key removed", change: func(d *appsv1.Deployment) {
			d.Labels = map[string]string{"app": "web", "tier": "front"}
		}, want: []fv{
			{Path: "metadata.labels.tier", New: `"front"`},
			{Path: `metadata.labels["app.kubernetes.io/part-of"]`, Old: `"shop"`},
		}},
		{name: "containers matched by name, not index", change: func(d *appsv1.Deployment) {
			c := d.Spec.Template.Spec.Containers
			c[0], c[1] = c[1], c[0]
			c[1].Image = "nginx:1.26"
		}, want: []fv{{Path: "spec.template.spec.containers[name=app].image", Old: `"nginx:1.25"`, New: `"nginx:1.26"`}}},
		{name: "env matched by name", change: func(d *appsv1.Deployment) {
			e := d.Spec.Template.Spec.Containers[0].Env
			d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "B", Value: "3"}, e[0], {Name: "C", Value: "4"}}
		}, want: []fv{
			{Path: "spec.template.spec.containers[name=app].env[name=B].value", Old: `"2"`, New: `"3"`},
			{Path: "spec.template.spec.containers[name=app].env[name=C]", New: `{"name":"C","value":"4"}`},
		}},
		{name: "ports by container port", change: func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Ports[0].Name = "http"
		}, want: []fv{{Path: "spec.template.spec.containers[name=app].ports[containerPort=80].name", Old: `""`, New: `"http"`}}},
		{name: "a container removed", change: func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers = d.Spec.Template.Spec.Containers[:1]
		}, want: []fv{{Path: "spec.template.spec.containers[name=sidecar]", Old: `{"name":"sidecar","image":"envoy:1","args":["-a","-b"],"resources":{}}`}}},
		{name: "a list of scalars as one value", change: func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[1].Args = []string{"-a"}
		}, want: []fv{{Path: "spec.template.spec.containers[name=sidecar].args", Old: `["-a","-b"]`, New: `["-a"]`}}},
		{name: "quantities compare by value", change: func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("0.1")
		}},
		{name: "a quantity changed", change: func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("200m")
		}, want: []fv{{Path: "spec.template.spec.containers[name=app].resources.requests.cpu", Old: `"100m"`, New: `"200m"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, cur := deployment(), deployment()
			tt.change(cur)
			got, more := Diff(old, cur, base)
			assert.Zero(t, more)
			assert.Equal(t, tt.want, fvs(got))
		})
	}
}

func TestDiffIgnoresHeartbeats(t *testing.T) {
	node := func(beat time.Time, ready corev1.ConditionStatus) *corev1.Node {
		return &corev1.Node{Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
			{Type: corev1.NodeReady, Status: ready, LastHeartbeatTime: metav1.NewTime(beat)},
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, LastHeartbeatTime: metav1.NewTime(beat)},
		}}}
	}
	ign := NewIgnore(append(append([]string{}, always...), "status.conditions[*].lastHeartbeatTime")...)
	t0 := time.Unix(1000, 0)
	got, _ := Diff(node(t0, "True"), node(t0.Add(time.Minute), "True"), ign)
	assert.Empty(t, got, "heartbeats only")
	got, _ = Diff(node(t0, "True"), node(t0.Add(time.Minute), "False"), ign)
	assert.Equal(t, []string{"status.conditions[type=Ready].status"}, paths(got))
}

func TestDiffUnstructuredAndSummaries(t *testing.T) {
	old := map[string]any{"spec": map[string]any{"items": []any{
		map[string]any{"name": "a", "size": int64(1)}, map[string]any{"name": "b", "size": int64(2)}}}}
	cur := map[string]any{"spec": map[string]any{"items": []any{
		map[string]any{"name": "b", "size": int64(3)}, map[string]any{"name": "a", "size": int64(1)}}}}
	got, _ := Diff(old, cur, Ignore{})
	require.Len(t, got, 1)
	assert.Equal(t, []fv{{Path: "spec.items[name=b].size", Old: "2", New: "3"}}, fvs(got))
}

func TestDiffCutsLongValuesAndCountsMore(t *testing.T) {
	long := make([]byte, 2000)
	for i := range long {
		long[i] = 'x'
	}
	old := map[string]any{"data": map[string]any{"big": "a"}}
	cur := map[string]any{"data": map[string]any{"big": string(long)}}
	got, _ := Diff(old, cur, Ignore{})
	require.Len(t, got, 1)
	assert.True(t, got[0].Cut)
	assert.Len(t, got[0].New(), MaxValue)

	many, none := map[string]any{}, map[string]any{}
	for i := range 100 {
		many[string(rune('a'+i%26))+string(rune('a'+i/26))] = i
	}
	got, more := Diff(none, many, Ignore{})
	assert.Len(t, got, maxFields)
	assert.Equal(t, 100-maxFields, more)
}

func TestPrefixes(t *testing.T) {
	var got []string
	prefixes(`spec.template.spec.containers[name=a.b].env[name=X].value`, func(p string) bool { got = append(got, p); return true })
	assert.Equal(t, []string{
		"spec.template.spec.containers[name=a.b].env[name=X]",
		"spec.template.spec.containers[name=a.b].env",
		"spec.template.spec.containers[name=a.b]",
		"spec.template.spec.containers",
		"spec.template.spec",
		"spec.template",
		"spec",
	}, got)
	got = nil
	prefixes(`metadata.labels["a.b/c"]`, func(p string) bool { got = append(got, p); return true })
	assert.Equal(t, []string{"metadata.labels", "metadata"}, got)
}

func TestRestoreAndValueAt(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "web"}},
		"spec": map[string]any{"replicas": int64(3), "template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "image": "nginx:1.26"}},
		}}},
		"data": map[string]any{"added": "x"},
	}
	fields := []Field{
		NewField("spec.replicas", "1", "3"),
		NewField("spec.template.spec.containers[name=app].image", `"nginx:1.25"`, `"nginx:1.26"`),
		NewField(`metadata.labels["app.kubernetes.io/name"]`, `"api"`, `"web"`),
		NewField("data.added", "", `"x"`),
		NewField("data.removed", `"y"`, ""),
	}
	assert.Equal(t, "3", ValueAt(obj, "spec.replicas"))
	assert.Equal(t, `"nginx:1.26"`, ValueAt(obj, "spec.template.spec.containers[name=app].image"))
	require.NoError(t, Restore(obj, fields))
	assert.Equal(t, int64(1), obj["spec"].(map[string]any)["replicas"])
	assert.Equal(t, `"nginx:1.25"`, ValueAt(obj, "spec.template.spec.containers[name=app].image"))
	assert.Equal(t, `"api"`, ValueAt(obj, `metadata.labels["app.kubernetes.io/name"]`))
	assert.Equal(t, map[string]any{"removed": "y"}, obj["data"])
	big := NewField("data.big", `"xx`, "")
	big.Cut = true
	assert.Error(t, Restore(obj, []Field{big}))
}
