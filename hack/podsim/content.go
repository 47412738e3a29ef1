package podsim

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// writer produces realistic output for one container: start-up lines, a
// steady stream of work, and how its previous run crashed. Which writer a
// container gets follows from its name and image, so a Postgres pod logs like
// Postgres and the envoy sidecar like envoy.
type writer struct {
	r         *rand.Rand
	pod       *corev1.Pod
	container string
	image     string
	style     style
}

type style int

const (
	styleJSON     style = iota // structured JSON, one object per line (Go services)
	styleANSI                  // coloured levels and status codes (a Node.js web app)
	styleAccess                // nginx-style access log (gateways)
	styleEnvoy                 // envoy access log (sidecars)
	styleJava                  // Spring Boot
	styleLogfmt                // key=value (Prometheus and friends)
	stylePostgres              // Postgres server log
	styleRedis                 // Redis server log
)

func newWriter(pod *corev1.Pod, container string, seed uint64) *writer {
	image := ""
	for _, c := range pod.Spec.InitContainers {
		if c.Name == container {
			image = c.Image
		}
	}
	for _, c := range pod.Spec.Containers {
		if c.Name == container {
			image = c.Image
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		if c.Name == container {
			image = c.Image
		}
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%s", pod.UID, container, image)
	return &writer{
		r:   rand.New(rand.NewPCG(h.Sum64(), seed)),
		pod: pod, container: container, image: image,
		style: styleFor(container, image),
	}
}

func styleFor(container, image string) style {
	s := strings.ToLower(container + " " + image)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("envoy", "istio-proxy"):
		return styleEnvoy
	case has("postgres"):
		return stylePostgres
	case has("redis"):
		return styleRedis
	case has("prometheus", "alertmanager", "node-exporter", "grafana", "exporter"):
		return styleLogfmt
	case has("catalog", "opensearch", "java", "spring"):
		return styleJava
	case has("ingress", "gateway", "nginx"):
		return styleAccess
	case has("storefront", "frontend", "web"):
		return styleANSI
	}
	return styleJSON
}

// app is the program's name as it would call itself.
func (w *writer) app() string {
	name := w.image
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, ":")
	if name == "" {
		name = w.container
	}
	return name
}

func (w *writer) version() string {
	if _, v, ok := strings.Cut(w.image[strings.LastIndexByte(w.image, '/')+1:], ":"); ok {
		return v
	}
	return "1.0.0"
}

func (w *writer) pick(items ...string) string { return items[w.r.IntN(len(items))] }

var (
	paths = []string{"/", "/products", "/products/sku-%d", "/api/cart", "/api/cart/items", "/api/checkout",
		"/api/catalog/search?q=shoes&page=%d", "/healthz", "/metrics", "/v1/payments", "/v1/payments/pay_%d/capture",
		"/v1/ledger/entries", "/static/js/app.%d.js", "/login", "/account/orders"}
	methods = []string{"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"}
	agents  = []string{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"kube-probe/1.37", "Prometheus/2.54.1", "curl/8.11.0", "okhttp/4.12.0"}
)

func (w *writer) path() string {
	p := paths[w.r.IntN(len(paths))]
	if strings.Contains(p, "%d") {
		p = fmt.Sprintf(p, 1000+w.r.IntN(9000))
	}
	return p
}

func (w *writer) status() int {
	switch n := w.r.IntN(100); {
	case n < 84:
		return 200
	case n < 89:
		return 201
	case n < 93:
		return 304
	case n < 96:
		return 404
	case n < 98:
		return 429
	default:
		return 503
	}
}

func (w *writer) ip() string {
	return fmt.Sprintf("10.%d.%d.%d", 128+w.r.IntN(64), w.r.IntN(256), 1+w.r.IntN(254))
}

func (w *writer) id() string { return fmt.Sprintf("%08x%08x", w.r.Uint32(), w.r.Uint32()) }

func (w *writer) ms() float64 { return float64(int(w.r.ExpFloat64()*25*10)+3) / 10 }

// ANSI SGR sequences for the coloured writer.
const (
	reset   = "\x1b[0m"
	green   = "\x1b[32m"
	yellow  = "\x1b[33m"
	red     = "\x1b[1;31m"
	cyan    = "\x1b[36m"
	dim     = "\x1b[2m"
	orange  = "\x1b[38;5;208m"
	magenta = "\x1b[35m"
)

