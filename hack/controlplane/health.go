package controlplane

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// httpCheck GETs url and wants 200. roots nil means skip verification, for
// the self-signed serving certificates of the controller-manager and
// scheduler; the API server is always verified against our CA.
func httpCheck(ctx context.Context, url string, roots *x509.CertPool, token string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, InsecureSkipVerify: roots == nil}} //nolint:gosec // loopback health checks of self-signed components
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, body)
	}
	return nil
}

// waitFor polls check until it succeeds, the process dies, or timeout ends.
// A dead process fails at once with the end of its log.
func waitFor(ctx context.Context, dir, name string, timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		if _, err := running(dir, name); err != nil {
			return fmt.Errorf("%s exited during start-up; end of %s:\n%s", name, logFile(dir, name), tail(dir, name, 15))
		}
		if last = check(); last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not healthy after %s: %w; end of %s:\n%s", name, timeout, last, logFile(dir, name), tail(dir, name, 15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func caPool(p pki) (*x509.CertPool, error) {
	ca, err := os.ReadFile(p.CACert)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("no certificate in " + p.CACert)
	}
	return pool, nil
}

func waitAPIServer(ctx context.Context, opts Options, p pki, s clusterSpec, timeout time.Duration) error {
	pool, err := caPool(p)
	if err != nil {
		return err
	}
	url := fmt.Sprintf("https://127.0.0.1:%d/readyz", opts.ports(s).APIServer)
	return waitFor(ctx, opts.Dir, s.Name+"-apiserver", timeout, func() error {
		return httpCheck(ctx, url, pool, p.Tokens[componentsUser])
	})
}

// waitHealthy waits for every component of every configured cluster.
func waitHealthy(ctx context.Context, opts Options, p pki, timeout time.Duration) error {
	if err := waitFor(ctx, opts.Dir, "etcd", timeout, func() error {
		return httpCheck(ctx, fmt.Sprintf("http://127.0.0.1:%d/health", opts.PortBase+etcdClientOffset), nil, "")
	}); err != nil {
		return err
	}
	for _, c := range opts.Clusters {
		s := specs[c]
		ports := opts.ports(s)
		if err := waitAPIServer(ctx, opts, p, s, timeout); err != nil {
			return err
		}
		checks := map[string]string{
			c + "-controller-manager": fmt.Sprintf("https://127.0.0.1:%d/healthz", ports.ControllerManager),
			c + "-scheduler":          fmt.Sprintf("https://127.0.0.1:%d/healthz", ports.Scheduler),
			c + "-kwok":               fmt.Sprintf("http://127.0.0.1:%d/healthz", ports.Kwok),
			c + "-podsim":             fmt.Sprintf("http://127.0.0.1:%d/healthz", ports.PodSim),
			c + "-metrics-server":     fmt.Sprintf("https://127.0.0.1:%d/livez", ports.MetricsServer),
		}
		for name, url := range checks {
			if err := waitFor(ctx, opts.Dir, name, timeout, func() error { return httpCheck(ctx, url, nil, "") }); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitNodesReady waits until kwok has marked every fake node Ready, so that a
// caller may schedule pods as soon as Up returns.
func waitNodesReady(ctx context.Context, opts Options, p pki, timeout time.Duration) error {
	for _, c := range opts.Clusters {
		cs, err := componentsClient(opts, p, c)
		if err != nil {
			return err
		}
		if err := waitFor(ctx, opts.Dir, c+"-kwok", timeout, func() error {
			nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			for _, n := range nodes.Items {
				if !nodeReady(&n) {
					return fmt.Errorf("node %s not Ready yet", n.Name)
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func componentsClient(opts Options, p pki, cluster string) (kubernetes.Interface, error) {
	cfg, err := clientConfigFor(opts, p, cluster, componentsUser)
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}
