package kinds

import (
	"sort"
	"strings"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	policyinformers "k8s.io/client-go/informers/policy/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// PodDisruptionBudgets limit how many of the pods they select voluntary
// disruptions (a node drain) may take down at once.
const PodDisruptionBudgets ID = "poddisruptionbudgets"

func init() {
	register(&Kind{
		ID: PodDisruptionBudgets, GVR: policyv1.SchemeGroupVersion.WithResource("poddisruptionbudgets"),
		APIKind: "PodDisruptionBudget", Label: "PodDisruptionBudgets",
		Nav: NavConfig, Rank: 60, ShortNames: []string{"pdb"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return policyinformers.NewPodDisruptionBudgetInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("minAvailable", "Min available", model.TypeText, func(o *policyv1.PodDisruptionBudget) string { return budgetText(o.Spec.MinAvailable) }),
			Col("maxUnavailable", "Max unavailable", model.TypeText, func(o *policyv1.PodDisruptionBudget) string { return budgetText(o.Spec.MaxUnavailable) }),
			Col("allowedDisruptions", "Allowed disruptions", model.TypeInteger, func(o *policyv1.PodDisruptionBudget) string {
				return itoa(o.Status.DisruptionsAllowed)
			}),
			StatusColumn("Status"), AgeColumn,
		},
		Status: statusAs(pdbStatus),
		describe: describeAs(func(o *policyv1.PodDisruptionBudget, f *facts, d *model.Details) {
			if o.Spec.MinAvailable != nil {
				f.add("Min available", o.Spec.MinAvailable.String())
			}
			if o.Spec.MaxUnavailable != nil {
				f.add("Max unavailable", o.Spec.MaxUnavailable.String())
			}
			f.add("Selector", selectorText(o.Spec.Selector))
			f.add("Allowed disruptions", itoa(o.Status.DisruptionsAllowed))
			f.add("Healthy pods", itoa(o.Status.CurrentHealthy)+" current, "+itoa(o.Status.DesiredHealthy)+" desired")
			f.add("Expected pods", itoa(o.Status.ExpectedPods))
			f.add("Unhealthy pod eviction", string(ptr.Deref(o.Spec.UnhealthyPodEvictionPolicy, "")))
			disrupted := make([]string, 0, len(o.Status.DisruptedPods))
			for name := range o.Status.DisruptedPods {
				disrupted = append(disrupted, name)
			}
			sort.Strings(disrupted)
			f.add("Being disrupted", strings.Join(disrupted, ", "))
			d.Conditions = metaConditions(o.Status.Conditions)
		}),
		Related: []Relation{{Kind: Pods, Selector: func(obj any) labels.Selector {
			// A budget without a selector selects no pods; an empty one, every
			// pod in its namespace.
			if o, ok := obj.(*policyv1.PodDisruptionBudget); ok && o.Spec.Selector != nil {
				if s, err := metav1.LabelSelectorAsSelector(o.Spec.Selector); err == nil {
					return s
				}
			}
			return nil
		}}},
	})
}

// budgetText is a budget's count or percentage, N/A as kubectl writes
// the one that is unset.
func budgetText(v *intstr.IntOrString) string {
	if v == nil {
		return "N/A"
	}
	return v.String()
}

// pdbStatus warns when the budget allows no disruption: a drain would
// wait, either because of the budget itself or because too few of its
// pods are healthy.
func pdbStatus(o *policyv1.PodDisruptionBudget) (string, string) {
	switch {
	case o.Status.ExpectedPods == 0:
		return "No pods", model.HealthNeutral
	case o.Status.DisruptionsAllowed > 0:
		return "OK", model.HealthOK
	case o.Status.CurrentHealthy < o.Status.DesiredHealthy:
		return "Below budget", model.HealthWarn
	default:
		return "Blocking", model.HealthWarn
	}
}
