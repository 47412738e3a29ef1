package session

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// MaxDetailsWatches bounds the details panels a session follows at once; a
// page that forgets to unwatch cannot make it follow more.
const MaxDetailsWatches = 32

// detailsWatch follows what one details panel shows: the object, the
// events about it and the objects its kind relates to it. It sends an
// ObjectNotice whenever one of them changes; the page then asks for the
// details again. Its handlers run on the informers' dispatch goroutines.
type detailsWatch struct {
	id        string
	kind      *kinds.Kind
	namespace string
	name      string
	key       string
	version   atomic.Uint64

	mu   sync.Mutex
	obj  any // the object as last cached; nil until seen
	uid  string
	subs []subscription
}

type subscription struct {
	h   *informer.Handle
	reg *informer.Registration
}

// WatchDetails starts following an object for a details panel and returns
// the id its notices carry (EventObjectChanged). Nothing is read from the
// API: changes come from the informers of the object's kind, of events and
// of the kinds related to it, which start if they had not.
func (s *Session) WatchDetails(k *kinds.Kind, namespace, name string) (string, error) {
	if !k.Namespaced {
		namespace = ""
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return "", ErrStopped
	}
	if len(s.watches) >= MaxDetailsWatches {
		s.mu.Unlock()
		return "", errors.New("too many details panels followed at once; close one")
	}
	id := s.newIDLocked("d")
	s.mu.Unlock()

	w := &detailsWatch{id: id, kind: k, namespace: namespace, name: name, key: kinds.Key(namespace, name)}
	h, err := s.owner.Informer(k)
	if err != nil {
		return "", err
	}
	// Subscribe first, then read the object: a change in between is both
	// in what is read and notified, which costs the page one read more.
	w.add(h, func(obj any, deleted bool) {
		if key, _ := toolscache.DeletionHandlingMetaNamespaceKeyFunc(obj); key != w.key {
			return
		}
		if !deleted {
			w.seen(obj)
		}
		s.objectChanged(w, deleted)
	})
	if obj, ok, _ := h.GetByKey(w.key); ok {
		w.seen(obj)
	}
	if ev, err := s.owner.Informer(kinds.Builtin(kinds.Events)); err == nil {
		w.add(ev, func(obj any, _ bool) {
			if e, ok := obj.(*corev1.Event); ok && w.about(e) {
				s.objectChanged(w, false)
			}
		})
	}
	for _, rel := range k.Related {
		other, err := s.kinds.Lookup(string(rel.Kind))
		if err != nil || !other.Watchable() {
			continue
		}
		oh, err := s.owner.Informer(other)
		if err != nil {
			continue
		}
		rel, other := rel, other
		w.add(oh, func(obj any, _ bool) {
			if w.relates(rel, other, obj) {
				s.objectChanged(w, false)
			}
		})
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		w.stop()
		return "", ErrStopped
	}
	s.watches[id] = w
	s.mu.Unlock()
	s.holdMetrics(id, k, namespace)
	return id, nil
}

// UnwatchDetails stops following a details panel; an unknown id is not an
// error (the panel of an older session).
func (s *Session) UnwatchDetails(id string) {
	s.mu.Lock()
	w, ok := s.watches[id]
	delete(s.watches, id)
	s.mu.Unlock()
	if ok {
		w.stop()
		s.notices.Forget(id)
	}
	s.releaseMetrics(id)
}

// unwatchKind ends the watches of a kind that went or changed, telling
// their panels: the page reads the details again and shows what is left.
func (s *Session) unwatchKind(id kinds.ID) {
	s.mu.Lock()
	var gone []*detailsWatch
	for wid, w := range s.watches {
		if w.kind.ID == id {
			gone = append(gone, w)
			delete(s.watches, wid)
		}
	}
	s.mu.Unlock()
	for _, w := range gone {
		w.stop()
		s.releaseMetrics(w.id)
		s.objectChanged(w, true)
	}
}

func (s *Session) objectChanged(w *detailsWatch, gone bool) {
	s.notices.Notify(w.id, model.EventObjectChanged, model.ObjectNotice{
		WatchID: w.id, Generation: s.Generation, Version: w.version.Add(1), Gone: gone,
	})
}

func (w *detailsWatch) add(h *informer.Handle, changed func(obj any, deleted bool)) {
	reg := h.Subscribe(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { changed(obj, false) },
		UpdateFunc: func(_, obj any) { changed(obj, false) },
		DeleteFunc: func(obj any) {
			if gone, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
				obj = gone.Obj
			}
			changed(obj, true)
		},
	})
	w.mu.Lock()
	w.subs = append(w.subs, subscription{h: h, reg: reg})
	w.mu.Unlock()
}

func (w *detailsWatch) stop() {
	w.mu.Lock()
	subs := w.subs
	w.subs = nil
	w.mu.Unlock()
	for _, sub := range subs {
		sub.h.Unsubscribe(sub.reg)
	}
}

// seen records the object as cached now: its UID finds its events and
// dependents, its fields its related objects.
func (w *detailsWatch) seen(obj any) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	w.mu.Lock()
	w.obj, w.uid = obj, string(m.GetUID())
	w.mu.Unlock()
}

func (w *detailsWatch) current() (any, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.obj, w.uid
}

// about reports whether an event is about the watched object.
func (w *detailsWatch) about(e *corev1.Event) bool {
	if _, uid := w.current(); uid != "" && string(e.InvolvedObject.UID) == uid {
		return true
	}
	return e.InvolvedObject.Name == w.name && e.InvolvedObject.Namespace == w.namespace && e.InvolvedObject.Kind == w.kind.APIKind
}

// relates reports whether obj, of kind other, is related to the watched
// object by rel (as its details would list it, before or after a change).
func (w *detailsWatch) relates(rel kinds.Relation, other *kinds.Kind, obj any) bool {
	self, uid := w.current()
	m, err := meta.Accessor(obj)
	if err != nil || self == nil {
		return false
	}
	switch {
	case rel.Owned:
		return slices.ContainsFunc(m.GetOwnerReferences(), func(r metav1.OwnerReference) bool { return string(r.UID) == uid })
	case rel.Selector != nil:
		sel := rel.Selector(self)
		return sel != nil && (!other.Namespaced || m.GetNamespace() == w.namespace) && sel.Matches(labels.Set(m.GetLabels()))
	case rel.IndexKey != nil:
		index := other.AllIndexers()[rel.Index]
		if index == nil {
			return false
		}
		keys, _ := index(obj)
		return slices.Contains(keys, rel.IndexKey(self))
	case rel.Names != nil:
		return (!other.Namespaced || m.GetNamespace() == w.namespace) && slices.Contains(rel.Names(self), m.GetName())
	case rel.Refs != nil:
		return slices.Contains(rel.Refs(self), types.NamespacedName{Namespace: m.GetNamespace(), Name: m.GetName()})
	}
	return false
}
