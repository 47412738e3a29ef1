package kinds

import (
	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// Namespaces: every session lists them for the namespace picker.
const Namespaces ID = "namespaces"

func init() {
	register(&Kind{
		ID: Namespaces, GVR: corev1.SchemeGroupVersion.WithResource("namespaces"), APIKind: "Namespace", Label: "Namespaces",
		Nav: NavCluster, Rank: 20, ShortNames: []string{"ns"},
		NewInformer: func(c Clients, _ string) cacheInformer {
			return coreinformers.NewNamespaceInformer(c.Kube, 0, namespaceIndex())
		},
		Columns: []Column{NameColumn, StatusColumn("Status"), AgeColumn},
		Status: statusAs(func(o *corev1.Namespace) (string, string) {
			if o.Status.Phase == corev1.NamespaceTerminating {
				return string(o.Status.Phase), model.HealthWarn
			}
			return string(o.Status.Phase), model.HealthOK
		}),
		describe: describeAs(func(o *corev1.Namespace, f *facts, d *model.Details) {
			f.add("Phase", string(o.Status.Phase))
			d.Conditions = conditions(o.Status.Conditions, func(c corev1.NamespaceCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
		}),
		Actions: []ActionSpec{ActDeleteNamed},
	})
}
