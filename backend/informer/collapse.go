package informer

import (
	"sync"

	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
)

// collapser is the event handler of one informer of a kind that collapses
// several stored objects into one (kinds.Kind.Collapse: a Helm release of
// its revisions' Secrets). It keeps the members of each collapsed object,
// keeps the collapsed objects in a store of their own (with the kind's
// indexes), and hands the changes of collapsed objects, not of members,
// to next: the Handle's counts and subscribers see releases, not Secrets.
//
// Its methods are called by the informer's handler goroutine, one at a
// time; the store may be read from any goroutine.
type collapser struct {
	kind  *kinds.Kind
	next  cache.ResourceEventHandler
	store cache.Indexer

	mu      sync.Mutex
	members map[string]map[string]any // collapsed key -> member key -> member
	groupOf map[string]string         // member key -> collapsed key
}

func newCollapser(k *kinds.Kind, next cache.ResourceEventHandler) *collapser {
	indexers := cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}
	for name, f := range k.AllIndexers() {
		indexers[name] = f
	}
	return &collapser{
		kind: k, next: next,
		store:   cache.NewIndexer(cache.MetaNamespaceKeyFunc, indexers),
		members: map[string]map[string]any{},
		groupOf: map[string]string{},
	}
}

func (c *collapser) OnAdd(obj any, _ bool) { c.change(obj, false) }
func (c *collapser) OnUpdate(_, obj any)   { c.change(obj, false) }
func (c *collapser) OnDelete(obj any)      { c.change(obj, true) }

// change records a member added, changed or deleted, and brings the
// collapsed objects it belonged to and belongs to up to date.
func (c *collapser) change(obj any, deleted bool) {
	if gone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		c.changeKey(gone.Key, gone.Obj, true)
		return
	}
	key, err := cache.MetaNamespaceKeyFunc(obj)
	if err != nil {
		return
	}
	c.changeKey(key, obj, deleted)
}

func (c *collapser) changeKey(key string, obj any, deleted bool) {
	c.mu.Lock()
	was, had := c.groupOf[key]
	now := ""
	if !deleted {
		now = c.kind.CollapseKey(obj)
	}
	if had && was != now {
		delete(c.members[was], key)
		delete(c.groupOf, key)
	}
	if now != "" {
		if c.members[now] == nil {
			c.members[now] = map[string]any{}
		}
		c.members[now][key] = obj
		c.groupOf[key] = now
	}
	c.mu.Unlock()
	if had && was != now {
		c.refresh(was)
	}
	if now != "" {
		c.refresh(now)
	}
}

// refresh makes the collapsed object of key again from its members.
func (c *collapser) refresh(key string) {
	c.mu.Lock()
	ms := c.members[key]
	objs := make([]any, 0, len(ms))
	for _, m := range ms {
		objs = append(objs, m)
	}
	if len(ms) == 0 {
		delete(c.members, key)
	}
	c.mu.Unlock()
	before, had, _ := c.store.GetByKey(key)
	var after any
	if len(objs) > 0 {
		after = c.kind.Collapse(objs)
	}
	switch {
	case after == nil && had:
		_ = c.store.Delete(before)
		c.next.OnDelete(before)
	case after == nil:
	case had:
		_ = c.store.Update(after)
		c.next.OnUpdate(before, after)
	default:
		_ = c.store.Add(after)
		c.next.OnAdd(after, false)
	}
}
