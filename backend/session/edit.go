package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"

	"crowsnest/backend/dao"
	"crowsnest/backend/edit"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// FieldManager is the field manager of every write Crowsnest makes.
const FieldManager = "crowsnest"

// WriteTimeout bounds one request of an edit or apply.
const WriteTimeout = 30 * time.Second

// maxQuietRebases bounds how often an update is sent again after the
// object changed in its status alone (editDraft.update).
const maxQuietRebases = 10

// maxDrafts bounds the edits and applies a session keeps; the oldest go.
const maxDrafts = 16

// draftIDs numbers drafts across sessions, so an id from an older
// session never names a draft of the current one.
var draftIDs atomic.Uint64

// drafts are a session's edits and previewed applies. An edit holds the
// object it is based on as the editor shows it (dao.Shown: a Secret's
// values hidden), the text the editor holds and what was last previewed;
// only a previewed text is ever applied, as it was previewed. Drafts
// hold no goroutine; they go with the session.
type drafts struct {
	mu      sync.Mutex
	dyn     dynamic.Interface
	edits   map[string]*editDraft
	applies map[string]*applyDraft
	order   []string // ids and tokens, oldest first
}

type editDraft struct {
	mu   sync.Mutex // one preview or apply at a time
	kind *kinds.Kind
	ns   string
	name string
	// base is the object the edit is based on, as shown; baseRV its
	// resourceVersion, which the update carries.
	base   map[string]any
	baseRV string
	// text is what the editor holds: base as YAML, or after a rebase
	// the merge.
	text []byte
	// previewed is the object whose preview succeeded, and its token.
	previewed *previewedEdit
}

type previewedEdit struct {
	token string
	yours map[string]any
}

// draftStore returns the session's drafts, built on first use.
func (s *Session) draftStore() (*drafts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, ErrStopped
	}
	if s.drafts == nil {
		dyn, err := dynamic.NewForConfigAndClient(s.cfg, s.httpClient)
		if err != nil {
			return nil, err
		}
		s.drafts = &drafts{dyn: dyn, edits: map[string]*editDraft{}, applies: map[string]*applyDraft{}}
	}
	return s.drafts, nil
}

// keep adds a draft's key and forgets the oldest beyond maxDrafts.
// Callers hold d.mu.
func (d *drafts) keep(key string) {
	d.order = append(d.order, key)
	for len(d.order) > maxDrafts {
		delete(d.edits, d.order[0])
		delete(d.applies, d.order[0])
		d.order = d.order[1:]
	}
}

func (d *drafts) resource(k *kinds.Kind, ns string) dynamic.ResourceInterface {
	if !k.Namespaced {
		return d.dyn.Resource(k.GVR)
	}
	return d.dyn.Resource(k.GVR).Namespace(ns)
}

// BeginEdit reads an object from the API and begins an edit of it: the
// edit is based on its resourceVersion now. The text is fetched with
// EditText.
func (s *Session) BeginEdit(k *kinds.Kind, ns, name string) (model.EditInfo, error) {
	return s.beginEdit(k, ns, name, nil)
}

// beginEdit is BeginEdit with the editor's text changed by modify (nil:
// the object as read), e.g. fields restored from the change timeline; the
// edit stays based on the object as read.
func (s *Session) beginEdit(k *kinds.Kind, ns, name string, modify func(map[string]any) error) (model.EditInfo, error) {
	if !k.Watchable() {
		return model.EditInfo{}, fmt.Errorf("%s: %s", k.Label, k.Unavailable)
	}
	if k.Derived {
		return model.EditInfo{}, fmt.Errorf("%s cannot be edited as YAML", k.Label)
	}
	store, err := s.draftStore()
	if err != nil {
		return model.EditInfo{}, err
	}
	ctx, cancel := context.WithTimeout(s.ctx, dao.DefaultTimeout)
	defer cancel()
	u, err := store.resource(k, ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return model.EditInfo{}, s.plugins.Explain(fmt.Errorf("read %s %s: %w", k.APIKind, kinds.Key(ns, name), err))
	}
	base := dao.Shown(k, u).Object
	shown := base
	if modify != nil {
		shown = runtime.DeepCopyJSON(base)
		if err := modify(shown); err != nil {
			return model.EditInfo{}, err
		}
	}
	text, err := edit.YAML(shown)
	if err != nil {
		return model.EditInfo{}, err
	}
	d := &editDraft{kind: k, ns: ns, name: name, base: base, baseRV: u.GetResourceVersion(), text: text}
	id := "edit-" + strconv.FormatUint(draftIDs.Add(1), 10)
	store.mu.Lock()
	store.edits[id] = d
	store.keep(id)
	store.mu.Unlock()
	return model.EditInfo{ID: id, Generation: s.Generation, ResourceVersion: d.baseRV, Secret: k.SecretValues}, nil
}

