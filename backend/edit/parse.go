// Package edit holds the pure parts of editing and applying YAML: parsing
// a user's text into objects with the line and column of any syntax error,
// cleaning objects for a diff, the unified diff itself, the three-way merge
// of a conflicting edit, and the hidden values of Secrets. Nothing here
// talks to a cluster; backend/session does, through Session.Do.
package edit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	yaml "go.yaml.in/yaml/v4"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// MaxText bounds a text the page sends to be previewed or applied.
const MaxText = 4 << 20

// MaxDocuments bounds the documents of one text.
const MaxDocuments = 200

// SyntaxError is a text that is not YAML, or not a Kubernetes object,
// with where: Line and Column count from 1 (0 when unknown) in the whole
// text, Document from 0.
type SyntaxError struct {
	Document int
	Line     int
	Column   int
	Message  string
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("document %d: %s", e.Document+1, e.Message)
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// Document is one object of a text.
type Document struct {
	// Index counts documents from 0, empty ones left out.
	Index int
	// Line is where the document starts in the text (from 1).
	Line   int
	Object map[string]any
}

// Parse reads every document of text (separated by "---") into objects
// as the API decodes JSON (numbers int64 or float64). Empty documents are
// skipped. A syntax error, a document that is not a mapping, or one
// without apiVersion, kind or metadata.name gives a *SyntaxError with its
// position; nothing else is returned then.
func Parse(text []byte) ([]Document, error) {
	if len(text) > MaxText {
		return nil, &SyntaxError{Message: fmt.Sprintf("the text is larger than %d MiB", MaxText>>20)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var docs []Document
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, syntaxError(i, err)
		}
		if len(docs) >= MaxDocuments {
			return nil, &SyntaxError{Document: i, Line: n.Line, Column: n.Column, Message: fmt.Sprintf("more than %d documents", MaxDocuments)}
		}
		root := &n
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document, e.g. after a trailing "---"
		}
		if root.Kind != yaml.MappingNode {
			return nil, &SyntaxError{Document: len(docs), Line: root.Line, Column: root.Column, Message: "a document must be a mapping (an object), not " + nodeKind(root)}
		}
		obj, err := toObject(root)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				se.Document = len(docs)
			}
			return nil, err
		}
		if err := required(root, obj); err != nil {
			err.Document = len(docs)
			return nil, err
		}
		docs = append(docs, Document{Index: len(docs), Line: root.Line, Object: obj})
	}
	return docs, nil
}

// syntaxError turns the YAML library's error into a SyntaxError.
func syntaxError(doc int, err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := le.Message
		if le.ContextMsg != "" {
			msg += " (" + le.ContextMsg + ")"
		}
		return &SyntaxError{Document: doc, Line: le.Mark.Line, Column: le.Mark.Column, Message: msg}
	}
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		e := les.Errors[0]
		return &SyntaxError{Document: doc, Line: e.Mark.Line, Column: e.Mark.Column, Message: e.Message}
	}
	return &SyntaxError{Document: doc, Message: err.Error()}
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "this"
}

// toObject decodes a mapping node into JSON-compatible values, then into
// the API's own number types through JSON.
func toObject(n *yaml.Node) (map[string]any, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, syntaxError(0, err)
	}
	v, err := jsonable(v, n)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, &SyntaxError{Line: n.Line, Column: n.Column, Message: err.Error()}
	}
	var obj map[string]any
	if err := utiljson.Unmarshal(raw, &obj); err != nil {
		return nil, &SyntaxError{Line: n.Line, Column: n.Column, Message: err.Error()}
	}
	return obj, nil
}

// jsonable checks that every mapping key is a string and turns
// timestamps back into the text they were.
func jsonable(v any, at *yaml.Node) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e, err := jsonable(e, at)
			if err != nil {
				return nil, err
			}
			x[k] = e
		}
		return x, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			s, ok := k.(string)
			if !ok {
				line, col := keyPosition(at, k)
				return nil, &SyntaxError{Line: line, Column: col, Message: fmt.Sprintf("a key must be text, not %v", k)}
			}
			e, err := jsonable(e, at)
			if err != nil {
				return nil, err
			}
			out[s] = e
		}
		return out, nil
	case []any:
		for i, e := range x {
			e, err := jsonable(e, at)
			if err != nil {
				return nil, err
			}
			x[i] = e
		}
		return x, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	}
	return v, nil
}

// keyPosition finds the first mapping key under n whose value is key.
func keyPosition(n *yaml.Node, key any) (int, int) {
	want := fmt.Sprint(key)
	var found *yaml.Node
	var walk func(*yaml.Node)
	walk = func(m *yaml.Node) {
		if found != nil {
			return
		}
		if m.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == want && m.Content[i].Tag != "!!str" {
					found = m.Content[i]
					return
				}
			}
		}
		for _, c := range m.Content {
			walk(c)
		}
	}
	walk(n)
	if found == nil {
		return n.Line, n.Column
	}
	return found.Line, found.Column
}

// required checks what every object needs: apiVersion, kind and a name.
func required(root *yaml.Node, obj map[string]any) *SyntaxError {
	at := func(key string) (int, int) {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == key {
				return root.Content[i+1].Line, root.Content[i+1].Column
			}
		}
		return root.Line, root.Column
	}
	for _, key := range []string{"apiVersion", "kind"} {
		if s, ok := obj[key].(string); !ok || s == "" {
			line, col := at(key)
			return &SyntaxError{Line: line, Column: col, Message: key + " is missing or not text"}
		}
	}
	meta, _ := obj["metadata"].(map[string]any)
	if name, ok := meta["name"].(string); !ok || name == "" {
		line, col := at("metadata")
		if _, generated := meta["generateName"]; generated {
			return &SyntaxError{Line: line, Column: col, Message: "metadata.generateName is not supported: give the object a name"}
		}
		return &SyntaxError{Line: line, Column: col, Message: "metadata.name is missing"}
	}
	return nil
}
