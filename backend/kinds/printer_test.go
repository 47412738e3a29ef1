package kinds_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// crd reads testdata/crds/<name>.yaml.
func testCRD(t testing.TB, name string) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "crds", name+".yaml"))
	require.NoError(t, err)
	out := &apiextensionsv1.CustomResourceDefinition{}
	require.NoError(t, yaml.UnmarshalStrict(raw, out), name)
	return out
}

// printerFor compiles the printer of one version of a test CRD, as the
// session does for the version it serves.
func printerFor(t testing.TB, name, version string) *kinds.Printer {
	t.Helper()
	c := testCRD(t, name)
	for _, v := range c.Spec.Versions {
		if v.Name != version {
			continue
		}
		var schema *apiextensionsv1.JSONSchemaProps
		if v.Schema != nil {
			schema = v.Schema.OpenAPIV3Schema
		}
		p, err := kinds.NewPrinter(v.AdditionalPrinterColumns, schema, c.Spec.Scope == apiextensionsv1.NamespaceScoped)
		require.NoError(t, err)
		return p
	}
	t.Fatalf("%s has no version %s", name, version)
	return nil
}

// object decodes a custom resource written as YAML the way the cluster's
// objects are decoded: integers as int64, other numbers as float64.
func crObject(t testing.TB, doc string) map[string]any {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(doc))
	require.NoError(t, err)
	out := map[string]any{}
	require.NoError(t, utiljson.Unmarshal(raw, &out))
	return out
}

func columnIDs(cols []model.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.ID
	}
	return out
}

// The columns every printer has, and printed columns in short.
var (
	nameColumn      = model.Column{ID: "name", Title: "Name", Type: model.TypeText}
	namespaceColumn = model.Column{ID: "namespace", Title: "Namespace", Type: model.TypeText}
	ageColumn       = model.Column{ID: "age", Title: "Age", Type: model.TypeTimestamp}
)

func textColumn(id, title string) model.Column {
	return model.Column{ID: id, Title: title, Type: model.TypeText}
}

func typedColumn(id, title, typ string) model.Column {
	return model.Column{ID: id, Title: title, Type: typ}
}

func withHealth(c model.Column) model.Column { c.Health = true; return c }

func withPriority(c model.Column, p int) model.Column { c.Priority = p; return c }

func TestNewPrinterColumns(t *testing.T) {
	tests := []struct {
		name, crd, version string
		want               []model.Column
	}{
		{
			name: "database v1: every printer column, age in its place", crd: "databases", version: "v1",
			want: []model.Column{nameColumn, namespaceColumn,
				textColumn("engine", "Engine"), textColumn("version", "Version"), typedColumn("replicas", "Replicas", model.TypeInteger),
				withHealth(textColumn("ready", "Ready")), textColumn("storage", "Storage"),
				{ID: "endpoint", Title: "Endpoint", Type: model.TypeText, Priority: 1, Description: "Where clients connect"},
				ageColumn,
			},
		},
		{
			name: "database v1beta1: the older version's own columns, age added", crd: "databases", version: "v1beta1",
			want: []model.Column{nameColumn, namespaceColumn,
				textColumn("engine", "Engine"), typedColumn("replicas", "Replicas", model.TypeInteger), ageColumn},
		},
		{
			name: "backup: multi-word name, date and boolean", crd: "backups", version: "v1",
			want: []model.Column{nameColumn, namespaceColumn,
				textColumn("database", "Database"), textColumn("schedule", "Schedule"), typedColumn("last-backup", "Last Backup", model.TypeTimestamp),
				textColumn("size", "Size"), typedColumn("succeeded", "Succeeded", model.TypeBoolean), ageColumn},
		},
		{
			name: "tenant: cluster-scoped without printer columns gets Ready", crd: "tenants", version: "v1alpha1",
			want: []model.Column{nameColumn, withHealth(textColumn("ready", "Ready")), ageColumn},
		},
		{
			name: "certificate: one health column, wide columns, age keeps its description", crd: "certificates", version: "v1",
			want: []model.Column{nameColumn, namespaceColumn,
				withHealth(textColumn("ready", "Ready")), textColumn("secret", "Secret"),
				withPriority(textColumn("issuer", "Issuer"), 1), withPriority(textColumn("status", "Status"), 1),
				{ID: "age", Title: "Age", Type: model.TypeTimestamp,
					Description: "CreationTimestamp is a timestamp representing the server time when this object was created."},
			},
		},
		{
			name: "widget: colliding and odd names are made unique", crd: "widgets", version: "v1",
			want: []model.Column{nameColumn, namespaceColumn,
				textColumn("name-2", "Name"), typedColumn("count", "Count", model.TypeInteger), typedColumn("ratio", "Ratio", model.TypeNumber),
				typedColumn("enabled", "Enabled", model.TypeBoolean), typedColumn("due", "Due", model.TypeTimestamp),
				textColumn("hosts", "Hosts"), textColumn("ports", "Ports"), typedColumn("last-port", "Last Port", model.TypeInteger),
				textColumn("selector", "Selector"), textColumn("note", "Note"), textColumn("age-2", "Age"), textColumn("größe", "Größe"),
				textColumn("column", "???"), withPriority(typedColumn("count-2", "Count", model.TypeInteger), 2),
				withHealth(textColumn("phase", "Phase")), textColumn("shape", "Shape"), ageColumn,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := printerFor(t, tt.crd, tt.version)
			assert.Equal(t, tt.want, p.Columns())
			shared := map[string]bool{"name": true, "namespace": true, "age": true}
			printed := 0
			for _, c := range tt.want {
				if !shared[c.ID] {
					printed++
				}
			}
			assert.Equal(t, printed, p.Printed(), "printed columns")
		})
	}
}