// EndEdit forgets an edit.
func (s *Session) EndEdit(id string) {
	if store, err := s.draftStore(); err == nil {
		store.mu.Lock()
		delete(store.edits, id)
		store.mu.Unlock()
	}
}

func (s *Session) edit(id string) (*drafts, *editDraft, error) {
	store, err := s.draftStore()
	if err != nil {
		return nil, nil, err
	}
	store.mu.Lock()
	d, ok := store.edits[id]
	store.mu.Unlock()
	if !ok {
		return nil, nil, fmt.Errorf("no edit %q: begin again", id)
	}
	return store, d, nil
}

// EditText is the text an edit's editor holds: the object as shown when
// the edit began, or the merge after the object changed meanwhile.
func (s *Session) EditText(id string) ([]byte, error) {
	_, d, err := s.edit(id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.text, nil
}

// EditLive is the object an edit is now based on, as YAML: the live
// object of the last rebase (the left side of a conflict view).
func (s *Session) EditLive(id string) ([]byte, error) {
	_, d, err := s.edit(id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return edit.YAML(d.base)
}

// PreviewEdit sends text as an update with dryRun=All and the edit's
// resourceVersion, and answers the diff between the live object and what
// the server would store. Text that does not parse is answered with
// where, and nothing is sent. A 409 rebases the edit (see Rebase). Only
// a text whose preview succeeded can be applied (its token).
func (s *Session) PreviewEdit(id string, text []byte) (model.EditPreview, error) {
	store, d, err := s.edit(id)
	if err != nil {
		return model.EditPreview{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.previewed = nil
	d.text = text
	yours, yerr, err := d.parse(text)
	if yerr != nil || err != nil {
		return model.EditPreview{YAMLError: yerr}, err
	}
	ctx, cancel := context.WithTimeout(s.ctx, WriteTimeout)
	defer cancel()
	result, yours, live, err := d.update(ctx, store, yours, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: FieldManager})
	if apierrors.IsConflict(err) {
		rb, err := d.rebase(ctx, store, yours)
		if err != nil {
			return model.EditPreview{Error: s.apiMessage(err)}, nil
		}
		return model.EditPreview{Rebase: rb}, nil
	}
	if err != nil {
		return model.EditPreview{Error: s.apiMessage(err)}, nil
	}
	before, after := d.base, dao.Shown(d.kind, result).Object
	if d.kind.SecretValues {
		before, after = edit.RedactPair(shownSecret(live), shownSecret(result.Object), dao.Redacted)
	}
	diff, err := edit.Diff("live", "preview", before, after)
	if err != nil {
		return model.EditPreview{}, err
	}
	sum := sha256.Sum256(append(append([]byte(d.baseRV), 0), text...))
	token := hex.EncodeToString(sum[:12])
	d.previewed = &previewedEdit{token: token, yours: yours}
	return model.EditPreview{Token: token, Diff: diff}, nil
}

// ApplyEdit applies the previewed text of an edit, as previewed: an
// update carrying the edit's resourceVersion, through Do. A 409 (the
// object changed since) writes nothing and rebases the edit.
func (s *Session) ApplyEdit(id, token string) (model.EditResult, error) {
	store, d, err := s.edit(id)
	if err != nil {
		return model.EditResult{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.previewed == nil || d.previewed.token != token {
		return model.EditResult{}, errors.New("this text has not been previewed: preview it, then apply")
	}
	yours := d.previewed.yours
	var result *unstructured.Unstructured
	w := Write{Verb: "update", Kind: d.kind, Namespace: d.ns, Names: []string{d.name},
		Detail: "edit from YAML at resourceVersion " + d.baseRV}
	err = s.Do(w, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, WriteTimeout)
		defer cancel()
		var err error
		result, yours, _, err = d.update(ctx, store, yours, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
	if apierrors.IsConflict(err) {
		ctx, cancel := context.WithTimeout(s.ctx, WriteTimeout)
		defer cancel()
		rb, err := d.rebase(ctx, store, yours)
		if err != nil {
			return model.EditResult{}, err
		}
		return model.EditResult{State: model.EditRebased, Rebase: rb}, nil
	}
	if err != nil {
		return model.EditResult{}, err
	}
	d.base = dao.Shown(d.kind, result).Object
	d.baseRV = result.GetResourceVersion()
	d.text, _ = edit.YAML(d.base)
	d.previewed = nil
	return model.EditResult{State: model.EditApplied, ResourceVersion: d.baseRV}, nil
}

// parse reads an edit's text: one object, the edited one.
func (d *editDraft) parse(text []byte) (map[string]any, *model.YAMLError, error) {
	docs, err := edit.Parse(text)
	var se *edit.SyntaxError
	if errors.As(err, &se) {
		return nil, yamlError(se), nil
	}
	if err != nil {
		return nil, nil, err
	}
	if len(docs) != 1 {
		ye := &model.YAMLError{Message: "an edit is one object; to create or apply several, use Create / apply YAML"}
		if len(docs) > 1 {
			ye.Document, ye.Line, ye.Column = 1, docs[1].Line, 1
		}
		return nil, ye, nil
	}
	obj := docs[0].Object
	u := unstructured.Unstructured{Object: obj}
	gvk := u.GroupVersionKind()
	switch {
	case gvk.Group != d.kind.GVR.Group || gvk.Kind != d.kind.APIKind:
		return nil, &model.YAMLError{Line: docs[0].Line, Column: 1, Message: fmt.Sprintf(
			"this edit is of a %s (%s); the text is a %s (%s)", d.kind.APIKind, d.kind.GVR.GroupVersion(), gvk.Kind, gvk.GroupVersion())}, nil
	case u.GetName() != d.name:
		return nil, &model.YAMLError{Line: docs[0].Line, Column: 1, Message: fmt.Sprintf(
			"the name cannot change in an edit (%q, not %q); to make a copy, use Create / apply YAML", d.name, u.GetName())}, nil
	case d.kind.Namespaced && u.GetNamespace() != "" && u.GetNamespace() != d.ns:
		return nil, &model.YAMLError{Line: docs[0].Line, Column: 1, Message: fmt.Sprintf(
			"the namespace cannot change in an edit (%q, not %q)", d.ns, u.GetNamespace())}, nil
	}
	return obj, nil, nil
}

// update sends yours as an update based on the edit's resourceVersion
// (prepare). When the object changed meanwhile in its status alone (a
// controller at work: nothing for the user to review), the edit moves
// onto the live object and the update is sent again (at most
// maxQuietRebases times: a rollout writes its status many times a second); the answer's yours then has the live status. Any other change
// answers the 409. It returns the server's answer, what was sent, and the
// live Secret read for it (nil for other kinds).
func (d *editDraft) update(ctx context.Context, store *drafts, yours map[string]any, opts metav1.UpdateOptions) (*unstructured.Unstructured, map[string]any, map[string]any, error) {
	for attempt := 0; ; attempt++ {
		send, live, err := d.prepare(ctx, store, yours)
		if err != nil {
			return nil, yours, nil, err
		}
		result, err := store.resource(d.kind, d.ns).Update(ctx, send, opts)
		if !apierrors.IsConflict(err) || attempt == maxQuietRebases {
			return result, yours, live, err
		}
		u, gerr := store.resource(d.kind, d.ns).Get(ctx, d.name, metav1.GetOptions{})
		if gerr != nil {
			return nil, yours, nil, err
		}
		now := dao.Shown(d.kind, u).Object
		if !edit.StatusOnly(d.base, now) {
			return nil, yours, nil, err
		}
		merged, conflicts := edit.Merge3(d.base, now, liveStatus(yours, now))
		if len(conflicts) > 0 {
			return nil, yours, nil, err
		}
		d.base, d.baseRV, yours = now, u.GetResourceVersion(), merged
	}
}

// liveStatus is yours with the live object's status: the status is the
// server's, whatever the text still says of it.
func liveStatus(yours, live map[string]any) map[string]any {
	out := runtime.DeepCopyJSON(yours)
	if st, ok := live["status"]; ok {
		out["status"] = runtime.DeepCopyJSONValue(st)
	} else {
		delete(out, "status")
	}
	return out
}

// prepare makes the request body of an edit: a copy of yours with the
// edit's resourceVersion and namespace and, for a Secret, the values
// left hidden resolved from the live Secret read now (returned, for the
// diff) and the last-applied annotation the editor does not show kept.
func (d *editDraft) prepare(ctx context.Context, store *drafts, yours map[string]any) (*unstructured.Unstructured, map[string]any, error) {
	send := &unstructured.Unstructured{Object: runtime.DeepCopyJSON(yours)}
	send.SetResourceVersion(d.baseRV)
	if d.kind.Namespaced {
		send.SetNamespace(d.ns)
	}
	if !d.kind.SecretValues {
		return send, nil, nil
	}
	live, err := store.resource(d.kind, d.ns).Get(ctx, d.name, metav1.GetOptions{})
	if err != nil {
		return nil, nil, err
	}
	if err := edit.ResolveHidden(send.Object, live.Object, dao.Redacted); err != nil {
		return nil, nil, err
	}
	if v, ok := live.GetAnnotations()[corev1.LastAppliedConfigAnnotation]; ok {
		a := send.GetAnnotations()
		if _, set := a[corev1.LastAppliedConfigAnnotation]; !set {
			if a == nil {
				a = map[string]string{}
			}
			a[corev1.LastAppliedConfigAnnotation] = v
			send.SetAnnotations(a)
		}
	}
	return send, live.Object, nil
}

// rebase reads the live object after a 409 and merges the two changes
// (edit.Merge3 of the base, the live object and yours, all as shown; the
// status is the live one): the edit is now based on the live object, its
// text is the merge, and it must be previewed again.
func (d *editDraft) rebase(ctx context.Context, store *drafts, yours map[string]any) (*model.Rebase, error) {
	u, err := store.resource(d.kind, d.ns).Get(ctx, d.name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("the object changed since the edit began, and reading it again failed: %w", err)
	}
	live := dao.Shown(d.kind, u).Object
	merged, conflicts := edit.Merge3(d.base, live, liveStatus(yours, live))
	text, err := edit.YAML(merged)
	if err != nil {
		return nil, err
	}
	d.base, d.baseRV, d.text, d.previewed = live, u.GetResourceVersion(), text, nil
	rb := &model.Rebase{ResourceVersion: d.baseRV}
	for _, c := range conflicts {
		rb.Conflicts = append(rb.Conflicts, model.EditConflict{Path: c.Path, Live: c.Live, Yours: c.Yours})
	}
	return rb, nil
}

// shownSecret is a Secret with its values but without what the editor
// never shows (managedFields, the last-applied annotation with its
// plain-text values), for a diff whose values RedactPair then hides.
func shownSecret(obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	out := runtime.DeepCopyJSON(obj)
	unstructured.RemoveNestedField(out, "metadata", "annotations", corev1.LastAppliedConfigAnnotation)
	if a, ok, _ := unstructured.NestedMap(out, "metadata", "annotations"); ok && len(a) == 0 {
		unstructured.RemoveNestedField(out, "metadata", "annotations")
	}
	return out
}

func yamlError(se *edit.SyntaxError) *model.YAMLError {
	return &model.YAMLError{Document: se.Document, Line: se.Line, Column: se.Column, Message: se.Message}
}

// apiMessage is an error as the page shows it: the API's own message
// for a refusal, as is.
func (s *Session) apiMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return s.plugins.ExplainText(status.Status().Message)
	}
	return s.plugins.Explain(err).Error()
}
