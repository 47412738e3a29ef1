package kinds

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"crowsnest/backend/model"
)

// Summary is what the cache keeps of a custom resource instead of the
// unstructured object: the metadata a table, its indexes and the related
// objects need, the printed columns' cells and the status word. At 10,000
// resources of ~3 KB a summary costs well under 1.5 KB of heap where the
// object costs several times its JSON size (summary_test.go measures it).
//
// ObjectMeta holds only name, namespace, uid, resourceVersion, generation,
// creation and deletion timestamps, labels and owner references; never
// annotations or managedFields. The details view reads the full object from
// the API.
//
// A Summary is a runtime.Object, so it can live in a client-go informer
// store and be read with meta.Accessor. Summaries in a store are shared:
// NEVER modify one; DeepCopy first.
type Summary struct {
	metav1.ObjectMeta
	// Values holds the cells of the printer's printed columns (see
	// Printer.Values); Printer.Cells turns a summary into a full row.
	Values []string
	// Status and Health are StatusOf the object, or "Terminating" and warn
	// once it is being deleted.
	Status string
	Health string
}

// GetObjectKind is empty: a store holds one kind, known to its owner.
func (s *Summary) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (s *Summary) DeepCopyObject() runtime.Object { return s.DeepCopy() }

// DeepCopy returns a copy that shares nothing mutable with s. It shadows
// ObjectMeta's, which would copy only the metadata.
func (s *Summary) DeepCopy() *Summary {
	if s == nil {
		return nil
	}
	out := new(Summary)
	s.DeepCopyInto(out)
	return out
}

// DeepCopyInto copies s into out.
func (s *Summary) DeepCopyInto(out *Summary) {
	*out = *s
	s.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Values = append([]string(nil), s.Values...)
}

// Summarize keeps what a Summary holds of u, with the printed cells of p
// (none when p is nil). intern, when set, is applied to the strings that
// repeat across thousands of objects (namespace, label keys and values,
// owner API versions and kinds, status), so that they share one copy; it
// must be safe for the caller's concurrency. Every string kept is a copy, so
// a summary never pins the decoded object.
//
// u comes from the cluster and is untrusted: fields of the wrong type are
// left out, never a panic.
func Summarize(u *unstructured.Unstructured, p *Printer, intern func(string) string) *Summary {
	if intern == nil {
		intern = strings.Clone
	}
	s := &Summary{}
	s.Name = strings.Clone(u.GetName())
	s.Namespace = intern(u.GetNamespace())
	s.UID = types.UID(strings.Clone(string(u.GetUID())))
	s.ResourceVersion = strings.Clone(u.GetResourceVersion())
	s.Generation = u.GetGeneration()
	s.CreationTimestamp = u.GetCreationTimestamp()
	s.DeletionTimestamp = u.GetDeletionTimestamp()
	s.Labels = summaryLabels(u.Object, s.Name, intern)
	s.OwnerReferences = summaryOwners(u.GetOwnerReferences(), intern)
	if p != nil {
		s.Values = p.Values(u.Object)
	}
	status, health := StatusOf(u.Object)
	if s.DeletionTimestamp != nil {
		status, health = "Terminating", model.HealthWarn
	}
	s.Status, s.Health = intern(status), health
	return s
}

// summaryLabels copies the labels without the intermediate map that
// unstructured's GetLabels builds, skipping values that are not strings
// (GetLabels would drop them all). A value that is the object's name
// (app.kubernetes.io/instance, often) shares name's copy: interned it
// would take a place of its own in the intern table for every object.
func summaryLabels(obj map[string]any, name string, intern func(string) string) map[string]string {
	md, _ := obj["metadata"].(map[string]any)
	raw, _ := md["labels"].(map[string]any)
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		v, ok := v.(string)
		switch {
		case !ok:
		case v == name:
			out[intern(k)] = name
		default:
			out[intern(k)] = intern(v)
		}
	}
	return out
}

func summaryOwners(refs []metav1.OwnerReference, intern func(string) string) []metav1.OwnerReference {
	if len(refs) == 0 {
		return nil
	}
	out := make([]metav1.OwnerReference, len(refs))
	for i, r := range refs {
		out[i] = metav1.OwnerReference{
			APIVersion:         intern(r.APIVersion),
			Kind:               intern(r.Kind),
			Name:               strings.Clone(r.Name),
			UID:                types.UID(strings.Clone(string(r.UID))),
			Controller:         r.Controller,
			BlockOwnerDeletion: r.BlockOwnerDeletion,
		}
	}
	return out
}