func TestNewPrinterDefaultsFollowTheSchema(t *testing.T) {
	yes := true
	objectSchema := func(props map[string]apiextensionsv1.JSONSchemaProps) *apiextensionsv1.JSONSchemaProps {
		return &apiextensionsv1.JSONSchemaProps{Type: "object", Properties: props}
	}
	tests := []struct {
		name   string
		schema *apiextensionsv1.JSONSchemaProps
		ready  bool
	}{
		{"no schema: status may hold anything", nil, true},
		{"status.conditions declared", objectSchema(map[string]apiextensionsv1.JSONSchemaProps{
			"status": *objectSchema(map[string]apiextensionsv1.JSONSchemaProps{"conditions": {Type: "array"}}),
		}), true},
		{"status open", objectSchema(map[string]apiextensionsv1.JSONSchemaProps{
			"status": {Type: "object", XPreserveUnknownFields: &yes},
		}), true},
		{"whole object open", &apiextensionsv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: &yes}, true},
		{"status without conditions", objectSchema(map[string]apiextensionsv1.JSONSchemaProps{
			"status": *objectSchema(map[string]apiextensionsv1.JSONSchemaProps{"phase": {Type: "string"}}),
		}), false},
		{"no status at all", objectSchema(map[string]apiextensionsv1.JSONSchemaProps{"spec": {Type: "object"}}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := kinds.NewPrinter(nil, tt.schema, true)
			require.NoError(t, err)
			want := []string{"name", "namespace", "age"}
			if tt.ready {
				want = []string{"name", "namespace", "ready", "age"}
			}
			assert.Equal(t, want, columnIDs(p.Columns()))
		})
	}
}

