package kubeconfig

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Context is one entry of the context picker: what the context points at, how
// it authenticates, and why it cannot be used, if it cannot.
type Context struct {
	Name      string
	Cluster   string
	Server    string // the cluster's server URL, without any user:password part
	User      string
	Namespace string // "default" when the context sets none
	Current   bool
	File      string // the kubeconfig file the context came from
	// Exec is set when the user authenticates with an exec credential plugin,
	// so the UI can say which program will run on connect. Listing never runs it.
	Exec *Exec
	// AuthProvider names a legacy auth-provider (gcp, azure, oidc) if the user
	// has one.
	AuthProvider string
	// Problems stops RESTConfig for this context; empty means the context is
	// usable as far as can be told without contacting the cluster.
	Problems []string
}

// Exec describes an exec credential plugin without running it.
type Exec struct {
	Command     string // absolute when the kubeconfig gave a relative path
	Args        []string
	InstallHint string // the kubeconfig's hint for installing the plugin, control characters removed
}

// Valid reports whether the context has no known problems.
func (c Context) Valid() bool { return len(c.Problems) == 0 }

// contextInfo is what Load works out for one context. The problems are kept as
// errors so that RESTConfig can return them for errors.Is.
type contextInfo struct {
	ctx      Context // without Problems
	problems []error
	secrets  []string // credentials of the context's user, to keep out of messages
}

// public returns a copy the caller may modify freely.
func (i contextInfo) public() Context {
	out := i.ctx
	out.Problems = make([]string, 0, len(i.problems))
	for _, p := range i.problems {
		out.Problems = append(out.Problems, redact(p, i.secrets).Error())
	}
	if i.ctx.Exec != nil {
		e := *i.ctx.Exec
		e.Args = slices.Clone(e.Args)
		out.Exec = &e
	}
	return out
}

// inspectContexts checks every merged context once, at load time, so the
// picker and RESTConfig agree on what is wrong.
func (c *Config) inspectContexts() {
	names := sortedKeys(c.merged.Contexts)
	c.contexts = make([]contextInfo, 0, len(names))
	c.byName = make(map[string]int, len(names))
	for _, name := range names {
		c.byName[name] = len(c.contexts)
		c.contexts = append(c.contexts, c.inspect(name, c.merged.Contexts[name]))
	}
}

// inspect describes one context and collects everything that would stop it
// from connecting, without running plugins or contacting the cluster.
func (c *Config) inspect(name string, kctx *clientcmdapi.Context) contextInfo {
	info := contextInfo{ctx: Context{
		Name:      name,
		Cluster:   kctx.Cluster,
		User:      kctx.AuthInfo,
		Namespace: kctx.Namespace,
		Current:   name != "" && name == c.merged.CurrentContext,
		File:      kctx.LocationOfOrigin,
	}}
	if info.ctx.Namespace == "" {
		info.ctx.Namespace = "default"
	}
	add := func(errs ...error) { info.problems = append(info.problems, errs...) }

	if name == "" {
		add(errors.New("context has an empty name"))
	}

	switch cluster := c.merged.Clusters[kctx.Cluster]; {
	case kctx.Cluster == "":
		add(errors.New("context sets no cluster"))
	case cluster == nil:
		add(fmt.Errorf("cluster %q not found in any kubeconfig file", kctx.Cluster))
	default:
		info.ctx.Server = displayServer(cluster.Server)
		add(clusterProblems(kctx.Cluster, cluster)...)
	}

	// A context without a user connects anonymously, as with kubectl. A user
	// name that resolves to nothing is almost always a mistake (kubectl would
	// silently connect anonymously), so it is reported.
	if kctx.AuthInfo != "" {
		user := c.merged.AuthInfos[kctx.AuthInfo]
		if user == nil {
			add(fmt.Errorf("user %q not found in any kubeconfig file", kctx.AuthInfo))
		} else {
			info.secrets = userSecrets(user)
			if user.Exec != nil {
				info.ctx.Exec = &Exec{
					Command:     user.Exec.Command,
					Args:        slices.Clone(user.Exec.Args),
					InstallHint: stripControl(user.Exec.InstallHint),
				}
			}
			if user.AuthProvider != nil {
				info.ctx.AuthProvider = user.AuthProvider.Name
			}
			add(userProblems(kctx.AuthInfo, user)...)
		}
	}

	if kctx.Namespace != "" && len(validation.IsDNS1123Label(kctx.Namespace)) > 0 {
		add(fmt.Errorf("namespace %q is not a valid namespace name (lowercase letters, digits and '-', at most 63 characters)", kctx.Namespace))
	}
	return info
}

