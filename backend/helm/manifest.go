package helm

import (
	"bufio"
	"strings"

	"sigs.k8s.io/yaml"
)

// Resource is one object a release's manifest creates.
type Resource struct {
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
}

// MaxResources bounds the resources read from one manifest.
const MaxResources = 2000

// Resources lists the objects of a rendered manifest (YAML documents
// separated by "---" lines), in manifest order. Documents that are not
// objects (empty, comments, no kind or name) are skipped; a namespaced
// object without a namespace is in the release's (ns): the page decides
// by the kind whether it is namespaced.
func Resources(manifest, ns string) []Resource {
	var out []Resource
	for _, doc := range documents(manifest) {
		if len(out) >= MaxResources {
			break
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil || head.Kind == "" || head.Metadata.Name == "" {
			continue
		}
		r := Resource{APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace}
		if r.Namespace == "" {
			r.Namespace = ns
		}
		out = append(out, r)
	}
	return out
}

// documents splits a YAML stream at its "---" lines.
func documents(s string) []string {
	var docs []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 0, 64<<10), len(s)+1)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "---") && strings.TrimSpace(strings.TrimLeft(line, "-")) == "" || strings.HasPrefix(line, "--- ") {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	return append(docs, cur.String())
}