func TestNewPrinterRejectsInvalidPaths(t *testing.T) {
	col := func(name, path string) apiextensionsv1.CustomResourceColumnDefinition {
		return apiextensionsv1.CustomResourceColumnDefinition{Name: name, Type: "string", JSONPath: path}
	}
	tests := []struct {
		name string
		cols []apiextensionsv1.CustomResourceColumnDefinition
		want []string // all in the error
	}{
		{"unclosed filter", []apiextensionsv1.CustomResourceColumnDefinition{col("Ready", `.status.conditions[?(@.type=="Ready"`)},
			[]string{`printer column "Ready": invalid jsonPath .status.conditions[?(@.type=="Ready": unterminated filter`}},
		{"no leading dot", []apiextensionsv1.CustomResourceColumnDefinition{col("Phase", "status.phase")},
			[]string{`printer column "Phase"`, "must start with '.'"}},
		{"empty", []apiextensionsv1.CustomResourceColumnDefinition{col("Empty", "")},
			[]string{`printer column "Empty": invalid jsonPath : it is empty`}},
		{"unterminated quote", []apiextensionsv1.CustomResourceColumnDefinition{col("Q", `.metadata.labels['app]`)},
			[]string{`printer column "Q"`}},
		{"range smuggled out of the braces", []apiextensionsv1.CustomResourceColumnDefinition{col("Loop", ".a}{range .spec.items[*]}{.name}{end")},
			[]string{`printer column "Loop"`, "range and end are not allowed"}},
		{"every bad column is named", []apiextensionsv1.CustomResourceColumnDefinition{
			col("Good", ".spec.a"), col("Bad One", ".spec[["), col("Bad Two", "spec"),
		}, []string{`"Bad One"`, `"Bad Two"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := kinds.NewPrinter(tt.cols, nil, true)
			require.Error(t, err)
			assert.Nil(t, p)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), `"Good"`)
		})
	}
}

const (
	crCreated     = "2024-11-05T09:30:00Z"
	crCreatedUnix = "1730799000"
)

func TestValues(t *testing.T) {
	long := strings.Repeat("x", 5000)
	tests := []struct {
		name, crd, version string
		object             string
		want               map[string]string // by column id; others must be ""
	}{
		{
			name: "database: Ready filter, integer, wide column", crd: "databases", version: "v1",
			object: `
metadata: {name: orders-db, namespace: shop, creationTimestamp: "` + crCreated + `"}
spec: {engine: postgres, version: "16.4", replicas: 3, storage: 20Gi}
status:
  endpoint: orders-db.shop.svc:5432
  conditions:
  - {type: Initialized, status: "True"}
  - {type: Ready, status: "False", reason: ReplicasUnavailable}`,
			want: map[string]string{"engine": "postgres", "version": "16.4", "replicas": "3", "ready": "False",
				"storage": "20Gi", "endpoint": "orders-db.shop.svc:5432"},
		},
		{
			name: "database: missing fields are empty", crd: "databases", version: "v1",
			object: `{metadata: {name: fresh-db, namespace: shop}, spec: {engine: mysql}}`,
			want:   map[string]string{"engine": "mysql"},
		},
		{
			name: "database: status of the wrong shape", crd: "databases", version: "v1",
			object: `{metadata: {name: odd}, spec: {replicas: many}, status: {conditions: {type: Ready, status: "True"}}}`,
			want:   map[string]string{"replicas": "many"},
		},
		{
			name: "database v1beta1 reads the same object with its own columns", crd: "databases", version: "v1beta1",
			object: `{spec: {engine: postgres, version: "16.4", replicas: 2}}`,
			want:   map[string]string{"engine": "postgres", "replicas": "2"},
		},
		{
			name: "backup: date as Unix seconds, boolean", crd: "backups", version: "v1",
			object: `
spec: {database: orders-db, schedule: "0 3 * * *"}
status: {lastBackupTime: "` + crCreated + `", size: 1.2Gi, succeeded: true}`,
			want: map[string]string{"database": "orders-db", "schedule": "0 3 * * *", "last-backup": crCreatedUnix,
				"size": "1.2Gi", "succeeded": "true"},
		},
		{
			name: "backup: values that do not match their type are text", crd: "backups", version: "v1",
			object: `{status: {lastBackupTime: yesterday, size: 1073741824, succeeded: "yes"}}`,
			want:   map[string]string{"last-backup": "yesterday", "size": "1073741824", "succeeded": "yes"},
		},
		{
			name: "tenant: the default Ready column", crd: "tenants", version: "v1alpha1",
			object: `{status: {conditions: [{type: Ready, status: Unknown}]}}`,
			want:   map[string]string{"ready": "Unknown"},
		},
		{
			name: "certificate: filter with single quotes and spaces, message", crd: "certificates", version: "v1",
			object: `
spec: {secretName: shop-tls, issuerRef: {name: letsencrypt-prod}}
status: {conditions: [{type: Ready, status: "True", message: Certificate is up to date and has not expired}]}`,
			want: map[string]string{"ready": "True", "secret": "shop-tls", "issuer": "letsencrypt-prod",
				"status": "Certificate is up to date and has not expired"},
		},
		{
			name: "widget: every type", crd: "widgets", version: "v1",
			object: `
spec:
  name: gizmo
  count: 42
  ratio: 0.25
  enabled: false
  due: "2030-01-02T03:04:05+01:00"
  hosts: [a.example.com, b.example.com]
  ports: [{port: 80}, {port: 443}, {name: no-port}]
  selector: {app: web, tier: frontend}
  note: "two\nlines\tand a tab"
  size: XL
  unknown: "?"
  shape: {sides: 4}
status: {age: old, count: -7, phase: Running}`,
			want: map[string]string{
				"name-2": "gizmo", "count": "42", "ratio": "0.25", "enabled": "false", "due": "1893549845",
				"hosts": "a.example.com, b.example.com", "ports": "80, 443", "last-port": "",
				"selector": `{"app":"web","tier":"frontend"}`, "note": "two lines and a tab",
				"age-2": "old", "größe": "XL", "column": "?", "count-2": "-7", "phase": "Running", "shape": `{"sides":4}`,
			},
		},
		{
			name: "widget: whole numbers as integers, integers as numbers, numbers kept", crd: "widgets", version: "v1",
			object: `{spec: {count: 3.0, ratio: 2, ports: [{port: 8080}]}, status: {count: 2.5}}`,
			want:   map[string]string{"count": "3", "ratio": "2", "ports": "8080", "last-port": "8080", "count-2": "2.5"},
		},
		{
			name: "widget: a string where a number is expected, a map where a string is", crd: "widgets", version: "v1",
			object: `{spec: {count: lots, ratio: "1/3", name: {first: a, last: b}, hosts: [{h: x}, yy]}}`,
			want: map[string]string{"count": "lots", "ratio": "1/3", "name-2": `{"first":"a","last":"b"}`,
				"hosts": `{"h":"x"}, yy`},
		},
		{
			name: "widget: hostile values are cut and cleaned", crd: "widgets", version: "v1",
			object: `{spec: {name: "` + long + `", note: "a\u0000b\u0085c\r\nd", hosts: ["` + long + `", "` + long + `"]}}`,
			want: map[string]string{
				"name-2": strings.Repeat("x", 253) + "…", "note": "a b c  d",
				"hosts": strings.Repeat("x", 253) + "…",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := printerFor(t, tt.crd, tt.version)
			got := p.Values(crObject(t, tt.object))
			require.Len(t, got, p.Printed())
			byID := map[string]string{}
			i := 0
			for _, c := range p.Columns() {
				if c.ID == "name" || c.ID == "namespace" || c.ID == "age" {
					continue
				}
				byID[c.ID] = got[i]
				i++
			}
			for id, v := range byID {
				assert.Equal(t, tt.want[id], v, "column %s", id)
			}
			for id := range tt.want {
				assert.Contains(t, byID, id, "test names a column the printer lacks")
			}
		})
	}
}

func TestValuesInvalidUTF8(t *testing.T) {
	p := printerFor(t, "widgets", "v1")
	got := p.Values(map[string]any{"spec": map[string]any{"name": "bad \xff byte", "hosts": []any{"\xfe", "ok"}}})
	assert.Equal(t, "bad \uFFFD byte", got[0])
	assert.Equal(t, "\uFFFD, ok", got[5])
}

// TestValuesNegativeIndexOverManyObjects guards the reuse of one compiled
// path over objects of different shapes: [-1] must mean the last element of
// each, not of the first object evaluated.
func TestValuesNegativeIndexOverManyObjects(t *testing.T) {
	p := printerFor(t, "widgets", "v1")
	last := 7 // column "last-port" among the printed columns
	require.Equal(t, "last-port", columnIDs(p.Columns())[last+2])
	for n := 1; n <= 5; n++ {
		ports := make([]any, n)
		for i := range ports {
			ports[i] = map[string]any{"port": int64(100 + i)}
		}
		got := p.Values(map[string]any{"spec": map[string]any{"ports": ports}})
		assert.Equal(t, fmt.Sprint(100+n-1), got[last], "%d ports", n)
	}
}

func TestCells(t *testing.T) {
	created := metav1.NewTime(time.Date(2024, 11, 5, 9, 30, 0, 0, time.UTC))
	s := &kinds.Summary{Values: []string{"postgres", "16.4", "3", "True", "20Gi", "db:5432"}}
	s.Name, s.Namespace, s.CreationTimestamp = "orders-db", "shop", created

	assert.Equal(t, []string{"orders-db", "shop", "postgres", "16.4", "3", "True", "20Gi", "db:5432", crCreatedUnix},
		printerFor(t, "databases", "v1").Cells(s))

	tenant := &kinds.Summary{Values: []string{"False"}}
	tenant.Name = "acme"
	assert.Equal(t, []string{"acme", "False", ""}, printerFor(t, "tenants", "v1alpha1").Cells(tenant),
		"cluster-scoped, no creation time yet")

	short := &kinds.Summary{Values: []string{"postgres"}}
	short.Name, short.Namespace = "from-an-older-printer", "shop"
	assert.Len(t, printerFor(t, "databases", "v1").Cells(short), 9, "a summary from another printer never panics")
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		name, object, status, health string
	}{
		{"ready", `{status: {conditions: [{type: Synced, status: "False"}, {type: Ready, status: "True"}]}}`, "Ready", model.HealthOK},
		{"not ready with a reason", `{status: {conditions: [{type: Ready, status: "False", reason: ReplicasUnavailable, message: 1 of 3}]}}`,
			"ReplicasUnavailable", model.HealthError},
		{"not ready without a reason", `{status: {conditions: [{type: Ready, status: "False"}]}}`, "NotReady", model.HealthError},
		{"unknown", `{status: {conditions: [{type: Ready, status: Unknown, reason: Reconciling}]}}`, "Reconciling", model.HealthWarn},
		{"ready condition wins over phase", `{status: {phase: Failed, conditions: [{type: Ready, status: "True"}]}}`, "Ready", model.HealthOK},
		{"phase", `{status: {phase: Running}}`, "Running", model.HealthOK},
		{"failed phase", `{status: {phase: Failed}}`, "Failed", model.HealthError},
		{"pending phase", `{status: {phase: Pending}}`, "Pending", model.HealthWarn},
		{"unfamiliar phase", `{status: {phase: Sleeping}}`, "Sleeping", model.HealthNeutral},
		{"nothing to say", `{spec: {a: 1}}`, "", model.HealthNeutral},
		{"conditions of the wrong shape", `{status: {conditions: [Ready, 3, {type: 7}], phase: [x]}}`, "", model.HealthNeutral},
		{"status is a string", `{status: ready}`, "", model.HealthNeutral},
		{"hostile reason is cut", `{status: {conditions: [{type: Ready, status: "False", reason: "` + strings.Repeat("Why", 100) + `"}]}}`,
			strings.Repeat("Why", 20) + "W…", model.HealthError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, health := kinds.StatusOf(crObject(t, tt.object))
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.health, health)
		})
	}
}

// TestValuesConcurrently shares one printer between goroutines, as the
// informers of several namespaces do; run with -race.
func TestValuesConcurrently(t *testing.T) {
	p := printerFor(t, "widgets", "v1")
	objs := make([]map[string]any, 20)
	want := make([][]string, len(objs))
	for i := range objs {
		ports := make([]any, i%4+1)
		for j := range ports {
			ports[j] = map[string]any{"port": int64(i*10 + j)}
		}
		objs[i] = map[string]any{"spec": map[string]any{"count": int64(i), "ports": ports, "name": fmt.Sprint("w", i)}}
		want[i] = p.Values(objs[i])
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for round := range 50 {
				i := (g + round) % len(objs)
				assert.Equal(t, want[i], p.Values(objs[i]))
			}
		})
	}
	wg.Wait()
}

// FuzzValues evaluates every test printer over random unstructured content
// built from the fuzzer's bytes: never a panic, always one bounded line of
// valid UTF-8 per printed column.
func FuzzValues(f *testing.F) {
	printers := []*kinds.Printer{
		printerFor(f, "databases", "v1"), printerFor(f, "databases", "v1beta1"), printerFor(f, "backups", "v1"),
		printerFor(f, "tenants", "v1alpha1"), printerFor(f, "certificates", "v1"), printerFor(f, "widgets", "v1"),
	}
	hostile, err := kinds.NewPrinter([]apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "All", Type: "string", JSONPath: "..status"},
		{Name: "Star", Type: "integer", JSONPath: ".spec.*"},
		{Name: "Slice", Type: "number", JSONPath: ".spec.ports[1:3].port"},
		{Name: "Less", Type: "boolean", JSONPath: ".spec.ports[?(@.port < 100)].port"},
		{Name: "Exists", Type: "date", JSONPath: ".status.conditions[?(@.reason)].lastTransitionTime"},
		{Name: "Union", Type: "string", JSONPath: ".spec['engine','version']"},
	}, nil, true)
	require.NoError(f, err)
	printers = append(printers, hostile)

	f.Add([]byte("status conditions type Ready status True"))
	f.Add([]byte{0x01, 0x02, 0x10, 0x33, 0x7f, 0xfe, 0x00, 0x45, 0x91, 0x22})
	f.Add([]byte(strings.Repeat("\x05spec\x06ports\x07port", 20)))
	f.Fuzz(func(t *testing.T, data []byte) {
		content := (&contentGen{data: data}).object(0)
		for _, p := range printers {
			got := p.Values(content)
			require.Len(t, got, p.Printed())
			for _, cell := range got {
				require.LessOrEqual(t, len(cell), 256)
				require.True(t, utf8.ValidString(cell), "%q", cell)
				require.NotContains(t, cell, "\n")
			}
		}
		kinds.StatusOf(content)
	})
}

// contentGen turns fuzz bytes into unstructured content shaped like a
// custom resource: keys from the vocabulary the printers' paths use, values
// of every JSON type, nested a few levels.
type contentGen struct {
	data []byte
	pos  int
}

var fuzzVocabulary = []string{
	"metadata", "spec", "status", "conditions", "type", "status", "Ready", "reason", "message", "phase",
	"replicas", "engine", "version", "ports", "port", "hosts", "name", "count", "ratio", "enabled", "due",
	"lastBackupTime", "succeeded", "size", "selector", "lastTransitionTime", "creationTimestamp", "True",
}

func (g *contentGen) next() int {
	if g.pos >= len(g.data) {
		return 0
	}
	g.pos++
	return int(g.data[g.pos-1])
}

func (g *contentGen) object(depth int) map[string]any {
	out := map[string]any{}
	for n := g.next() % 6; n > 0; n-- {
		out[fuzzVocabulary[g.next()%len(fuzzVocabulary)]] = g.value(depth + 1)
	}
	return out
}

func (g *contentGen) value(depth int) any {
	kind := g.next() % 10
	if depth > 5 && kind >= 7 {
		kind = 0
	}
	switch kind {
	case 0:
		return fuzzVocabulary[g.next()%len(fuzzVocabulary)]
	case 1:
		return int64(g.next()-128) * int64(g.next()+1) * 1e12
	case 2:
		return float64(g.next()) / 7
	case 3:
		return g.next()%2 == 0
	case 4:
		return nil
	case 5:
		b := make([]byte, g.next())
		for i := range b {
			b[i] = byte(g.next())
		}
		return string(b) + crCreated
	case 6:
		return strings.Repeat("long ", g.next()*8)
	case 7, 8:
		return g.object(depth)
	default:
		items := make([]any, g.next()%5)
		for i := range items {
			items[i] = g.value(depth + 1)
		}
		return items
	}
}