// displayServer removes credentials embedded in a server URL before it is
// shown.
func displayServer(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		// Unparsable, so drop everything up to an '@' in case it is userinfo.
		if i := strings.LastIndex(server, "@"); i >= 0 {
			return server[i+1:]
		}
		return server
	}
	if u.User == nil {
		return server
	}
	u.User = nil
	return u.String()
}

// clusterProblems finds cluster settings that client-go would reject or that
// cannot connect (a missing CA file).
func clusterProblems(name string, cl *clientcmdapi.Cluster) []error {
	var errs []error
	if cl.Server == "" {
		errs = append(errs, fmt.Errorf("no server set for cluster %q", name))
	} else if _, _, err := rest.DefaultServerURL(cl.Server, "", schema.GroupVersion{}, true); err != nil {
		// The server text is left out: it may carry a user:password part.
		errs = append(errs, fmt.Errorf("server of cluster %q is not a URL or host:port", name))
	}
	hasCA := cl.CertificateAuthority != "" || len(cl.CertificateAuthorityData) > 0
	if cl.CertificateAuthority != "" && len(cl.CertificateAuthorityData) > 0 {
		errs = append(errs, fmt.Errorf("cluster %q sets both certificate-authority and certificate-authority-data; remove one", name))
	}
	if cl.InsecureSkipTLSVerify && hasCA {
		errs = append(errs, fmt.Errorf("cluster %q sets insecure-skip-tls-verify together with a certificate authority; remove one", name))
	}
	if cl.CertificateAuthority != "" {
		if err := checkFile("certificate-authority", cl.CertificateAuthority); err != nil {
			errs = append(errs, err)
		}
	}
	if cl.ProxyURL != "" {
		u, err := url.Parse(cl.ProxyURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
			errs = append(errs, fmt.Errorf("proxy-url of cluster %q is not an http, https or socks5 URL", name))
		}
	}
	return errs
}

