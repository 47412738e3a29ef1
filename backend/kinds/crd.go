package kinds

import (
	"cmp"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextinformers "k8s.io/apiextensions-apiserver/pkg/client/informers/externalversions/apiextensions/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// CustomResourceDefinitions add kinds to the API. Their schemas can run
// to megabytes, so the cache holds them slimmed (slimCRD) and details read
// the whole object from the API.
const CustomResourceDefinitions ID = "customresourcedefinitions"

func init() {
	register(&Kind{
		ID: CustomResourceDefinitions, GVR: apiextv1.SchemeGroupVersion.WithResource("customresourcedefinitions"),
		APIKind: "CustomResourceDefinition", Label: "CustomResourceDefinitions",
		Nav: NavCluster, Rank: 40, ShortNames: []string{"crd", "crds"},
		NewInformer: func(c Clients, _ string) cacheInformer {
			return apiextinformers.NewCustomResourceDefinitionInformer(c.Extensions, 0, namespaceIndex())
		},
		Slim: slimCRD,
		Columns: []Column{
			NameColumn,
			Col("group", "Group", model.TypeText, func(o *apiextv1.CustomResourceDefinition) string { return o.Spec.Group }),
			Col("kind", "Kind", model.TypeText, func(o *apiextv1.CustomResourceDefinition) string { return o.Spec.Names.Kind }),
			Col("versions", "Versions", model.TypeText, func(o *apiextv1.CustomResourceDefinition) string {
				var served []string
				for _, v := range o.Spec.Versions {
					if v.Served && v.Storage {
						served = append(served, v.Name+"*")
					} else if v.Served {
						served = append(served, v.Name)
					}
				}
				return strings.Join(served, ", ")
			}, Described("The served versions; * marks the one stored")),
			Col("scope", "Scope", model.TypeText, func(o *apiextv1.CustomResourceDefinition) string { return string(o.Spec.Scope) }),
			StatusColumn("Status"),
			AgeColumn,
		},
		Status:      statusAs(crdStatus),
		FullFromAPI: true,
		describe:    describeAs(describeCRD),
	})
}

// crdStatus is whether the CRD's kind is served: Established, or why not.
func crdStatus(o *apiextv1.CustomResourceDefinition) (string, string) {
	if o.DeletionTimestamp != nil {
		return "Terminating", model.HealthWarn
	}
	conds := map[apiextv1.CustomResourceDefinitionConditionType]apiextv1.CustomResourceDefinitionCondition{}
	for _, c := range o.Status.Conditions {
		conds[c.Type] = c
	}
	switch names := conds[apiextv1.NamesAccepted]; {
	case conds[apiextv1.Established].Status == apiextv1.ConditionTrue:
		return "Established", model.HealthOK
	case names.Status == apiextv1.ConditionFalse:
		return cmp.Or(names.Reason, "NamesNotAccepted"), model.HealthError
	}
	return "NotEstablished", model.HealthWarn
}

func describeCRD(o *apiextv1.CustomResourceDefinition, f *facts, d *model.Details) {
	n := o.Spec.Names
	f.add("Group", o.Spec.Group)
	f.add("Kind", n.Kind)
	f.add("List kind", n.ListKind)
	f.add("Plural", n.Plural)
	f.add("Singular", n.Singular)
	f.add("Short names", strings.Join(n.ShortNames, ", "))
	f.add("Categories", strings.Join(n.Categories, ", "))
	f.add("Scope", string(o.Spec.Scope))
	if c := o.Spec.Conversion; c != nil {
		conversion := string(c.Strategy)
		if c.Webhook != nil && c.Webhook.ClientConfig != nil {
			if s := c.Webhook.ClientConfig.Service; s != nil {
				conversion += " (" + s.Namespace + "/" + s.Name + ")"
			} else if u := c.Webhook.ClientConfig.URL; u != nil {
				conversion += " (" + *u + ")"
			}
		}
		f.add("Conversion", conversion)
	}
	f.add("Stored versions", strings.Join(o.Status.StoredVersions, ", "))

	versions := model.Table{Title: "Versions", Columns: []string{"Version", "Served", "Storage", "Deprecated", "Subresources", "Printer columns"}}
	for _, v := range o.Spec.Versions {
		deprecated := yesNo(v.Deprecated)
		if v.Deprecated && v.DeprecationWarning != nil {
			deprecated += ": " + *v.DeprecationWarning
		}
		var subresources []string
		if s := v.Subresources; s != nil {
			if s.Status != nil {
				subresources = append(subresources, "status")
			}
			if s.Scale != nil {
				subresources = append(subresources, "scale")
			}
		}
		columns := make([]string, len(v.AdditionalPrinterColumns))
		for i, c := range v.AdditionalPrinterColumns {
			columns[i] = c.Name + " (" + c.JSONPath + ")"
		}
		versions.Rows = append(versions.Rows, []string{v.Name, yesNo(v.Served), yesNo(v.Storage), deprecated,
			strings.Join(subresources, ", "), strings.Join(columns, ", ")})
	}
	if len(versions.Rows) > 0 {
		d.Tables = append(d.Tables, versions)
	}
	d.Conditions = conditions(o.Status.Conditions, func(c apiextv1.CustomResourceDefinitionCondition) model.Condition {
		return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
	})
}

// slimCRD is the CRD as the cache holds it: whole but for its versions'
// schemas, of which it keeps only whether the kind's objects have
// status.conditions (statusConditionsSchema), and its conversion
// webhook's CA bundle. The object it is given is not modified.
func slimCRD(obj any) any {
	o, ok := obj.(*apiextv1.CustomResourceDefinition)
	if !ok {
		return obj
	}
	slim := *o
	slim.Spec.Versions = make([]apiextv1.CustomResourceDefinitionVersion, len(o.Spec.Versions))
	for i, v := range o.Spec.Versions {
		v.Schema = statusConditionsSchema(v.Schema)
		slim.Spec.Versions[i] = v
	}
	if c := o.Spec.Conversion; c != nil && c.Webhook != nil && c.Webhook.ClientConfig != nil {
		conversion, webhook, client := *c, *c.Webhook, *c.Webhook.ClientConfig
		client.CABundle = nil
		webhook.ClientConfig = &client
		conversion.Webhook = &webhook
		slim.Spec.Conversion = &conversion
	}
	return &slim
}

// statusConditionsSchema cuts a version's schema down to the path
// status.conditions (of type array) if the schema has it, to a status
// that preserves unknown fields if the status is open (conditions may be
// there), and to nothing otherwise.
func statusConditionsSchema(v *apiextv1.CustomResourceValidation) *apiextv1.CustomResourceValidation {
	if v == nil || v.OpenAPIV3Schema == nil {
		return nil
	}
	root := v.OpenAPIV3Schema
	status, ok := root.Properties["status"]
	conditions, has := status.Properties["conditions"]
	switch {
	case has:
		status = apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{
			"conditions": {Type: conditions.Type}}}
	case ok && ptr.Deref(status.XPreserveUnknownFields, false),
		!ok && ptr.Deref(root.XPreserveUnknownFields, false):
		status = apiextv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: ptr.To(true)}
	default:
		return nil
	}
	return &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{
		Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{"status": status}}}
}
