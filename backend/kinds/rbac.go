package kinds

import (
	"cmp"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/types"
	rbacinformers "k8s.io/client-go/informers/rbac/v1"

	"crowsnest/backend/model"
)

// The RBAC kinds. A role's table shows its name and age alone (as
// kubectl's does) while its rules can run to kilobytes (the aggregated
// admin and edit roles), so the cache holds Roles and ClusterRoles as
// metadata and details read their rules from the API. Bindings are cached
// whole: their rows show the role and the subjects.
const (
	Roles               ID = "roles"
	RoleBindings        ID = "rolebindings"
	ClusterRoles        ID = "clusterroles"
	ClusterRoleBindings ID = "clusterrolebindings"
)

func init() {
	register(&Kind{
		ID: Roles, GVR: rbacv1.SchemeGroupVersion.WithResource("roles"), APIKind: "Role", Label: "Roles",
		Nav: NavAccess, Rank: 20, Namespaced: true,
		Cache:       Metadata,
		Columns:     []Column{NameColumn, NamespaceColumn, AgeColumn},
		FullFromAPI: true,
		describe: describeAs(func(o *rbacv1.Role, f *facts, d *model.Details) {
			d.Tables = append(d.Tables, rulesTable(o.Rules)...)
		}),
	})
	register(bindingKind(RoleBindings, "RoleBinding", 30, true,
		func(c Clients, ns string) cacheInformer {
			return rbacinformers.NewRoleBindingInformer(c.Kube, ns, 0, namespaceIndex())
		},
		func(o *rbacv1.RoleBinding) (rbacv1.RoleRef, []rbacv1.Subject) { return o.RoleRef, o.Subjects },
		Roles, ClusterRoles))
	register(&Kind{
		ID: ClusterRoles, GVR: rbacv1.SchemeGroupVersion.WithResource("clusterroles"), APIKind: "ClusterRole", Label: "ClusterRoles",
		Nav: NavAccess, Rank: 40,
		Cache:       Metadata,
		Columns:     []Column{NameColumn, AgeColumn},
		FullFromAPI: true,
		describe: describeAs(func(o *rbacv1.ClusterRole, f *facts, d *model.Details) {
			if a := o.AggregationRule; a != nil {
				selectors := make([]string, len(a.ClusterRoleSelectors))
				for i, s := range a.ClusterRoleSelectors {
					selectors[i] = selectorText(&s)
				}
				f.add("Aggregates cluster roles", strings.Join(selectors, "; or "))
			}
			d.Tables = append(d.Tables, rulesTable(o.Rules)...)
		}),
	})
	register(bindingKind(ClusterRoleBindings, "ClusterRoleBinding", 50, false,
		func(c Clients, _ string) cacheInformer {
			return rbacinformers.NewClusterRoleBindingInformer(c.Kube, 0, namespaceIndex())
		},
		func(o *rbacv1.ClusterRoleBinding) (rbacv1.RoleRef, []rbacv1.Subject) { return o.RoleRef, o.Subjects },
		ClusterRoles))
}

// rulesTable is a role's rules, a row each; none for a role without rules
// (a cluster role its aggregation has not filled yet).
func rulesTable(rules []rbacv1.PolicyRule) []model.Table {
	if len(rules) == 0 {
		return nil
	}
	tb := model.Table{Title: "Rules", Columns: []string{"API groups", "Resources", "Resource names", "Non-resource URLs", "Verbs"}}
	for _, r := range rules {
		groups := make([]string, len(r.APIGroups))
		for i, g := range r.APIGroups {
			groups[i] = cmp.Or(g, "core")
		}
		tb.Rows = append(tb.Rows, []string{strings.Join(groups, ", "), strings.Join(r.Resources, ", "),
			strings.Join(r.ResourceNames, ", "), strings.Join(r.NonResourceURLs, ", "), strings.Join(r.Verbs, ", ")})
	}
	return []model.Table{tb}
}

