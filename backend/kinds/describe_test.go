package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestDescribePod(t *testing.T) {
	p := podWith(corev1.PodRunning,
		corev1.ContainerStatus{Name: "app", Ready: true, RestartCount: 2, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
		corev1.ContainerStatus{Name: "side", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}})
	p.Annotations = map[string]string{"note": "<b>x</b>", corev1.LastAppliedConfigAnnotation: "{}"}
	p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080, Protocol: corev1.ProtocolTCP, Name: "http"}}
	p.Spec.InitContainers = []corev1.Container{{Name: "migrate", Image: "img/m:1"}}
	p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "migrate", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 3}}}}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: created}}
	p.Status.QOSClass = corev1.PodQOSBurstable
	p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger", Image: "busybox"}}}
	p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "debugger", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}

	var d model.Details
	kinds.Builtin(kinds.Pods).Describe(p, &d)
	assert.Equal(t, map[string]string{"note": "<b>x</b>"}, d.Annotations, "last-applied never reaches the UI")
	assert.Contains(t, d.Summary, model.Field{Label: "Pod IP", Value: "10.1.2.3"})
	assert.Contains(t, d.Summary, model.Field{Label: "QoS class", Value: "Burstable"})
	for _, f := range d.Summary {
		assert.NotEmpty(t, f.Value, "empty facts are left out: %s", f.Label)
	}
	require.Len(t, d.Conditions, 1)
	assert.Equal(t, model.Condition{Type: "Ready", Status: "False", Reason: "ContainersNotReady", LastTransition: created.Unix()}, d.Conditions[0])
	assert.Equal(t, []model.Container{
		{Name: "migrate", Image: "img/m:1", Init: true, State: "Terminated: Error (exit 3)"},
		{Name: "app", Image: "img/app:1", Ready: true, State: "Running", Restarts: 2, Ports: []string{"8080/TCP (http)"}},
		{Name: "side", Image: "img/side:2", State: "Waiting: CrashLoopBackOff"},
		{Name: "debugger", Image: "busybox", Ephemeral: true, State: "Running"},
	}, d.Containers)
}

func TestDescribeWorkloadsAndServices(t *testing.T) {
	three := int32(3)
	dep := &appsv1.Deployment{ObjectMeta: om("shop", "web"), Spec: appsv1.DeploymentSpec{Replicas: &three,
		Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType},
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "img/app:1"}}}}},
		Status: appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}}}
	var d model.Details
	kinds.Builtin(kinds.Deployments).Describe(dep, &d)
	assert.Contains(t, d.Summary, model.Field{Label: "Replicas", Value: "3 desired, 2 ready, 3 up to date, 2 available"})
	assert.Equal(t, []model.Container{{Name: "app", Image: "img/app:1"}}, d.Containers, "a workload lists its template's containers")
	assert.Equal(t, []model.Condition{{Type: "Available", Status: "True"}}, d.Conditions)

	svc := &corev1.Service{ObjectMeta: om("shop", "web"), Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.0.0.9",
		Selector: map[string]string{"tier": "web", "app": "shop"},
		Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), Protocol: corev1.ProtocolTCP}}}}
	d = model.Details{}
	kinds.Builtin(kinds.Services).Describe(svc, &d)
	assert.Contains(t, d.Summary, model.Field{Label: "Ports", Value: "80→8080/TCP (http)"})
	assert.Contains(t, d.Summary, model.Field{Label: "Selector", Value: "app=shop, tier=web"})
	assert.Empty(t, d.Containers)
	assert.NotNil(t, d.Containers, "empty lists travel as [] so the UI needs no null checks")
}
