package informer

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The API server's protobuf, read straight into a PodSummary.
//
// Decoding a pod with the generated code builds the whole object (spec,
// volumes, env, probes, resources, managedFields...) only for the
// transform to keep a few hundred bytes of it: at 10,000 pods that is most
// of a sync's CPU, and the garbage drives the GC for the rest. The reader
// below walks the wire format once, skips every field a PodSummary does
// not keep without allocating, and interns repeated strings straight from
// the buffer. It yields exactly what SummarizePod yields for the same pod
// (podwire_test.go checks that against the generated decoder); anything it
// does not recognise goes to the generated decoder.
//
// Field numbers are those of k8s.io/api/core/v1/generated.proto and
// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto, which Kubernetes
// never renumbers (protobuf compatibility is part of its API guarantees).

// protoMagic prefixes every protobuf object the API server sends: "k8s\0"
// then a runtime.Unknown holding the TypeMeta and the object's bytes.
var protoMagic = []byte("k8s\x00")

var errTruncated = errors.New("truncated protobuf")

// wireReader walks one protobuf message.
type wireReader struct {
	b   []byte
	err error
}

// next returns the next field's number and type; false at the end or on
// malformed input (then r.err says which).
func (r *wireReader) next() (protowire.Number, protowire.Type, bool) {
	if r.err != nil || len(r.b) == 0 {
		return 0, 0, false
	}
	num, typ, n := protowire.ConsumeTag(r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return 0, 0, false
	}
	r.b = r.b[n:]
	return num, typ, true
}

// bytes reads a length-delimited field.
func (r *wireReader) bytes(typ protowire.Type) []byte {
	if typ != protowire.BytesType {
		r.fail(typ)
		return nil
	}
	v, n := protowire.ConsumeBytes(r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return nil
	}
	r.b = r.b[n:]
	return v
}

