package kinds

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// Nodes run pods; their details list the pods bound to them.
const Nodes ID = "nodes"

func init() {
	register(&Kind{
		ID: Nodes, GVR: corev1.SchemeGroupVersion.WithResource("nodes"), APIKind: "Node", Label: "Nodes",
		Nav: NavCluster, Rank: 10, ShortNames: []string{"no"}, NodeShell: true,
		Heartbeats: []string{"status.conditions[*].lastHeartbeatTime"},
		NewInformer: func(c Clients, _ string) cacheInformer {
			return coreinformers.NewNodeInformer(c.Kube, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, StatusColumn("Status"),
			Col("roles", "Roles", model.TypeText, func(o *corev1.Node) string { return orNone(nodeRoles(o)) }),
			AgeColumn,
			Col("version", "Version", model.TypeText, func(o *corev1.Node) string { return o.Status.NodeInfo.KubeletVersion }),
			nodeCPU, nodeCPUPct, nodeMem, nodeMemPct,
			Col("internalIP", "Internal IP", model.TypeText, func(o *corev1.Node) string { return nodeAddress(o, corev1.NodeInternalIP) }),
			Col("externalIP", "External IP", model.TypeText, func(o *corev1.Node) string { return orNone(nodeAddress(o, corev1.NodeExternalIP)) }, Priority(1)),
			Col("osImage", "OS image", model.TypeText, func(o *corev1.Node) string { return o.Status.NodeInfo.OSImage }, Priority(1)),
			Col("kernel", "Kernel", model.TypeText, func(o *corev1.Node) string { return o.Status.NodeInfo.KernelVersion }, Priority(1)),
			Col("runtime", "Container runtime", model.TypeText, func(o *corev1.Node) string { return o.Status.NodeInfo.ContainerRuntimeVersion }, Priority(1)),
		},
		UsageOf: "nodes",
		Status: statusAs(func(n *corev1.Node) (string, string) {
			status, health := "NotReady", model.HealthError
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
					status, health = "Ready", model.HealthOK
				}
			}
			if n.Spec.Unschedulable {
				status += ",SchedulingDisabled"
				health = model.HealthWarn
			}
			return status, health
		}),
		describe: describeAs(func(o *corev1.Node, f *facts, d *model.Details) {
			f.add("Kubelet", o.Status.NodeInfo.KubeletVersion)
			f.add("OS image", o.Status.NodeInfo.OSImage)
			f.add("Architecture", o.Status.NodeInfo.Architecture)
			f.add("Container runtime", o.Status.NodeInfo.ContainerRuntimeVersion)
			for _, addr := range o.Status.Addresses {
				f.add(string(addr.Type), addr.Address)
			}
			f.add("CPU", o.Status.Capacity.Cpu().String())
			f.add("Memory", o.Status.Capacity.Memory().String())
			f.add("Pods", o.Status.Capacity.Pods().String())
			f.add("Pod CIDR", o.Spec.PodCIDR)
			f.add("Unschedulable", yes(o.Spec.Unschedulable))
			var taints []string
			for _, t := range o.Spec.Taints {
				taints = append(taints, t.ToString())
			}
			f.add("Taints", strings.Join(taints, ", "))
			d.Conditions = conditions(o.Status.Conditions, func(c corev1.NodeCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
		}),
		Related: []Relation{{Kind: Pods, Index: NodeIndex, IndexKey: func(obj any) string {
			if n, ok := obj.(*corev1.Node); ok {
				return n.Name
			}
			return ""
		}}},
		Actions: []ActionSpec{ActCordon, ActUncordon, ActDrain, ActDeleteNamed},
	})
}

func nodeRoles(n *corev1.Node) string {
	var roles []string
	for l := range n.Labels {
		if role, ok := strings.CutPrefix(l, "node-role.kubernetes.io/"); ok && role != "" {
			roles = append(roles, role)
		}
	}
	sort.Strings(roles)
	return strings.Join(roles, ",")
}

func nodeAddress(n *corev1.Node, t corev1.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return ""
}
