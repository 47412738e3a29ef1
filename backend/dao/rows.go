package dao

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"

	"crowsnest/backend/informer"
	"crowsnest/backend/model"
)

// RowOf projects a cached object of kind k into its table row. Objects of
// an unexpected type still get the metadata columns.
func RowOf(k informer.Kind, obj any) model.Row {
	m, err := meta.Accessor(obj)
	if err != nil {
		return model.Row{Kind: string(k), Health: model.HealthNeutral}
	}
	r := model.Row{
		Key: m.GetName(), Kind: string(k), Name: m.GetName(), Namespace: m.GetNamespace(),
		UID: string(m.GetUID()), Created: m.GetCreationTimestamp().Unix(), Labels: m.GetLabels(),
		Health: model.HealthNeutral,
	}
	if r.Namespace != "" {
		r.Key = r.Namespace + "/" + r.Name
	}
	switch o := obj.(type) {
	case *informer.PodSummary:
		podRow(&r, o)
	case *corev1.Pod: // read from the API in full
		podRow(&r, informer.SummarizePod(o))
	case *appsv1.Deployment:
		want := replicas(o.Spec.Replicas)
		r.Ready = ratio(o.Status.ReadyReplicas, want)
		r.Cells = map[string]string{"upToDate": itoa(o.Status.UpdatedReplicas), "available": itoa(o.Status.AvailableReplicas)}
		r.Status, r.Health = scaled(o.Status.AvailableReplicas, want)
		r.Images = images(o.Spec.Template.Spec.Containers)
	case *appsv1.ReplicaSet:
		want := replicas(o.Spec.Replicas)
		r.Ready = ratio(o.Status.ReadyReplicas, want)
		r.Cells = map[string]string{"desired": itoa(want), "current": itoa(o.Status.Replicas)}
		r.Status, r.Health = scaled(o.Status.ReadyReplicas, want)
		r.Images = images(o.Spec.Template.Spec.Containers)
	case *appsv1.StatefulSet:
		want := replicas(o.Spec.Replicas)
		r.Ready = ratio(o.Status.ReadyReplicas, want)
		r.Status, r.Health = scaled(o.Status.ReadyReplicas, want)
		r.Images = images(o.Spec.Template.Spec.Containers)
	case *appsv1.DaemonSet:
		want := o.Status.DesiredNumberScheduled
		r.Ready = ratio(o.Status.NumberReady, want)
		r.Cells = map[string]string{"desired": itoa(want), "upToDate": itoa(o.Status.UpdatedNumberScheduled), "available": itoa(o.Status.NumberAvailable)}
		r.Status, r.Health = scaled(o.Status.NumberReady, want)
		r.Images = images(o.Spec.Template.Spec.Containers)
	case *batchv1.Job:
		jobRow(&r, o)
	case *batchv1.CronJob:
		r.Cells = map[string]string{"schedule": o.Spec.Schedule, "active": strconv.Itoa(len(o.Status.Active))}
		if o.Status.LastScheduleTime != nil {
			r.Cells["lastSchedule"] = strconv.FormatInt(o.Status.LastScheduleTime.Unix(), 10)
		}
		r.Status, r.Health = "Scheduled", model.HealthOK
		if o.Spec.Suspend != nil && *o.Spec.Suspend {
			r.Status, r.Health = "Suspended", model.HealthNeutral
		}
	case *corev1.Service:
		r.Status = string(o.Spec.Type)
		r.Cells = map[string]string{"type": string(o.Spec.Type), "clusterIP": o.Spec.ClusterIP, "ports": servicePorts(o.Spec.Ports)}
	case *networkingv1.Ingress:
		var hosts []string
		for _, rule := range o.Spec.Rules {
			hosts = append(hosts, rule.Host)
		}
		r.Cells = map[string]string{"hosts": strings.Join(hosts, ", ")}
		if o.Spec.IngressClassName != nil {
			r.Cells["class"] = *o.Spec.IngressClassName
		}
	case *corev1.ConfigMap:
		r.Cells = map[string]string{"keys": strconv.Itoa(len(o.Data) + len(o.BinaryData))}
	case *corev1.PersistentVolumeClaim:
		r.Status = string(o.Status.Phase)
		r.Health = map[corev1.PersistentVolumeClaimPhase]string{
			corev1.ClaimBound: model.HealthOK, corev1.ClaimPending: model.HealthWarn, corev1.ClaimLost: model.HealthError,
		}[o.Status.Phase]
		r.Cells = map[string]string{"volume": o.Spec.VolumeName}
		if q, ok := o.Status.Capacity[corev1.ResourceStorage]; ok {
			r.Cells["capacity"] = q.String()
		}
		if o.Spec.StorageClassName != nil {
			r.Cells["storageClass"] = *o.Spec.StorageClassName
		}
	case *corev1.Node:
		nodeRow(&r, o)
	case *corev1.Namespace:
		r.Status = string(o.Status.Phase)
		r.Health = model.HealthOK
		if o.Status.Phase == corev1.NamespaceTerminating {
			r.Health = model.HealthWarn
		}
	case *corev1.Event:
		r.Status = o.Type
		r.Health = model.HealthNeutral
		if o.Type == corev1.EventTypeWarning {
			r.Health = model.HealthWarn
		}
		last := o.LastTimestamp.Time
		if last.IsZero() {
			last = o.EventTime.Time
		}
		r.Cells = map[string]string{
			"reason": o.Reason, "message": o.Message, "count": itoa(o.Count),
			"object":   strings.ToLower(o.InvolvedObject.Kind) + "/" + o.InvolvedObject.Name,
			"lastSeen": strconv.FormatInt(last.Unix(), 10),
		}
	}
	if r.Health == "" {
		r.Health = model.HealthNeutral
	}
	return r
}

