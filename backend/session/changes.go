package session

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"crowsnest/backend/actions"
	"crowsnest/backend/changes"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// The change timeline of a session: the recorder (backend/changes) hears
// every kind's informer (informer.Observer) and the session's connection
// (Lost/Regained in setPhase); Changes views are the session's, like table
// views, and their notices go through the same Coalescer.

// timelineLimit is the most entries of one object a Timeline returns.
const timelineLimit = 500

// maxChangeViews bounds the Changes views open at once.
const maxChangeViews = 16

type changeViews struct {
	mu    sync.Mutex
	views map[string]*changes.View
}

// newRecorder builds the session's recorder; its notices go to the views'
// keys through the session's Coalescer.
func (s *Session) newRecorder() *changes.Recorder {
	return changes.New(changes.Options{OnChange: func(views []*changes.View) {
		for _, v := range views {
			version, count, _ := v.Info()
			s.notices.Notify(v.ID, model.EventChangesChanged, model.ChangesNotice{ViewID: v.ID, Generation: s.Generation, Version: version, Count: count})
		}
	}})
}

// Changes is the session's recorder.
func (s *Session) Changes() *changes.Recorder { return s.changes }

// SetChangeBudget sets the bytes the recorded changes may take.
func (s *Session) SetChangeBudget(bytes int) { s.changes.SetBudget(bytes) }

// OpenChanges opens a Changes view: the observed changes that match f,
// newest first.
func (s *Session) OpenChanges(f model.ChangeFilter) (model.ChangeViewInfo, error) {
	if err := s.checkFilter(f); err != nil {
		return model.ChangeViewInfo{}, err
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return model.ChangeViewInfo{}, ErrStopped
	}
	id := s.newIDLocked("c")
	s.mu.Unlock()
	s.changeViews.mu.Lock()
	defer s.changeViews.mu.Unlock()
	if len(s.changeViews.views) >= maxChangeViews {
		return model.ChangeViewInfo{}, errors.New("too many Changes views open")
	}
	if s.changeViews.views == nil {
		s.changeViews.views = map[string]*changes.View{}
	}
	v := s.changes.Open(id, f)
	s.changeViews.views[id] = v
	return s.changeInfo(v), nil
}

func (s *Session) checkFilter(f model.ChangeFilter) error {
	if f.Kind != "" {
		if _, err := s.Kind(f.Kind); err != nil {
			return err
		}
	}
	for _, v := range []string{f.Namespace, f.Manager, f.Path, f.Text} {
		if len(v) > 256 {
			return errors.New("filter too long")
		}
	}
	return nil
}

func (s *Session) changeInfo(v *changes.View) model.ChangeViewInfo {
	version, count, stats := v.Info()
	return model.ChangeViewInfo{ID: v.ID, Generation: s.Generation, Version: version, Count: count, ChangeStats: stats}
}

func (s *Session) changeView(id string) (*changes.View, error) {
	s.changeViews.mu.Lock()
	defer s.changeViews.mu.Unlock()
	v, ok := s.changeViews.views[id]
	if !ok {
		return nil, fmt.Errorf("no Changes view %q", id)
	}
	return v, nil
}

// UpdateChanges changes a Changes view's filter.
func (s *Session) UpdateChanges(id string, f model.ChangeFilter) (model.ChangeViewInfo, error) {
	if err := s.checkFilter(f); err != nil {
		return model.ChangeViewInfo{}, err
	}
	v, err := s.changeView(id)
	if err != nil {
		return model.ChangeViewInfo{}, err
	}
	v.Update(f)
	return s.changeInfo(v), nil
}

// ChangesWindow returns entries [offset, offset+limit) of a Changes view,
// newest first.
func (s *Session) ChangesWindow(id string, offset, limit int) (model.ChangeWindow, error) {
	v, err := s.changeView(id)
	if err != nil {
		return model.ChangeWindow{}, err
	}
	w := v.Window(offset, limit)
	w.Generation = s.Generation
	return w, nil
}

// CloseChanges closes a Changes view.
func (s *Session) CloseChanges(id string) {
	s.changeViews.mu.Lock()
	v, ok := s.changeViews.views[id]
	delete(s.changeViews.views, id)
	s.changeViews.mu.Unlock()
	if ok {
		v.Close()
		s.notices.Forget(id)
	}
}

// closeChangeViews closes every Changes view (the session stops).
func (s *Session) closeChangeViews() {
	s.changeViews.mu.Lock()
	views := s.changeViews.views
	s.changeViews.views = nil
	s.changeViews.mu.Unlock()
	for _, v := range views {
		v.Close()
	}
}

