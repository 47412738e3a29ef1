package kinds

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// Services select pods by label; their details link to those pods and to
// the EndpointSlices that list them.
const Services ID = "services"

func init() {
	register(&Kind{
		ID: Services, GVR: corev1.SchemeGroupVersion.WithResource("services"), APIKind: "Service", Label: "Services",
		Nav: NavNetwork, Rank: 10, ShortNames: []string{"svc"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewServiceInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("type", "Type", model.TypeText, func(o *corev1.Service) string { return string(o.Spec.Type) }),
			Col("clusterIP", "Cluster IP", model.TypeText, func(o *corev1.Service) string { return o.Spec.ClusterIP }),
			Col("externalIP", "External IP", model.TypeText, serviceExternalIP),
			Col("ports", "Ports", model.TypeText, func(o *corev1.Service) string { return servicePorts(o.Spec.Ports) }),
			AgeColumn,
			Col("selector", "Selector", model.TypeText, func(o *corev1.Service) string { return orNone(mapText(o.Spec.Selector)) }, Priority(1)),
		},
		describe: describeAs(func(o *corev1.Service, f *facts, d *model.Details) {
			f.add("Type", string(o.Spec.Type))
			f.add("Cluster IP", o.Spec.ClusterIP)
			f.add("External IPs", strings.Join(o.Spec.ExternalIPs, ", "))
			f.add("External name", o.Spec.ExternalName)
			ports := make([]string, len(o.Spec.Ports))
			for i, p := range o.Spec.Ports {
				ports[i] = fmt.Sprintf("%d→%s/%s", p.Port, p.TargetPort.String(), p.Protocol)
				if p.Name != "" {
					ports[i] += " (" + p.Name + ")"
				}
			}
			f.add("Ports", strings.Join(ports, ", "))
			f.add("Selector", mapText(o.Spec.Selector))
			f.add("Session affinity", string(o.Spec.SessionAffinity))
		}),
		Related: []Relation{
			{Kind: Pods, Selector: servicePods},
			{Kind: EndpointSlices, Selector: func(obj any) labels.Selector {
				if s, ok := obj.(*corev1.Service); ok {
					return labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: s.Name})
				}
				return nil
			}},
		},
		PodSelector: servicePods,
	})
}

// servicePods selects a Service's pods. A Service without a selector has
// its endpoints managed by hand: it selects none.
func servicePods(obj any) labels.Selector {
	if s, ok := obj.(*corev1.Service); ok && len(s.Spec.Selector) > 0 {
		return labels.SelectorFromSet(s.Spec.Selector)
	}
	return nil
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

// serviceExternalIP follows kubectl: load-balancer ingress, external IPs,
// or <none>/<pending>.
func serviceExternalIP(o *corev1.Service) string {
	switch o.Spec.Type {
	case corev1.ServiceTypeExternalName:
		return o.Spec.ExternalName
	case corev1.ServiceTypeLoadBalancer:
		var ips []string
		for _, in := range o.Status.LoadBalancer.Ingress {
			if in.IP != "" {
				ips = append(ips, in.IP)
			} else if in.Hostname != "" {
				ips = append(ips, in.Hostname)
			}
		}
		ips = append(ips, o.Spec.ExternalIPs...)
		if len(ips) == 0 {
			return "<pending>"
		}
		return strings.Join(ips, ",")
	}
	if len(o.Spec.ExternalIPs) > 0 {
		return strings.Join(o.Spec.ExternalIPs, ",")
	}
	return "<none>"
}
