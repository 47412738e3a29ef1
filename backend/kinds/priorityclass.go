package kinds

import (
	"strconv"

	schedulingv1 "k8s.io/api/scheduling/v1"
	schedulinginformers "k8s.io/client-go/informers/scheduling/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// PriorityClasses rank pods for scheduling and preemption; one may be the
// global default for pods that name none.
const PriorityClasses ID = "priorityclasses"

func init() {
	register(&Kind{
		ID: PriorityClasses, GVR: schedulingv1.SchemeGroupVersion.WithResource("priorityclasses"), APIKind: "PriorityClass",
		Label: "PriorityClasses", Nav: NavConfig, Rank: 70, ShortNames: []string{"pc"},
		NewInformer: func(c Clients, _ string) cacheInformer {
			return schedulinginformers.NewPriorityClassInformer(c.Kube, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn,
			Col("value", "Value", model.TypeInteger, func(o *schedulingv1.PriorityClass) string { return itoa(o.Value) }),
			Col("globalDefault", "Global default", model.TypeBoolean, func(o *schedulingv1.PriorityClass) string {
				return strconv.FormatBool(o.GlobalDefault)
			}),
			AgeColumn,
			Col("preemptionPolicy", "Preemption policy", model.TypeText, func(o *schedulingv1.PriorityClass) string {
				return string(ptr.Deref(o.PreemptionPolicy, ""))
			}),
		},
		SortBy: "value", Desc: true,
		describe: describeAs(func(o *schedulingv1.PriorityClass, f *facts, d *model.Details) {
			f.add("Value", itoa(o.Value))
			f.add("Global default", yes(o.GlobalDefault))
			f.add("Preemption policy", string(ptr.Deref(o.PreemptionPolicy, "")))
			f.add("Description", o.Description)
		}),
	})
}