// userProblems finds credential settings that client-go would reject or that
// cannot work from a desktop app.
func userProblems(name string, u *clientcmdapi.AuthInfo) []error {
	var errs []error
	if u.Token != "" && (u.Username != "" || u.Password != "") {
		errs = append(errs, fmt.Errorf("user %q sets both a token and a username/password; keep one", name))
	}
	if u.TokenFile != "" {
		if err := checkFile("tokenFile", u.TokenFile); err != nil {
			errs = append(errs, err)
		}
	}
	if u.ClientCertificate != "" || len(u.ClientCertificateData) > 0 {
		if u.ClientCertificate != "" && len(u.ClientCertificateData) > 0 {
			errs = append(errs, fmt.Errorf("user %q sets both client-certificate and client-certificate-data; remove one", name))
		}
		if u.ClientKey != "" && len(u.ClientKeyData) > 0 {
			errs = append(errs, fmt.Errorf("user %q sets both client-key and client-key-data; remove one", name))
		}
		if u.ClientKey == "" && len(u.ClientKeyData) == 0 {
			errs = append(errs, fmt.Errorf("user %q has a client certificate but no client-key or client-key-data", name))
		}
		if u.ClientCertificate != "" {
			if err := checkFile("client-certificate", u.ClientCertificate); err != nil {
				errs = append(errs, err)
			}
		}
		if u.ClientKey != "" {
			if err := checkFile("client-key", u.ClientKey); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if u.Impersonate == "" && (u.ImpersonateUID != "" || len(u.ImpersonateGroups) > 0 || len(u.ImpersonateUserExtra) > 0) {
		errs = append(errs, fmt.Errorf("user %q sets act-as-uid, act-as-groups or act-as-user-extra without act-as", name))
	}
	if u.Exec != nil && u.AuthProvider != nil {
		errs = append(errs, fmt.Errorf("user %q sets both exec and auth-provider; keep one", name))
	}
	if u.Exec != nil {
		errs = append(errs, execProblems(name, u.Exec)...)
	}
	if u.AuthProvider != nil {
		if err := authProviderProblem(name, u.AuthProvider); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// execProblems checks an exec credential plugin's settings and that the
// program exists, so a missing plugin shows up in the picker with its install
// hint rather than as a failed connection.
func execProblems(user string, e *clientcmdapi.ExecConfig) []error {
	var errs []error
	if e.APIVersion == "" {
		errs = append(errs, fmt.Errorf("exec plugin of user %q sets no apiVersion (for example client.authentication.k8s.io/v1)", user))
	}
	switch e.InteractiveMode {
	case clientcmdapi.NeverExecInteractiveMode, clientcmdapi.IfAvailableExecInteractiveMode:
	case "":
		errs = append(errs, fmt.Errorf("exec plugin of user %q must set interactiveMode (Never or IfAvailable)", user))
	case clientcmdapi.AlwaysExecInteractiveMode:
		errs = append(errs, fmt.Errorf("exec plugin of user %q needs a terminal (interactiveMode: Always), which crowsnest cannot provide; log in with the plugin in a terminal and set interactiveMode: IfAvailable", user))
	default:
		errs = append(errs, fmt.Errorf("exec plugin of user %q has an unknown interactiveMode %q (use Never or IfAvailable)", user, e.InteractiveMode))
	}
	for _, env := range e.Env {
		if env.Name == "" {
			errs = append(errs, fmt.Errorf("exec plugin of user %q has an env entry without a name", user))
			break
		}
	}
	if e.Command == "" {
		errs = append(errs, fmt.Errorf("exec plugin of user %q sets no command", user))
	} else if err := findCommand(e.Command); err != nil {
		// The hint is often several lines; a problem is one line.
		hint := strings.Join(strings.Fields(stripControl(e.InstallHint)), " ")
		if hint != "" {
			err = fmt.Errorf("%w; %s", err, hint)
		}
		errs = append(errs, err)
	}
	return errs
}

// findCommand checks that an exec plugin exists and looks executable, without
// running it: a path is checked in place, a bare name is looked up in PATH.
func findCommand(command string) error {
	if strings.ContainsRune(command, os.PathSeparator) || strings.ContainsRune(command, '/') {
		info, err := os.Stat(command)
		if err != nil {
			return fmt.Errorf("exec plugin %s: %w", command, pathCause(err))
		}
		if info.IsDir() {
			return fmt.Errorf("exec plugin %s is a directory", command)
		}
		return nil
	}
	if _, err := exec.LookPath(command); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			// An app started from a desktop menu may search a shorter PATH
			// than the user's terminal, so say which one was searched.
			return fmt.Errorf("exec plugin %q %w in PATH %q (if it runs in a terminal, add its directory to the extra PATH entries in the settings)",
				command, ErrPluginNotFound, os.Getenv("PATH"))
		}
		return fmt.Errorf("exec plugin %q: %w", command, err)
	}
	return nil
}

// authProviderProblem explains legacy auth providers. gcp and azure were
// removed from client-go (it now only returns an error for them), so the
// message says what to migrate to.
func authProviderProblem(user string, ap *clientcmdapi.AuthProviderConfig) error {
	switch ap.Name {
	case "gcp":
		return errors.New(`auth provider "gcp" was removed from client-go; install the gke-gcloud-auth-plugin exec plugin and run "gcloud container clusters get-credentials" again (https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke)`)
	case "azure":
		return errors.New(`auth provider "azure" was removed from client-go; install kubelogin and convert this kubeconfig with "kubelogin convert-kubeconfig" to use its exec plugin (https://azure.github.io/kubelogin/)`)
	case "oidc":
		for _, key := range []string{"idp-issuer-url", "client-id"} {
			if ap.Config[key] == "" {
				return fmt.Errorf("auth provider \"oidc\" of user %q sets no %s", user, key)
			}
		}
		return nil
	case "":
		return fmt.Errorf("auth-provider of user %q has no name", user)
	default:
		return fmt.Errorf("auth provider %q of user %q is not supported; switch the user to an exec credential plugin", ap.Name, user)
	}
}

// checkFile reports a file reference that cannot work. It only looks at the
// file's metadata; a non-regular file (a directory, a device such as
// /dev/zero) is refused because client-go would read it whole.
func checkFile(kind, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s file %s: %w", kind, path, pathCause(err))
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s file %s is not a regular file", kind, path)
	}
	return nil
}

// stripControl drops control characters except newlines and tabs, so text
// from a kubeconfig (an install hint) cannot carry terminal escape sequences
// into the UI or logs.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}
