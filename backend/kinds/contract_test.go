package kinds_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// contractFile is the column contract with the frontend: every built-in
// kind and a custom one as the page receives them, each with a row
// projected here from its first sample. The frontend's
// kinds.contract.test.tsx renders every kind from it and fails on a
// column it shows that is not declared here, or a cell it shows
// differently from this row. This test fails when the file is stale;
// CROWSNEST_UPDATE_CONTRACT=1 rewrites it.
const contractFile = "../../frontend/src/test/kinds.gen.json"

type contract struct {
	Kinds []model.KindInfo     `json:"kinds"`
	Rows  map[string]model.Row `json:"rows"`
}

func TestFrontendContractIsCurrent(t *testing.T) {
	c := contract{Rows: map[string]model.Row{}}
	for _, k := range kinds.Builtins() {
		c.Kinds = append(c.Kinds, k.Info())
		r := k.Row(samples[k.ID][0])
		if k.HasUsage() {
			k.FillUsage(samples[k.ID][0], sampleUsage, true, r.Cells)
		}
		c.Rows[string(k.ID)] = r
	}
	db, err := kinds.FromCRD(databaseCRD())
	require.NoError(t, err)
	require.NotNil(t, db)
	c.Kinds = append(c.Kinds, db.Info())
	s, err := db.Summarize(databaseObject(), nil)
	require.NoError(t, err)
	c.Rows[string(db.ID)] = db.Row(s)

	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(c))
	if os.Getenv("CROWSNEST_UPDATE_CONTRACT") == "1" {
		require.NoError(t, os.WriteFile(contractFile, want.Bytes(), 0o644))
		return
	}
	have, err := os.ReadFile(filepath.Clean(contractFile))
	require.NoError(t, err)
	require.Equal(t, want.String(), string(have),
		"frontend/src/test/kinds.gen.json is stale: run CROWSNEST_UPDATE_CONTRACT=1 go test ./backend/kinds/ -run Contract")
}

// databaseCRD is the demo clusters' Database CRD (hack/seed), at its two
// versions.
func databaseCRD() *apiextensionsv1.CustomResourceDefinition {
	schema := &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
		Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"spec":   {Type: "object", XPreserveUnknownFields: ptr(true)},
			"status": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{"conditions": {Type: "array"}}},
		}}}
	cols := []apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "Engine", Type: "string", JSONPath: ".spec.engine"},
		{Name: "Version", Type: "string", JSONPath: ".spec.version"},
		{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas"},
		{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`},
		{Name: "Storage", Type: "string", JSONPath: ".spec.storage"},
		{Name: "Endpoint", Type: "string", JSONPath: ".status.endpoint", Priority: 1},
		{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
	}
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: objectMeta("", "databases.data.crowsnest.io"),
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "data.crowsnest.io", Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "databases", Singular: "database", Kind: "Database", ShortNames: []string{"db"}},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{
				{Name: "v1beta1", Served: true, Deprecated: true, Schema: schema, AdditionalPrinterColumns: cols},
				{Name: "v1", Served: true, Storage: true, Schema: schema, AdditionalPrinterColumns: cols},
			},
		},
		Status: apiextensionsv1.CustomResourceDefinitionStatus{Conditions: []apiextensionsv1.CustomResourceDefinitionCondition{
			{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue}}},
	}
}

func databaseObject() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "data.crowsnest.io/v1", "kind": "Database",
		"metadata": map[string]any{"name": "orders-db", "namespace": "shop", "uid": "uid-orders-db", "resourceVersion": "7",
			"creationTimestamp": created.UTC().Format("2006-01-02T15:04:05Z"), "labels": map[string]any{"app": "orders"}},
		"spec": map[string]any{"engine": "postgres", "version": "16.4", "replicas": int64(3), "storage": "20Gi"},
		"status": map[string]any{"endpoint": "orders-db.shop.svc:5432", "conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": "2026-11-01T12:05:00Z"}}},
	}}
}
