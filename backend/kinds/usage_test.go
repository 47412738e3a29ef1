package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"crowsnest/backend/kinds"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		used, of int64
		want     int64
		ok       bool
	}{
		{"half", 50, 100, 50, true},
		{"rounded up", 2, 3, 67, true},
		{"rounded down", 1, 3, 33, true},
		{"over", 250, 100, 250, true},
		{"none used", 0, 100, 0, true},
		{"no base", 50, 0, 0, false},
		{"large memory", 3 << 30, 4 << 30, 75, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := kinds.Percent(tc.used, tc.of)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFormatUsage(t *testing.T) {
	assert.Equal(t, "250m", kinds.FormatCPU(250))
	assert.Equal(t, "0m", kinds.FormatCPU(0))
	assert.Equal(t, "512Mi", kinds.FormatMemory(512<<20))
	assert.Equal(t, "2Mi", kinds.FormatMemory(3<<19), "1.5 Mi rounds up")
	assert.Equal(t, "900Ki", kinds.FormatMemory(900<<10))
	assert.Equal(t, "0Ki", kinds.FormatMemory(0))
}

func TestSumResources(t *testing.T) {
	q := resource.MustParse
	req := func(cpu, mem string) corev1.ResourceRequirements {
		return corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q(cpu), corev1.ResourceMemory: q(mem)}}
	}
	both := func(cpu, mem, cpuLim, memLim string) corev1.ResourceRequirements {
		r := req(cpu, mem)
		r.Limits = corev1.ResourceList{corev1.ResourceCPU: q(cpuLim), corev1.ResourceMemory: q(memLim)}
		return r
	}
	always := corev1.ContainerRestartPolicyAlways
	for _, tc := range []struct {
		name        string
		app, inits  []corev1.ResourceRequirements
		sidecarInit bool
		want        kinds.PodResources
	}{
		{name: "nothing set", app: []corev1.ResourceRequirements{{}}, want: kinds.PodResources{}},
		{name: "requests add up", app: []corev1.ResourceRequirements{req("100m", "64Mi"), req("1", "1Gi")},
			want: kinds.PodResources{CPURequest: 1100, MemoryRequest: 64<<20 + 1<<30}},
		{name: "limits only when every container has one", app: []corev1.ResourceRequirements{both("100m", "64Mi", "200m", "128Mi"), req("100m", "64Mi")},
			want: kinds.PodResources{CPURequest: 200, MemoryRequest: 128 << 20}},
		{name: "limits add up", app: []corev1.ResourceRequirements{both("100m", "64Mi", "200m", "128Mi"), both("100m", "64Mi", "300m", "64Mi")},
			want: kinds.PodResources{CPURequest: 200, CPULimit: 500, MemoryRequest: 128 << 20, MemoryLimit: 192 << 20}},
		{name: "requests default to limits", app: []corev1.ResourceRequirements{{Limits: corev1.ResourceList{corev1.ResourceCPU: q("250m")}}},
			want: kinds.PodResources{CPURequest: 250, CPULimit: 250}},
		{name: "a larger init container wins", app: []corev1.ResourceRequirements{req("100m", "64Mi")}, inits: []corev1.ResourceRequirements{req("2", "32Mi")},
			want: kinds.PodResources{CPURequest: 2000, MemoryRequest: 64 << 20}},
		{name: "a sidecar adds", app: []corev1.ResourceRequirements{req("100m", "64Mi")}, inits: []corev1.ResourceRequirements{req("50m", "16Mi")}, sidecarInit: true,
			want: kinds.PodResources{CPURequest: 150, MemoryRequest: 80 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &corev1.Pod{}
			for _, r := range tc.app {
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "c", Resources: r})
			}
			for _, r := range tc.inits {
				c := corev1.Container{Name: "i", Resources: r}
				if tc.sidecarInit {
					c.RestartPolicy = &always
				}
				p.Spec.InitContainers = append(p.Spec.InitContainers, c)
			}
			assert.Equal(t, tc.want, kinds.SummarizePod(p, nil).Resources)
		})
	}
}

func TestUsageCells(t *testing.T) {
	pods := kinds.Builtin(kinds.Pods)
	pod := kinds.SummarizePod(&corev1.Pod{Spec: podSpec}, nil) // requests 150m/192Mi, limits 600m/320Mi
	cells := pods.Row(pod).Cells
	for i, c := range pods.Columns {
		if c.Usage {
			assert.Empty(t, cells[i], "a row has no usage of its own: %s", c.ID)
		}
	}
	pods.FillUsage(pod, kinds.Usage{CPU: 75, Memory: 96 << 20}, true, cells)
	cell := func(id string) string { return cells[pods.Column(id)] }
	assert.Equal(t, "75m", cell("cpu"))
	assert.Equal(t, "50", cell("cpuRequest"))
	assert.Equal(t, "13", cell("cpuLimit"))
	assert.Equal(t, "96Mi", cell("memory"))
	assert.Equal(t, "50", cell("memoryRequest"))
	assert.Equal(t, "30", cell("memoryLimit"))
	n, ok := pods.UsageValue(pods.Column("memoryRequest"), pod, kinds.Usage{CPU: 75, Memory: 96 << 20}, true)
	assert.True(t, ok)
	assert.Equal(t, 50.0, n)
	_, ok = pods.UsageValue(pods.Column("cpu"), pod, kinds.Usage{}, false)
	assert.False(t, ok, "without a measurement a usage column sorts first")

	pods.FillUsage(pod, kinds.Usage{}, false, cells)
	assert.Empty(t, cell("cpu"), "without a measurement the cells are empty (the page shows —)")

	nodes := kinds.Builtin(kinds.Nodes)
	node := samples[kinds.Nodes][0] // allocatable 3800m, 15Gi
	ncells := nodes.Row(node).Cells
	nodes.FillUsage(node, kinds.Usage{CPU: 1900, Memory: 3 << 30}, true, ncells)
	assert.Equal(t, "1900m", ncells[nodes.Column("cpu")])
	assert.Equal(t, "50", ncells[nodes.Column("cpuAllocatable")])
	assert.Equal(t, "20", ncells[nodes.Column("memoryAllocatable")])
}
