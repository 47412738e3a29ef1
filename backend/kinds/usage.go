package kinds

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"crowsnest/backend/model"
)

// Usage is what metrics.k8s.io measured of one pod or node: CPU in
// millicores and memory (working set) in bytes.
type Usage struct {
	CPU    int64
	Memory int64
}

// Usages are the latest measurements of a kind's objects, by Key. A
// published Usages is never modified: a poll makes a new one.
type Usages map[string]Usage

// UsageColumn declares a column whose cell comes from the object's
// measured usage rather than from the object: Row leaves it empty, and
// views fill it (FillUsage) from the latest Usages. cell reads the object
// (a pod's requests, a node's allocatable) and its usage; sortValue is the
// number the column sorts by (NaN-free; ok false sorts first, as empty).
func UsageColumn[T any](id, title, typ string, cell func(T, Usage) (string, float64, bool), opts ...ColumnOption) Column {
	c := Column{Column: model.Column{ID: id, Title: title, Type: typ, Usage: true}, from: fromUsage,
		usage: func(obj any, u Usage) (string, float64, bool) {
			if t, ok := obj.(T); ok {
				return cell(t, u)
			}
			return "", 0, false
		}}
	for _, o := range opts {
		o(&c.Column)
	}
	return c
}

// HasUsage reports whether the kind has columns filled from metrics.
func (k *Kind) HasUsage() bool { return k.UsageOf != "" }

// FillUsage writes the usage cells of obj's row into cells (one per
// column; the others are left alone). Without a measurement (ok false)
// they are empty, which the page shows as "—".
func (k *Kind) FillUsage(obj any, u Usage, ok bool, cells []string) {
	if ok && k.Normalize != nil {
		obj = k.Normalize(obj)
	}
	for i, c := range k.Columns {
		if c.from != fromUsage {
			continue
		}
		cells[i] = ""
		if ok {
			cells[i], _, _ = c.usage(obj, u)
		}
	}
}

// UsageValue is the number column col of obj sorts by under usage u;
// false (sorted first) without a measurement or a base for a percentage.
func (k *Kind) UsageValue(col int, obj any, u Usage, ok bool) (float64, bool) {
	c := k.Columns[col]
	if !ok || c.from != fromUsage {
		return 0, false
	}
	if k.Normalize != nil {
		obj = k.Normalize(obj)
	}
	_, n, ok := c.usage(obj, u)
	return n, ok
}

// IsUsageColumn reports whether column col is filled from metrics.
func (k *Kind) IsUsageColumn(col int) bool {
	return col >= 0 && col < len(k.Columns) && k.Columns[col].from == fromUsage
}

// FormatCPU writes millicores as a quantity ("250m").
func FormatCPU(milli int64) string { return strconv.FormatInt(milli, 10) + "m" }

// FormatMemory writes bytes as a binary quantity, rounded to Mi (Ki
// under 1 Mi): "512Mi", "900Ki".
func FormatMemory(b int64) string {
	if b < 1<<20 {
		return strconv.FormatInt((b+1<<9)>>10, 10) + "Ki"
	}
	return strconv.FormatInt((b+1<<19)>>20, 10) + "Mi"
}

// Percent is used*100/of rounded, false when of is not positive (no
// request, no limit).
func Percent(used, of int64) (int64, bool) {
	if of <= 0 {
		return 0, false
	}
	return (used*100 + of/2) / of, true
}

func percentCell(used, of int64) (string, float64, bool) {
	p, ok := Percent(used, of)
	if !ok {
		return "", 0, false
	}
	return strconv.FormatInt(p, 10), float64(p), true
}

// The usage columns of pods and nodes.
var (
	podCPU = UsageColumn("cpu", "CPU", model.TypeQuantity, func(_ *PodSummary, u Usage) (string, float64, bool) {
		return FormatCPU(u.CPU), float64(u.CPU), true
	}, Described("CPU used (metrics.k8s.io)"))
	podCPUReq = UsageColumn("cpuRequest", "%CPU/R", model.TypeInteger, func(p *PodSummary, u Usage) (string, float64, bool) {
		return percentCell(u.CPU, p.Resources.CPURequest)
	}, Described("CPU used, percent of the pod's requests"))
	podCPULim = UsageColumn("cpuLimit", "%CPU/L", model.TypeInteger, func(p *PodSummary, u Usage) (string, float64, bool) {
		return percentCell(u.CPU, p.Resources.CPULimit)
	}, Described("CPU used, percent of the pod's limits (empty when a container has none)"), Priority(1))
	podMem = UsageColumn("memory", "Memory", model.TypeQuantity, func(_ *PodSummary, u Usage) (string, float64, bool) {
		return FormatMemory(u.Memory), float64(u.Memory), true
	}, Described("Memory working set (metrics.k8s.io)"))
	podMemReq = UsageColumn("memoryRequest", "%MEM/R", model.TypeInteger, func(p *PodSummary, u Usage) (string, float64, bool) {
		return percentCell(u.Memory, p.Resources.MemoryRequest)
	}, Described("Memory used, percent of the pod's requests"))
	podMemLim = UsageColumn("memoryLimit", "%MEM/L", model.TypeInteger, func(p *PodSummary, u Usage) (string, float64, bool) {
		return percentCell(u.Memory, p.Resources.MemoryLimit)
	}, Described("Memory used, percent of the pod's limits (empty when a container has none)"), Priority(1))

	nodeCPU = UsageColumn("cpu", "CPU", model.TypeQuantity, func(_ *corev1.Node, u Usage) (string, float64, bool) {
		return FormatCPU(u.CPU), float64(u.CPU), true
	}, Described("CPU used (metrics.k8s.io)"))
	nodeCPUPct = UsageColumn("cpuAllocatable", "%CPU", model.TypeInteger, func(n *corev1.Node, u Usage) (string, float64, bool) {
		return percentCell(u.CPU, n.Status.Allocatable.Cpu().MilliValue())
	}, Described("CPU used, percent of allocatable"))
	nodeMem = UsageColumn("memory", "Memory", model.TypeQuantity, func(_ *corev1.Node, u Usage) (string, float64, bool) {
		return FormatMemory(u.Memory), float64(u.Memory), true
	}, Described("Memory working set (metrics.k8s.io)"))
	nodeMemPct = UsageColumn("memoryAllocatable", "%MEM", model.TypeInteger, func(n *corev1.Node, u Usage) (string, float64, bool) {
		return percentCell(u.Memory, n.Status.Allocatable.Memory().Value())
	}, Described("Memory used, percent of allocatable"))
)

