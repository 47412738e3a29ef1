package model

// The change timeline: what the session observed change in the watch
// stream (backend/changes). "Observed changes", not an audit log: what
// happened while the app was not watching is not there, and the gaps say so.

// Kinds of ChangeEntry.
const (
	ChangeCreated = "created"
	ChangeUpdated = "updated"
	ChangeDeleted = "deleted"
	// ChangeGap marks a time the session did not observe: before it
	// started, while the connection was lost, around a relist.
	ChangeGap = "gap"
)

// FieldChange is one changed field: its path and old and new values as
// JSON text ("" when absent). Hidden fields (a Secret's data) carry no
// values: only that they changed. Cut values were longer than the
// recorder keeps.
type FieldChange struct {
	Path   string `json:"path"`
	Old    string `json:"old"`
	New    string `json:"new"`
	Hidden bool   `json:"hidden,omitempty"`
	Cut    bool   `json:"cut,omitempty"`
	// Managers are indexes into the entry's Managers.
	Managers []int `json:"managers,omitempty"`
}

// FieldManager is a field manager named by an object's managedFields:
// its name, operation (Apply or Update), subresource, and the time of its
// managedFields entry (Unix seconds).
type FieldManager struct {
	Name        string `json:"name"`
	Operation   string `json:"operation"`
	Subresource string `json:"subresource,omitempty"`
	Time        int64  `json:"time"`
}

// ChangeEntry is one observed change of one object, or a gap.
type ChangeEntry struct {
	Seq  uint64 `json:"seq"`
	Time int64  `json:"time"` // observed, Unix ms
	Op   string `json:"op"`   // Change*
	Kind string `json:"kind"`
	// KindLabel is the kind's plural label ("Deployments").
	KindLabel string        `json:"kindLabel"`
	Namespace string        `json:"namespace,omitempty"`
	Name      string        `json:"name,omitempty"`
	UID       string        `json:"uid,omitempty"`
	Fields    []FieldChange `json:"fields"`
	// MoreFields counts changed fields beyond those listed.
	MoreFields int            `json:"moreFields,omitempty"`
	Managers   []FieldManager `json:"managers"`
	// Gaps: not observed from GapFrom (0: ever before) to GapTo (0: until
	// the watch recovered), and why.
	GapFrom int64  `json:"gapFrom,omitempty"`
	GapTo   int64  `json:"gapTo,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Note says what the kind's cache keeps, so what can be diffed: pods
	// and custom resources keep a summary, Secrets their metadata only.
	Note string `json:"note,omitempty"`
}

// ChangeFilter selects the entries of a Changes view. Empty fields match
// everything; Text is a case-insensitive substring of the kind, namespace,
// name, paths, values and managers.
type ChangeFilter struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Manager   string `json:"manager"`
	Path      string `json:"path"`
	Text      string `json:"text"`
}

// ChangeViewInfo answers OpenChanges and UpdateChanges.
type ChangeViewInfo struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	Count      int    `json:"count"`
	ChangeStats
}

// ChangeStats is the recorder's memory: entries kept, their bytes, the
// budget, and what fell out (count and the time of the newest dropped).
type ChangeStats struct {
	Entries      int   `json:"kept"`
	Bytes        int   `json:"bytes"`
	Budget       int   `json:"budget"`
	Dropped      int   `json:"dropped"`
	DroppedUntil int64 `json:"droppedUntil,omitempty"`
}

// ChangeWindow is a slice of a Changes view, newest first, as of Version.
// Its entries list at most a few fields each, values cut short; the whole
// entry is read with ChangeEntry.
type ChangeWindow struct {
	ViewID     string        `json:"viewId"`
	Generation uint64        `json:"generation"`
	Version    uint64        `json:"version"`
	Count      int           `json:"count"`
	Offset     int           `json:"offset"`
	Entries    []ChangeEntry `json:"entries"`
	ChangeStats
}

// ChangesNotice is the payload of EventChangesChanged.
type ChangesNotice struct {
	ViewID     string `json:"viewId"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	Count      int    `json:"count"`
}

// Timeline is one object's observed changes (newest first), its kind's
// gaps among them, and for Deployments its rollout revisions. The page
// merges in the object's events.
type Timeline struct {
	Generation uint64        `json:"generation"`
	Entries    []ChangeEntry `json:"entries"`
	Revisions  []Revision    `json:"revisions"`
	// Note: see ChangeEntry.Note.
	Note string `json:"note,omitempty"`
	ChangeStats
}

// ChangeCompare answers CompareChange: for each field of an entry, its
// value then (old and new) and now (from the cache; "" when absent), and
// whether the object still exists.
type ChangeCompare struct {
	Entry  ChangeEntry `json:"entry"`
	Now    []string    `json:"now"`
	Exists bool        `json:"exists"`
}

// EventChangesChanged tells a Changes view that its entries changed.
const EventChangesChanged = "changes:changed"
