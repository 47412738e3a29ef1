package model

const (
	// FeatureHelm: the kind's objects are Helm releases; the page shows
	// their history, values, manifest and resources (App.HelmRelease).
	FeatureHelm = "helm"
	// FeatureNoYAML: the kind's objects have no YAML of their own (they
	// are made from other objects), so the page offers no YAML tab.
	FeatureNoYAML = "noyaml"
)

// HelmRelease answers App.HelmRelease: a release read from its Secrets
// now (never cached). Values are listed without their values
// (HelmValueLeaf); each is read on request with App.RevealHelmValue. The
// manifest is fetched from HelmManifestPath.
type HelmRelease struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Revision is the latest revision, the one Values, Notes and
	// Resources are of.
	Revision  int            `json:"revision"`
	History   []HelmRevision `json:"history"`
	Config    HelmValues     `json:"config"`
	Computed  HelmValues     `json:"computed"`
	Notes     string         `json:"notes"`
	NotesCut  bool           `json:"notesCut,omitempty"`
	Resources []HelmResource `json:"resources"`
	// Problem says why the latest revision could not be read (its values,
	// notes and resources are then empty).
	Problem string `json:"problem,omitempty"`
}

// HelmRevision is one revision of a release's history.
type HelmRevision struct {
	Revision    int    `json:"revision"`
	Status      string `json:"status"`
	Health      string `json:"health"`
	Updated     int64  `json:"updated"` // Unix seconds
	Chart       string `json:"chart"`
	AppVersion  string `json:"appVersion"`
	Description string `json:"description"`
	Secret      string `json:"secret"`
	Problem     string `json:"problem,omitempty"`
}

// HelmValues is a set of values without the values: one leaf per value.
type HelmValues struct {
	Leaves []HelmValueLeaf `json:"leaves"`
	// More counts the leaves left out beyond the listed ones.
	More int `json:"more,omitempty"`
}

// HelmValueLeaf is one value's place, type and size; never its value.
type HelmValueLeaf struct {
	Path    []string `json:"path"`
	Display string   `json:"display"`
	Type    string   `json:"type"`
	Size    int      `json:"size"`
}

// HelmResource is an object the release's manifest creates. Kind is the
// session's kind id when the session knows the kind (the page links it).
type HelmResource struct {
	APIVersion string `json:"apiVersion"`
	APIKind    string `json:"apiKind"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Key        string `json:"key"`
}