// podRow follows what `kubectl get pods` shows: the reason of the first
// container that is not running (CrashLoopBackOff, ImagePullBackOff,
// Error...), init progress, and Terminating once deletion began.
func podRow(r *model.Row, p *informer.PodSummary) {
	ready := 0
	r.Images = make([]string, len(p.Containers))
	for i, c := range p.Containers {
		r.Restarts += c.Restarts
		if c.Ready {
			ready++
		}
		r.Images[i] = c.Image
	}
	r.Ready = strconv.Itoa(ready) + "/" + strconv.Itoa(len(p.Containers))
	r.Node = p.NodeName
	r.Cells = map[string]string{"ip": p.IP}

	status := string(p.Phase)
	if p.Reason != "" {
		status = p.Reason
	}
	for i, c := range p.InitContainers {
		if !c.HasStatus || (c.State == informer.ContainerTerminated && c.ExitCode == 0) {
			continue
		}
		switch {
		case c.State == informer.ContainerWaiting && c.Reason != "" && c.Reason != "PodInitializing":
			status = "Init:" + c.Reason
		case c.State == informer.ContainerTerminated:
			status = "Init:Error"
		default:
			status = fmt.Sprintf("Init:%d/%d", i, len(p.InitContainers))
		}
		break
	}
	if !strings.HasPrefix(status, "Init:") {
		for _, c := range p.Containers {
			if c.State == informer.ContainerWaiting && c.Reason != "" {
				status = c.Reason
				break
			}
			if c.State == informer.ContainerTerminated && c.Reason != "" && p.Phase != corev1.PodSucceeded {
				status = c.Reason
				break
			}
		}
	}
	if p.DeletionTimestamp != nil {
		status = "Terminating"
	}
	r.Status = status
	switch {
	case status == "Terminating" || status == string(corev1.PodPending) || strings.HasPrefix(status, "Init:") || status == "ContainerCreating":
		r.Health = model.HealthWarn
		if strings.HasSuffix(status, "Error") || strings.HasSuffix(status, "BackOff") {
			r.Health = model.HealthError
		}
	case status == string(corev1.PodRunning) && ready == len(p.Containers):
		r.Health = model.HealthOK
	case status == string(corev1.PodRunning):
		r.Health = model.HealthWarn
	case status == string(corev1.PodSucceeded) || status == "Completed":
		r.Health = model.HealthNeutral
	default:
		r.Health = model.HealthError
	}
}

func jobRow(r *model.Row, j *batchv1.Job) {
	want := int32(1)
	if j.Spec.Completions != nil {
		want = *j.Spec.Completions
	}
	r.Ready = ratio(j.Status.Succeeded, want)
	r.Status, r.Health = "Running", model.HealthWarn
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			r.Status, r.Health = "Complete", model.HealthOK
		case batchv1.JobFailed:
			r.Status, r.Health = "Failed", model.HealthError
		case batchv1.JobSuspended:
			r.Status, r.Health = "Suspended", model.HealthNeutral
		}
	}
	if j.Status.StartTime != nil {
		end := time.Now()
		if j.Status.CompletionTime != nil {
			end = j.Status.CompletionTime.Time
		}
		r.Cells = map[string]string{"duration": end.Sub(j.Status.StartTime.Time).Round(time.Second).String()}
	}
	r.Images = images(j.Spec.Template.Spec.Containers)
}

func nodeRow(r *model.Row, n *corev1.Node) {
	r.Status, r.Health = "NotReady", model.HealthError
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			r.Status, r.Health = "Ready", model.HealthOK
		}
	}
	if n.Spec.Unschedulable {
		r.Status += ",SchedulingDisabled"
		r.Health = model.HealthWarn
	}
	var roles []string
	for l := range n.Labels {
		if role, ok := strings.CutPrefix(l, "node-role.kubernetes.io/"); ok && role != "" {
			roles = append(roles, role)
		}
	}
	sort.Strings(roles)
	r.Cells = map[string]string{"roles": strings.Join(roles, ","), "version": n.Status.NodeInfo.KubeletVersion}
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			r.Cells["internalIP"] = a.Address
		}
	}
}

func scaled(have, want int32) (string, string) {
	switch {
	case want == 0:
		return "Scaled down", model.HealthNeutral
	case have >= want:
		return "Ready", model.HealthOK
	case have == 0:
		return "Unavailable", model.HealthError
	default:
		return "Progressing", model.HealthWarn
	}
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

func ratio(a, b int32) string { return fmt.Sprintf("%d/%d", a, b) }

func itoa(i int32) string { return strconv.FormatInt(int64(i), 10) }

func images(cs []corev1.Container) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Image
	}
	return out
}

func servicePorts(ports []corev1.ServicePort) string {
	parts := make([]string, len(ports))
	for i, p := range ports {
		parts[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.NodePort != 0 {
			parts[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		}
	}
	return strings.Join(parts, ",")
}
