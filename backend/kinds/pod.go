package kinds

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// Pods are cached as PodSummary (decoded from the wire by the informer
// package's podwire.go): tens of thousands of them, a few hundred bytes
// each. Details read the full Pod from the API.
const Pods ID = "pods"

func init() {
	register(&Kind{
		ID: Pods, GVR: corev1.SchemeGroupVersion.WithResource("pods"), APIKind: "Pod", Label: "Pods",
		Nav: NavWorkloads, Rank: 10, ShortNames: []string{"po"}, Namespaced: true,
		Cache: PodSummaries,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewPodInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Indexers: indexers{NodeIndex: byObject(func(p *PodSummary) []string {
			if p.NodeName == "" {
				return nil
			}
			return []string{p.NodeName}
		})},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("ready", "Ready", model.TypeText, func(p *PodSummary) string {
				ready := 0
				for _, c := range p.Containers {
					if c.Ready {
						ready++
					}
				}
				return strconv.Itoa(ready) + "/" + strconv.Itoa(len(p.Containers))
			}),
			StatusColumn("Status"),
			Col("restarts", "Restarts", model.TypeInteger, func(p *PodSummary) string {
				var n int32
				for _, c := range p.Containers {
					n += c.Restarts
				}
				return itoa(n)
			}),
			AgeColumn,
			Col("node", "Node", model.TypeText, func(p *PodSummary) string { return p.NodeName }),
			Col("ip", "IP", model.TypeText, func(p *PodSummary) string { return p.IP }, Priority(1)),
			podCPU, podCPUReq, podCPULim, podMem, podMemReq, podMemLim,
		},
		UsageOf: "pods",
		Status:  statusAs(podStatus),
		Images: func(obj any) []string {
			p, ok := obj.(*PodSummary)
			if !ok {
				return nil
			}
			out := make([]string, len(p.Containers))
			for i, c := range p.Containers {
				out[i] = c.Image
			}
			return out
		},
		Normalize: func(obj any) any {
			if p, ok := obj.(*corev1.Pod); ok {
				return SummarizePod(p, nil)
			}
			return obj
		},
		FullFromAPI: true,
		OwnLogs:     true,
		describe:    describeAs(describePod),
		Related: []Relation{{Kind: Nodes, Names: func(obj any) []string {
			switch p := obj.(type) {
			case *corev1.Pod:
				return nonEmpty(p.Spec.NodeName)
			case *PodSummary:
				return nonEmpty(p.NodeName)
			}
			return nil
		}}},
	})
}

// podStatus follows what `kubectl get pods` shows: the reason of the first
// container that is not running (CrashLoopBackOff, ImagePullBackOff,
// Error...), init progress, and Terminating once deletion began.
func podStatus(p *PodSummary) (string, string) {
	ready := 0
	for _, c := range p.Containers {
		if c.Ready {
			ready++
		}
	}
	status := string(p.Phase)
	if p.Reason != "" {
		status = p.Reason
	}
	for i, c := range p.InitContainers {
		if !c.HasStatus || (c.State == ContainerTerminated && c.ExitCode == 0) {
			continue
		}
		switch {
		case c.State == ContainerWaiting && c.Reason != "" && c.Reason != "PodInitializing":
			status = "Init:" + c.Reason
		case c.State == ContainerTerminated:
			status = "Init:Error"
		default:
			status = fmt.Sprintf("Init:%d/%d", i, len(p.InitContainers))
		}
		break
	}
	if !strings.HasPrefix(status, "Init:") {
		for _, c := range p.Containers {
			if c.State == ContainerWaiting && c.Reason != "" {
				status = c.Reason
				break
			}
			if c.State == ContainerTerminated && c.Reason != "" && p.Phase != corev1.PodSucceeded {
				status = c.Reason
				break
			}
		}
	}
	if p.DeletionTimestamp != nil {
		status = "Terminating"
	}
	switch {
	case status == "Terminating" || status == string(corev1.PodPending) || strings.HasPrefix(status, "Init:") || status == "ContainerCreating":
		if strings.HasSuffix(status, "Error") || strings.HasSuffix(status, "BackOff") {
			return status, model.HealthError
		}
		return status, model.HealthWarn
	case status == string(corev1.PodRunning) && ready == len(p.Containers):
		return status, model.HealthOK
	case status == string(corev1.PodRunning):
		return status, model.HealthWarn
	case status == string(corev1.PodSucceeded) || status == "Completed":
		return status, model.HealthNeutral
	default:
		return status, model.HealthError
	}
}

func describePod(o *corev1.Pod, f *facts, d *model.Details) {
	f.add("Node", o.Spec.NodeName)
	f.add("Pod IP", o.Status.PodIP)
	f.add("Host IP", o.Status.HostIP)
	f.add("QoS class", string(o.Status.QOSClass))
	f.add("Service account", o.Spec.ServiceAccountName)
	f.add("Priority class", o.Spec.PriorityClassName)
	f.add("Restart policy", string(o.Spec.RestartPolicy))
	f.add("Reason", o.Status.Reason)
	f.add("Message", o.Status.Message)
	d.Conditions = conditions(o.Status.Conditions, func(c corev1.PodCondition) model.Condition {
		return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
	})
	d.Containers = podContainers(o)
}

func podContainers(p *corev1.Pod) []model.Container {
	statuses := map[string]corev1.ContainerStatus{}
	for _, s := range p.Status.InitContainerStatuses {
		statuses["init/"+s.Name] = s
	}
	for _, s := range p.Status.ContainerStatuses {
		statuses[s.Name] = s
	}
	out := make([]model.Container, 0, len(p.Spec.InitContainers)+len(p.Spec.Containers))
	for _, c := range p.Spec.InitContainers {
		mc := container(c, true)
		fillState(&mc, statuses["init/"+c.Name])
		out = append(out, mc)
	}
	for _, c := range p.Spec.Containers {
		mc := container(c, false)
		fillState(&mc, statuses[c.Name])
		out = append(out, mc)
	}
	// Ephemeral containers (kubectl debug): their logs can be read like any.
	for _, s := range p.Status.EphemeralContainerStatuses {
		statuses["ephemeral/"+s.Name] = s
	}
	for _, c := range p.Spec.EphemeralContainers {
		mc := container(corev1.Container(c.EphemeralContainerCommon), false)
		mc.Ephemeral = true
		fillState(&mc, statuses["ephemeral/"+c.Name])
		out = append(out, mc)
	}
	return out
}

func fillState(mc *model.Container, s corev1.ContainerStatus) {
	mc.Ready, mc.Restarts = s.Ready, s.RestartCount
	switch st := s.State; {
	case st.Running != nil:
		mc.State = "Running"
	case st.Waiting != nil:
		mc.State = "Waiting: " + orDash(st.Waiting.Reason)
	case st.Terminated != nil:
		mc.State = "Terminated: " + orDash(st.Terminated.Reason)
		if st.Terminated.ExitCode != 0 {
			mc.State += fmt.Sprintf(" (exit %d)", st.Terminated.ExitCode)
		}
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
