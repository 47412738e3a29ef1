package kinds

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/util/jsonpath"

	"crowsnest/backend/model"
)

// Printer turns custom resources into table cells the way the API server's
// table convertor does for `kubectl get`: one column per printer column of
// the CRD's served version, each a JSONPath evaluated over the object's
// unstructured content. We evaluate in Go, over the cache, because asking
// the server for tables would cost a request per refresh and cannot be
// watched.
//
// Its columns are, in order: name, namespace (namespaced kinds only), the
// printer columns, and age last unless a printer column shows
// .metadata.creationTimestamp, which then becomes the age column in its
// place. Name, namespace and age are filled from metadata (Cells); the other
// columns, the "printed" ones, are what Values evaluates and a Summary keeps.
//
// A Printer is immutable once built and safe for concurrent use: client-go's
// JSONPath keeps state only while it walks {range}...{end}, which NewPrinter
// rejects, and its parse tree is never written by an evaluation.
type Printer struct {
	columns []model.Column
	// sources says where each column's cell comes from: one of the src*
	// constants, or the index of a printed column.
	sources []int
	printed []printedColumn
}

// Cell sources of columns that are not printed.
const (
	srcName = -1 - iota
	srcNamespace
	srcAge
)

// printedColumn is one evaluated column.
type printedColumn struct {
	path *jsonpath.JSONPath
	typ  string // the CRD column type: integer, number, boolean, date, string
}

// maxCell bounds a cell in bytes: a cell is for a table, and a hostile
// resource must not make every summary of its kind large.
const maxCell = 256

// readyPath is the path of the Ready column a CRD without printer columns
// gets, and of the Ready condition's status that colours a row.
const readyPath = `.status.conditions[?(@.type=="Ready")].status`

const creationTimestampPath = ".metadata.creationTimestamp"

