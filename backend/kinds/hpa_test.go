package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestHPATargets(t *testing.T) {
	cpu := func(target, current *int32) (autoscalingv2.MetricSpec, autoscalingv2.MetricStatus) {
		return autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: target}}},
			autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
				Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: current}}}
	}
	object := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
		DescribedObject: autoscalingv2.CrossVersionObjectReference{Kind: "Ingress", Name: "main"},
		Metric:          autoscalingv2.MetricIdentifier{Name: "requests-per-second"},
		Target:          autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr(resource.MustParse("2k"))}}}
	container := autoscalingv2.MetricSpec{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
		Name: corev1.ResourceMemory, Container: "web", Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr(resource.MustParse("1Gi"))}}}
	spec80, status45 := cpu(ptr(int32(80)), ptr(int32(45)))
	specAuto, statusNone := cpu(nil, nil)
	for _, tc := range []struct {
		name     string
		specs    []autoscalingv2.MetricSpec
		statuses []autoscalingv2.MetricStatus
		want     string
	}{
		{"none", nil, nil, "<none>"},
		{"utilization", []autoscalingv2.MetricSpec{spec80}, []autoscalingv2.MetricStatus{status45}, "cpu: 45%/80%"},
		{"not measured yet", []autoscalingv2.MetricSpec{spec80}, nil, "cpu: <unknown>/80%"},
		{"no target utilization", []autoscalingv2.MetricSpec{specAuto}, []autoscalingv2.MetricStatus{statusNone}, "cpu: <unknown>/<auto>"},
		{"object average", []autoscalingv2.MetricSpec{object}, nil, "<unknown>/2k (avg)"},
		{"container resource", []autoscalingv2.MetricSpec{container}, nil, "memory (web): <unknown>/1Gi"},
		{"two shown, the rest counted", []autoscalingv2.MetricSpec{spec80, object, container}, []autoscalingv2.MetricStatus{status45},
			"cpu: 45%/80%, <unknown>/2k (avg) + 1 more..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objectMeta("shop", "web"),
				Spec:   autoscalingv2.HorizontalPodAutoscalerSpec{Metrics: tc.specs},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentMetrics: tc.statuses}}
			assert.Equal(t, tc.want, cells(t, kinds.HorizontalPodAutoscalers, o)["targets"])
		})
	}

	c := cells(t, kinds.HorizontalPodAutoscalers, samples[kinds.HorizontalPodAutoscalers][0])
	assert.Equal(t, "Deployment/web", c["reference"])
	assert.Equal(t, "cpu: 45%/80%, memory: 300Mi/500Mi + 2 more...", c["targets"])
}

func TestHPADetails(t *testing.T) {
	d := describe(t, kinds.HorizontalPodAutoscalers, samples[kinds.HorizontalPodAutoscalers][0])
	assert.Equal(t, "Deployment/web (apps/v1)", fact(d, "Scale target"))
	assert.Equal(t, "3 current, 3 desired, 2 to 10", fact(d, "Replicas"))
	assert.Equal(t, [][]string{
		{"Resource", "cpu", "45%", "80%"},
		{"Resource", "memory", "300Mi", "500Mi"},
		{"Pods", "packets-per-second", "800", "1k"},
		{"External", "queue_length", "12", "30"},
	}, table(t, d, "Metrics").Rows)
	assert.Len(t, d.Conditions, 2)
}

func TestHPAStatus(t *testing.T) {
	withConditions := func(cs ...autoscalingv2.HorizontalPodAutoscalerCondition) *autoscalingv2.HorizontalPodAutoscaler {
		return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objectMeta("shop", "web"),
			Status: autoscalingv2.HorizontalPodAutoscalerStatus{Conditions: cs}}
	}
	able := autoscalingv2.HorizontalPodAutoscalerCondition{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue}
	for _, tc := range []struct {
		name           string
		hpa            *autoscalingv2.HorizontalPodAutoscaler
		status, health string
	}{
		{"new", withConditions(), "Pending", model.HealthNeutral},
		{"scaling", withConditions(able), "Active", model.HealthOK},
		{"target missing", samples[kinds.HorizontalPodAutoscalers][1].(*autoscalingv2.HorizontalPodAutoscaler), "FailedGetScale", model.HealthError},
		{"no metrics", withConditions(able, autoscalingv2.HorizontalPodAutoscalerCondition{Type: autoscalingv2.ScalingActive,
			Status: corev1.ConditionFalse, Reason: "FailedGetResourceMetric"}), "FailedGetResourceMetric", model.HealthWarn},
		{"target scaled to zero", withConditions(able, autoscalingv2.HorizontalPodAutoscalerCondition{Type: autoscalingv2.ScalingActive,
			Status: corev1.ConditionFalse, Reason: "ScalingDisabled"}), "ScalingDisabled", model.HealthNeutral},
		{"held at max", withConditions(able, autoscalingv2.HorizontalPodAutoscalerCondition{Type: autoscalingv2.ScalingLimited,
			Status: corev1.ConditionTrue, Reason: "TooManyReplicas"}), "AtMaxReplicas", model.HealthWarn},
		{"held at min is normal", withConditions(able, autoscalingv2.HorizontalPodAutoscalerCondition{Type: autoscalingv2.ScalingLimited,
			Status: corev1.ConditionTrue, Reason: "TooFewReplicas"}), "Active", model.HealthOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cells(t, kinds.HorizontalPodAutoscalers, tc.hpa)
			assert.Equal(t, tc.status, c["status"])
			assert.Equal(t, tc.health, c["health"])
		})
	}
}
