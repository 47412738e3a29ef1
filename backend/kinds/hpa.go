package kinds

import (
	"cmp"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	autoscalinginformers "k8s.io/client-go/informers/autoscaling/v2"

	"crowsnest/backend/model"
)

// HorizontalPodAutoscalers scale a workload between bounds to keep its
// metrics at their targets; details compare each metric with its target.
const HorizontalPodAutoscalers ID = "horizontalpodautoscalers"

func init() {
	register(&Kind{
		ID: HorizontalPodAutoscalers, GVR: autoscalingv2.SchemeGroupVersion.WithResource("horizontalpodautoscalers"),
		APIKind: "HorizontalPodAutoscaler", Label: "HorizontalPodAutoscalers",
		Nav: NavConfig, Rank: 50, ShortNames: []string{"hpa"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return autoscalinginformers.NewHorizontalPodAutoscalerInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("reference", "Reference", model.TypeText, func(o *autoscalingv2.HorizontalPodAutoscaler) string {
				return o.Spec.ScaleTargetRef.Kind + "/" + o.Spec.ScaleTargetRef.Name
			}),
			Col("targets", "Targets", model.TypeText, hpaTargets, Wide),
			Col("minPods", "Min pods", model.TypeInteger, func(o *autoscalingv2.HorizontalPodAutoscaler) string {
				if o.Spec.MinReplicas == nil {
					return ""
				}
				return itoa(*o.Spec.MinReplicas)
			}),
			Col("maxPods", "Max pods", model.TypeInteger, func(o *autoscalingv2.HorizontalPodAutoscaler) string { return itoa(o.Spec.MaxReplicas) }),
			Col("replicas", "Replicas", model.TypeInteger, func(o *autoscalingv2.HorizontalPodAutoscaler) string { return itoa(o.Status.CurrentReplicas) }),
			StatusColumn("Status"), AgeColumn,
		},
		Status: statusAs(hpaStatus),
		describe: describeAs(func(o *autoscalingv2.HorizontalPodAutoscaler, f *facts, d *model.Details) {
			ref := o.Spec.ScaleTargetRef
			target := ref.Kind + "/" + ref.Name
			if ref.APIVersion != "" {
				target += " (" + ref.APIVersion + ")"
			}
			f.add("Scale target", target)
			f.add("Replicas", fmt.Sprintf("%d current, %d desired, %d to %d", o.Status.CurrentReplicas, o.Status.DesiredReplicas,
				deref(o.Spec.MinReplicas), o.Spec.MaxReplicas))
			f.add("Last scaled", timeText(o.Status.LastScaleTime))
			if len(o.Spec.Metrics) > 0 {
				metrics := model.Table{Title: "Metrics", Columns: []string{"Type", "Metric", "Current", "Target"}}
				for i, m := range hpaMetrics(o) {
					metrics.Rows = append(metrics.Rows, []string{string(o.Spec.Metrics[i].Type), m.name, m.current, m.target})
				}
				d.Tables = append(d.Tables, metrics)
			}
			d.Conditions = conditions(o.Status.Conditions, func(c autoscalingv2.HorizontalPodAutoscalerCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
		}),
		Related: []Relation{
			{Kind: Deployments, Names: scaleTarget("Deployment")},
			{Kind: StatefulSets, Names: scaleTarget("StatefulSet")},
			{Kind: ReplicaSets, Names: scaleTarget("ReplicaSet")},
		},
	})
}

// scaleTarget names an HPA's scale target if it is an apps/v1 workload
// of this kind.
func scaleTarget(kind string) func(obj any) []string {
	return func(obj any) []string {
		o, ok := obj.(*autoscalingv2.HorizontalPodAutoscaler)
		if !ok {
			return nil
		}
		ref := o.Spec.ScaleTargetRef
		if gv, err := schema.ParseGroupVersion(ref.APIVersion); err != nil || gv.Group != appsv1.GroupName || ref.Kind != kind {
			return nil
		}
		return nonEmpty(ref.Name)
	}
}

// hpaMetric is one of an HPA's metrics with its current value and target
// as kubectl writes them ("45%", "<unknown>", "500m (avg)").
type hpaMetric struct {
	name, current, target string
	// resource metrics are named in kubectl's TARGETS ("cpu: 45%/80%").
	resource bool
}

// hpaTargets is kubectl's TARGETS: the first two metrics, current/target.
func hpaTargets(o *autoscalingv2.HorizontalPodAutoscaler) string {
	ms := hpaMetrics(o)
	if len(ms) == 0 {
		return "<none>"
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.current + "/" + m.target
		if m.resource {
			out[i] = m.name + ": " + out[i]
		}
	}
	return joinCut(out, ", ", 2)
}

// hpaMetrics reads each metric of the spec with the status at the same
// index, as kubectl pairs them.
func hpaMetrics(o *autoscalingv2.HorizontalPodAutoscaler) []hpaMetric {
	out := make([]hpaMetric, len(o.Spec.Metrics))
	for i, spec := range o.Spec.Metrics {
		var status *autoscalingv2.MetricStatus
		if i < len(o.Status.CurrentMetrics) {
			status = &o.Status.CurrentMetrics[i]
		}
		var (
			m       hpaMetric
			target  autoscalingv2.MetricTarget
			current *autoscalingv2.MetricValueStatus
			// kubectl marks an average of values summed over objects.
			avg bool
		)
		switch s := spec; {
		case s.Resource != nil:
			m, target = hpaMetric{name: string(s.Resource.Name), resource: true}, s.Resource.Target
			if status != nil && status.Resource != nil {
				current = &status.Resource.Current
			}
		case s.ContainerResource != nil:
			m = hpaMetric{name: string(s.ContainerResource.Name) + " (" + s.ContainerResource.Container + ")", resource: true}
			target = s.ContainerResource.Target
			if status != nil && status.ContainerResource != nil {
				current = &status.ContainerResource.Current
			}
		case s.Pods != nil:
			m, target = hpaMetric{name: s.Pods.Metric.Name}, s.Pods.Target
			if status != nil && status.Pods != nil {
				current = &status.Pods.Current
			}
		case s.Object != nil:
			ref := s.Object.DescribedObject
			m, target, avg = hpaMetric{name: ref.Kind + "/" + ref.Name + " " + s.Object.Metric.Name}, s.Object.Target, true
			if status != nil && status.Object != nil {
				current = &status.Object.Current
			}
		case s.External != nil:
			m, target, avg = hpaMetric{name: s.External.Metric.Name}, s.External.Target, true
			if status != nil && status.External != nil {
				current = &status.External.Current
			}
		default:
			out[i] = hpaMetric{name: string(s.Type), current: "<unknown>", target: "<unknown type>"}
			continue
		}
		m.current, m.target = metricValues(target, current, m.resource, avg)
		out[i] = m
	}
	return out
}

// metricValues writes a target and the current value of the same measure:
// an average value, a utilization (resources only) or a value.
func metricValues(t autoscalingv2.MetricTarget, cur *autoscalingv2.MetricValueStatus, resource, avg bool) (current, target string) {
	current = "<unknown>"
	switch {
	case t.AverageValue != nil:
		if cur != nil && cur.AverageValue != nil {
			current = cur.AverageValue.String()
		}
		target = t.AverageValue.String()
		if avg {
			target += " (avg)"
		}
	case resource:
		if cur != nil && cur.AverageUtilization != nil {
			current = fmt.Sprintf("%d%%", *cur.AverageUtilization)
		}
		target = "<auto>"
		if t.AverageUtilization != nil {
			target = fmt.Sprintf("%d%%", *t.AverageUtilization)
		}
	default:
		if cur != nil && cur.Value != nil {
			current = cur.Value.String()
		}
		if t.Value != nil {
			target = t.Value.String()
		}
	}
	return current, cmp.Or(target, "<unset>")
}

// hpaStatus says whether the autoscaler can do its work: it fails to read
// its target's scale (error), to compute from its metrics (warn), or is
// held at its maximum (warn).
func hpaStatus(o *autoscalingv2.HorizontalPodAutoscaler) (string, string) {
	conds := map[autoscalingv2.HorizontalPodAutoscalerConditionType]autoscalingv2.HorizontalPodAutoscalerCondition{}
	for _, c := range o.Status.Conditions {
		conds[c.Type] = c
	}
	able, active, limited := conds[autoscalingv2.AbleToScale], conds[autoscalingv2.ScalingActive], conds[autoscalingv2.ScalingLimited]
	switch {
	case able.Status == corev1.ConditionFalse:
		return cmp.Or(able.Reason, "UnableToScale"), model.HealthError
	case active.Status == corev1.ConditionFalse && active.Reason == "ScalingDisabled":
		return "ScalingDisabled", model.HealthNeutral // its target is scaled to zero
	case active.Status == corev1.ConditionFalse:
		return cmp.Or(active.Reason, "ScalingInactive"), model.HealthWarn
	case limited.Status == corev1.ConditionTrue && limited.Reason == "TooManyReplicas":
		return "AtMaxReplicas", model.HealthWarn
	case able.Status == corev1.ConditionTrue:
		return "Active", model.HealthOK
	}
	return "Pending", model.HealthNeutral
}
