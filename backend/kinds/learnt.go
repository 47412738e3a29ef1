package kinds

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"

	"crowsnest/backend/model"
)

// The kinds learnt from the server: custom resources from their CRDs, and
// the other resources discovery finds that no file here describes. Both
// are cached as Summaries (Dynamic) and shown with the printer columns of
// their CRD, or with name, namespace, age and Ready.

// LearntID is the ID of a kind learnt from the server: "plural.group", or
// the plural alone for the core group.
func LearntID(gr schema.GroupResource) ID {
	if gr.Group == "" {
		return ID(gr.Resource)
	}
	return ID(gr.Resource + "." + gr.Group)
}

// FromCRD describes the kind a CustomResourceDefinition serves, or returns
// nil while it serves none (not Established yet, no served version). A CRD
// with several versions is shown at its storage version when that is
// served, else at the highest served one (Kubernetes' version order). An
// invalid printer column leaves the kind with the default columns and is
// returned as the error, to be logged.
func FromCRD(crd *apiextensionsv1.CustomResourceDefinition) (*Kind, error) {
	if !crdEstablished(crd) {
		return nil, nil
	}
	v := servedVersion(crd)
	if v == nil {
		return nil, nil
	}
	namespaced := crd.Spec.Scope == apiextensionsv1.NamespaceScoped
	var schemaProps *apiextensionsv1.JSONSchemaProps
	if v.Schema != nil {
		schemaProps = v.Schema.OpenAPIV3Schema
	}
	p, err := NewPrinter(v.AdditionalPrinterColumns, schemaProps, namespaced)
	if err != nil {
		p, _ = NewPrinter(nil, schemaProps, namespaced)
		err = fmt.Errorf("%s: %w", crd.Name, err)
	}
	gvr := schema.GroupVersionResource{Group: crd.Spec.Group, Version: v.Name, Resource: crd.Spec.Names.Plural}
	k := learnt(gvr, crd.Spec.Names.Kind, namespaced, NavCustom, p)
	k.ShortNames = append([]string(nil), crd.Spec.Names.ShortNames...)
	var sig strings.Builder
	sig.WriteString(v.Name)
	for _, c := range v.AdditionalPrinterColumns {
		fmt.Fprintf(&sig, "|%s=%s", c.Name, c.JSONPath)
	}
	if v.Subresources != nil && v.Subresources.Scale != nil {
		// The scale subresource: scaled like a Deployment.
		k.Actions = []ActionSpec{ActScale}
		sig.WriteString("|scale")
	}
	k.Actions = withDelete(k.Actions)
	k.signature = sig.String()
	return k, err
}

// FromDiscovery describes a resource discovery found, or returns nil for
// what no table can show (subresources, resources that cannot even be
// listed, such as access reviews). A resource that cannot be watched is
// listed, unavailable, with the reason. Resources of a built-in API group
// are "API resources"; the others are most likely custom resources whose
// CRD this user may not read, shown with the default columns.
func FromDiscovery(gv schema.GroupVersion, r metav1.APIResource) *Kind {
	if strings.Contains(r.Name, "/") || !contains(r.Verbs, "list") {
		return nil
	}
	nav, status := NavCustom, (*apiextensionsv1.JSONSchemaProps)(nil)
	if builtinGroup(gv.Group) {
		// No Ready column: built-in resources without a description here
		// do not follow the conditions convention.
		nav, status = NavAPI, &apiextensionsv1.JSONSchemaProps{}
	}
	p, _ := NewPrinter(nil, status, r.Namespaced)
	group, version := gv.Group, gv.Version
	if r.Group != "" {
		group = r.Group
	}
	if r.Version != "" {
		version = r.Version
	}
	k := learnt(schema.GroupVersionResource{Group: group, Version: version, Resource: r.Name}, r.Kind, r.Namespaced, nav, p)
	k.ShortNames = append([]string(nil), r.ShortNames...)
	if contains(r.Verbs, "delete") {
		k.Actions = withDelete(nil)
	}
	if !contains(r.Verbs, "watch") {
		k.Unavailable = "the server does not let " + string(k.ID) + " be watched, so Crowsnest cannot keep a live table of them"
	}
	return k
}

