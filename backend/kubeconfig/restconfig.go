package kubeconfig

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	// The legacy oidc auth-provider still ships with client-go but only works
	// once registered, as kubectl does; gcp and azure were removed.
	_ "k8s.io/client-go/plugin/pkg/client/auth/oidc"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ErrContextNotFound and ErrContextInvalid let callers tell a context that
// disappeared (say, after a reload) from one that exists but cannot be used.
var (
	ErrContextNotFound = errors.New("not found in any kubeconfig file")
	ErrContextInvalid  = errors.New("context cannot be used")
	// ErrPluginNotFound is a context problem: its exec credential plugin is
	// not on the PATH the app searches.
	ErrPluginNotFound = errors.New("not found")
)

const (
	// qps and burst leave room for a dozen informers listing at start-up
	// plus interactive requests; client-go's defaults (5/10) throttle that.
	qps   = 50
	burst = 100
	// dialTimeout bounds the TCP connect only, so an unreachable cluster
	// fails fast; rest.Config.Timeout would also cut long-running watches.
	dialTimeout = 5 * time.Second
	keepAlive   = 30 * time.Second
)

// RESTConfig builds the client configuration for one context, the way kubectl
// would, plus settings for a long-running desktop client. It does not contact
// the cluster or run exec plugins. A context that Contexts reports problems
// for returns an error carrying the same messages.
//
// The TCP connect is bounded by a dialer; the TLS handshake is bounded by
// client-go itself, which gives the transport it builds from this config a
// fixed 10s TLSHandshakeTimeout (rest.Config has no field for it).
//
// rest.Config.Dial makes client-go build a new transport for every
// HTTP client made from the config instead of sharing a cached one, so callers
// should make one client with rest.HTTPClientFor per connection and share it.
func (c *Config) RESTConfig(context, version string) (*rest.Config, error) {
	if c == nil || c.byName == nil {
		return nil, fmt.Errorf("context %q: %w", context, ErrContextNotFound)
	}
	i, ok := c.byName[context]
	if !ok {
		return nil, fmt.Errorf("context %q: %w", context, ErrContextNotFound)
	}
	info := c.contexts[i]
	if len(info.problems) > 0 {
		return nil, &contextError{name: context, problems: info.problems, secrets: info.secrets}
	}

	raw := c.single(context)
	cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, context, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return nil, redact(fmt.Errorf("context %q: %w", context, err), info.secrets)
	}

	if version == "" {
		version = "dev"
	}
	cfg.UserAgent = "crowsnest/" + version
	cfg.QPS = qps
	cfg.Burst = burst
	cfg.Dial = (&net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive}).DialContext
	// Over loopback (kind, k3d, minikube's docker driver, a port-forward)
	// gzip saves no time and costs CPU on both ends of the same machine: a
	// 10,000-pod list is compressed by the API server and inflated here.
	cfg.DisableCompression = IsLoopback(cfg.Host)
	if cfg.ExecProvider != nil {
		// A desktop app has no terminal for the plugin to prompt on; when
		// started from one (wails dev) a prompt would hang the app waiting
		// for input nobody sees.
		cfg.ExecProvider.StdinUnavailable = true
		cfg.ExecProvider.StdinUnavailableMessage = "crowsnest cannot show the plugin's prompt; log in once with the plugin in a terminal"
	}
	return cfg, nil
}

// single returns a config holding only the context, its cluster and its
// user, deep-copied so that client-go cannot modify the shared merged config.
func (c *Config) single(name string) *clientcmdapi.Config {
	raw := clientcmdapi.NewConfig()
	kctx := c.merged.Contexts[name]
	raw.Contexts[name] = kctx.DeepCopy()
	raw.CurrentContext = name
	if cl := c.merged.Clusters[kctx.Cluster]; cl != nil {
		raw.Clusters[kctx.Cluster] = cl.DeepCopy()
	}
	if u := c.merged.AuthInfos[kctx.AuthInfo]; u != nil {
		raw.AuthInfos[kctx.AuthInfo] = u.DeepCopy()
	}
	return raw
}

// contextError is RESTConfig's error for a context with problems. It unwraps
// to ErrContextInvalid and to each problem, so errors.Is(err, fs.ErrNotExist)
// finds a missing file.
type contextError struct {
	name     string
	problems []error
	secrets  []string
}

func (e *contextError) Error() string {
	msgs := make([]string, 0, len(e.problems))
	for _, p := range e.problems {
		msgs = append(msgs, redact(p, e.secrets).Error())
	}
	return fmt.Sprintf("context %q cannot be used: %s", e.name, strings.Join(msgs, "; "))
}

func (e *contextError) Unwrap() []error {
	return append([]error{ErrContextInvalid}, e.problems...)
}

// redactedError replaces an error whose text contained a credential. It
// matches the same targets with errors.Is but does not unwrap, so the
// original text cannot be reached through the chain.
type redactedError struct {
	msg   string
	inner error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.inner, target) }

// minSecretLen keeps very short values (which would match ordinary words)
// from being treated as credentials.
const minSecretLen = 4

// redact returns err unchanged unless its text contains one of the secrets,
// in which case the secrets are masked.
func redact(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	found := false
	for _, s := range secrets {
		if len(s) >= minSecretLen && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
			found = true
		}
	}
	if !found {
		return err
	}
	return &redactedError{msg: msg, inner: err}
}

// userSecrets lists the credentials of a user, to be masked in messages.
func userSecrets(u *clientcmdapi.AuthInfo) []string {
	secrets := []string{u.Token, u.Password, string(u.ClientKeyData)}
	if u.AuthProvider != nil {
		for k, v := range u.AuthProvider.Config {
			if isSecretKey(k) {
				secrets = append(secrets, v)
			}
		}
	}
	if u.Exec != nil {
		for _, env := range u.Exec.Env {
			if isSecretKey(env.Name) {
				secrets = append(secrets, env.Value)
			}
		}
	}
	return secrets
}

func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, word := range []string{"token", "secret", "password", "key"} {
		if strings.Contains(k, word) {
			return true
		}
	}
	return false
}

// secretLine matches credential fields in kubeconfig YAML or JSON text.
var secretLine = regexp.MustCompile(`["']?(?:token|password|client-key-data|id-token|refresh-token|access-token|client-secret)["']?\s*:\s*["']?([^\s"',}#]+)`)

// secretsInText finds credential values in a file that could not be parsed,
// on a best-effort basis, so that a parse error quoting them can be masked.
func secretsInText(data []byte) []string {
	var secrets []string
	for _, m := range secretLine.FindAllSubmatch(data, -1) {
		secrets = append(secrets, string(m[1]))
	}
	return secrets
}

// IsLoopback reports whether a server URL (or host[:port]) names this
// machine: localhost or an address in 127.0.0.0/8 or ::1.
func IsLoopback(server string) bool {
	host := server
	if u, err := url.Parse(server); err == nil && u.Host != "" {
		host = u.Hostname()
	} else if h, _, err := net.SplitHostPort(server); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