// PodResources are the sums of a pod's container requests and limits
// that the usage percentages divide by: CPU in millicores, memory in
// bytes, 0 when not set. As the scheduler counts them, a pod needs the
// larger of its app containers' sum and its largest init container;
// restartable init containers (sidecars) run beside the app containers
// and add to the sum. A limit is 0 (none) when any app container has
// none for that resource: the pod is then unlimited.
type PodResources struct {
	CPURequest, CPULimit       int64
	MemoryRequest, MemoryLimit int64
}

// ContainerResources is one container's CPU (millicores) and memory
// (bytes) requests and limits, and whether each was set.
type ContainerResources struct {
	CPURequest, CPULimit, MemoryRequest, MemoryLimit             int64
	CPURequestSet, CPULimitSet, MemoryRequestSet, MemoryLimitSet bool
	// Sidecar marks an init container that keeps running (restartPolicy
	// Always).
	Sidecar bool
}

// ResourcesOf reads a container's requirements.
func ResourcesOf(r corev1.ResourceRequirements) ContainerResources {
	var c ContainerResources
	if q, ok := r.Requests[corev1.ResourceCPU]; ok {
		c.CPURequest, c.CPURequestSet = q.MilliValue(), true
	}
	if q, ok := r.Requests[corev1.ResourceMemory]; ok {
		c.MemoryRequest, c.MemoryRequestSet = q.Value(), true
	}
	if q, ok := r.Limits[corev1.ResourceCPU]; ok {
		c.CPULimit, c.CPULimitSet = q.MilliValue(), true
	}
	if q, ok := r.Limits[corev1.ResourceMemory]; ok {
		c.MemoryLimit, c.MemoryLimitSet = q.Value(), true
	}
	return c
}

// SumResources folds a pod's app and init containers into its sums.
func SumResources(app, inits []ContainerResources) PodResources {
	var p PodResources
	cpuLimOK, memLimOK := len(app) > 0, len(app) > 0
	add := func(c ContainerResources) {
		p.CPURequest += c.CPURequest
		p.MemoryRequest += c.MemoryRequest
		p.CPULimit += c.CPULimit
		p.MemoryLimit += c.MemoryLimit
		cpuLimOK = cpuLimOK && c.CPULimitSet
		memLimOK = memLimOK && c.MemoryLimitSet
	}
	for _, c := range app {
		add(c.defaulted())
	}
	var initCPU, initMem, initCPULim, initMemLim int64
	for _, c := range inits {
		c = c.defaulted()
		if c.Sidecar {
			add(c)
			continue
		}
		initCPU, initMem = max(initCPU, c.CPURequest), max(initMem, c.MemoryRequest)
		initCPULim, initMemLim = max(initCPULim, c.CPULimit), max(initMemLim, c.MemoryLimit)
	}
	p.CPURequest, p.MemoryRequest = max(p.CPURequest, initCPU), max(p.MemoryRequest, initMem)
	p.CPULimit, p.MemoryLimit = max(p.CPULimit, initCPULim), max(p.MemoryLimit, initMemLim)
	if !cpuLimOK {
		p.CPULimit = 0
	}
	if !memLimOK {
		p.MemoryLimit = 0
	}
	return p
}

// defaulted gives requests the value of their limit where only the limit
// is set, as API defaulting does for stored pods.
func (c ContainerResources) defaulted() ContainerResources {
	if !c.CPURequestSet && c.CPULimitSet {
		c.CPURequest = c.CPULimit
	}
	if !c.MemoryRequestSet && c.MemoryLimitSet {
		c.MemoryRequest = c.MemoryLimit
	}
	return c
}

// podResources sums a Pod's containers.
func podResources(spec *corev1.PodSpec) PodResources {
	app := make([]ContainerResources, len(spec.Containers))
	for i, c := range spec.Containers {
		app[i] = ResourcesOf(c.Resources)
	}
	inits := make([]ContainerResources, len(spec.InitContainers))
	for i, c := range spec.InitContainers {
		inits[i] = ResourcesOf(c.Resources)
		inits[i].Sidecar = c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
	}
	return SumResources(app, inits)
}
