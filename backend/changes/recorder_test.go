package changes_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/changes"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func entries(r *changes.Recorder) []model.ChangeEntry {
	v := r.Open("t", model.ChangeFilter{})
	defer v.Close()
	return v.Window(0, 100).Entries
}

func reasons(es []model.ChangeEntry) []string {
	var out []string
	for _, e := range es {
		if e.Op == model.ChangeGap {
			out = append(out, e.Reason)
		} else {
			out = append(out, e.Op+" "+e.Name)
		}
	}
	return out
}

// TestGapsAndLists: the first list is no change, a list delivered twice
// before the handler saw it is no relist, a list of a version the handler
// has seen is; a lost connection is a gap from then to its return; a
// resync (the same resourceVersion) and a watch error are handled.
func TestGapsAndLists(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	r := changes.New(changes.Options{Now: func() time.Time { now = now.Add(time.Second); return now }})
	k := kinds.Builtin(kinds.Deployments)
	d := deploymentAt(1, 0)
	r.Started(k)
	r.Received(k, d.DeepCopy()) // a watch-list's event
	r.Received(k, d.DeepCopy()) // and its replace
	stripped := d.DeepCopy()
	stripped.ManagedFields = nil
	r.Added(k, stripped, true)
	r.Updated(k, stripped, stripped) // a resync
	assert.Equal(t, []string{"watch started", "session started"}, reasons(entries(r)))

	r.Received(k, d.DeepCopy()) // listed again, unchanged
	r.Lost("connection refused")
	r.Regained()
	r.WatchFailed(k, errors.New("too old resource version"))
	got := entries(r)
	assert.Equal(t, []string{"watch failed: too old resource version", "connection lost: connection refused", "relisted", "watch started", "session started"}, reasons(got))
	assert.Less(t, got[1].GapFrom, got[1].GapTo)

	// A deletion found by a relist is recorded, and marks nothing twice
	// within 30 s.
	r.Deleted(k, cache.DeletedFinalStateUnknown{Key: "ns-1/web-1", Obj: stripped})
	assert.Equal(t, "deleted web-1", reasons(entries(r))[0])
}

// TestSecretsAreChangedNeverValues: a Secret's metadata-only update is an
// entry whose data "changed", with no value.
func TestSecretsAreChangedNeverValues(t *testing.T) {
	r := changes.New(changes.Options{})
	k := kinds.Builtin(kinds.Secrets)
	old := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop", UID: "s1", ResourceVersion: "1"}}
	cur := old.DeepCopy()
	cur.ResourceVersion = "2"
	r.Updated(k, old, cur)
	es := entries(r)
	require.Equal(t, model.ChangeUpdated, es[0].Op)
	assert.Equal(t, []model.FieldChange{{Path: "data", Hidden: true}}, es[0].Fields)
	assert.Contains(t, es[0].Note, "never a value")
}

// TestBudgetDropsOldestAndViewsFollow: beyond the budget the oldest
// entries go, views lose them too, and the stats say how many and until
// when.
func TestBudgetDropsOldestAndViewsFollow(t *testing.T) {
	r := changes.New(changes.Options{Budget: 64 << 10})
	v := r.Open("v", model.ChangeFilter{Kind: "configmaps", Namespace: "shop"})
	k := kinds.Builtin(kinds.ConfigMaps)
	prev := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "shop", UID: "c1", ResourceVersion: "0"}, Data: map[string]string{"k": "0"}}
	for i := 1; i <= 2000; i++ {
		cur := prev.DeepCopy()
		cur.ResourceVersion = string(rune('a'+i%26)) + time.Duration(i).String()
		cur.Data = map[string]string{"k": time.Duration(i).String()}
		r.Updated(k, prev, cur)
		prev = cur
	}
	st := r.Stats()
	assert.LessOrEqual(t, st.Bytes, 64<<10)
	assert.Positive(t, st.Dropped)
	_, count, _ := v.Info()
	assert.Equal(t, st.Entries, count, "every kept entry is the view's (the session's gap was the first to go)")
	w := v.Window(0, 1)
	assert.Equal(t, `"2µs"`, w.Entries[0].Fields[0].New, "newest first")
}