// learnt is a Dynamic kind shown with p's columns.
func learnt(gvr schema.GroupVersionResource, apiKind string, namespaced bool, nav string, p *Printer) *Kind {
	k := &Kind{
		ID: LearntID(gvr.GroupResource()), GVR: gvr, APIKind: apiKind, Label: pluralLabel(apiKind, gvr.Resource),
		Nav: nav, Namespaced: namespaced, Custom: true, Cache: Dynamic, FullFromAPI: true, NoLabelIndex: true,
	}
	cols := p.Columns()
	k.Columns = make([]Column, len(cols))
	for i, c := range cols {
		col := Column{Column: c}
		switch src := p.sources[i]; src {
		case srcName:
			col.from = fromName
		case srcNamespace:
			col.from = fromNamespace
		case srcAge:
			col.from = fromAge
		default:
			col.Value = func(obj any) string {
				if s, ok := obj.(*Summary); ok && src < len(s.Values) {
					return s.Values[src]
				}
				return ""
			}
		}
		k.Columns[i] = col
	}
	k.Status = func(obj any) (string, string) {
		if s, ok := obj.(*Summary); ok {
			return s.Status, s.Health
		}
		return "", model.HealthNeutral
	}
	k.Summarize = func(obj any, intern func(string) string) (any, error) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return obj, nil
		}
		return Summarize(u, p, intern), nil
	}
	k.Normalize = func(obj any) any {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			return Summarize(u, p, nil)
		}
		return obj
	}
	k.describe = describeUnstructured
	return k
}

// describeUnstructured is the details of a learnt kind's object: its
// conditions and the plain values at the top of its spec and status.
func describeUnstructured(obj any, d *model.Details) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	f := facts(d.Summary)
	f.add("API version", u.GetAPIVersion())
	f.add("Generation", fmt.Sprint(u.GetGeneration()))
	if gen, ok, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); ok {
		f.add("Observed generation", fmt.Sprint(gen))
	}
	d.Summary = f
	for _, part := range []string{"spec", "status"} {
		m, _, _ := unstructured.NestedMap(u.Object, part)
		rows := scalarRows(m, "")
		if len(rows) > 0 {
			d.Tables = append(d.Tables, model.Table{Title: titleCase(part), Columns: []string{"Field", "Value"}, Rows: rows})
		}
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		str := func(key string) string { s, _ := m[key].(string); return cut(s, 1024) }
		mc := model.Condition{Type: str("type"), Status: str("status"), Reason: str("reason"), Message: str("message")}
		if t, err := time.Parse(time.RFC3339, str("lastTransitionTime")); err == nil {
			mc.LastTransition = t.Unix()
		}
		if mc.Type != "" {
			d.Conditions = append(d.Conditions, mc)
		}
	}
}

// maxScalarRows bounds the fields a details table lists of a spec or status.
const maxScalarRows = 40

// scalarRows lists the strings, numbers and booleans of a map and of the
// maps in it (one level down), by path, in path order.
func scalarRows(m map[string]any, prefix string) [][]string {
	var rows [][]string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		path := prefix + key
		switch v := m[key].(type) {
		case string:
			rows = append(rows, []string{path, cut(v, 256)})
		case bool, int64, float64:
			rows = append(rows, []string{path, fmt.Sprint(v)})
		case map[string]any:
			if prefix == "" {
				rows = append(rows, scalarRows(v, path+".")...)
			}
		}
		if len(rows) >= maxScalarRows {
			return rows[:maxScalarRows]
		}
	}
	return rows
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func titleCase(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// pluralLabel is the kind's plural as people read it: "Databases" for
// kind Database and resource databases.
func pluralLabel(kind, plural string) string {
	if kind != "" && strings.HasPrefix(plural, strings.ToLower(kind)) {
		return kind + plural[len(kind):]
	}
	return titleCase(plural)
}

func crdEstablished(crd *apiextensionsv1.CustomResourceDefinition) bool {
	if crd.DeletionTimestamp != nil {
		return false
	}
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established {
			return c.Status == apiextensionsv1.ConditionTrue
		}
	}
	return false
}

// servedVersion is the storage version if served, else the highest served
// version in Kubernetes' order (v2 > v1 > v1beta2 > v1alpha1).
func servedVersion(crd *apiextensionsv1.CustomResourceDefinition) *apiextensionsv1.CustomResourceDefinitionVersion {
	var best *apiextensionsv1.CustomResourceDefinitionVersion
	for i := range crd.Spec.Versions {
		v := &crd.Spec.Versions[i]
		if !v.Served {
			continue
		}
		if v.Storage {
			return v
		}
		if best == nil || version.CompareKubeAwareVersionStrings(v.Name, best.Name) > 0 {
			best = v
		}
	}
	return best
}

// builtinGroup reports whether an API group is Kubernetes' own: the core
// group, a group without a dot (apps, batch, policy...) or under k8s.io.
func builtinGroup(g string) bool {
	return g == "" || !strings.Contains(g, ".") || g == "k8s.io" || strings.HasSuffix(g, ".k8s.io")
}

func contains(values []string, want string) bool {
	for _, v := range values {
		if v == want {
			return true
		}
	}
	return false
}
