// Package helm reads Helm releases the way Helm's Secrets storage driver
// writes them, without the Helm library: each revision of a release is a
// Secret of type helm.sh/release.v1, labelled owner=helm, name=<release>,
// version=<revision>, status=<status>, whose data key "release" holds the
// release as base64 text of gzip of JSON. Everything here is pure: it
// parses what a cluster sent (untrusted) and never panics on it.
package helm

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// SecretType is the type of the Secrets Helm stores releases in.
const SecretType = "helm.sh/release.v1"

// The labels Helm puts on a release Secret, and the selector of all of them.
const (
	LabelOwner   = "owner"
	LabelName    = "name"
	LabelVersion = "version"
	LabelStatus  = "status"
	OwnerHelm    = "helm"
	Selector     = LabelOwner + "=" + OwnerHelm
	// DataKey is the Secret's data key that holds the release.
	DataKey = "release"
)

// MaxRelease bounds a release's decompressed JSON: a Secret holds at most
// 1 MiB, and gzip of a manifest rarely gains more than 30 times.
const MaxRelease = 64 << 20

// Errors of Decode, one per layer, so that a report says which one broke.
var (
	ErrBase64 = errors.New("not base64")
	ErrGzip   = errors.New("not gzip")
	ErrJSON   = errors.New("not a release (JSON)")
)

// Release is what Crowsnest reads of a stored release. Field names are
// those of Helm's JSON.
type Release struct {
	Name      string         `json:"name"`
	Namespace string         `json:"namespace"`
	Version   int            `json:"version"`
	Info      Info           `json:"info"`
	Chart     Chart          `json:"chart"`
	Config    map[string]any `json:"config"`
	Manifest  string         `json:"manifest"`
}

// Info is a revision's state.
type Info struct {
	FirstDeployed Time   `json:"first_deployed"`
	LastDeployed  Time   `json:"last_deployed"`
	Description   string `json:"description"`
	Status        string `json:"status"`
	Notes         string `json:"notes"`
}

// Time is a time in a release's JSON; empty or invalid is zero (Helm
// writes "" for times it never set).
type Time struct{ time.Time }

// UnmarshalJSON reads a time, taking anything but RFC 3339 as zero.
func (t *Time) UnmarshalJSON(data []byte) error {
	if json.Unmarshal(data, &t.Time) != nil {
		t.Time = time.Time{}
	}
	return nil
}

// Chart is the chart a revision was made from: its metadata and default
// values (its templates and files are not read).
type Chart struct {
	Metadata ChartMetadata  `json:"metadata"`
	Values   map[string]any `json:"values"`
}

// ChartMetadata is what Chart.yaml says of the chart.
type ChartMetadata struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	AppVersion string `json:"appVersion"`
}

// Label is the chart as Helm lists it: "name-version".
func (c ChartMetadata) Label() string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + "-" + c.Version
}

// Decode reads a release from the value of a release Secret's "release"
// key: base64 text of gzip (or, for releases stored before Helm compressed
// them, plain) JSON.
func Decode(data []byte) (*Release, error) {
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(data)))
	n, err := base64.StdEncoding.Decode(raw, bytes.TrimSpace(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBase64, err)
	}
	raw = raw[:n]
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrGzip, err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, MaxRelease+1))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrGzip, err)
		}
		if len(raw) > MaxRelease {
			return nil, fmt.Errorf("%w: larger than %d MiB", ErrGzip, MaxRelease>>20)
		}
	} else if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("%w: neither gzip nor JSON", ErrGzip)
	}
	var r Release
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJSON, err)
	}
	return &r, nil
}

// Encode writes a release as Helm's Secrets driver stores it (base64 text
// of gzip of JSON). The demo seed and tests write release Secrets with it.
func Encode(r any) ([]byte, error) {
	js, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(js); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	out := make([]byte, base64.StdEncoding.EncodedLen(buf.Len()))
	base64.StdEncoding.Encode(out, buf.Bytes())
	return out, nil
}

// SecretName is the name Helm gives a revision's Secret.
func SecretName(release string, revision int) string {
	return fmt.Sprintf("sh.helm.release.v1.%s.v%d", release, revision)
}
