package kinds

import (
	"cmp"
	"strconv"
	"strings"

	discoveryv1 "k8s.io/api/discovery/v1"
	discoveryinformers "k8s.io/client-go/informers/discovery/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// EndpointSlices list the addresses behind a Service; the
// kubernetes.io/service-name label names it.
const EndpointSlices ID = "endpointslices"

func init() {
	register(&Kind{
		ID: EndpointSlices, GVR: discoveryv1.SchemeGroupVersion.WithResource("endpointslices"), APIKind: "EndpointSlice",
		Label: "EndpointSlices", Nav: NavNetwork, Rank: 30, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return discoveryinformers.NewEndpointSliceInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("addressType", "Address type", model.TypeText, func(o *discoveryv1.EndpointSlice) string { return string(o.AddressType) }),
			Col("ports", "Ports", model.TypeText, func(o *discoveryv1.EndpointSlice) string {
				ports := make([]string, len(o.Ports))
				for i, p := range o.Ports {
					ports[i] = cmp.Or(ptr.Deref(p.Name, ""), "*")
					if p.Port != nil {
						ports[i] = strconv.Itoa(int(*p.Port))
					}
				}
				return cmp.Or(joinCut(ports, ",", 3), "<unset>")
			}),
			Col("endpoints", "Endpoints", model.TypeText, func(o *discoveryv1.EndpointSlice) string {
				var addrs []string
				for _, e := range o.Endpoints {
					addrs = append(addrs, e.Addresses...)
				}
				return cmp.Or(joinCut(addrs, ",", 3), "<unset>")
			}),
			AgeColumn,
		},
		Status: statusAs(func(o *discoveryv1.EndpointSlice) (string, string) {
			ready := 0
			for _, e := range o.Endpoints {
				if ptr.Deref(e.Conditions.Ready, true) {
					ready++
				}
			}
			switch {
			case len(o.Endpoints) == 0:
				return "No endpoints", model.HealthWarn
			case ready == len(o.Endpoints):
				return "Ready", model.HealthOK
			case ready == 0:
				return "Not ready", model.HealthError
			default:
				return ratio(int32(ready), int32(len(o.Endpoints))) + " ready", model.HealthWarn
			}
		}),
		describe: describeAs(func(o *discoveryv1.EndpointSlice, f *facts, d *model.Details) {
			f.add("Address type", string(o.AddressType))
			f.add("Service", o.Labels[discoveryv1.LabelServiceName])
			f.add("Managed by", o.Labels[discoveryv1.LabelManagedBy])
			if len(o.Ports) > 0 {
				ports := model.Table{Title: "Ports", Columns: []string{"Name", "Port", "Protocol", "App protocol"}}
				for _, p := range o.Ports {
					port := "all"
					if p.Port != nil {
						port = itoa(*p.Port)
					}
					ports.Rows = append(ports.Rows, []string{ptr.Deref(p.Name, ""), port,
						string(ptr.Deref(p.Protocol, "")), ptr.Deref(p.AppProtocol, "")})
				}
				d.Tables = append(d.Tables, ports)
			}
			if len(o.Endpoints) > 0 {
				eps := model.Table{Title: "Endpoints", Columns: []string{"Addresses", "Ready", "Serving", "Terminating", "Node", "Zone", "Target"}}
				for _, e := range o.Endpoints {
					target := ""
					if r := e.TargetRef; r != nil {
						target = r.Kind + "/" + r.Name
					}
					ready := ptr.Deref(e.Conditions.Ready, true)
					eps.Rows = append(eps.Rows, []string{strings.Join(e.Addresses, ", "), yesNo(ready),
						yesNo(ptr.Deref(e.Conditions.Serving, ready)), yesNo(ptr.Deref(e.Conditions.Terminating, false)),
						ptr.Deref(e.NodeName, ""), ptr.Deref(e.Zone, ""), target})
				}
				d.Tables = append(d.Tables, eps)
			}
		}),
		Related: []Relation{
			{Kind: Services, Names: func(obj any) []string {
				if o, ok := obj.(*discoveryv1.EndpointSlice); ok {
					return nonEmpty(o.Labels[discoveryv1.LabelServiceName])
				}
				return nil
			}},
			{Kind: Pods, Names: func(obj any) []string {
				o, ok := obj.(*discoveryv1.EndpointSlice)
				if !ok {
					return nil
				}
				var pods []string
				for _, e := range o.Endpoints {
					if r := e.TargetRef; r != nil && r.Kind == "Pod" && (r.Namespace == "" || r.Namespace == o.Namespace) {
						pods = append(pods, r.Name)
					}
				}
				return pods
			}},
		},
	})
}
