package kinds

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// ResourceQuotas cap what a namespace may use; LimitRanges bound and
// default what each of its pods, containers and claims asks for. A
// LimitRange's table shows its name and age alone (as kubectl's does), so
// the cache holds LimitRanges as metadata and details read them from the
// API.
const (
	ResourceQuotas ID = "resourcequotas"
	LimitRanges    ID = "limitranges"
)

func init() {
	register(&Kind{
		ID: ResourceQuotas, GVR: corev1.SchemeGroupVersion.WithResource("resourcequotas"), APIKind: "ResourceQuota",
		Label: "ResourceQuotas", Nav: NavConfig, Rank: 30, ShortNames: []string{"quota"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewResourceQuotaInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("request", "Request", model.TypeText, func(o *corev1.ResourceQuota) string {
				request, _ := quotaUsage(o)
				return request
			}, Wide, Described("Used/hard of every resource but limits")),
			Col("limit", "Limit", model.TypeText, func(o *corev1.ResourceQuota) string {
				_, limit := quotaUsage(o)
				return limit
			}, Wide, Described("Used/hard of limits.*")),
			AgeColumn,
		},
		describe: describeAs(func(o *corev1.ResourceQuota, f *facts, d *model.Details) {
			scopes := make([]string, len(o.Spec.Scopes))
			for i, s := range o.Spec.Scopes {
				scopes[i] = string(s)
			}
			f.add("Scopes", strings.Join(scopes, ", "))
			if sel := o.Spec.ScopeSelector; sel != nil {
				exprs := make([]string, len(sel.MatchExpressions))
				for i, e := range sel.MatchExpressions {
					exprs[i] = strings.TrimSpace(fmt.Sprintf("%s %s %s", e.ScopeName, e.Operator, strings.Join(e.Values, ",")))
				}
				f.add("Scope selector", strings.Join(exprs, "; "))
			}
			usage := model.Table{Title: "Resources", Columns: []string{"Resource", "Used", "Hard"}}
			for _, name := range sortedKeys(o.Status.Hard, o.Spec.Hard) {
				used, hard := "", ""
				if q, ok := o.Status.Used[corev1.ResourceName(name)]; ok {
					used = q.String()
				}
				if q, ok := o.Spec.Hard[corev1.ResourceName(name)]; ok {
					hard = q.String()
				}
				usage.Rows = append(usage.Rows, []string{name, used, hard})
			}
			if len(usage.Rows) > 0 {
				d.Tables = append(d.Tables, usage)
			}
		}),
	})
	register(&Kind{
		ID: LimitRanges, GVR: corev1.SchemeGroupVersion.WithResource("limitranges"), APIKind: "LimitRange",
		Label: "LimitRanges", Nav: NavConfig, Rank: 40, ShortNames: []string{"limits"}, Namespaced: true,
		Cache:       Metadata,
		Columns:     []Column{NameColumn, NamespaceColumn, AgeColumn},
		FullFromAPI: true,
		describe: describeAs(func(o *corev1.LimitRange, f *facts, d *model.Details) {
			limits := model.Table{Title: "Limits", Columns: []string{"Type", "Resource", "Min", "Max",
				"Default request", "Default limit", "Max limit/request ratio"}}
			for _, l := range o.Spec.Limits {
				for _, name := range sortedKeys(l.Min, l.Max, l.DefaultRequest, l.Default, l.MaxLimitRequestRatio) {
					row := []string{string(l.Type), name}
					for _, list := range []corev1.ResourceList{l.Min, l.Max, l.DefaultRequest, l.Default, l.MaxLimitRequestRatio} {
						cell := "-"
						if q, ok := list[corev1.ResourceName(name)]; ok {
							cell = q.String()
						}
						row = append(row, cell)
					}
					limits.Rows = append(limits.Rows, row)
				}
			}
			if len(limits.Rows) > 0 {
				d.Tables = append(d.Tables, limits)
			}
		}),
	})
}

// quotaUsage is kubectl's REQUEST and LIMIT of a quota: "resource:
// used/hard" of every resource it sets, the limits.* ones apart.
func quotaUsage(o *corev1.ResourceQuota) (request, limit string) {
	var requests, limits []string
	for _, name := range sortedKeys(o.Status.Hard) {
		used, hard := o.Status.Used[corev1.ResourceName(name)], o.Status.Hard[corev1.ResourceName(name)]
		s := name + ": " + used.String() + "/" + hard.String()
		if strings.HasPrefix(name, "limits.") {
			limits = append(limits, s)
		} else {
			requests = append(requests, s)
		}
	}
	return strings.Join(requests, ", "), strings.Join(limits, ", ")
}
