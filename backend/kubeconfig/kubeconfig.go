// Package kubeconfig loads kubeconfig files the way kubectl does, lists their
// contexts for the context picker and builds the client configuration of the
// context the user connects to.
//
// Users keep kubeconfig files that are partly broken: a stale context, a
// deleted CA file, a removed auth provider. kubectl only notices when that
// context is used, so this package checks every context up front and reports
// specific problems per context (and per file) while the other contexts stay
// usable. Credentials (tokens, passwords, keys) never appear in messages.
//
// Exec credential plugins are never run here: listing contexts and building a
// *rest.Config only describe the plugin; client-go runs it on the first request.
package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/util/homedir"
)

// Config is the merged view of a set of kubeconfig files. It is immutable
// after Load, so it can be shared between goroutines.
type Config struct {
	merged   *clientcmdapi.Config
	files    []FileStatus
	contexts []contextInfo
	byName   map[string]int // index into contexts
}

// FileStatus tells the UI what happened to one kubeconfig file, so a file that
// was skipped (missing, unreadable, malformed) or partly shadowed by an earlier
// file can be shown instead of silently losing contexts.
type FileStatus struct {
	Path   string
	Loaded bool // the file was read and parsed, and took part in the merge
	// Problem is empty when all went well. For a file that was not loaded it
	// says why ("file does not exist", "file is empty", "parse /x: ...");
	// for a loaded file it lists entries that an earlier file shadows.
	Problem string
}

// errFileMissing and errFileEmpty are per-file problems that do not stop the
// other files from loading.
var (
	errFileMissing = errors.New("file does not exist")
	errFileEmpty   = errors.New("file is empty")
	errDecodePanic = errors.New("the kubeconfig decoder failed on this file")
)

// Paths returns the kubeconfig files to read, in precedence order, following
// kubectl: $KUBECONFIG split by the OS list separator (empty entries dropped,
// duplicates removed keeping the first), or ~/.kube/config when KUBECONFIG is
// unset or empty. It returns nil when there is no home directory to look in.
func Paths() []string {
	if env := os.Getenv(clientcmd.RecommendedConfigPathEnvVar); env != "" {
		return dedupe(filepath.SplitList(env))
	}
	home := homedir.HomeDir()
	if home == "" {
		return nil
	}
	return []string{filepath.Join(home, clientcmd.RecommendedHomeDir, clientcmd.RecommendedFileName)}
}

// dedupe drops empty and repeated entries, keeping the first of each, so a
// file listed twice is not read twice (which would shadow itself).
func dedupe(paths []string) []string {
	seen := make(map[string]bool, len(paths))
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// Load reads every file in paths and merges them with kubectl's rules: for
// clusters, users and contexts the first file that defines a name wins, and
// current-context comes from the first file that sets one. Relative file
// references inside a file are resolved against that file's directory.
//
// Load never fails as a whole: a missing, empty or malformed file is skipped
// and reported in Files, and every context is checked and reported in
// Contexts, so one bad entry never hides the good ones.
func Load(paths []string) *Config {
	c := &Config{merged: clientcmdapi.NewConfig()}
	for _, path := range dedupe(paths) {
		status := FileStatus{Path: path}
		file, err := readFile(path)
		if err != nil {
			status.Problem = err.Error()
			c.files = append(c.files, status)
			continue
		}
		status.Loaded = true
		status.Problem = strings.Join(c.merge(path, file), "; ")
		c.files = append(c.files, status)
	}
	c.inspectContexts()
	return c
}

// readFile reads and decodes one kubeconfig file. Its errors say what is
// wrong in a way that can be shown to the user as is.
func readFile(path string) (*clientcmdapi.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errFileMissing
		}
		return nil, fmt.Errorf("read %s: %w", path, pathCause(err))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errFileEmpty
	}
	cfg, err := decode(data)
	if err != nil {
		// The YAML and JSON decoders sometimes quote the offending input,
		// which may be a credential; the file could not be parsed, so the
		// secrets are found by scanning its text instead.
		return nil, redact(fmt.Errorf("parse %s: %w", path, err), secretsInText(data))
	}
	return cfg, nil
}

// decode turns file contents into a Config. It recovers from a panic in the
// decoder so that one hostile file cannot take down the app.
func decode(data []byte) (cfg *clientcmdapi.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, errDecodePanic
		}
	}()
	return clientcmd.Load(data)
}

