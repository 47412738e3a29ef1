package kinds

import (
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coordinationinformers "k8s.io/client-go/informers/coordination/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// Leases are held by one holder at a time: a node's heartbeat, a
// controller's leader election.
const Leases ID = "leases"

func init() {
	register(&Kind{
		ID: Leases, GVR: coordinationv1.SchemeGroupVersion.WithResource("leases"), APIKind: "Lease", Label: "Leases",
		Nav: NavConfig, Rank: 80, Namespaced: true,
		Heartbeats: []string{"spec.renewTime"},
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coordinationinformers.NewLeaseInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("holder", "Holder", model.TypeText, func(o *coordinationv1.Lease) string { return ptr.Deref(o.Spec.HolderIdentity, "") }),
			AgeColumn,
		},
		describe: describeAs(func(o *coordinationv1.Lease, f *facts, d *model.Details) {
			s := o.Spec
			f.add("Holder", ptr.Deref(s.HolderIdentity, ""))
			if s.LeaseDurationSeconds != nil {
				f.add("Duration", (time.Duration(*s.LeaseDurationSeconds) * time.Second).String())
			}
			f.add("Acquired", microTimeText(s.AcquireTime))
			f.add("Renewed", microTimeText(s.RenewTime))
			if s.LeaseTransitions != nil {
				f.add("Transitions", itoa(*s.LeaseTransitions))
			}
			f.add("Strategy", string(ptr.Deref(s.Strategy, "")))
			f.add("Preferred holder", ptr.Deref(s.PreferredHolder, ""))
		}),
	})
}

func microTimeText(t *metav1.MicroTime) string {
	if t == nil {
		return ""
	}
	return timeText(&metav1.Time{Time: t.Time})
}
