package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"crowsnest/backend/dao"
	"crowsnest/backend/edit"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// applyDraft is a previewed text of documents: what ApplyYAML applies,
// exactly as previewed.
type applyDraft struct {
	items []applyItem
}

// applyItem is one document ready to apply; err says why it cannot be.
type applyItem struct {
	doc  model.ApplyDocument
	kind *kinds.Kind
	gvr  schema.GroupVersionResource
	body []byte // the object as JSON, namespace set
	err  string
}

// plan resolves one document: its kind among those the server serves
// (the document's own version of it), its namespace (the default for a
// namespaced kind without one, none for a cluster-scoped kind) and the
// JSON body of the apply.
func (s *Session) plan(doc edit.Document, namespace string) applyItem {
	u := unstructured.Unstructured{Object: doc.Object}
	gvk := u.GroupVersionKind()
	it := applyItem{doc: model.ApplyDocument{Index: doc.Index, Line: doc.Line, APIVersion: u.GetAPIVersion(), Kind: gvk.Kind, Name: u.GetName()}}
	k, ok := s.kinds.ForGroupKind(gvk.Group, gvk.Kind)
	if !ok {
		it.err = fmt.Sprintf("kind %s of %s is not served by this cluster", gvk.Kind, u.GetAPIVersion())
		return it
	}
	if !k.Watchable() {
		it.err = fmt.Sprintf("%s: %s", k.Label, k.Unavailable)
		return it
	}
	it.kind, it.doc.KindID = k, string(k.ID)
	it.gvr = schema.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: k.GVR.Resource}
	if k.Namespaced {
		ns := u.GetNamespace()
		if ns == "" {
			ns = namespace
		}
		if ns == "" {
			ns = "default"
		}
		u.SetNamespace(ns)
	} else {
		unstructured.RemoveNestedField(u.Object, "metadata", "namespace")
	}
	it.doc.Namespace = u.GetNamespace()
	if err := ValidateName(k, it.doc.Namespace, it.doc.Name); err != nil {
		it.err = err.Error()
		return it
	}
	body, err := json.Marshal(u.Object)
	if err != nil {
		it.err = err.Error()
		return it
	}
	it.body = body
	return it
}

func (d *drafts) applyResource(it applyItem) dynamic.ResourceInterface {
	if !it.kind.Namespaced {
		return d.dyn.Resource(it.gvr)
	}
	return d.dyn.Resource(it.gvr).Namespace(it.doc.Namespace)
}

// ssa sends one server-side apply with our field manager.
func (d *drafts) ssa(ctx context.Context, it applyItem, dryRun, force bool) (*unstructured.Unstructured, error) {
	opts := metav1.PatchOptions{FieldManager: FieldManager, Force: &force}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return d.applyResource(it).Patch(ctx, it.doc.Name, types.ApplyPatchType, it.body, opts)
}

// PreviewApply parses text (documents separated by "---") and sends each
// object as a server-side apply with dryRun=All: per document, the diff
// between the live object (none yet: empty) and what the server would
// store, the fields other managers own that it would change, or why it
// cannot be applied. namespace is the default of namespaced kinds.
func (s *Session) PreviewApply(text []byte, namespace string) (model.ApplyPreview, error) {
	store, err := s.draftStore()
	if err != nil {
		return model.ApplyPreview{}, err
	}
	docs, err := edit.Parse(text)
	var se *edit.SyntaxError
	if errors.As(err, &se) {
		return model.ApplyPreview{YAMLError: yamlError(se), Documents: []model.ApplyDocument{}}, nil
	}
	if err != nil {
		return model.ApplyPreview{}, err
	}
	if len(docs) == 0 {
		return model.ApplyPreview{YAMLError: &model.YAMLError{Message: "there is no object in the text"}, Documents: []model.ApplyDocument{}}, nil
	}
	ctx, cancel := context.WithTimeout(s.ctx, WriteTimeout)
	defer cancel()
	draft := &applyDraft{}
	out := model.ApplyPreview{Documents: make([]model.ApplyDocument, 0, len(docs))}
	for _, doc := range docs {
		it := s.plan(doc, namespace)
		if it.err == "" {
			it.err = s.previewOne(ctx, store, &it)
		}
		it.doc.Error = it.err
		draft.items = append(draft.items, it)
		out.Documents = append(out.Documents, it.doc)
	}
	sum := sha256.New()
	sum.Write([]byte(namespace))
	sum.Write([]byte{0})
	sum.Write(text)
	out.Token = hex.EncodeToString(sum.Sum(nil)[:12])
	store.mu.Lock()
	if _, ok := store.applies[out.Token]; !ok {
		store.keep(out.Token)
	}
	store.applies[out.Token] = draft
	store.mu.Unlock()
	return out, nil
}

