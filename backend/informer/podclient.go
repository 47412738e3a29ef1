package informer

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
)

// The pods informer reads the API server's answers with podDecoder, so
// pods enter the process as summaries (podwire.go) and the full decoded
// Pod is never built, over a connection of its own (podREST.get).
// Everything else about it is a plain informer: one LIST+WATCH (a
// streaming watch list by default), the same stores, index and handlers
// as every other kind.

var podGVK = corev1.SchemeGroupVersion.WithKind("Pod")

// podSerializer is client-go's codec factory with the object decoder
// swapped for podDecoder.
type podSerializer struct {
	runtime.NegotiatedSerializer
	in      *interner
	decoded *atomic.Int64
}

func (s podSerializer) DecoderToVersion(d runtime.Decoder, gv runtime.GroupVersioner) runtime.Decoder {
	return podDecoder{next: s.NegotiatedSerializer.DecoderToVersion(d, gv), in: s.in, decoded: s.decoded}
}

// podDecoder turns pods and pod lists into summaries: protobuf ones
// straight from the wire, any other encoding (JSON from a server or proxy
// that does not speak protobuf) through client-go's decoder first.
// Everything else (a Status in an ERROR event) passes through.
type podDecoder struct {
	next    runtime.Decoder
	in      *interner
	decoded *atomic.Int64 // pods read straight from the wire, if not nil
}

func (d podDecoder) Decode(data []byte, defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	if kind, apiVersion, raw, ok := unwrapUnknown(data); ok && apiVersion == "v1" {
		switch kind {
		case "Pod":
			p, err := decodePod(raw, d.in)
			if err != nil {
				return nil, nil, err
			}
			d.count(1)
			return p, &podGVK, nil
		case "PodList":
			l, err := decodePodList(raw, d.in)
			if err != nil {
				return nil, nil, err
			}
			d.count(len(l.Items))
			gvk := corev1.SchemeGroupVersion.WithKind("PodList")
			return l, &gvk, nil
		}
	}
	obj, gvk, err := d.next.Decode(data, defaults, into)
	if err != nil {
		return obj, gvk, err
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		return kinds.SummarizePod(o, d.in.str), gvk, nil
	case *corev1.PodList:
		return kinds.SummarizePodList(o, d.in.str), gvk, nil
	}
	return obj, gvk, nil
}

func (d podDecoder) count(n int) {
	if d.decoded != nil {
		d.decoded.Add(int64(n))
	}
}

// podREST is the Owner's client for pods, made on first use.
type podREST struct {
	once sync.Once
	rc   rest.Interface
	hc   *http.Client
	err  error
}

// get returns the client for cfg: core/v1 over a connection of its own,
// answers decoded by podDecoder.
//
// The connection speaks HTTP/1.1. Over HTTP/2 the client grants the
// server flow-control window every 4 KB it reads (a const of
// golang.org/x/net/http2): a WINDOW_UPDATE frame, a flush and a TLS record
// each way, some 9,000 of them for 10,000 pods, which cost the API server
// as much CPU as producing the pods and the app half as much again as
// decoding them (docs/PERFORMANCE.md). The pods stream is the one large
// stream a session reads; on a connection of its own it also never holds
// up the other kinds' watches.
func (p *podREST) get(cfg *rest.Config, in *interner, decoded *atomic.Int64) (rest.Interface, error) {
	p.once.Do(func() {
		c := rest.CopyConfig(cfg)
		c.GroupVersion = &corev1.SchemeGroupVersion
		c.APIPath = "/api"
		c.ContentType = runtime.ContentTypeProtobuf
		c.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
		c.NegotiatedSerializer = podSerializer{NegotiatedSerializer: scheme.Codecs.WithoutConversion(), in: in, decoded: decoded}
		if c.UserAgent == "" {
			c.UserAgent = rest.DefaultKubernetesUserAgent()
		}
		c.TLSClientConfig.NextProtos = []string{"http/1.1"}
		if p.hc, p.err = rest.HTTPClientFor(c); p.err == nil {
			p.rc, p.err = rest.RESTClientForConfigAndClient(c, p.hc)
		}
	})
	return p.rc, p.err
}

// close drops the client's idle connections; call it once the informers
// using it have stopped.
func (p *podREST) close() {
	if p.hc != nil {
		p.hc.CloseIdleConnections()
	}
}

// newPodInformer is the pods informer of one scope ("" for all
// namespaces) over a podDecoder client.
func newPodInformer(rc rest.Interface, ns string) cache.SharedIndexInformer {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return podRequest(rc, ns, &opts).Do(ctx).Get()
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.Watch = true
			return podRequest(rc, ns, &opts).Watch(ctx)
		},
	}
	return cache.NewSharedIndexInformer(lw, &kinds.PodSummary{}, 0, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
}

// podRequest is a GET of ns's pods with opts, bounded as client-go's typed
// client bounds it.
func podRequest(rc rest.Interface, ns string, opts *metav1.ListOptions) *rest.Request {
	var timeout time.Duration
	if opts.TimeoutSeconds != nil {
		timeout = time.Duration(*opts.TimeoutSeconds) * time.Second
	}
	return rc.Get().Namespace(ns).Resource("pods").VersionedParams(opts, scheme.ParameterCodec).Timeout(timeout)
}
