package main

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Request phases of the requests child: until the pods have synced, and
// while views are opened and closed afterwards.
const (
	phaseStart = "start"
	phaseViews = "views"
)

// requestKey is one line of the request counts.
type requestKey struct {
	Phase    string `json:"phase"`
	Verb     string `json:"verb"`     // LIST, WATCH, GET, CREATE, ... or DISCOVERY
	Resource string `json:"resource"` // pods, deployments.apps, pods/log, or a non-resource path
}

// RequestCount is how many requests of one key were made.
type RequestCount struct {
	requestKey
	Count int `json:"count"`
}

// requestCounter is an http.RoundTripper that counts the requests passing
// through it by phase, verb and resource. Its methods may be called from
// any goroutine.
type requestCounter struct {
	next http.RoundTripper

	mu     sync.Mutex
	phase  string
	counts map[requestKey]int
}

func newRequestCounter() *requestCounter {
	return &requestCounter{phase: phaseStart, counts: map[requestKey]int{}}
}

// wrap is a transport.WrapperFunc: the session's transport, counted. One
// counter may wrap several transports.
func (c *requestCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		verb, resource := classify(req)
		c.mu.Lock()
		c.counts[requestKey{Phase: c.phase, Verb: verb, Resource: resource}]++
		c.mu.Unlock()
		return rt.RoundTrip(req)
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// setPhase counts the requests from now on under phase.
func (c *requestCounter) setPhase(phase string) {
	c.mu.Lock()
	c.phase = phase
	c.mu.Unlock()
}

// snapshot returns the counts so far, sorted.
func (c *requestCounter) snapshot() []RequestCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]RequestCount, 0, len(c.counts))
	for k, n := range c.counts {
		out = append(out, RequestCount{requestKey: k, Count: n})
	}
	slices.SortFunc(out, func(a, b RequestCount) int {
		return cmp.Or(cmp.Compare(a.Phase, b.Phase), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Verb, b.Verb))
	})
	return out
}

// classify names a Kubernetes API request by verb and resource, the way the
// API server's audit log does: a GET of a collection is a LIST, with
// watch=true a WATCH. The resource carries its group (deployments.apps) and
// subresource (pods/log); requests outside /api and /apis resources
// (discovery, /version) are DISCOVERY of their path.
func classify(req *http.Request) (verb, resource string) {
	path := strings.Trim(req.URL.Path, "/")
	parts := strings.Split(path, "/")
	var group string
	var rest []string
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		rest = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		group, rest = parts[1], parts[3:]
	default:
		return "DISCOVERY", "/" + path
	}
	watch := req.URL.Query().Get("watch") == "true" || req.URL.Query().Get("watch") == "1"
	if rest[0] == "watch" && len(rest) > 1 { // the deprecated /watch/ paths
		rest, watch = rest[1:], true
	}
	if len(rest) >= 3 && rest[0] == "namespaces" {
		rest = rest[2:] // a namespaced resource
	}
	resource = rest[0]
	if group != "" {
		resource += "." + group
	}
	named := len(rest) >= 2
	if len(rest) >= 3 {
		resource += "/" + rest[2]
	}
	switch req.Method {
	case http.MethodGet:
		switch {
		case watch:
			verb = "WATCH"
		case named:
			verb = "GET"
		default:
			verb = "LIST"
		}
	case http.MethodPost:
		verb = "CREATE"
	case http.MethodPut:
		verb = "UPDATE"
	case http.MethodPatch:
		verb = "PATCH"
	case http.MethodDelete:
		verb = "DELETE"
		if !named {
			verb = "DELETECOLLECTION"
		}
	default:
		verb = req.Method
	}
	return verb, resource
}

// RequestReport is what the requests child prints: the counts, and what it
// did to make them.
type RequestReport struct {
	Pods        int            `json:"pods"`
	PeriodS     float64        `json:"periodS"`
	ViewsOpened int            `json:"viewsOpened"`
	Counts      []RequestCount `json:"counts"`
}

// KindRequests sums a resource's LISTs and WATCHes over the whole session,
// and the reads of it made while views came and went.
type KindRequests struct {
	Resource string `json:"resource"`
	Lists    int    `json:"lists"`
	Watches  int    `json:"watches"`
	// ViewsGets is the GETs and LISTs during the views phase beyond the
	// kind's first LIST: polling, if anything.
	ViewsReads int `json:"viewsReads"`
}

// accessReviews are the resources access checks create; they are reported
// apart from the reads of cached kinds.
var accessReviews = []string{
	"selfsubjectaccessreviews.authorization.k8s.io",
	"selfsubjectrulesreviews.authorization.k8s.io",
}

// byKind folds the counts into one line per resource that was listed or
// watched; everything else (access reviews, discovery, single GETs of other
// resources) is left in the raw counts.
func (r RequestReport) byKind() []KindRequests {
	m := map[string]*KindRequests{}
	get := func(res string) *KindRequests {
		if m[res] == nil {
			m[res] = &KindRequests{Resource: res}
		}
		return m[res]
	}
	for _, c := range r.Counts {
		if c.Verb == "DISCOVERY" || slices.Contains(accessReviews, c.Resource) {
			continue
		}
		switch c.Verb {
		case "LIST":
			get(c.Resource).Lists += c.Count
		case "WATCH":
			get(c.Resource).Watches += c.Count
		}
	}
	for _, c := range r.Counts {
		k := m[c.Resource]
		if k == nil || c.Phase != phaseViews || (c.Verb != "LIST" && c.Verb != "GET") {
			continue
		}
		k.ViewsReads += c.Count
	}
	// The first LIST of a kind whose informer started during the views
	// phase is its initial list, not a repeat.
	for _, k := range m {
		if k.ViewsReads > 0 && k.Lists > 0 && startCount(r.Counts, k.Resource) == 0 {
			k.ViewsReads--
		}
	}
	out := make([]KindRequests, 0, len(m))
	for _, k := range m {
		out = append(out, *k)
	}
	slices.SortFunc(out, func(a, b KindRequests) int { return cmp.Compare(a.Resource, b.Resource) })
	return out
}

// startCount is the LISTs and WATCHes of res before the views phase.
func startCount(counts []RequestCount, res string) int {
	n := 0
	for _, c := range counts {
		if c.Phase == phaseStart && c.Resource == res && (c.Verb == "LIST" || c.Verb == "WATCH") {
			n += c.Count
		}
	}
	return n
}

// accessChecks is the access-review requests of each phase.
func (r RequestReport) accessChecks() (start, views int) {
	for _, c := range r.Counts {
		if !slices.Contains(accessReviews, c.Resource) {
			continue
		}
		if c.Phase == phaseStart {
			start += c.Count
		} else {
			views += c.Count
		}
	}
	return start, views
}