// previewOne dry-runs one document; it fills the diff or the conflicts
// and returns the error to show, "" when it previewed.
func (s *Session) previewOne(ctx context.Context, store *drafts, it *applyItem) string {
	var live map[string]any
	if u, err := store.applyResource(*it).Get(ctx, it.doc.Name, metav1.GetOptions{}); err == nil {
		live, it.doc.Exists = u.Object, true
	} else if !apierrors.IsNotFound(err) {
		return s.apiMessage(err)
	}
	result, err := store.ssa(ctx, *it, true, false)
	if conflicts := fieldConflicts(err); conflicts != nil {
		it.doc.Conflicts = conflicts
		return ""
	}
	if err != nil {
		return s.apiMessage(err)
	}
	before, after := shownForDiff(it.kind, live), shownForDiff(it.kind, result.Object)
	if it.kind.SecretValues {
		before, after = edit.RedactPair(shownSecret(live), shownSecret(result.Object), dao.Redacted)
	}
	diff, err := edit.Diff("live", "preview", before, after)
	if err != nil {
		return err.Error()
	}
	it.doc.Diff = diff
	return ""
}

func shownForDiff(k *kinds.Kind, obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	return dao.Shown(k, &unstructured.Unstructured{Object: obj}).Object
}

// ApplyYAML applies a previewed text, as previewed: each document (or
// only those of indexes, when given) as a server-side apply with our
// field manager, through Do, one at a time. Without force, fields other
// managers own come back as conflicts and that document is not written;
// with force, we take them over. A document that could not be previewed
// is not applied.
func (s *Session) ApplyYAML(token string, force bool, indexes []int) ([]model.ApplyResult, error) {
	if err := s.CheckWritable(); err != nil {
		return nil, err
	}
	store, err := s.draftStore()
	if err != nil {
		return nil, err
	}
	store.mu.Lock()
	draft, ok := store.applies[token]
	store.mu.Unlock()
	if !ok {
		return nil, errors.New("this text has not been previewed (or the preview is too old): preview it, then apply")
	}
	out := []model.ApplyResult{}
	for _, it := range draft.items {
		if len(indexes) > 0 && !slices.Contains(indexes, it.doc.Index) {
			continue
		}
		r := model.ApplyResult{Index: it.doc.Index, Kind: it.doc.Kind, Namespace: it.doc.Namespace, Name: it.doc.Name}
		if it.err != "" {
			r.State, r.Error = model.ApplyFailed, "not applied: "+it.err
			out = append(out, r)
			continue
		}
		r.State, r.Conflicts, r.Error = s.applyOne(store, it, force)
		out = append(out, r)
	}
	return out, nil
}

func (s *Session) applyOne(store *drafts, it applyItem, force bool) (string, []model.FieldConflict, string) {
	verb, detail := "apply", "server-side apply, field manager "+FieldManager
	if force {
		detail += ", forced"
	}
	var before, after string
	err := s.Do(Write{Verb: verb, Kind: it.kind, Namespace: it.doc.Namespace, Names: []string{it.doc.Name}, Detail: detail},
		func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, WriteTimeout)
			defer cancel()
			if u, err := store.applyResource(it).Get(ctx, it.doc.Name, metav1.GetOptions{}); err == nil {
				before = u.GetResourceVersion()
			} else if !apierrors.IsNotFound(err) {
				return err
			}
			u, err := store.ssa(ctx, it, false, force)
			if err == nil {
				after = u.GetResourceVersion()
			}
			return err
		})
	if conflicts := fieldConflicts(err); conflicts != nil {
		return model.ApplyConflict, conflicts, s.apiMessage(err)
	}
	switch {
	case err != nil:
		return model.ApplyFailed, nil, s.apiMessage(err)
	case before == "":
		return model.ApplyCreated, nil, ""
	case before == after:
		return model.ApplyUnchanged, nil, ""
	}
	return model.ApplyConfigured, nil, ""
}

// fieldConflicts reads the field manager conflicts of a server-side
// apply's 409: each field with the manager that owns it (from the
// cause's message, `conflict with "kubectl" using apps/v1`). Nil when
// err is not such a conflict.
func fieldConflicts(err error) []model.FieldConflict {
	var status apierrors.APIStatus
	if !apierrors.IsConflict(err) || !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var out []model.FieldConflict
	for _, c := range status.Status().Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		manager := c.Message
		if _, rest, ok := strings.Cut(c.Message, `conflict with "`); ok {
			if m, _, ok := strings.Cut(rest, `"`); ok {
				manager = m
			}
		}
		out = append(out, model.FieldConflict{Field: c.Field, Manager: manager, Message: c.Message})
	}
	return out
}
