package forward_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"crowsnest/backend/forward"
	"crowsnest/backend/kinds"
)

func TestParsePort(t *testing.T) {
	tests := []struct {
		name, in string
		want     intstr.IntOrString
		err      string
	}{
		{name: "number", in: "8080", want: intstr.FromInt32(8080)},
		{name: "name", in: "http-alt", want: intstr.FromString("http-alt")},
		{name: "zero", in: "0", err: "invalid port 0"},
		{name: "too big", in: "65536", err: "invalid port 65536"},
		{name: "not a name", in: "no spaces", err: `invalid port "no spaces"`},
		{name: "empty", in: "", err: `invalid port ""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := forward.ParsePort(tc.in)
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestContainerPort(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1"}, Spec: corev1.PodSpec{Containers: []corev1.Container{
		{Name: "app", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}}},
		{Name: "sidecar", Ports: []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}}},
	}}}
	tests := []struct {
		name string
		port intstr.IntOrString
		want int32
		err  string
	}{
		{name: "number as it is", port: intstr.FromInt32(1234), want: 1234},
		{name: "name in the first container", port: intstr.FromString("http"), want: 8080},
		{name: "name in another container", port: intstr.FromString("metrics"), want: 9090},
		{name: "UDP port is not forwarded", port: intstr.FromString("dns"), err: `pod shop/web-1 has no container port named "dns"`},
		{name: "unknown name", port: intstr.FromString("grpc"), err: `pod shop/web-1 has no container port named "grpc"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := forward.ContainerPort(pod, tc.port)
			if tc.err != "" {
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestServicePort(t *testing.T) {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{
		{Name: "web", Port: 80, TargetPort: intstr.FromString("http")},
		{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP},
		{Name: "admin", Port: 8443, TargetPort: intstr.FromInt32(9443), Protocol: corev1.ProtocolTCP},
	}}}
	p, err := forward.ServicePort(svc, intstr.FromInt32(80))
	require.NoError(t, err)
	assert.Equal(t, "web", p.Name)
	p, err = forward.ServicePort(svc, intstr.FromString("admin"))
	require.NoError(t, err)
	assert.Equal(t, int32(8443), p.Port)
	_, err = forward.ServicePort(svc, intstr.FromInt32(53))
	assert.EqualError(t, err, "service shop/web has no TCP port 53")
	_, err = forward.ServicePort(svc, intstr.FromInt32(8080))
	assert.EqualError(t, err, "service shop/web has no TCP port 8080", "a target port is not a Service port")
}

func endpoint(pod string, ready, terminating *bool) discoveryv1.Endpoint {
	return discoveryv1.Endpoint{Addresses: []string{"10.0.0.1"}, TargetRef: &corev1.ObjectReference{Kind: "Pod", Name: pod},
		Conditions: discoveryv1.EndpointConditions{Ready: ready, Terminating: terminating}}
}

func TestReadyEndpoints(t *testing.T) {
	yes, no := new(true), new(false)
	web, metrics := "web", "metrics"
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	slices := []*discoveryv1.EndpointSlice{
		{
			Ports: []discoveryv1.EndpointPort{{Name: &web, Port: new(int32(8080)), Protocol: &tcp}, {Name: &metrics, Port: new(int32(9090))}},
			Endpoints: []discoveryv1.Endpoint{
				endpoint("web-c", yes, nil),
				endpoint("web-a", nil, nil), // nil Ready means ready
				endpoint("web-b", no, nil),
				endpoint("web-d", yes, yes), // terminating
				{Addresses: []string{"10.0.0.9"}, Conditions: discoveryv1.EndpointConditions{Ready: yes}}, // not a pod
			},
		},
		{
			// A second slice of the same Service, whose pod runs the port
			// on another number.
			Ports:     []discoveryv1.EndpointPort{{Name: &web, Port: new(int32(8081))}},
			Endpoints: []discoveryv1.Endpoint{endpoint("web-e", yes, nil)},
		},
		{
			Ports:     []discoveryv1.EndpointPort{{Name: &web, Port: new(int32(8080)), Protocol: &udp}},
			Endpoints: []discoveryv1.Endpoint{endpoint("web-f", yes, nil)},
		},
	}
	assert.Equal(t, []forward.Endpoint{{Pod: "web-a", Port: 8080}, {Pod: "web-c", Port: 8080}, {Pod: "web-e", Port: 8081}},
		forward.ReadyEndpoints(slices, "web"))
	assert.Equal(t, []forward.Endpoint{{Pod: "web-a", Port: 9090}, {Pod: "web-c", Port: 9090}},
		forward.ReadyEndpoints(slices, "metrics"))
	assert.Empty(t, forward.ReadyEndpoints(slices, ""), "no unnamed port")

	unnamed := []*discoveryv1.EndpointSlice{{Ports: []discoveryv1.EndpointPort{{Port: new(int32(80))}},
		Endpoints: []discoveryv1.Endpoint{endpoint("solo", yes, nil)}}}
	assert.Equal(t, []forward.Endpoint{{Pod: "solo", Port: 80}}, forward.ReadyEndpoints(unnamed, ""))
}

func TestPodReadiness(t *testing.T) {
	running := func(ready ...bool) *kinds.PodSummary {
		p := &kinds.PodSummary{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Phase: corev1.PodRunning}
		for _, r := range ready {
			p.Containers = append(p.Containers, kinds.ContainerSummary{HasStatus: true, Ready: r})
		}
		return p
	}
	deleting := running(true)
	deleting.DeletionTimestamp = &metav1.Time{}
	done := running(false)
	done.Phase = corev1.PodSucceeded
	pending := running()
	pending.Phase = corev1.PodPending
	tests := []struct {
		name  string
		pod   any
		ready bool
		why   string
		ended bool
	}{
		{name: "all containers ready", pod: running(true, true), ready: true},
		{name: "one not ready", pod: running(true, false), why: "is not Ready"},
		{name: "pending", pod: pending, why: "is not Ready"},
		{name: "being deleted", pod: deleting, why: "is being deleted", ended: true},
		{name: "finished", pod: done, why: "has ended (Succeeded)", ended: true},
		{name: "full pod ready", pod: &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}, ready: true},
		{name: "full pod not ready", pod: &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}}}}, why: "is not Ready"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.ready, forward.PodReady(tc.pod))
			why, ended := forward.PodGone(tc.pod)
			assert.Equal(t, tc.why, why)
			assert.Equal(t, tc.ended, ended)
		})
	}
}
