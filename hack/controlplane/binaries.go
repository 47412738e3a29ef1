package controlplane

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Binary names the programs the control plane runs.
const (
	Etcd                  = "etcd"
	KubeAPIServer         = "kube-apiserver"
	KubeControllerManager = "kube-controller-manager"
	KubeScheduler         = "kube-scheduler"
	Kubectl               = "kubectl"
	Kwok                  = "kwok"
	MetricsServer         = "metrics-server"
	// PodSim is our own simulator of container files (hack/podsim).
	PodSim      = "podsim"
	kwokStages  = "kwok-stages.yaml"
	kwokCRDs    = "kwok-crds.yaml"
	kwokMetrics = "kwok-metrics.yaml"
)

// tool is one Go module under hack/tools that builds one or more binaries.
// The version comes from that module's go.mod, so go.mod is the single place
// where a version is chosen. A tool with sources is one of our own programs,
// built from the repository's module and keyed by a hash of those sources.
type tool struct {
	dir      string // under hack/tools; for our own programs, the cache name
	module   string // the upstream module whose version keys the cache
	packages map[string]string
	sources  []string // our own programs: directories whose .go files key the cache
}

var tools = []tool{
	{dir: "etcd", module: "go.etcd.io/etcd/server/v3", packages: map[string]string{Etcd: "go.etcd.io/etcd/server/v3"}},
	{dir: "kube", module: "k8s.io/kubernetes", packages: map[string]string{
		KubeAPIServer:         "k8s.io/kubernetes/cmd/kube-apiserver",
		KubeControllerManager: "k8s.io/kubernetes/cmd/kube-controller-manager",
		KubeScheduler:         "k8s.io/kubernetes/cmd/kube-scheduler",
		Kubectl:               "k8s.io/kubernetes/cmd/kubectl",
	}},
	{dir: "kwok", module: "sigs.k8s.io/kwok", packages: map[string]string{Kwok: "sigs.k8s.io/kwok/cmd/kwok"}},
	{dir: "metrics-server", module: "sigs.k8s.io/metrics-server", packages: map[string]string{MetricsServer: "sigs.k8s.io/metrics-server/cmd/metrics-server"}},
	{dir: "podsim", packages: map[string]string{PodSim: "./hack/cmd/podsim"}, sources: []string{"hack/podsim", "hack/cmd/podsim"}},
}

// Binaries maps a program name to the path of its cached executable, plus the
// kwok stage configuration that kwok needs to move pods to Running, the
// definitions of kwok's per-pod Logs, Exec and PortForward kinds, and kwok's
// emulated kubelet resource-metrics endpoint that metrics-server scrapes.
type Binaries struct {
	paths       map[string]string
	KwokStages  string
	KwokCRDs    string
	KwokMetrics string
}

// Path returns the executable for name.
func (b Binaries) Path(name string) string { return b.paths[name] }

// LocateBinaries returns where the binaries of the tools modules under
// repoRoot/hack/tools live in cacheDir, keyed by module version, and which are
// missing. It builds nothing.
func LocateBinaries(repoRoot, cacheDir string) (Binaries, []string, error) {
	b := Binaries{paths: map[string]string{}}
	var missing []string
	for _, t := range tools {
		dir, err := t.binDir(repoRoot, cacheDir)
		if err != nil {
			return b, nil, err
		}
		for name := range t.packages {
			p := filepath.Join(dir, name)
			b.paths[name] = p
			if !isExecutable(p) {
				missing = append(missing, p)
			}
		}
		if t.dir == "kwok" {
			b.KwokStages = filepath.Join(dir, kwokStages)
			b.KwokCRDs = filepath.Join(dir, kwokCRDs)
			b.KwokMetrics = filepath.Join(dir, kwokMetrics)
			for _, f := range []string{b.KwokStages, b.KwokCRDs, b.KwokMetrics} {
				if _, err := os.Stat(f); err != nil {
					missing = append(missing, f)
				}
			}
		}
	}
	return b, missing, nil
}

