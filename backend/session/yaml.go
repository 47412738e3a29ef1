package session

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"

	"crowsnest/backend/kinds"
)

// MaxYAML bounds a details YAML response; larger objects are cut with a
// note rather than sent whole.
const MaxYAML = 4 << 20

// YAMLPath is where the page fetches an object's YAML.
const YAMLPath = "/api/yaml"

// YAMLHandler serves GET /api/yaml?gen=&kind=&namespace=&name= with the
// object's YAML from the current session (see dao.Access.YAML). Wails mounts
// it behind its AssetServer, so no port is opened. A request naming an older
// session generation gets 409, so a slow response never shows another
// context's object; an object the API server does not have gets 404, and
// any other failure to read it 502.
func YAMLHandler(b *Switchboard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, q := textRequest(b, w, r, YAMLPath)
		if s == nil {
			return
		}
		k, ns, name, err := s.Object(q.Get("kind"), q.Get("namespace"), q.Get("name"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := s.Access().YAML(r.Context(), k, ns, name)
		if err != nil {
			readFailed(w, err)
			return
		}
		writeText(w, out, "the object")
	})
}

// textRequest checks a GET of path that names the current session's
// generation and returns the session and the query; otherwise it answers
// the request (404, 405, 409, 503) and returns nil.
func textRequest(b *Switchboard, w http.ResponseWriter, r *http.Request, path string) (*Session, url.Values) {
	if r.URL.Path != path {
		http.NotFound(w, r)
		return nil, nil
	}
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, nil
	}
	q := r.URL.Query()
	return requestSession(b, w, q), q
}

// readFailed answers a read the API refused: 404 for what it does not
// have, 403 for what the user may not read, 502 for any other failure.
func readFailed(w http.ResponseWriter, err error) {
	status := http.StatusBadGateway
	switch {
	case apierrors.IsNotFound(err):
		status = http.StatusNotFound
	case apierrors.IsForbidden(err):
		status = http.StatusForbidden
	}
	http.Error(w, err.Error(), status)
}

// writeText sends a text, cut at MaxYAML with a note naming what it is.
func writeText(w http.ResponseWriter, out []byte, what string) {
	if len(out) > MaxYAML {
		out = append(out[:MaxYAML:MaxYAML], []byte("\n# … cut: "+what+" is larger than 4 MiB\n")...)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(out)
}

// Object parses a kind, namespace and name from the page before they
// reach any API call: the kind must be one this session serves, the
// namespace (for a namespaced kind) and the name valid object names.
func (s *Session) Object(kind, ns, name string) (*kinds.Kind, string, string, error) {
	k, err := s.Kind(kind)
	if err != nil {
		return nil, "", "", err
	}
	if err := ValidateName(k, ns, name); err != nil {
		return nil, "", "", err
	}
	return k, ns, name, nil
}

// ValidateName checks an object's namespace and name for its kind.
func ValidateName(k *kinds.Kind, ns, name string) error {
	if k.Namespaced {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return errors.New("invalid namespace " + strconv.Quote(ns) + ": " + errs[0])
		}
	} else if ns != "" {
		return errors.New(k.Label + " are not namespaced")
	}
	if name == "" || len(name) > 253 {
		return errors.New("invalid name " + strconv.Quote(name))
	}
	// Event names carry a dot-separated suffix that is not always a DNS
	// subdomain; every other kind's names are.
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 && k.ID != kinds.Events {
		return errors.New("invalid name " + strconv.Quote(name) + ": " + errs[0])
	}
	return nil
}

// requestSession is the current session when the request names its
// generation (gen); otherwise it answers the request (no session 503, an
// older one 409) and returns nil.
func requestSession(b *Switchboard, w http.ResponseWriter, q url.Values) *Session {
	s, err := b.Current()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return nil
	}
	if gen, err := strconv.ParseUint(q.Get("gen"), 10, 64); err != nil || gen != s.Generation {
		http.Error(w, "stale session generation", http.StatusConflict)
		return nil
	}
	return s
}