// varint reads a varint field.
func (r *wireReader) varint(typ protowire.Type) uint64 {
	if typ != protowire.VarintType {
		r.fail(typ)
		return 0
	}
	v, n := protowire.ConsumeVarint(r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// skip passes over a field the summary does not keep.
func (r *wireReader) skip(num protowire.Number, typ protowire.Type) {
	n := protowire.ConsumeFieldValue(num, typ, r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return
	}
	r.b = r.b[n:]
}

func (r *wireReader) fail(typ protowire.Type) {
	if r.err == nil {
		r.err = fmt.Errorf("unexpected protobuf wire type %d", typ)
	}
}

// sub reads a nested message with fn, and folds its error into r's.
func (r *wireReader) sub(typ protowire.Type, fn func(*wireReader)) {
	b := r.bytes(typ)
	if r.err != nil {
		return
	}
	s := wireReader{b: b}
	fn(&s)
	if s.err != nil {
		r.err = s.err
	}
}

// unwrapUnknown splits the API server's envelope into kind, apiVersion and
// the object's bytes. ok is false for anything that is not a plain
// protobuf object (JSON, CBOR, an encoded payload).
func unwrapUnknown(data []byte) (kind, apiVersion string, raw []byte, ok bool) {
	if !bytes.HasPrefix(data, protoMagic) {
		return "", "", nil, false
	}
	r := wireReader{b: data[len(protoMagic):]}
	for {
		num, typ, more := r.next()
		if !more {
			break
		}
		switch num {
		case 1: // typeMeta
			r.sub(typ, func(t *wireReader) {
				for {
					num, typ, more := t.next()
					if !more {
						return
					}
					switch num { // runtime.TypeMeta, not metav1's
					case 1:
						apiVersion = string(t.bytes(typ))
					case 2:
						kind = string(t.bytes(typ))
					default:
						t.skip(num, typ)
					}
				}
			})
		case 2: // raw
			raw = r.bytes(typ)
		case 3, 4: // contentEncoding, contentType
			if v := r.bytes(typ); len(v) > 0 {
				return "", "", nil, false
			}
		default:
			r.skip(num, typ)
		}
	}
	return kind, apiVersion, raw, r.err == nil
}

// decodePod reads a v1.Pod message into its summary.
func decodePod(b []byte, in *interner) (*PodSummary, error) {
	p := &PodSummary{}
	var statuses, initStatuses []containerStatus
	r := wireReader{b: b}
	for {
		num, typ, more := r.next()
		if !more {
			break
		}
		switch num {
		case 1:
			r.sub(typ, func(m *wireReader) { readObjectMeta(m, &p.ObjectMeta, in) })
		case 2:
			r.sub(typ, func(s *wireReader) { readPodSpec(s, p, in) })
		case 3:
			r.sub(typ, func(s *wireReader) { statuses, initStatuses = readPodStatus(s, p, in) })
		default:
			r.skip(num, typ)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("decode pod: %w", r.err)
	}
	mergeStatuses(p.Containers, statuses)
	mergeStatuses(p.InitContainers, initStatuses)
	return p, nil
}

// decodePodList reads a v1.PodList message.
func decodePodList(b []byte, in *interner) (*PodSummaryList, error) {
	l := &PodSummaryList{}
	r := wireReader{b: b}
	for {
		num, typ, more := r.next()
		if !more {
			break
		}
		switch num {
		case 1:
			r.sub(typ, func(m *wireReader) { readListMeta(m, &l.ListMeta) })
		case 2:
			item := r.bytes(typ)
			if r.err != nil {
				break
			}
			p, err := decodePod(item, in)
			if err != nil {
				return nil, fmt.Errorf("decode pod list item %d: %w", len(l.Items), err)
			}
			l.Items = append(l.Items, *p)
		default:
			r.skip(num, typ)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("decode pod list: %w", r.err)
	}
	return l, nil
}

// readObjectMeta keeps what PodSummary's ObjectMeta holds, plus the one
// annotation a watch-list bookmark carries (the reflector reads it).
func readObjectMeta(r *wireReader, m *metav1.ObjectMeta, in *interner) {
	var labels [][]byte
	for {
		num, typ, more := r.next()
		if !more {
			break
		}
		switch num {
		case 1:
			m.Name = string(r.bytes(typ))
		case 3:
			m.Namespace = in.bytes(r.bytes(typ))
		case 5:
			m.UID = types.UID(r.bytes(typ))
		case 6:
			m.ResourceVersion = string(r.bytes(typ))
		case 8:
			r.sub(typ, func(t *wireReader) { m.CreationTimestamp = readTime(t) })
		case 9:
			r.sub(typ, func(t *wireReader) {
				at := readTime(t)
				m.DeletionTimestamp = &at
			})
		case 11:
			if e := r.bytes(typ); r.err == nil {
				labels = append(labels, e)
			}
		case 12:
			r.sub(typ, func(e *wireReader) {
				k, v := readMapEntry(e, func(b []byte) string { return string(b) })
				if k == metav1.InitialEventsAnnotationKey {
					m.Annotations = map[string]string{k: v}
				}
			})
		case 13:
			r.sub(typ, func(o *wireReader) { m.OwnerReferences = append(m.OwnerReferences, readOwnerRef(o, in)) })
		default:
			r.skip(num, typ)
		}
	}
	if len(labels) > 0 && r.err == nil {
		m.Labels, r.err = in.labels(labels)
	}
}

// readTime reads a metav1.Time as its generated decoder does: seconds
// only, in local time; an empty message is the zero time.
func readTime(r *wireReader) metav1.Time {
	if len(r.b) == 0 {
		return metav1.Time{}
	}
	var sec int64
	for {
		num, typ, more := r.next()
		if !more {
			break
		}
		if num == 1 {
			sec = int64(r.varint(typ))
		} else {
			r.skip(num, typ)
		}
	}
	return metav1.Time{Time: time.Unix(sec, 0).Local()}
}

// readMapEntry reads one entry of a map<string, string>, its strings made
// by str.
func readMapEntry(r *wireReader, str func([]byte) string) (k, v string) {
	for {
		num, typ, more := r.next()
		if !more {
			return k, v
		}
		switch num {
		case 1:
			k = str(r.bytes(typ))
		case 2:
			v = str(r.bytes(typ))
		default:
			r.skip(num, typ)
		}
	}
}

func readOwnerRef(r *wireReader, in *interner) metav1.OwnerReference {
	var o metav1.OwnerReference
	for {
		num, typ, more := r.next()
		if !more {
			return o
		}
		switch num {
		case 1:
			o.Kind = in.bytes(r.bytes(typ))
		case 3:
			o.Name = string(r.bytes(typ))
		case 4:
			o.UID = types.UID(r.bytes(typ))
		case 5:
			o.APIVersion = in.bytes(r.bytes(typ))
		case 6:
			c := r.varint(typ) != 0
			o.Controller = &c
		default:
			r.skip(num, typ)
		}
	}
}

func readListMeta(r *wireReader, m *metav1.ListMeta) {
	for {
		num, typ, more := r.next()
		if !more {
			return
		}
		switch num {
		case 2:
			m.ResourceVersion = string(r.bytes(typ))
		case 3:
			m.Continue = string(r.bytes(typ))
		case 4:
			n := int64(r.varint(typ))
			m.RemainingItemCount = &n
		default:
			r.skip(num, typ)
		}
	}
}

func readPodSpec(r *wireReader, p *PodSummary, in *interner) {
	for {
		num, typ, more := r.next()
		if !more {
			return
		}
		switch num {
		case 2:
			r.sub(typ, func(c *wireReader) { p.Containers = append(p.Containers, readContainer(c, in)) })
		case 20:
			r.sub(typ, func(c *wireReader) { p.InitContainers = append(p.InitContainers, readContainer(c, in)) })
		case 10:
			p.NodeName = in.bytes(r.bytes(typ))
		default:
			r.skip(num, typ)
		}
	}
}

func readContainer(r *wireReader, in *interner) ContainerSummary {
	var c ContainerSummary
	for {
		num, typ, more := r.next()
		if !more {
			return c
		}
		switch num {
		case 1:
			c.Name = in.bytes(r.bytes(typ))
		case 2:
			c.Image = in.bytes(r.bytes(typ))
		default:
			r.skip(num, typ)
		}
	}
}

// containerStatus is what a ContainerStatus contributes to a summary.
type containerStatus struct {
	name       string
	ready      bool
	restarts   int32
	running    bool
	waiting    *string // the waiting reason, when waiting is set
	terminated *terminatedState
}

type terminatedState struct {
	reason   string
	exitCode int32
}

func readPodStatus(r *wireReader, p *PodSummary, in *interner) (statuses, initStatuses []containerStatus) {
	for {
		num, typ, more := r.next()
		if !more {
			return statuses, initStatuses
		}
		switch num {
		case 1:
			p.Phase = corev1.PodPhase(in.bytes(r.bytes(typ)))
		case 4:
			p.Reason = in.bytes(r.bytes(typ))
		case 6:
			p.IP = string(r.bytes(typ))
		case 8:
			r.sub(typ, func(s *wireReader) { statuses = append(statuses, readContainerStatus(s, in)) })
		case 10:
			r.sub(typ, func(s *wireReader) { initStatuses = append(initStatuses, readContainerStatus(s, in)) })
		default:
			r.skip(num, typ)
		}
	}
}

func readContainerStatus(r *wireReader, in *interner) containerStatus {
	var s containerStatus
	for {
		num, typ, more := r.next()
		if !more {
			return s
		}
		switch num {
		case 1:
			s.name = in.bytes(r.bytes(typ))
		case 2:
			r.sub(typ, func(st *wireReader) { readContainerState(st, &s, in) })
		case 4:
			s.ready = r.varint(typ) != 0
		case 5:
			s.restarts = int32(r.varint(typ))
		default:
			r.skip(num, typ)
		}
	}
}

func readContainerState(r *wireReader, s *containerStatus, in *interner) {
	for {
		num, typ, more := r.next()
		if !more {
			return
		}
		switch num {
		case 1:
			r.sub(typ, func(w *wireReader) {
				reason := ""
				for {
					num, typ, more := w.next()
					if !more {
						break
					}
					if num == 1 {
						reason = in.bytes(w.bytes(typ))
					} else {
						w.skip(num, typ)
					}
				}
				s.waiting = &reason
			})
		case 2:
			r.skip(num, typ)
			s.running = true
		case 3:
			r.sub(typ, func(t *wireReader) {
				var term terminatedState
				for {
					num, typ, more := t.next()
					if !more {
						break
					}
					switch num {
					case 1:
						term.exitCode = int32(t.varint(typ))
					case 3:
						term.reason = in.bytes(t.bytes(typ))
					default:
						t.skip(num, typ)
					}
				}
				s.terminated = &term
			})
		default:
			r.skip(num, typ)
		}
	}
}

// mergeStatuses gives each container the first status of its name, with
// the same precedence as summarizeContainers.
func mergeStatuses(containers []ContainerSummary, statuses []containerStatus) {
	for i := range containers {
		c := &containers[i]
		for j := range statuses {
			s := &statuses[j]
			if s.name != c.Name {
				continue
			}
			c.HasStatus, c.Ready, c.Restarts = true, s.ready, s.restarts
			switch {
			case s.running:
				c.State = ContainerRunning
			case s.waiting != nil:
				c.State, c.Reason = ContainerWaiting, *s.waiting
			case s.terminated != nil:
				c.State, c.Reason, c.ExitCode = ContainerTerminated, s.terminated.reason, s.terminated.exitCode
			}
			break
		}
	}
}