// bindingKind describes RoleBindings or ClusterRoleBindings: the role
// they grant (one of roles, the kinds the binding may name) and to whom.
func bindingKind[T interface{ GetNamespace() string }](id ID, apiKind string, rank int, namespaced bool,
	newInformer func(Clients, string) cacheInformer, binding func(T) (rbacv1.RoleRef, []rbacv1.Subject), roles ...ID,
) *Kind {
	// subjectNames are kubectl's USERS, GROUPS and SERVICE ACCOUNTS
	// (namespace/name).
	subjectNames := func(kind string) func(T) string {
		return func(o T) string {
			_, subjects := binding(o)
			var names []string
			for _, s := range subjects {
				switch {
				case s.Kind != kind:
				case kind == rbacv1.ServiceAccountKind:
					names = append(names, subjectNamespace(s, o)+"/"+s.Name)
				default:
					names = append(names, s.Name)
				}
			}
			return strings.Join(names, ", ")
		}
	}
	cols := []Column{NameColumn}
	if namespaced {
		cols = append(cols, NamespaceColumn)
	}
	cols = append(cols,
		Col("role", "Role", model.TypeText, func(o T) string {
			ref, _ := binding(o)
			return ref.Kind + "/" + ref.Name
		}),
		AgeColumn,
		Col("users", "Users", model.TypeText, subjectNames(rbacv1.UserKind), Priority(1)),
		Col("groups", "Groups", model.TypeText, subjectNames(rbacv1.GroupKind), Priority(1)),
		Col("serviceAccounts", "Service accounts", model.TypeText, subjectNames(rbacv1.ServiceAccountKind), Priority(1)),
	)
	k := &Kind{
		ID: id, GVR: rbacv1.SchemeGroupVersion.WithResource(string(id)), APIKind: apiKind, Label: apiKind + "s",
		Nav: NavAccess, Rank: rank, Namespaced: namespaced,
		NewInformer: newInformer,
		Columns:     cols,
		describe: describeAs(func(o T, f *facts, d *model.Details) {
			ref, subjects := binding(o)
			f.add("Role", ref.Kind+"/"+ref.Name)
			tb := model.Table{Title: "Subjects", Columns: []string{"Kind", "Name", "Namespace"}}
			for _, s := range subjects {
				ns := s.Namespace
				if s.Kind == rbacv1.ServiceAccountKind {
					ns = subjectNamespace(s, o)
				}
				tb.Rows = append(tb.Rows, []string{s.Kind, s.Name, ns})
			}
			if len(tb.Rows) > 0 {
				d.Tables = append(d.Tables, tb)
			}
		}),
	}
	roleKinds := map[ID]string{Roles: "Role", ClusterRoles: "ClusterRole"}
	for _, role := range roles {
		k.Related = append(k.Related, Relation{Kind: role, Names: func(obj any) []string {
			if o, ok := obj.(T); ok {
				if ref, _ := binding(o); ref.Kind == roleKinds[role] {
					return nonEmpty(ref.Name)
				}
			}
			return nil
		}})
	}
	k.Related = append(k.Related, Relation{Kind: ServiceAccounts, Refs: func(obj any) []types.NamespacedName {
		o, ok := obj.(T)
		if !ok {
			return nil
		}
		_, subjects := binding(o)
		var refs []types.NamespacedName
		for _, s := range subjects {
			if s.Kind == rbacv1.ServiceAccountKind {
				refs = append(refs, types.NamespacedName{Namespace: subjectNamespace(s, o), Name: s.Name})
			}
		}
		return refs
	}})
	return k
}

// subjectNamespace is a subject's namespace: a RoleBinding's service
// account is in the binding's namespace unless the subject names another.
func subjectNamespace(s rbacv1.Subject, binding interface{ GetNamespace() string }) string {
	return cmp.Or(s.Namespace, binding.GetNamespace())
}