// pathCause strips the *fs.PathError wrapper, whose text repeats the path
// and the operation that the caller is about to name anyway.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// merge adds one file's entries to the merged config with kubectl's
// first-wins rule and returns notes about entries an earlier file shadows.
func (c *Config) merge(path string, file *clientcmdapi.Config) []string {
	var notes []string
	// LocationOfOrigin drives ResolveLocalPaths and tells the UI which file a
	// context came from (clientcmd.LoadFromFile sets it the same way).
	for _, v := range file.Clusters {
		if v != nil {
			v.LocationOfOrigin = path
		}
	}
	for _, v := range file.AuthInfos {
		if v != nil {
			v.LocationOfOrigin = path
		}
	}
	for _, v := range file.Contexts {
		if v != nil {
			v.LocationOfOrigin = path
		}
	}
	if err := resolveLocalPaths(file); err != nil {
		notes = append(notes, fmt.Sprintf("relative file paths left unresolved: %v", err))
	}

	if len(file.Clusters) == 0 && len(file.AuthInfos) == 0 && len(file.Contexts) == 0 && file.CurrentContext == "" {
		notes = append(notes, "file defines no clusters, users, contexts or current-context")
	}

	for _, name := range sortedKeys(file.Contexts) {
		ctx := file.Contexts[name]
		if ctx == nil {
			continue
		}
		if earlier, ok := c.merged.Contexts[name]; ok {
			notes = append(notes, fmt.Sprintf("context %q also defined in %s; that one is used", name, earlier.LocationOfOrigin))
			continue
		}
		c.merged.Contexts[name] = ctx
	}
	for _, name := range sortedKeys(file.Clusters) {
		cluster := file.Clusters[name]
		if cluster == nil {
			continue
		}
		if earlier, ok := c.merged.Clusters[name]; ok {
			// Identical copies of a cluster in several files are common and
			// harmless; a different one means this file's contexts silently
			// talk to the earlier definition, which is worth saying.
			if !sameCluster(earlier, cluster) {
				notes = append(notes, fmt.Sprintf("cluster %q also defined in %s; that one is used", name, earlier.LocationOfOrigin))
			}
			continue
		}
		c.merged.Clusters[name] = cluster
	}
	for _, name := range sortedKeys(file.AuthInfos) {
		user := file.AuthInfos[name]
		if user == nil {
			continue
		}
		if earlier, ok := c.merged.AuthInfos[name]; ok {
			if !sameUser(earlier, user) {
				notes = append(notes, fmt.Sprintf("user %q also defined in %s; that one is used", name, earlier.LocationOfOrigin))
			}
			continue
		}
		c.merged.AuthInfos[name] = user
	}
	if c.merged.CurrentContext == "" {
		c.merged.CurrentContext = file.CurrentContext
	}
	return notes
}

// resolveLocalPaths makes relative certificate, key, token file and exec
// command paths absolute against the file's directory using client-go's own
// rules, recovering from a panic so a strange entry cannot crash Load.
func resolveLocalPaths(file *clientcmdapi.Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("internal error while resolving paths")
		}
	}()
	// Nil entries would make client-go dereference nil; they are skipped by
	// merge anyway.
	for k, v := range file.Clusters {
		if v == nil {
			delete(file.Clusters, k)
		}
	}
	for k, v := range file.AuthInfos {
		if v == nil {
			delete(file.AuthInfos, k)
		}
	}
	return clientcmd.ResolveLocalPaths(file)
}

func sameCluster(a, b *clientcmdapi.Cluster) bool {
	x, y := *a, *b
	x.LocationOfOrigin, y.LocationOfOrigin = "", ""
	return reflect.DeepEqual(x, y)
}

func sameUser(a, b *clientcmdapi.AuthInfo) bool {
	x, y := *a, *b
	x.LocationOfOrigin, y.LocationOfOrigin = "", ""
	return reflect.DeepEqual(x, y)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Files reports every file that was asked for, in precedence order.
func (c *Config) Files() []FileStatus {
	if c == nil {
		return nil
	}
	return slices.Clone(c.files)
}

// Current returns the merged current-context, or "" if no file sets one. It
// may name a context that does not exist; Contexts then marks none current.
func (c *Config) Current() string {
	if c == nil || c.merged == nil {
		return ""
	}
	return c.merged.CurrentContext
}

// Contexts lists every context sorted by name, each with the problems that
// would stop it from connecting.
func (c *Config) Contexts() []Context {
	if c == nil {
		return nil
	}
	out := make([]Context, 0, len(c.contexts))
	for _, info := range c.contexts {
		out = append(out, info.public())
	}
	return out
}