// ChangeEntry returns a whole entry (every field, values as kept).
func (s *Session) ChangeEntry(seq uint64) (model.ChangeEntry, error) {
	e, ok := s.changes.Get(seq)
	if !ok {
		return model.ChangeEntry{}, fmt.Errorf("change %d is no longer kept", seq)
	}
	return changes.Model(&e, 0, 0), nil
}

// Timeline returns an object's observed changes and its kind's gaps,
// newest first, and for Deployments the rollout revisions in the cache.
func (s *Session) Timeline(k *kinds.Kind, ns, name string) (model.Timeline, error) {
	t := model.Timeline{Generation: s.Generation, Entries: []model.ChangeEntry{}, Revisions: []model.Revision{},
		Note: changes.Note(k), ChangeStats: s.changes.Stats()}
	for _, e := range s.changes.Of(k.ID, ns, name, timelineLimit) {
		t.Entries = append(t.Entries, changes.Model(&e, 0, 0))
	}
	if k.ID == kinds.Deployments {
		t.Revisions = s.revisions(ns, name)
	}
	return t, nil
}

// revisions are a Deployment's ReplicaSets from the cache, newest revision
// first.
func (s *Session) revisions(ns, name string) []model.Revision {
	out := []model.Revision{}
	dk, rk := kinds.Builtin(kinds.Deployments), kinds.Builtin(kinds.ReplicaSets)
	c := s.access.Cache()
	obj, ok, err := c.Get(dk, ns, name)
	if err != nil || !ok {
		return out
	}
	d, ok := obj.(*appsv1.Deployment)
	if !ok {
		return out
	}
	if _, err := s.owner.Informer(rk); err != nil {
		return out
	}
	sets, err := c.Dependents(rk, string(d.UID))
	if err != nil {
		return out
	}
	for _, o := range sets {
		rs, ok := o.(*appsv1.ReplicaSet)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(rs.Annotations[actions.RevisionAnnotation], 10, 64)
		if err != nil {
			continue
		}
		r := model.Revision{Revision: n, ReplicaSet: rs.Name, Created: rs.CreationTimestamp.Unix(),
			Current: rs.Annotations[actions.RevisionAnnotation] == d.Annotations[actions.RevisionAnnotation]}
		for _, c := range rs.Spec.Template.Spec.Containers {
			r.Images = append(r.Images, c.Image)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Revision > out[j].Revision })
	return out
}

// restorable are the kinds whose entries can be compared with now and
// restored through the editor.
func restorable(k *kinds.Kind) bool {
	return k != nil && (k.ID == kinds.Deployments || k.ID == kinds.ConfigMaps)
}

// entryOf returns a kept entry of a restorable kind's update.
func (s *Session) entryOf(seq uint64) (changes.Entry, error) {
	e, ok := s.changes.Get(seq)
	if !ok {
		return e, fmt.Errorf("change %d is no longer kept", seq)
	}
	if e.Op != changes.Updated || e.Object == nil || !restorable(e.Object.Kind) {
		return e, errors.New("only changes of Deployments and ConfigMaps can be compared and restored")
	}
	return e, nil
}

// CompareChange returns an entry's fields with their values now, from the
// cache.
func (s *Session) CompareChange(seq uint64) (model.ChangeCompare, error) {
	e, err := s.entryOf(seq)
	if err != nil {
		return model.ChangeCompare{}, err
	}
	out := model.ChangeCompare{Entry: changes.Model(&e, 0, 0), Now: make([]string, len(e.Fields))}
	o := e.Object
	obj, ok, err := s.access.Cache().Get(o.Kind, o.Namespace, o.Name)
	if err != nil {
		return out, err
	}
	if !ok {
		return out, nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return out, err
	}
	out.Exists = true
	for i, f := range e.Fields {
		out.Now[i] = changes.ValueAt(m, f.Path)
	}
	return out, nil
}

// BeginRestore begins an edit of the entry's object whose text is the
// live object with the entry's fields set back to their old values: the
// page previews it (a server dry-run) and applies it as any edit, after a
// confirmation. Nothing is written here.
func (s *Session) BeginRestore(seq uint64) (model.EditInfo, error) {
	e, err := s.entryOf(seq)
	if err != nil {
		return model.EditInfo{}, err
	}
	o := e.Object
	return s.beginEdit(o.Kind, o.Namespace, o.Name, func(obj map[string]any) error {
		return changes.Restore(obj, e.Fields)
	})
}
