package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestCRDRow(t *testing.T) {
	c := cells(t, kinds.CustomResourceDefinitions, databasesCRD())
	assert.Equal(t, []string{"data.crowsnest.io", "Database", "v1*, v1beta1", "Namespaced", "Established", model.HealthOK},
		[]string{c["group"], c["kind"], c["versions"], c["scope"], c["status"], c["health"]}, "served versions, the stored one marked")

	c = cells(t, kinds.CustomResourceDefinitions, clusterIssuersCRD())
	assert.Equal(t, []string{"Cluster", "KindConflict", model.HealthError}, []string{c["scope"], c["status"], c["health"]})

	installing := databasesCRD()
	installing.Status.Conditions = nil
	assert.Equal(t, "NotEstablished", cells(t, kinds.CustomResourceDefinitions, installing)["status"])
	installing.DeletionTimestamp = &metav1.Time{Time: created.Time}
	assert.Equal(t, "Terminating", cells(t, kinds.CustomResourceDefinitions, installing)["status"])
}

func TestCRDDetails(t *testing.T) {
	d := describe(t, kinds.CustomResourceDefinitions, databasesCRD())
	assert.Equal(t, "databases", fact(d, "Plural"))
	assert.Equal(t, "database", fact(d, "Singular"))
	assert.Equal(t, "db", fact(d, "Short names"))
	assert.Equal(t, "all", fact(d, "Categories"))
	assert.Equal(t, "Webhook (data-system/conversion)", fact(d, "Conversion"))
	versions := table(t, d, "Versions")
	assert.Equal(t, []string{"Version", "Served", "Storage", "Deprecated", "Subresources", "Printer columns"}, versions.Columns)
	assert.Equal(t, [][]string{
		{"v1", "yes", "yes", "no", "status, scale", `Engine (.spec.engine), Ready (.status.conditions[?(@.type=="Ready")].status)`},
		{"v1beta1", "yes", "no", "yes: use v1", "", ""},
		{"v1alpha1", "no", "no", "no", "", ""},
	}, versions.Rows)
	require.Len(t, d.Conditions, 2)
	assert.Equal(t, "Established", d.Conditions[1].Type)
}

// The cache holds a CRD without its schemas but for whether its objects
// have status.conditions; the object given to Slim is left as it was.
func TestCRDSlim(t *testing.T) {
	slim := kinds.Builtin(kinds.CustomResourceDefinitions).Slim
	require.NotNil(t, slim)
	assert.True(t, kinds.Builtin(kinds.CustomResourceDefinitions).FullFromAPI, "details need the schemas")

	full := databasesCRD()
	got := slim(full).(*apiextv1.CustomResourceDefinition)
	assert.Equal(t, databasesCRD(), full, "Slim must not modify what it is given")
	conditionsOnly := &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object",
		Properties: map[string]apiextv1.JSONSchemaProps{"status": {Type: "object",
			Properties: map[string]apiextv1.JSONSchemaProps{"conditions": {Type: "array"}}}}}}
	for _, v := range got.Spec.Versions {
		assert.Equal(t, conditionsOnly, v.Schema, v.Name)
	}
	assert.Equal(t, full.Spec.Versions[0].AdditionalPrinterColumns, got.Spec.Versions[0].AdditionalPrinterColumns)
	assert.Equal(t, full.Spec.Versions[0].Subresources, got.Spec.Versions[0].Subresources)
	assert.Empty(t, got.Spec.Conversion.Webhook.ClientConfig.CABundle)
	assert.Equal(t, "conversion", got.Spec.Conversion.Webhook.ClientConfig.Service.Name)
	assert.Equal(t, full.Status, got.Status)
	// Rows read the same from the slim object as from the full one.
	assert.Equal(t, kinds.Builtin(kinds.CustomResourceDefinitions).Row(full), kinds.Builtin(kinds.CustomResourceDefinitions).Row(got))

	open := slim(clusterIssuersCRD()).(*apiextv1.CustomResourceDefinition)
	assert.Equal(t, &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object",
		Properties: map[string]apiextv1.JSONSchemaProps{"status": {Type: "object", XPreserveUnknownFields: ptr(true)}}}},
		open.Spec.Versions[0].Schema, "a status open to unknown fields may have conditions")

	for _, tc := range []struct {
		name   string
		schema *apiextv1.JSONSchemaProps
		want   *apiextv1.JSONSchemaProps
	}{
		{"no status", &apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{"spec": {Type: "object"}}}, nil},
		{"status without conditions", &apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{
			"status": {Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{"phase": {Type: "string"}}}}}, nil},
		{"the whole object open", &apiextv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: ptr(true)},
			&apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{"status": {Type: "object", XPreserveUnknownFields: ptr(true)}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			crd := databasesCRD()
			crd.Spec.Versions = crd.Spec.Versions[:1]
			crd.Spec.Versions[0].Schema = &apiextv1.CustomResourceValidation{OpenAPIV3Schema: tc.schema}
			got := slim(crd).(*apiextv1.CustomResourceDefinition).Spec.Versions[0].Schema
			if tc.want == nil {
				assert.Nil(t, got)
			} else {
				assert.Equal(t, tc.want, got.OpenAPIV3Schema)
			}
		})
	}
}
