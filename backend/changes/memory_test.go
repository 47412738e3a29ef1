package changes_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"

	"crowsnest/backend/changes"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

const (
	clientFields     = `{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}`
	controllerFields = `{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},"f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}}`
)

// deploymentAt is a typical Deployment as the watch delivers it: version
// rv, its one container's image tag n, written by kubectl at second n.
func deploymentAt(i, n int) *appsv1.Deployment {
	at := metav1.NewTime(time.Unix(int64(1_700_000_000+n), 0))
	name := fmt.Sprintf("web-%d", i)
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: fmt.Sprintf("ns-%d", i%20), UID: types.UID(fmt.Sprintf("uid-%d", i)),
			ResourceVersion: strconv.Itoa(1000 + n), Generation: int64(n + 1), Labels: labels,
			Annotations: map[string]string{"deployment.kubernetes.io/revision": "1"},
			ManagedFields: []metav1.ManagedFieldsEntry{
				{Manager: "kubectl", Operation: "Update", APIVersion: "apps/v1", Time: &at, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(clientFields)}},
				{Manager: "kube-controller-manager", Operation: "Update", APIVersion: "apps/v1", Subresource: "status", Time: &at, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(controllerFields)}},
			}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/shop/web:1." + strconv.Itoa(n),
					Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: "TCP"}}}}}}},
		Status: appsv1.DeploymentStatus{Replicas: 2, ReadyReplicas: 2, AvailableReplicas: 2, UpdatedReplicas: 2, ObservedGeneration: 1},
	}
}

// feeder plays the informer: Received with managedFields, then the
// handler's Updated with the stripped objects.
type feeder struct {
	r    *changes.Recorder
	k    *kinds.Kind
	last map[int]*appsv1.Deployment
}

func newFeeder(r *changes.Recorder) *feeder {
	return &feeder{r: r, k: kinds.Builtin(kinds.Deployments), last: map[int]*appsv1.Deployment{}}
}