// EnsureBinaries builds every missing binary with `go build` in its tools
// module and returns them all. Building kube-apiserver and friends takes
// several minutes cold; afterwards the cache makes this a no-op.
func EnsureBinaries(ctx context.Context, repoRoot, cacheDir string, logf func(string, ...any)) (Binaries, error) {
	for _, t := range tools {
		dir, err := t.binDir(repoRoot, cacheDir)
		if err != nil {
			return Binaries{}, err
		}
		if err := t.build(ctx, repoRoot, dir, logf); err != nil {
			return Binaries{}, err
		}
	}
	b, missing, err := LocateBinaries(repoRoot, cacheDir)
	if err != nil {
		return b, err
	}
	if len(missing) > 0 {
		return b, fmt.Errorf("binaries still missing after build: %s", strings.Join(missing, ", "))
	}
	return b, nil
}

func (t tool) modDir(repoRoot string) string {
	if t.sources != nil {
		return repoRoot
	}
	return filepath.Join(repoRoot, "hack", "tools", t.dir)
}

func (t tool) binDir(repoRoot, cacheDir string) (string, error) {
	if t.sources != nil {
		h, err := sourceHash(repoRoot, t.sources)
		if err != nil {
			return "", err
		}
		return filepath.Join(cacheDir, "bin", t.dir+"-"+h), nil
	}
	v, err := requiredVersion(filepath.Join(t.modDir(repoRoot), "go.mod"), t.module)
	if err != nil {
		return "", err
	}
	return filepath.Join(cacheDir, "bin", t.dir+"-"+v), nil
}

// sourceHash keys a program of ours by its sources and the module's
// dependencies: any change to them builds it again. Its packages import
// nothing else from this module, so nothing else can change it.
func sourceHash(repoRoot string, dirs []string) (string, error) {
	h := sha256.New()
	files := []string{"go.mod", "go.sum"}
	for _, d := range dirs {
		matches, err := filepath.Glob(filepath.Join(repoRoot, d, "*.go"))
		if err != nil {
			return "", err
		}
		for _, m := range matches {
			if !strings.HasSuffix(m, "_test.go") {
				rel, _ := filepath.Rel(repoRoot, m)
				files = append(files, rel)
			}
		}
	}
	slices.Sort(files)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (t tool) build(ctx context.Context, repoRoot, binDir string, logf func(string, ...any)) error {
	var pkgs, names []string
	for name, pkg := range t.packages {
		if !isExecutable(filepath.Join(binDir, name)) {
			pkgs = append(pkgs, pkg)
			names = append(names, name)
		}
	}
	if len(pkgs) > 0 {
		if err := os.MkdirAll(binDir, 0o755); err != nil {
			return err
		}
		// Build into a temporary directory and rename, so an interrupted build
		// never leaves a half-written binary that looks cached.
		tmp, err := os.MkdirTemp(binDir, ".build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		logf("building %s into %s (minutes when cold, cached afterwards)", strings.Join(pkgs, " "), binDir)
		// One go build for several packages links them in parallel and names
		// each after its last path element (kube-apiserver, ...); a lone
		// package gets its name spelled out (etcd's path ends in /v3).
		out := tmp + string(filepath.Separator)
		if len(pkgs) == 1 {
			out = filepath.Join(tmp, names[0])
		}
		args := append([]string{"build", "-trimpath", "-ldflags", t.ldflags(repoRoot), "-o", out}, pkgs...)
		if err := runGo(ctx, t.modDir(repoRoot), args...); err != nil {
			return fmt.Errorf("build %s: %w", t.dir, err)
		}
		entries, err := os.ReadDir(tmp)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(binDir, e.Name())); err != nil {
				return err
			}
		}
		if t.sources != nil {
			pruneBuilds(binDir)
		}
	}
	if t.dir == "kwok" {
		return writeKwokConfigs(ctx, t.modDir(repoRoot), binDir)
	}
	return nil
}

