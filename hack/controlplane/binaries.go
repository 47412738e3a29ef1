package controlplane

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binary names the programs the control plane runs.
const (
	Etcd                  = "etcd"
	KubeAPIServer         = "kube-apiserver"
	KubeControllerManager = "kube-controller-manager"
	KubeScheduler         = "kube-scheduler"
	Kubectl               = "kubectl"
	Kwok                  = "kwok"
	kwokStages            = "kwok-stages.yaml"
)

// tool is one Go module under hack/tools that builds one or more binaries.
// The version comes from that module's go.mod, so go.mod is the single place
// where a version is chosen.
type tool struct {
	dir      string // under hack/tools
	module   string // the upstream module whose version keys the cache
	packages map[string]string
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
}

// Binaries maps a program name to the path of its cached executable, plus the
// kwok stage configuration that kwok needs to move pods to Running.
type Binaries struct {
	paths      map[string]string
	KwokStages string
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
			if _, err := os.Stat(b.KwokStages); err != nil {
				missing = append(missing, b.KwokStages)
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

func (t tool) modDir(repoRoot string) string { return filepath.Join(repoRoot, "hack", "tools", t.dir) }

func (t tool) binDir(repoRoot, cacheDir string) (string, error) {
	v, err := requiredVersion(filepath.Join(t.modDir(repoRoot), "go.mod"), t.module)
	if err != nil {
		return "", err
	}
	return filepath.Join(cacheDir, "bin", t.dir+"-"+v), nil
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
	}
	if t.dir == "kwok" {
		return writeKwokStages(ctx, t.modDir(repoRoot), filepath.Join(binDir, kwokStages))
	}
	return nil
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

// writeKwokStages joins the Stage definitions that ship in the kwok module
// (nodes become Ready and keep a lease; pods become Running, complete, and are
// deleted) into one file for kwok's --config. They are read from the module
// cache, never copied into this repository.
func writeKwokStages(ctx context.Context, modDir, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	out, err := outputGo(ctx, modDir, "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok")
	if err != nil {
		return fmt.Errorf("locate kwok module: %w", err)
	}
	root := filepath.Join(strings.TrimSpace(out), "kustomize", "stage")
	files := []string{
		"node/fast/node-initialize.yaml",
		"node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
		"pod/fast/pod-ready.yaml",
		"pod/fast/pod-complete.yaml",
		"pod/fast/pod-delete.yaml",
	}
	var buf bytes.Buffer
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return fmt.Errorf("read kwok stage: %w", err)
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