// startup returns the lines the program prints when it starts at t.
func (w *writer) startup(t time.Time) []Line {
	app, v := w.app(), w.version()
	var texts []string
	switch w.style {
	case styleJSON:
		texts = []string{
			w.json(t, "info", "starting "+app, map[string]any{"version": v, "go": "go1.26.8", "pid": 1}),
			w.json(t, "info", "configuration loaded", map[string]any{"source": "env", "log_level": "info"}),
			w.json(t, "info", "connected to dependency", map[string]any{"target": w.pick("postgres.payments.svc:5432", "redis-0.redis.shop.svc:6379", "ledger.payments.svc:9090"), "latency_ms": w.ms()}),
			w.json(t, "info", "listening", map[string]any{"addr": ":8080", "metrics_addr": ":9090"}),
		}
	case styleANSI:
		texts = []string{
			fmt.Sprintf("%s> %s@%s start%s", dim, app, v, reset),
			fmt.Sprintf("%s> node server.js%s", dim, reset),
			fmt.Sprintf("%sinfo%s: loading feature flags %snew-checkout, wishlist, free-shipping-banner%s", green, reset, cyan, reset),
			fmt.Sprintf("%sinfo%s: %s%s ready%s on http://0.0.0.0:8080 in %s%dms%s", green, reset, "\x1b[1m", app, reset, magenta, 300+w.r.IntN(900), reset),
		}
	case styleAccess:
		texts = []string{
			fmt.Sprintf("%s [notice] 1#1: using the \"epoll\" event method", t.Format("2006/01/02 15:04:05")),
			fmt.Sprintf("%s [notice] 1#1: %s/%s", t.Format("2006/01/02 15:04:05"), app, v),
			fmt.Sprintf("%s [notice] 1#1: start worker processes", t.Format("2006/01/02 15:04:05")),
		}
	case styleEnvoy:
		texts = []string{
			fmt.Sprintf("[%s][1][info][main] [source/server/server.cc:432] initializing epoch 0 (base id=0, hot restart version=11.104)", t.Format("2006-01-02 15:04:05.000")),
			fmt.Sprintf("[%s][1][info][main] [source/server/server.cc:956] starting main dispatch loop", t.Format("2006-01-02 15:04:05.000")),
			fmt.Sprintf("[%s][1][info][upstream] [source/common/upstream/cluster_manager_impl.cc:240] cm init: all clusters initialized", t.Format("2006-01-02 15:04:05.000")),
		}
	case styleJava:
		texts = []string{
			"",
			"  .   ____          _            __ _ _",
			" /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
			"( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\",
			" \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )",
			"  '  |____| .__|_| |_|_| |_\\__, | / / / /",
			" =========|_|==============|___/=/_/_/_/",
			"",
			w.java(t, "INFO", "main", "c.e."+app+".Application", "Starting Application v"+v+" using Java 21.0.5 with PID 1"),
			w.java(t, "INFO", "main", "o.s.b.w.embedded.tomcat.TomcatWebServer", "Tomcat initialized with port 8080 (http)"),
			w.java(t, "INFO", "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
			w.java(t, "INFO", "main", "c.e."+app+".Application", fmt.Sprintf("Started Application in %.3f seconds (process running for %.3f)", 4+w.r.Float64()*6, 5+w.r.Float64()*6)),
		}
	case styleLogfmt:
		texts = []string{
			w.logfmt(t, "info", "main.go:640", "Starting "+app, "version", "(version="+v+", branch=HEAD)"),
			w.logfmt(t, "info", "main.go:650", "Build context", "build_context", "(go=go1.23.1, platform=linux/amd64)"),
			w.logfmt(t, "info", "web.go:571", "Start listening for connections", "address", "0.0.0.0:9090"),
			w.logfmt(t, "info", "main.go:1156", "Server is ready to receive web requests."),
		}
	case stylePostgres:
		texts = []string{
			w.postgres(t, "LOG", "starting PostgreSQL "+v+" on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit"),
			w.postgres(t, "LOG", `listening on IPv4 address "0.0.0.0", port 5432`),
			w.postgres(t, "LOG", "database system was shut down at "+t.Add(-3*time.Minute).Format("2006-01-02 15:04:05 MST")),
			w.postgres(t, "LOG", "database system is ready to accept connections"),
		}
	case styleRedis:
		texts = []string{
			w.redis(t, 'C', "#", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
			w.redis(t, 'C', "#", "Redis version="+v+", bits=64, commit=00000000, modified=0, pid=1, just started"),
			w.redis(t, 'M', "*", "Running mode=standalone, port=6379."),
			w.redis(t, 'M', "*", "Server initialized"),
			w.redis(t, 'M', "*", "Ready to accept connections tcp"),
		}
	}
	lines := make([]Line, len(texts))
	for i, s := range texts {
		lines[i] = Line{Time: t, Text: s}
	}
	// The Java banner and nginx notices go to stderr, as those programs do.
	if w.style == styleAccess {
		for i := range lines {
			lines[i].Stream = "stderr"
		}
	}
	return lines
}

// next returns one line of steady-state output at t.
func (w *writer) next(t time.Time) Line {
	warn := w.r.IntN(100) < 6
	switch w.style {
	case styleJSON:
		if warn {
			return Line{Time: t, Stream: "stderr", Text: w.json(t, w.pick("warn", "error"), w.pick(
				"upstream request failed, retrying", "slow query", "context deadline exceeded", "rate limit reached for client"),
				map[string]any{"attempt": 1 + w.r.IntN(3), "duration_ms": w.ms() * 40, "request_id": w.id()})}
		}
		if w.r.IntN(10) == 0 {
			return Line{Time: t, Text: w.json(t, "debug", "cache stats", map[string]any{"hits": w.r.IntN(10000), "misses": w.r.IntN(800), "evictions": w.r.IntN(20)})}
		}
		return Line{Time: t, Text: w.json(t, "info", "request handled", map[string]any{
			"method": w.pick(methods...), "path": w.path(), "status": w.status(), "duration_ms": w.ms(),
			"bytes": w.r.IntN(40000), "remote": w.ip(), "request_id": w.id()})}
	case styleANSI:
		st := w.status()
		col := green
		switch {
		case st >= 500:
			col = red
		case st >= 400:
			col = yellow
		case st >= 300:
			col = cyan
		}
		if warn {
			return Line{Time: t, Stream: "stderr", Text: fmt.Sprintf("%swarn%s: %s", yellow, reset, w.pick(
				"slow render of /products ("+fmt.Sprint(300+w.r.IntN(700))+"ms)", "cart service answered 503, serving cached cart", "session store latency above 200ms"))}
		}
		return Line{Time: t, Text: fmt.Sprintf("%s%s%s %s %s%d%s %s%.1f ms%s - %d", "\x1b[1m", w.pick(methods...), reset, w.path(), col, st, reset, orange, w.ms(), reset, w.r.IntN(60000))}
	case styleAccess:
		return Line{Time: t, Text: fmt.Sprintf(`%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s" %.3f`,
			w.ip(), t.Format("02/Jan/2006:15:04:05 -0700"), w.pick(methods...), w.path(), w.status(), w.r.IntN(60000), w.pick(agents...), w.ms()/1000)}
	case styleEnvoy:
		return Line{Time: t, Text: fmt.Sprintf(`[%s] "%s %s HTTP/1.1" %d - via_upstream - "-" 0 %d %d %d "-" "%s" "%s-%s" "%s" "127.0.0.1:8080"`,
			t.Format("2006-01-02T15:04:05.000Z"), w.pick(methods...), w.path(), w.status(), w.r.IntN(40000), int(w.ms()), int(w.ms()),
			w.pick(agents...), w.id()[:8], w.id()[:12], w.pod.Name)}
	case styleJava:
		if warn {
			return Line{Time: t, Stream: "stderr", Text: w.java(t, "WARN", "http-nio-8080-exec-"+fmt.Sprint(1+w.r.IntN(10)), "com.zaxxer.hikari.pool.HikariPool",
				"HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m"+fmt.Sprint(w.r.IntN(60))+"s).")}
		}
		return Line{Time: t, Text: w.java(t, "INFO", "http-nio-8080-exec-"+fmt.Sprint(1+w.r.IntN(10)), "c.e."+w.app()+".web.RequestLogger",
			fmt.Sprintf("%s %s -> %d in %.0fms", w.pick(methods...), w.path(), w.status(), w.ms()))}
	case styleLogfmt:
		if warn {
			return Line{Time: t, Text: w.logfmt(t, "warn", "scrape.go:1680", "Append failed", "err", `"out of order sample"`, "scrape_pool", "kubernetes-pods")}
		}
		return Line{Time: t, Text: w.logfmt(t, "info", w.pick("head.go:1351", "compact.go:576", "checkpoint.go:100"), w.pick(
			"Head GC completed", "write block", "Creating checkpoint", "WAL segment loaded"),
			"duration", fmt.Sprintf("%.3fms", w.ms()), "component", "tsdb")}
	case stylePostgres:
		if warn {
			return Line{Time: t, Stream: "stderr", Text: w.postgres(t, "ERROR", `duplicate key value violates unique constraint "ledger_entries_pkey"`)}
		}
		return Line{Time: t, Text: w.postgres(t, "LOG", w.pick(
			"checkpoint starting: time",
			fmt.Sprintf("checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added, 0 removed, 1 recycled", w.r.IntN(900), w.r.Float64()*5),
			fmt.Sprintf("duration: %.3f ms  statement: SELECT * FROM ledger_entries WHERE account_id = $1 ORDER BY created_at DESC LIMIT 50", w.ms()*10),
			"automatic vacuum of table \"ledger.public.ledger_entries\": index scans: 1"))}
	default: // styleRedis
		return Line{Time: t, Text: w.redis(t, 'M', "*", w.pick(
			"10 changes in 300 seconds. Saving...", "Background saving started by pid "+fmt.Sprint(20+w.r.IntN(900)),
			"DB saved on disk", "Fork CoW for RDB: current 1 MB, peak 1 MB, average 0 MB"))}
	}
}

// crash returns the lines that end a failed run at t.
func (w *writer) crash(t time.Time) []Line {
	var texts []string
	switch w.style {
	case styleJava:
		texts = []string{
			w.java(t, "ERROR", "main", "o.s.boot.SpringApplication", "Application run failed"),
			"java.lang.OutOfMemoryError: Java heap space",
			"\tat java.base/java.util.Arrays.copyOf(Arrays.java:3541)",
			"\tat com.example." + w.app() + ".index.IndexBuilder.rebuild(IndexBuilder.java:211)",
		}
	case styleANSI:
		texts = []string{
			fmt.Sprintf("%serror%s: unhandled rejection: Error: connect ECONNREFUSED 10.96.14.2:6379", red, reset),
			"    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1610:16)",
			fmt.Sprintf("%snpm error%s code 1", red, reset),
		}
	case styleJSON:
		texts = []string{
			w.json(t, "error", "lost connection to dependency", map[string]any{"err": "dial tcp 10.96.0.41:5432: connect: connection refused"}),
			"panic: runtime error: invalid memory address or nil pointer dereference",
			"[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x9c4f2a]",
			"",
			"goroutine 214 [running]:",
			"main.(*server).handle(0xc0001a2000, {0xb1e2c8, 0xc00048e0e0})",
			"\t/src/cmd/" + w.app() + "/server.go:187 +0x2a",
			"net/http.HandlerFunc.ServeHTTP(...)",
			"\t/usr/local/go/src/net/http/server.go:2294",
		}
	default:
		texts = []string{"fatal: received SIGTERM after liveness probe failures; exiting with status 1"}
	}
	lines := make([]Line, len(texts))
	for i, s := range texts {
		lines[i] = Line{Time: t, Stream: "stderr", Text: s}
	}
	return lines
}

func (w *writer) json(t time.Time, level, msg string, fields map[string]any) string {
	m := map[string]any{"level": level, "ts": t.UTC().Format(time.RFC3339Nano), "logger": w.app(), "msg": msg}
	for k, v := range fields {
		m[k] = v
	}
	b, _ := json.Marshal(m) // maps of strings and numbers always marshal
	return string(b)
}

func (w *writer) java(t time.Time, level, thread, logger, msg string) string {
	return fmt.Sprintf("%s %5s 1 --- [%15s] %-40s : %s", t.UTC().Format("2006-01-02T15:04:05.000Z"), level, thread, logger, msg)
}

func (w *writer) logfmt(t time.Time, level, caller, msg string, kv ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ts=%s caller=%s level=%s msg=%q", t.UTC().Format("2006-01-02T15:04:05.000Z"), caller, level, msg)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %s=%s", kv[i], kv[i+1])
	}
	return b.String()
}

func (w *writer) postgres(t time.Time, level, msg string) string {
	return fmt.Sprintf("%s [%d] %s:  %s", t.UTC().Format("2006-01-02 15:04:05.000 MST"), 1+w.r.IntN(400), level, msg)
}

func (w *writer) redis(t time.Time, role byte, mark, msg string) string {
	return fmt.Sprintf("1:%c %s %s %s", role, t.UTC().Format("02 Jan 2006 15:04:05.000"), mark, msg)
}

// history writes a container's log as it stands at now: a start-up, then
// count lines of work with increasing timestamps from start.
func (w *writer) history(start, now time.Time, count int) []Line {
	lines := w.startup(start)
	step := time.Millisecond
	if span := now.Sub(start); span > time.Duration(count+len(lines))*time.Millisecond {
		step = span / time.Duration(count+len(lines)+1)
	}
	t := start
	for i := range lines {
		t = t.Add(time.Duration(1+w.r.IntN(50)) * time.Microsecond)
		lines[i].Time = t
	}
	for range count {
		t = t.Add(step/2 + time.Duration(w.r.Int64N(int64(step))))
		if t.After(now) {
			t = now
		}
		lines = append(lines, w.next(t))
	}
	return lines
}