// NewPrinter compiles the printer columns of the CRD version the session
// serves. schema is that version's openAPIV3Schema (nil when it has none);
// it decides whether a CRD without printer columns gets a Ready column.
// namespaced adds the namespace column.
//
// An invalid jsonPath is an error that names its column and the printer is
// nil; NewPrinter(nil, schema, namespaced) then gives the default columns,
// which never fails.
func NewPrinter(cols []apiextensionsv1.CustomResourceColumnDefinition, schema *apiextensionsv1.JSONSchemaProps, namespaced bool) (*Printer, error) {
	if len(cols) == 0 && hasReadyCondition(schema) {
		cols = []apiextensionsv1.CustomResourceColumnDefinition{{Name: "Ready", Type: "string", JSONPath: readyPath}}
	}
	p := &Printer{}
	ids := map[string]bool{"name": true, "namespace": true, "age": true}
	p.add(model.Column{ID: "name", Title: "Name", Type: model.TypeText}, srcName)
	if namespaced {
		p.add(model.Column{ID: "namespace", Title: "Namespace", Type: model.TypeText}, srcNamespace)
	}
	var errs []error
	age, health := false, false
	for _, col := range cols {
		path := strings.TrimSpace(col.JSONPath)
		if !age && path == creationTimestampPath {
			age = true
			p.add(model.Column{
				ID: "age", Title: col.Name, Type: model.TypeTimestamp,
				Priority: int(col.Priority), Description: col.Description,
			}, srcAge)
			continue
		}
		compiled, err := compilePath(col.Name, path)
		if err != nil {
			errs = append(errs, fmt.Errorf("printer column %q: invalid jsonPath %s: %w", col.Name, col.JSONPath, err))
			continue
		}
		c := model.Column{
			ID: printerColumnID(col.Name, ids), Title: col.Name, Type: printerColumnType(col.Type),
			Priority: int(col.Priority), Description: col.Description,
		}
		if !health && carriesHealth(path) {
			c.Health, health = true, true
		}
		p.add(c, len(p.printed))
		p.printed = append(p.printed, printedColumn{path: compiled, typ: col.Type})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if !age {
		p.add(model.Column{ID: "age", Title: "Age", Type: model.TypeTimestamp}, srcAge)
	}
	return p, nil
}

func (p *Printer) add(c model.Column, src int) {
	p.columns = append(p.columns, c)
	p.sources = append(p.sources, src)
}

// compilePath parses a printer column's path as the API server does
// (wrapped in braces, missing keys allowed) and refuses {range}/{end}: they
// rewrite the parse tree while evaluating, so a compiled path would neither
// give the same answer twice nor be safe to share.
func compilePath(name, path string) (*jsonpath.JSONPath, error) {
	if path == "" {
		return nil, errors.New("it is empty")
	}
	if !strings.HasPrefix(path, ".") {
		return nil, errors.New("must start with '.'")
	}
	jp := jsonpath.New(name).AllowMissingKeys(true)
	if err := jp.Parse("{" + path + "}"); err != nil {
		return nil, err
	}
	// Parse again to inspect the tree: JSONPath does not expose its own.
	parsed, err := jsonpath.Parse(name, "{"+path+"}")
	if err != nil {
		return nil, err
	}
	if hasIdentifier(parsed.Root) {
		return nil, errors.New("range and end are not allowed in a printer column")
	}
	return jp, nil
}

// hasIdentifier reports whether the tree holds a range or end node.
func hasIdentifier(n jsonpath.Node) bool {
	switch n := n.(type) {
	case *jsonpath.IdentifierNode:
		return true
	case *jsonpath.ListNode:
		return slices.ContainsFunc(n.Nodes, hasIdentifier)
	case *jsonpath.UnionNode:
		for _, l := range n.Nodes {
			if hasIdentifier(l) {
				return true
			}
		}
	case *jsonpath.FilterNode:
		return hasIdentifier(n.Left) || hasIdentifier(n.Right)
	}
	return false
}

// printerColumnType maps a CRD column type to ours. Unknown types (a newer API)
// show as text rather than failing the kind.
func printerColumnType(crdType string) string {
	switch crdType {
	case "integer":
		return model.TypeInteger
	case "number":
		return model.TypeNumber
	case "boolean":
		return model.TypeBoolean
	case "date":
		return model.TypeTimestamp
	default:
		return model.TypeText
	}
}

// printerColumnID is the column's name as a lower-case slug ("Last Backup"
// is "last-backup"), suffixed when taken ("name-2"), and records it in ids.
func printerColumnID(name string, ids map[string]bool) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	base := b.String()
	if base == "" {
		base = "column"
	}
	id := base
	for n := 2; ids[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	ids[id] = true
	return id
}

// carriesHealth reports whether a column shows what the row's Health is
// derived from (see StatusOf), so the page colours that column.
func carriesHealth(path string) bool {
	p := strings.ReplaceAll(strings.ReplaceAll(path, " ", ""), "'", `"`)
	return p == readyPath || p == ".status.phase"
}

// hasReadyCondition reports whether objects of a schema can carry
// status.conditions: declared, or status left open (no schema, or
// x-kubernetes-preserve-unknown-fields).
func hasReadyCondition(schema *apiextensionsv1.JSONSchemaProps) bool {
	if schema == nil {
		return true
	}
	status, ok := schema.Properties["status"]
	if !ok {
		return isSet(schema.XPreserveUnknownFields)
	}
	if isSet(status.XPreserveUnknownFields) {
		return true
	}
	_, ok = status.Properties["conditions"]
	return ok
}

func isSet(b *bool) bool { return b != nil && *b }

// Columns returns the table's columns in order. The slice is the caller's.
func (p *Printer) Columns() []model.Column { return slices.Clone(p.columns) }

// Printed returns how many cells Values gives: the columns that are neither
// name, namespace nor age.
func (p *Printer) Printed() int { return len(p.printed) }

// Values evaluates the printed columns over an object's unstructured
// content: one cell per printed column, in column order. Cells are text that
// sorts as the column's type: integers in decimal, numbers as text
// strconv.ParseFloat reads ("0.25", "3", "1e-07"), booleans "true"/"false",
// dates (RFC 3339) in Unix seconds. A value that does
// not match its column's type, several results (a [*] path) and arrays are
// shown as text, the elements joined with ", "; objects as compact JSON;
// missing fields as "". Cells are one line of at most maxCell bytes of
// valid UTF-8.
func (p *Printer) Values(content map[string]any) []string {
	if len(p.printed) == 0 {
		return nil
	}
	out := make([]string, len(p.printed))
	for i, col := range p.printed {
		out[i] = col.cell(content)
	}
	return out
}

// Cells gives a row's cells, one per column in Columns order, from a
// summary made with this printer: name, namespace and age from its metadata
// (age in Unix seconds), the other columns from its Values.
func (p *Printer) Cells(s *Summary) []string {
	out := make([]string, len(p.columns))
	for i, src := range p.sources {
		switch {
		case src == srcName:
			out[i] = s.Name
		case src == srcNamespace:
			out[i] = s.Namespace
		case src == srcAge:
			if !s.CreationTimestamp.IsZero() {
				out[i] = strconv.FormatInt(s.CreationTimestamp.Unix(), 10)
			}
		case src < len(s.Values):
			out[i] = s.Values[src]
		}
	}
	return out
}

// cell evaluates one column. The server's convertor shows only the first
// result; we join them, so that a [*] path shows every value.
func (c printedColumn) cell(content map[string]any) string {
	results, err := c.path.FindResults(content)
	if err != nil {
		return ""
	}
	var values []any
	for _, rs := range results {
		for _, r := range rs {
			if !r.IsValid() || !r.CanInterface() {
				continue
			}
			if v := r.Interface(); v != nil {
				values = append(values, v)
			}
		}
	}
	switch len(values) {
	case 0:
		return ""
	case 1:
		if s, ok := typedCell(c.typ, values[0]); ok {
			return s
		}
		return cellText(values[0])
	default:
		return cellText(values)
	}
}

// typedCell formats v as its column's type, when it is of that type.
func typedCell(typ string, v any) (string, bool) {
	switch typ {
	case "integer":
		if i, ok := cellInt64(v); ok {
			return strconv.FormatInt(i, 10), true
		}
	case "number":
		if i, ok := v.(int64); ok {
			return strconv.FormatInt(i, 10), true
		}
		if f, ok := cellFloat64(v); ok {
			return cellFloat(f), true
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), true
		}
	case "date":
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return strconv.FormatInt(t.Unix(), 10), true
			}
		}
	}
	return "", false
}