func (f *feeder) update(i, n int) {
	d := deploymentAt(i, n)
	f.r.Received(f.k, d)
	d.ManagedFields = nil
	if old, ok := f.last[i]; ok {
		f.r.Updated(f.k, old, d)
	} else {
		f.r.Added(f.k, d, true)
	}
	f.last[i] = d
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryWithinBudget replays 300,000 Deployment updates (five minutes
// at 1,000 a second) through the recorder: its entries stay within the
// budget, the oldest dropped, and the heap grows by no more than the
// budget and the compact managedFields of the objects.
func TestMemoryWithinBudget(t *testing.T) {
	const objects, updates = 1000, 300_000
	budget := changes.DefaultBudget
	r := changes.New(changes.Options{Budget: budget})
	f := newFeeder(r)
	for i := range objects {
		f.update(i, 0)
	}
	before := heap()
	for u := range updates {
		f.update(u%objects, 1+u/objects)
	}
	after := heap()
	st := r.Stats()
	own := r.OwnershipBytes()
	t.Logf("entries %d, accounted %d B, dropped %d, heap growth %d B, ownership %d B", st.Entries, st.Bytes, st.Dropped, int64(after)-int64(before), own)
	assert.LessOrEqual(t, st.Bytes, budget)
	assert.Positive(t, st.Dropped, "the oldest were dropped")
	assert.Equal(t, updates+1, st.Entries+st.Dropped, "every update and the session's gap were recorded")
	assert.LessOrEqual(t, int64(after)-int64(before), int64(budget+own), "the heap holds no more than the budget and the objects' compact managedFields")
	// The dropped range is marked: a Changes view says how many and until when.
	v := r.Open("v", model.ChangeFilter{})
	w := v.Window(0, 1)
	assert.Equal(t, st.Dropped, w.Dropped)
	assert.NotZero(t, w.DroppedUntil)
	runtime.KeepAlive(f)
}

// TestHeapPerChange: a recorded change of a typical Deployment patch (an
// image) takes at most 300 bytes of heap.
func TestHeapPerChange(t *testing.T) {
	const objects, updates = 200, 20_000
	r := changes.New(changes.Options{Budget: 1 << 30})
	f := newFeeder(r)
	for i := range objects {
		f.update(i, 0)
		f.update(i, 1) // the first change of each object reads its field sets
	}
	before := heap()
	for u := range updates {
		f.update(u%objects, 2+u/objects)
	}
	after := heap()
	per := float64(int64(after)-int64(before)) / updates
	t.Logf("%.0f B of heap per recorded change", per)
	require.Equal(t, updates+2*objects+1-objects, r.Stats().Entries)
	assert.LessOrEqual(t, per, 300.0)
	runtime.KeepAlive(f)
}

// BenchmarkRecordDeploymentPatch is the recorder's cost per update of a
// typical Deployment (an image patch by kubectl): Received and Updated.
func BenchmarkRecordDeploymentPatch(b *testing.B) {
	const objects = 1000
	r := changes.New(changes.Options{})
	f := newFeeder(r)
	ds := make([]*appsv1.Deployment, 0, 64)
	for n := range 64 {
		ds = append(ds, deploymentAt(0, n))
	}
	for i := range objects {
		f.update(i, 0)
	}
	k := kinds.Builtin(kinds.Deployments)
	// Objects built ahead, so only the recorder is measured.
	type step struct{ raw, old, cur *appsv1.Deployment }
	steps := make([]step, 0, 4096)
	last := map[int]*appsv1.Deployment{}
	for u := range 4096 {
		i, n := u%objects, 1+u/objects
		raw := deploymentAt(i, n)
		cur := raw.DeepCopy()
		cur.ManagedFields = nil
		old := last[i]
		if old == nil {
			old = deploymentAt(i, 0)
			old.ManagedFields = nil
		}
		last[i] = cur
		steps = append(steps, step{raw, old, cur})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		s := steps[n%len(steps)]
		r.Received(k, s.raw)
		r.Updated(k, s.old, s.cur)
	}
}

// BenchmarkReplay is the backend's cost per watched update of a Deployment
// without and with the recorder, replayed as fast as possible: the update
// decoded from its watch event's JSON as client-go decodes it, stripped as
// the informer's transform strips it, and (recorded) handed to the
// recorder (Received, then Updated). The baseline leaves out the store,
// the views and the notices, so the share it reports for the recorder is
// an upper bound. Budget: recording costs < 10% more CPU at 1,000
// updates/s (docs/PERFORMANCE.md).
func BenchmarkReplay(b *testing.B) {
	const objects = 1000
	events := make([][]byte, 0, 4096)
	for u := range 4096 {
		raw, err := json.Marshal(map[string]any{"type": "MODIFIED", "object": deploymentAt(u%objects, 1+u/objects)})
		require.NoError(b, err)
		events = append(events, raw)
	}
	k := kinds.Builtin(kinds.Deployments)
	decode := func(raw []byte) *appsv1.Deployment {
		var ev struct {
			Object json.RawMessage `json:"object"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			b.Fatal(err)
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(ev.Object, nil, &appsv1.Deployment{})
		if err != nil {
			b.Fatal(err)
		}
		return obj.(*appsv1.Deployment)
	}
	for _, record := range []bool{false, true} {
		name := "decode"
		if record {
			name = "decode+record"
		}
		b.Run(name, func(b *testing.B) {
			r := changes.New(changes.Options{})
			last := make([]*appsv1.Deployment, objects)
			b.ReportAllocs()
			b.ResetTimer()
			start := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
			for n := 0; n < b.N; n++ {
				i := n % len(events)
				d := decode(events[i])
				if record {
					r.Received(k, d)
				}
				d.ManagedFields = nil
				if old := last[i%objects]; record && old != nil && old.ResourceVersion != d.ResourceVersion {
					r.Updated(k, old, d)
				}
				last[i%objects] = d
			}
		})
	}
}

// BenchmarkRecordPodUpdate is the recorder's cost per pod update (a
// summary whose container restarted), and TestPodsListedKeepNothing
// checks that pods as listed cost the recorder nothing.
func BenchmarkRecordPodUpdate(b *testing.B) {
	k := kinds.Builtin(kinds.Pods)
	r := changes.New(changes.Options{})
	pod := func(n int) *kinds.PodSummary {
		return &kinds.PodSummary{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "shop", UID: "p1", ResourceVersion: strconv.Itoa(n),
			Labels: map[string]string{"app": "web", "pod-template-hash": "abc"}},
			NodeName: "node-1", Phase: corev1.PodRunning, IP: "10.0.0.1",
			Containers: []kinds.ContainerSummary{{Name: "app", Image: "registry.example.com/shop/web:1.2", HasStatus: true, Ready: true, Restarts: int32(n), State: kinds.ContainerRunning}}}
	}
	pods := make([]*kinds.PodSummary, 64)
	for i := range pods {
		pods[i] = pod(i + 1)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		r.Updated(k, pods[n%63], pods[n%63+1])
	}
}

func TestPodsListedKeepNothing(t *testing.T) {
	k := kinds.Builtin(kinds.Pods)
	r := changes.New(changes.Options{})
	before := heap()
	for i := range 10_000 {
		r.Added(k, &kinds.PodSummary{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p-%d", i), Namespace: "shop", UID: types.UID(fmt.Sprintf("u-%d", i)), ResourceVersion: "1"}}, true)
	}
	grown := int64(heap()) - int64(before)
	t.Logf("10,000 listed pods: %d B", grown)
	assert.Less(t, grown, int64(64<<10), "nothing per listed pod")
	assert.Equal(t, 1, r.Stats().Entries, "no entries but the session's gap")
}

// cpuTime is the CPU time the process has used (user and system), in ns:
// on a machine shared with other work, wall time per operation says more
// about the others than about the code.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
