package model

// EditInfo is an edit begun from the live object: its id, and the
// resourceVersion the edit is based on (the update carries it). The text
// to edit is fetched from the edit handler (session.EditPath).
type EditInfo struct {
	ID              string `json:"id"`
	Generation      uint64 `json:"generation"`
	ResourceVersion string `json:"resourceVersion"`
	// Secret: the text hides values (Redacted) until revealed key by key;
	// a key left hidden keeps its live value.
	Secret bool `json:"secret,omitempty"`
}

// YAMLError is a text that is not valid YAML or not an object, and
// where: line and column from 1 (0: unknown), document from 0.
type YAMLError struct {
	Document int    `json:"document"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Message  string `json:"message"`
}

// EditPreview is the answer to a preview (served by the edit handler,
// since the diff can be large). Either Token and Diff (the update as the
// server would store it, dryRun=All, against the live object; "" when
// nothing would change), or YAMLError, or Error (the API's message as
// is), or Rebase when the object changed since the edit began.
type EditPreview struct {
	Token     string     `json:"token,omitempty"`
	Diff      string     `json:"diff"`
	YAMLError *YAMLError `json:"yamlError,omitempty"`
	Error     string     `json:"error,omitempty"`
	Rebase    *Rebase    `json:"rebase,omitempty"`
}

// Rebase says that the object changed since the edit began: the edit is
// now based on the live object (ResourceVersion) and its text is the
// three-way merge of the two changes. Without Conflicts the merge is
// clean and must be previewed again before it is applied; with them,
// the text keeps your values at the conflicting fields.
type Rebase struct {
	ResourceVersion string         `json:"resourceVersion"`
	Conflicts       []EditConflict `json:"conflicts,omitempty"`
}

// EditConflict is a field changed on both sides to different values,
// as compact JSON ("" for removed).
type EditConflict struct {
	Path  string `json:"path"`
	Live  string `json:"live"`
	Yours string `json:"yours"`
}

// Edit results.
const (
	EditApplied = "applied"
	EditRebased = "rebased"
)

// EditResult is the answer to applying a previewed edit: applied (the
// new resourceVersion), or rebased (a 409: nothing was written; see
// Rebase).
type EditResult struct {
	State           string  `json:"state"`
	ResourceVersion string  `json:"resourceVersion,omitempty"`
	Rebase          *Rebase `json:"rebase,omitempty"`
}

// ApplyDocument is one document of a "Create / apply YAML" preview: the
// object, whether it exists, the diff the server-side apply would make
// (dryRun=All), or why it cannot be applied.
type ApplyDocument struct {
	Index      int    `json:"index"`
	Line       int    `json:"line"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// KindID is the session's kind ("deployments"), "" when unknown.
	KindID    string `json:"kindId,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Exists    bool   `json:"exists"`
	Diff      string `json:"diff"`
	// Conflicts are fields another manager owns that this apply would
	// change: applying needs force.
	Conflicts []FieldConflict `json:"conflicts,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// FieldConflict is a field owned by another field manager.
type FieldConflict struct {
	Field   string `json:"field"`
	Manager string `json:"manager"`
	Message string `json:"message"`
}

// ApplyPreview is the answer to previewing a text of documents (served by
// the apply handler). Token names what was previewed, to apply it.
type ApplyPreview struct {
	Token     string          `json:"token,omitempty"`
	Documents []ApplyDocument `json:"documents"`
	YAMLError *YAMLError      `json:"yamlError,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// Apply results per document.
const (
	ApplyCreated    = "created"
	ApplyConfigured = "configured"
	ApplyUnchanged  = "unchanged"
	ApplyConflict   = "conflict"
	ApplyFailed     = "error"
)

// ApplyResult is what applying one document did.
type ApplyResult struct {
	Index     int             `json:"index"`
	Kind      string          `json:"kind"`
	Namespace string          `json:"namespace,omitempty"`
	Name      string          `json:"name"`
	State     string          `json:"state"`
	Conflicts []FieldConflict `json:"conflicts,omitempty"`
	Error     string          `json:"error,omitempty"`
}