// pruneBuilds removes builds of the same program of ours, from other
// sources, made more than a week ago (other checkouts may use recent ones).
func pruneBuilds(keep string) {
	others, _ := filepath.Glob(strings.TrimRight(keep, "0123456789abcdef") + "*")
	for _, d := range others {
		if fi, err := os.Stat(d); err == nil && d != keep && time.Since(fi.ModTime()) > 7*24*time.Hour {
			_ = os.RemoveAll(d)
		}
	}
}

// ldflags stamps the Kubernetes binaries with their release version, as a
// release build would; otherwise they report v0.0.0-master.
func (t tool) ldflags(repoRoot string) string {
	flags := "-s -w"
	if t.dir != "kube" {
		return flags
	}
	v, err := requiredVersion(filepath.Join(t.modDir(repoRoot), "go.mod"), t.module)
	if err != nil {
		return flags
	}
	major, minor, _ := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	minor, _, _ = strings.Cut(minor, ".")
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		flags += fmt.Sprintf(" -X %s.gitVersion=%s -X %s.gitMajor=%s -X %s.gitMinor=%s -X %s.gitTreeState=clean",
			pkg, v, pkg, major, pkg, minor, pkg)
	}
	return flags
}

// writeKwokConfigs writes, from files that ship in the kwok module (read from
// the module cache, never copied into this repository), the Stage definitions
// (nodes become Ready and keep a lease; pods become Running, complete, and are
// deleted) for kwok's --config, the CustomResourceDefinitions of the
// per-pod Logs, Exec and PortForward kinds that podsim and tests create, and
// the Metric that makes kwok serve each node's kubelet resource metrics
// (/metrics/nodes/{nodeName}/metrics/resource) from its emulated usage.
func writeKwokConfigs(ctx context.Context, modDir, binDir string) error {
	stages, crds, metrics := filepath.Join(binDir, kwokStages), filepath.Join(binDir, kwokCRDs), filepath.Join(binDir, kwokMetrics)
	present := true
	for _, f := range []string{stages, crds, metrics} {
		if _, err := os.Stat(f); err != nil {
			present = false
		}
	}
	if present {
		return nil
	}
	out, err := outputGo(ctx, modDir, "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok")
	if err != nil {
		return fmt.Errorf("locate kwok module: %w", err)
	}
	root := filepath.Join(strings.TrimSpace(out), "kustomize")
	if err := joinYAML(filepath.Join(root, "stage"), stages,
		"node/fast/node-initialize.yaml",
		"node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
		"pod/fast/pod-ready.yaml",
		"pod/fast/pod-complete.yaml",
		"pod/fast/pod-delete.yaml",
	); err != nil {
		return err
	}
	if err := joinYAML(filepath.Join(root, "crd", "bases"), crds,
		"kwok.x-k8s.io_logs.yaml",
		"kwok.x-k8s.io_execs.yaml",
		"kwok.x-k8s.io_portforwards.yaml",
	); err != nil {
		return err
	}
	return joinYAML(filepath.Join(root, "metrics"), metrics, "resource/metrics-resource.yaml")
}

// joinYAML writes the YAML files under dir as one multi-document file.
func joinYAML(dir, dst string, files ...string) error {
	var buf bytes.Buffer
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return fmt.Errorf("read kwok configuration: %w", err)
		}
		buf.WriteString("---\n")
		buf.Write(data)
		if !bytes.HasSuffix(data, []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// requiredVersion reads the version of module from a go.mod require line.
func requiredVersion(goMod, module string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "require "))
		if len(fields) >= 2 && fields[0] == module && strings.HasPrefix(fields[1], "v") {
			return fields[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s does not require %s", goMod, module)
}

func runGo(ctx context.Context, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func outputGo(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

var errNotRunning = errors.New("not running")

// FindRepoRoot finds the checkout that holds hack/tools, from the working
// directory upwards, so commands and tests work from any subdirectory.
func FindRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "tools", "kube", "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("crowsnest checkout (hack/tools) not found above the working directory")
		}
		dir = parent
	}
}
