package informer

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"

	"crowsnest/backend/kinds"
)

// The wire reader must yield exactly what the transform makes of the pod
// that client-go's generated decoder builds from the same bytes.

func fullPod() *corev1.Pod {
	created := metav1.NewTime(time.Unix(1_790_000_000, 0))
	deleted := metav1.NewTime(time.Unix(1_790_000_600, 0))
	yes, no := true, false
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "orders-7d9f8-x2x9k", GenerateName: "orders-7d9f8-", Namespace: "shop",
			UID: "6f1c1d2e-0000-4000-8000-000000000001", ResourceVersion: "123456", Generation: 2,
			CreationTimestamp: created, DeletionTimestamp: &deleted,
			Labels: map[string]string{"app": "orders", "tier": "backend", "pod-template-hash": "7d9f8"},
			Annotations: map[string]string{
				corev1.LastAppliedConfigAnnotation: `{"big":"json"}`, "team": "shop",
			},
			OwnerReferences: []metav1.OwnerReference{
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "orders-7d9f8", UID: "rs-uid", Controller: &yes, BlockOwnerDeletion: &yes},
				{APIVersion: "v1", Kind: "ConfigMap", Name: "cm", UID: "cm-uid", Controller: &no},
				{APIVersion: "example.com/v1", Kind: "Thing", Name: "t", UID: "t-uid"},
			},
			Finalizers:    []string{"example.com/finalizer"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply, FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{}}`)}}},
		},
		Spec: corev1.PodSpec{
			NodeName: "node-7",
			InitContainers: []corev1.Container{
				{Name: "migrate", Image: "registry.local/shop/migrate:1.2"},
				{Name: "warm", Image: "registry.local/shop/warm:1", RestartPolicy: ptrTo(corev1.ContainerRestartPolicyAlways),
					Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.2")}}},
			},
			Containers: []corev1.Container{
				{
					Name: "app", Image: "registry.local/shop/orders:1.4.2", Args: []string{"--port=8080"},
					Env: []corev1.EnvVar{{Name: "PASSWORD", Value: "hunter2"}},
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
						corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("32Mi"),
						corev1.ResourceEphemeralStorage: resource.MustParse("1Gi"),
					}, Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1G")}},
					ReadinessProbe: &corev1.Probe{InitialDelaySeconds: 3, ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz"}}},
				},
				{Name: "proxy", Image: "registry.local/mesh/proxy:2", Resources: corev1.ResourceRequirements{
					Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("128Mi")}}},
				{Name: "no-status", Image: "registry.local/x:1"},
			},
			Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning, Reason: "Evicted", Message: "low on memory", PodIP: "10.0.3.7", HostIP: "192.168.1.7",
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			InitContainerStatuses: []corev1.ContainerStatus{
				{Name: "migrate", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}},
				{Name: "warm", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: -1, Reason: "Error", Signal: 9}}},
			},
			ContainerStatuses: []corev1.ContainerStatus{
				{Name: "proxy", Ready: true, RestartCount: 1, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: created}}},
				{Name: "app", Ready: false, RestartCount: 17, Image: "x", ImageID: "sha256:abc",
					State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off"}},
					LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}}},
				{Name: "app", Ready: true, RestartCount: 99}, // a second status of the same name is ignored
				{Name: "gone", Ready: true},                  // a status without a container
			},
		},
	}
}

func podCases() map[string]*corev1.Pod {
	bookmark := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "999",
		Annotations: map[string]string{metav1.InitialEventsAnnotationKey: "true", "other": "x"}}}
	emptyStates := fullPod()
	emptyStates.Status.ContainerStatuses = []corev1.ContainerStatus{
		{Name: "app", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}},
		{Name: "proxy", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}},
	}
	allStates := fullPod()
	allStates.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{
		Waiting: &corev1.ContainerStateWaiting{Reason: "w"}, Running: &corev1.ContainerStateRunning{},
		Terminated: &corev1.ContainerStateTerminated{Reason: "t", ExitCode: 2},
	}}}
	pending := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u", ResourceVersion: "1"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i"}}}}
	cases := map[string]*corev1.Pod{
		"full": fullPod(), "bookmark": bookmark, "empty states": emptyStates, "every state": allStates,
		"pending": pending, "empty": {},
	}
	for _, p := range cases {
		p.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"} // as the API server sends them
	}
	return cases
}

func encodePod(t testing.TB, obj runtime.Object) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(obj, &buf))
	return buf.Bytes()
}

func genericSummary(t testing.TB, data []byte) runtime.Object {
	t.Helper()
	obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(data, nil, nil)
	require.NoError(t, err)
	switch o := obj.(type) {
	case *corev1.Pod:
		return kinds.SummarizePod(o, nil)
	case *corev1.PodList:
		return kinds.SummarizePodList(o, nil)
	}
	t.Fatalf("decoded %T", obj)
	return nil
}

func newTestDecoder() podDecoder {
	return podDecoder{next: scheme.Codecs.UniversalDeserializer(), in: newInterner(), decoded: &atomic.Int64{}}
}

func TestWireDecodeMatchesGeneratedDecoder(t *testing.T) {
	for name, p := range podCases() {
		t.Run(name, func(t *testing.T) {
			data := encodePod(t, p)
			d := newTestDecoder()
			got, gvk, err := d.Decode(data, nil, nil)
			require.NoError(t, err)
			assert.Equal(t, int64(1), d.decoded.Load(), "read from the wire, not by the generated decoder")
			assert.Equal(t, "Pod", gvk.Kind)
			require.IsType(t, &kinds.PodSummary{}, got)
			assert.Equal(t, genericSummary(t, data), got)
		})
	}
}

func TestWireDecodeKeepsWhatRowsNeed(t *testing.T) {
	got, _, err := newTestDecoder().Decode(encodePod(t, fullPod()), nil, nil)
	require.NoError(t, err)
	p := got.(*kinds.PodSummary)
	assert.Equal(t, "orders-7d9f8-x2x9k", p.Name)
	assert.Equal(t, map[string]string{"app": "orders", "tier": "backend", "pod-template-hash": "7d9f8"}, p.Labels)
	assert.Nil(t, p.Annotations, "no annotation but the watch-list bookmark's is kept")
	assert.Nil(t, p.ManagedFields)
	assert.Equal(t, "node-7", p.NodeName)
	require.Len(t, p.Containers, 3)
	assert.Equal(t, kinds.ContainerSummary{Name: "app", Image: "registry.local/shop/orders:1.4.2", HasStatus: true,
		Restarts: 17, State: kinds.ContainerWaiting, Reason: "CrashLoopBackOff"}, p.Containers[0])
	assert.Equal(t, kinds.ContainerSummary{Name: "warm", Image: "registry.local/shop/warm:1", HasStatus: true,
		State: kinds.ContainerTerminated, Reason: "Error", ExitCode: -1}, p.InitContainers[1])
	assert.False(t, p.Containers[2].HasStatus)
	// Requests: app's, proxy's defaulted from its limits, the sidecar's;
	// no limit sums, since app has no CPU limit and no-status none at all.
	assert.Equal(t, kinds.PodResources{CPURequest: 10 + 1000 + 200, MemoryRequest: (32 + 128) << 20}, p.Resources)
	assert.Equal(t, int64(1_790_000_600), p.DeletionTimestamp.Unix())
}

func TestWireDecodeList(t *testing.T) {
	list := &corev1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"},
		ListMeta: metav1.ListMeta{ResourceVersion: "77", Continue: "next-page"}}
	for _, p := range podCases() {
		list.Items = append(list.Items, *p)
	}
	data := encodePod(t, list)
	d := newTestDecoder()
	got, gvk, err := d.Decode(data, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(len(list.Items)), d.decoded.Load(), "read from the wire")
	assert.Equal(t, "PodList", gvk.Kind)
	assert.Equal(t, genericSummary(t, data), got)
	assert.Len(t, got.(*kinds.PodSummaryList).Items, len(list.Items))
}

func TestWireDecodeFallsBack(t *testing.T) {
	d := newTestDecoder()
	t.Run("a Status passes through", func(t *testing.T) {
		st := &metav1.Status{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Status"}, Status: metav1.StatusFailure, Code: 410, Reason: metav1.StatusReasonExpired}
		got, _, err := d.Decode(encodePod(t, st), nil, nil)
		require.NoError(t, err)
		assert.Equal(t, int32(410), got.(*metav1.Status).Code)
	})
	t.Run("a JSON pod is summarized too", func(t *testing.T) {
		data, err := json.Marshal(fullPod())
		require.NoError(t, err)
		got, _, err := d.Decode(data, nil, nil)
		require.NoError(t, err)
		want, _, err := d.Decode(encodePod(t, fullPod()), nil, nil)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})
	t.Run("truncated protobuf is an error, not a panic", func(t *testing.T) {
		data := encodePod(t, fullPod())
		for _, n := range []int{len(data) - 1, len(data) / 2, len(protoMagic) + 3} {
			_, _, err := d.Decode(data[:n], nil, nil)
			assert.Error(t, err, "cut at %d of %d", n, len(data))
		}
	})
}

func TestWireDecodeSharesLabelSets(t *testing.T) {
	d := newTestDecoder()
	decode := func(labels map[string]string) *kinds.PodSummary {
		p := fullPod()
		p.Labels = labels
		got, _, err := d.Decode(encodePod(t, p), nil, nil)
		require.NoError(t, err)
		return got.(*kinds.PodSummary)
	}
	a := decode(map[string]string{"app": "web", "tier": "front"})
	b := decode(map[string]string{"tier": "front", "app": "web"})
	c := decode(map[string]string{"app": "web", "tier": "back"})
	assert.Equal(t, map[string]string{"app": "web", "tier": "front"}, b.Labels)
	assert.Equal(t, reflect.ValueOf(a.Labels).Pointer(), reflect.ValueOf(b.Labels).Pointer(), "equal label sets share one map")
	assert.NotEqual(t, reflect.ValueOf(a.Labels).Pointer(), reflect.ValueOf(c.Labels).Pointer())
	assert.Equal(t, "back", c.Labels["tier"])
}

func TestPodSummaryDeepCopy(t *testing.T) {
	got, _, err := newTestDecoder().Decode(encodePod(t, fullPod()), nil, nil)
	require.NoError(t, err)
	p := got.(*kinds.PodSummary)
	c := p.DeepCopyObject().(*kinds.PodSummary)
	require.Equal(t, p, c)
	c.Labels["app"] = "changed"
	c.Containers[0].Ready = true
	*c.OwnerReferences[0].Controller = false
	assert.Equal(t, "orders", p.Labels["app"])
	assert.False(t, p.Containers[0].Ready)
	assert.True(t, *p.OwnerReferences[0].Controller)
}

// FuzzWireDecodePod: pods built from fuzzed fields decode to what the
// generated decoder and the transform make of them, and arbitrary bytes
// never panic.
func FuzzWireDecodePod(f *testing.F) {
	f.Add("web-1", "shop", "app", "orders", "node-1", "Running", "c", "img:1", "CrashLoopBackOff", int32(3), int64(1_790_000_000), true, []byte("k8s\x00\x0a\x00"))
	f.Add("", "", "", "", "", "", "", "", "", int32(-1), int64(-5), false, []byte{})
	f.Fuzz(func(t *testing.T, name, ns, key, value, node, phase, container, image, reason string,
		restarts int32, created int64, ready bool, junk []byte) {
		d := newTestDecoder()
		_, _, _ = d.Decode(junk, nil, nil) // must not panic
		_, _ = decodePod(junk, d.in)

		p := fullPod()
		p.Name, p.Namespace, p.Spec.NodeName, p.Status.Phase = name, ns, node, corev1.PodPhase(phase)
		p.Labels[key] = value
		p.CreationTimestamp = metav1.NewTime(time.Unix(created, 0))
		p.Spec.Containers[1] = corev1.Container{Name: container, Image: image}
		p.Status.ContainerStatuses[0] = corev1.ContainerStatus{Name: container, Ready: ready, RestartCount: restarts,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}}
		data := encodePod(t, p)
		before := d.decoded.Load()
		got, _, err := d.Decode(data, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, before+1, d.decoded.Load(), "read from the wire")
		assert.Equal(t, genericSummary(t, data), got)
	})
}

// BenchmarkPodDecode compares reading one watch event's pod straight into
// a summary with the generated decoder followed by the transform.
func BenchmarkPodDecode(b *testing.B) {
	data := encodePod(b, fullPod())
	b.Run("wire", func(b *testing.B) {
		d := newTestDecoder()
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := d.Decode(data, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generated+transform", func(b *testing.B) {
		in := newInterner()
		dec := scheme.Codecs.UniversalDeserializer()
		b.ReportAllocs()
		for b.Loop() {
			obj, _, err := dec.Decode(data, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			kinds.SummarizePod(obj.(*corev1.Pod), in.str)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
