package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"crowsnest/hack/podsim"
)

// writeConfigs writes, for each cluster, the static-token file, the
// components' kubeconfig, the scheduler's and kwok's configuration, and the
// users' kubeconfig with every context.
func writeConfigs(opts Options, p pki) error {
	for _, c := range opts.Clusters {
		s := specs[c]
		dir := filepath.Join(opts.Dir, c)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		// token,user,uid,"group,..."; the API server adds system:authenticated.
		var b strings.Builder
		fmt.Fprintf(&b, "%s,crowsnest-components,components,\"system:masters\"\n", p.Tokens[componentsUser])
		for _, u := range s.Users {
			groups := ""
			if u.Masters {
				groups = "system:masters"
			}
			fmt.Fprintf(&b, "%s,%s,%s,%q\n", p.Tokens[u.Name], userName(u), u.Name, groups)
		}
		if err := os.WriteFile(filepath.Join(dir, "tokens.csv"), []byte(b.String()), 0o600); err != nil {
			return err
		}
		components := filepath.Join(dir, "components.kubeconfig")
		if err := clientcmd.WriteToFile(*kubeconfig(opts, p, map[string]string{c: componentsUser}, false), components); err != nil {
			return err
		}
		sched := fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: %q
  qps: 500
  burst: 1000
leaderElection:
  leaderElect: false
`, components)
		if err := os.WriteFile(filepath.Join(dir, "scheduler.yaml"), []byte(sched), 0o600); err != nil {
			return err
		}
		if err := writeKwokConfig(opts, s, dir); err != nil {
			return err
		}
	}
	users := map[string]string{}
	for _, c := range opts.Clusters {
		for _, u := range specs[c].Users {
			users[u.Name] = u.Name
		}
	}
	if err := os.MkdirAll(filepath.Dir(ssoPlugin(opts)), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(ssoPlugin(opts), []byte(ssoScript), 0o755); err != nil {
		return err
	}
	return clientcmd.WriteToFile(*kubeconfig(opts, p, users, true), opts.KubeconfigPath())
}

// writeKwokConfig writes kwok's configuration for one cluster and the shared
// files it serves for pods that podsim has no files of its own for.
func writeKwokConfig(opts Options, s clusterSpec, dir string) error {
	sim := opts.PodSimDir(s.Name)
	if err := podsim.WriteShared(sim, time.Now()); err != nil {
		return err
	}
	// A KwokConfiguration given with --config gets none of kwok's
	// defaults, so the node-lease settings must be spelled out: without
	// leases kwok refreshes node status only every few minutes and the
	// nodes go NotReady. Its default of 4 pod-stage workers leaves bulk
	// seeded pods Pending for minutes. The debugging handlers are the
	// kubelet API's logs, exec, attach and port-forward endpoints.
	//
	// kwok takes its per-pod Logs, Exec and PortForward objects from the
	// API server (podsim and tests create them); the cluster-wide kinds
	// below cover every other pod: bulk pods, and any pod in the moment
	// before podsim has written its files. Exec runs the requested
	// command on this machine, as the user who started the cluster, in a
	// working directory of the pod; only users allowed to exec into pods
	// of this loopback-only cluster can ask for it.
	//
	// The resource usage kwok reports for a pod (which metrics-server
	// scrapes) is the one its annotations name (tests set them to know the
	// order); else, per container, a share of its request (CPU 15-83%,
	// memory 35-89%, by the length of the pod's name) that moves a little at
	// each scrape, or a few millicores and tens of MiB without a request.
	shared := podsim.SharedWorkDir(sim)
	cfg := fmt.Sprintf(`apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  podPlayStageParallelism: 32
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  nodeLeaseDurationSeconds: 40
  enableDebuggingHandlers: true
  enableProfilingHandler: false
  enableContentionProfiling: false
  enableCRDs: [Logs, Exec, PortForward]
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: shared
spec:
  logs:
  - logsFile: %q
    previousLogsFile: %q
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata:
  name: shared
spec:
  execs:
  - local:
      workDir: %q
      envs:
      - name: HOME
        value: %q
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterResourceUsage
metadata:
  name: usage
spec:
  usages:
  - usage:
      cpu:
        expression: |
          %q in pod.metadata.annotations
          ? Quantity(pod.metadata.annotations[%q])
          : "cpu" in container.resources.requests
          ? container.resources.requests["cpu"] * (0.15 + 0.06 * double(size(pod.metadata.name) %% 9) + 0.2 * Rand())
          : Quantity("3m") * (double(size(pod.metadata.name) %% 9 + 1) * (0.6 + 0.8 * Rand()))
      memory:
        expression: |
          %q in pod.metadata.annotations
          ? Quantity(pod.metadata.annotations[%q])
          : "memory" in container.resources.requests
          ? container.resources.requests["memory"] * (0.35 + 0.05 * double(size(pod.metadata.name) %% 11) + 0.04 * Rand())
          : Quantity("9Mi") * (double(size(pod.metadata.name) %% 11 + 2) * (0.95 + 0.1 * Rand()))
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata:
  name: podsim
spec:
  forwards:
  - target:
      address: 127.0.0.1
      port: %d
`, podsim.SharedLog(sim), podsim.SharedPreviousLog(sim), shared, shared,
		UsageCPUAnnotation, UsageCPUAnnotation, UsageMemoryAnnotation, UsageMemoryAnnotation,
		opts.ports(s).PodSim)
	return os.WriteFile(filepath.Join(dir, "kwok.yaml"), []byte(cfg), 0o600)
}

// ssoPlugin is the exec credential plugin of the demo-sso context: a
// login that has expired, as a cloud provider's plugin reports it.
func ssoPlugin(opts Options) string { return filepath.Join(opts.Dir, "bin", "acme-sso") }

const ssoScript = `#!/bin/sh
echo "error: your single sign-on session for demo has expired; run 'acme-sso login' in a terminal" >&2
exit 1
`

// userName is the identity the API server sees for a kubeconfig user.
func userName(u user) string {
	if u.Masters {
		return "crowsnest-admin"
	}
	return "shop-viewer"
}

// kubeconfig builds a config whose contexts map to users. With the user
// names of specs (demo-admin, ...) each context is named after its user; with
// the components user, the one context is named after the cluster.
// withOffline adds the "offline" context, whose server is a loopback port
// that nothing listens on, and with demo the "demo-sso" context, whose exec
// plugin fails.
func kubeconfig(opts Options, p pki, contexts map[string]string, withOffline bool) *clientcmdapi.Config {
	ca, _ := os.ReadFile(p.CACert)
	cfg := clientcmdapi.NewConfig()
	addCluster := func(name, server string) {
		c := clientcmdapi.NewCluster()
		c.Server = server
		c.CertificateAuthorityData = ca
		cfg.Clusters[name] = c
	}
	for ctxName, userKey := range contexts {
		cluster := ctxName
		if userKey != componentsUser {
			cluster, _, _ = strings.Cut(ctxName, "-")
		}
		addCluster(cluster, opts.Server(cluster))
		u := clientcmdapi.NewAuthInfo()
		u.Token = p.Tokens[userKey]
		cfg.AuthInfos[ctxName] = u
		kc := clientcmdapi.NewContext()
		kc.Cluster = cluster
		kc.AuthInfo = ctxName
		if ctxName == ContextDemoViewer {
			kc.Namespace = ViewerNamespace
		}
		cfg.Contexts[ctxName] = kc
		if cfg.CurrentContext == "" || ctxName == ContextDemoAdmin {
			cfg.CurrentContext = ctxName
		}
	}
	if withOffline {
		addCluster(ContextOffline, fmt.Sprintf("https://127.0.0.1:%d", opts.PortBase+offlineOffset))
		u := clientcmdapi.NewAuthInfo()
		u.Token = "offline-cluster-has-no-server"
		cfg.AuthInfos[ContextOffline] = u
		kc := clientcmdapi.NewContext()
		kc.Cluster = ContextOffline
		kc.AuthInfo = ContextOffline
		cfg.Contexts[ContextOffline] = kc
		if cfg.Clusters[Demo] != nil {
			u := clientcmdapi.NewAuthInfo()
			u.Exec = &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1", Command: ssoPlugin(opts),
				Args: []string{"token", "--cluster", Demo}, InteractiveMode: clientcmdapi.NeverExecInteractiveMode}
			cfg.AuthInfos[ContextDemoSSO] = u
			kc := clientcmdapi.NewContext()
			kc.Cluster = Demo
			kc.AuthInfo = ContextDemoSSO
			cfg.Contexts[ContextDemoSSO] = kc
		}
	}
	return cfg
}

// ErrNoContext means the kubeconfig lacks a context, e.g. because only some
// clusters were started.
var ErrNoContext = errors.New("no such context")

// RESTConfig returns the client configuration of one context of the users'
// kubeconfig that Up wrote in opts.Dir.
func RESTConfig(opts Options, context string) (*rest.Config, error) {
	path := opts.KubeconfigPath()
	raw, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (is the control plane up? run hack/cluster up)", err)
	}
	if _, ok := raw.Contexts[context]; !ok {
		return nil, fmt.Errorf("%w: %q in %s", ErrNoContext, context, path)
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: path},
		&clientcmd.ConfigOverrides{CurrentContext: context},
	).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("context %q of %s: %w", context, path, err)
	}
	return cfg, nil
}

// BulkConfig returns the configuration of one context with client-side
// rate limits high enough to seed tens of thousands of objects.
func BulkConfig(opts Options, context, userAgent string) (*rest.Config, error) {
	cfg, err := RESTConfig(opts, context)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 2000, 4000
	cfg.UserAgent = userAgent
	return cfg, nil
}

// BulkClient returns a clientset made from BulkConfig.
func BulkClient(opts Options, context, userAgent string) (kubernetes.Interface, error) {
	cfg, err := BulkConfig(opts, context, userAgent)
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}