// cellInt64 accepts the integers an unstructured decoder produces, and whole
// floats, as the server's convertor does.
func cellInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && n >= math.MinInt64 && n < math.MaxInt64 {
			return int64(n), true
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
	}
	return 0, false
}

func cellFloat64(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// cellFloat writes f as Go parses it back, without an exponent for whole
// numbers a person would write out (1073741824, not 1.073741824e+09).
func cellFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// cellText writes any value as bounded, single-line text. The result is
// a string of its own, exactly sized: a summary keeps it for the life of the
// object and must not pin the decoded object or a builder's spare capacity.
func cellText(v any) string {
	if s, ok := v.(string); ok && isCleanText(s, maxCell) {
		return strings.Clone(s)
	}
	b := cellBuilder{limit: maxCell}
	b.value(v, true)
	return strings.Clone(b.String())
}

// isCleanText reports whether s can be shown as it is: valid UTF-8, one
// line, no control characters, at most limit bytes.
func isCleanText(s string, limit int) bool {
	return len(s) <= limit && utf8.ValidString(s) && !strings.ContainsFunc(s, isControlRune)
}

func isControlRune(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

// cellBuilder collects a cell and stops growing at limit bytes, so that a
// huge array costs no more than that in output.
type cellBuilder struct {
	strings.Builder
	limit int
	full  bool
}

func (b *cellBuilder) value(v any, top bool) {
	switch v := v.(type) {
	case nil:
	case string:
		b.text(v)
	case bool:
		b.text(strconv.FormatBool(v))
	case int64:
		b.text(strconv.FormatInt(v, 10))
	case float64:
		b.text(cellFloat(v))
	case []any:
		if !top {
			b.json(v)
			return
		}
		for i, e := range v {
			if b.full {
				return
			}
			if i > 0 {
				b.text(", ")
			}
			b.value(e, false)
		}
	default:
		b.json(v)
	}
}

// json writes objects and nested arrays as the server's convertor does.
func (b *cellBuilder) json(v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		b.text(fmt.Sprintf("%v", v))
		return
	}
	b.text(string(raw))
}

// text appends s as one line of valid UTF-8, cut at the limit on a rune
// boundary with an ellipsis.
func (b *cellBuilder) text(s string) {
	if b.full {
		return
	}
	if isCleanText(s, b.limit-len("…")-b.Len()) {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		if b.full {
			return
		}
		if isControlRune(r) {
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > b.limit-len("…") {
			b.WriteString("…")
			b.full = true
			return
		}
		b.WriteRune(r)
	}
}

// StatusOf is a custom resource's one-word status and its health, from the
// conventions most controllers follow: a Ready condition (True is ok, False
// an error, Unknown a warning; a reason, when given, is the status), else
// status.phase, else nothing to say.
func StatusOf(content map[string]any) (status, health string) {
	st, _ := content["status"].(map[string]any)
	if conds, ok := st["conditions"].([]any); ok {
		for _, c := range conds {
			cond, _ := c.(map[string]any)
			if t, _ := cond["type"].(string); t != "Ready" {
				continue
			}
			reason, _ := cond["reason"].(string)
			switch s, _ := cond["status"].(string); s {
			case "True":
				return "Ready", model.HealthOK
			case "False":
				return statusWord(reason, "NotReady"), model.HealthError
			default:
				return statusWord(reason, "Unknown"), model.HealthWarn
			}
		}
	}
	if phase, ok := st["phase"].(string); ok && phase != "" {
		return statusWord(phase, ""), crPhaseHealth(phase)
	}
	return "", model.HealthNeutral
}

// maxStatusWord bounds a status word; reasons are CamelCase words by convention.
const maxStatusWord = 64

func statusWord(s, fallback string) string {
	if s == "" {
		return fallback
	}
	if isCleanText(s, maxStatusWord) {
		return s
	}
	b := cellBuilder{limit: maxStatusWord}
	b.text(s)
	return b.String()
}

// crPhaseHealth colours the phases controllers commonly report.
func crPhaseHealth(phase string) string {
	switch strings.ToLower(phase) {
	case "running", "active", "bound", "succeeded", "ready", "available", "healthy",
		"complete", "completed", "established", "deployed", "synced":
		return model.HealthOK
	case "pending", "progressing", "provisioning", "creating", "updating", "deleting",
		"terminating", "unknown", "waiting", "degraded":
		return model.HealthWarn
	case "failed", "error", "lost", "crashloopbackoff", "unhealthy":
		return model.HealthError
	}
	return model.HealthNeutral
}
