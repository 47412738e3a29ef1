// Command cluster runs Crowsnest's local control plane: see `cluster help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"crowsnest/hack/controlplane"
	"crowsnest/hack/seed"
)

const usage = `usage: hack/cluster COMMAND [flags]

Commands:
  tools       build the control-plane binaries into the cache (no-op when cached)
  up          start the demo and staging clusters on 127.0.0.1 (no-op when running)
  seed        fill demo and staging with realistic objects; --pods N adds N pods to demo
  status      show which processes run
  down        stop every process by PID and remove the cluster's data
  kubeconfig  print the path of the generated kubeconfig
  env         print shell exports for KUBECONFIG and CROWSNEST_TEST_CLUSTER

Flags (also from the environment):
  --dir DIR         state directory ($CROWSNEST_CLUSTER_DIR, default <cache>/cluster)
  --port-base N     first port ($CROWSNEST_PORT_BASE, default 26400): etcd N and N+1,
                    demo N+10..N+14, staging N+20..N+24 (apiserver, controller-manager,
                    scheduler, kwok, podsim), offline context N+99 (closed)
  --clusters LIST   which clusters "up" starts (default demo,staging)
  --pods N          seed: create N extra pods in namespace "load" of demo
  --namespace NS    seed: namespace for --pods (default load)
`

func main() {
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	dir := fs.String("dir", os.Getenv("CROWSNEST_CLUSTER_DIR"), "")
	portBase := fs.Int("port-base", envInt("CROWSNEST_PORT_BASE", controlplane.DefaultPortBase), "")
	clusters := fs.String("clusters", "", "")
	pods := fs.Int("pods", 0, "")
	namespace := fs.String("namespace", "load", "")
	_ = fs.Parse(os.Args[2:])

	root, err := controlplane.FindRepoRoot()
	if err != nil {
		fatal(err)
	}
	opts := controlplane.Options{Dir: *dir, RepoRoot: root, PortBase: *portBase, Log: logf}
	if *clusters != "" {
		opts.Clusters = strings.Split(*clusters, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "tools":
		_, err = controlplane.EnsureBinaries(ctx, root, controlplane.DefaultCacheDir(), logf)
	case "up":
		err = controlplane.Up(ctx, opts)
	case "down":
		err = controlplane.Down(opts)
		if err == nil {
			logf("control plane stopped and its data removed")
		}
	case "status":
		err = status(opts)
	case "seed":
		err = seedClusters(ctx, opts, *pods, *namespace)
	case "kubeconfig":
		fmt.Println(opts.KubeconfigPath())
	case "env":
		fmt.Printf("export KUBECONFIG=%s\nexport CROWSNEST_TEST_CLUSTER=%s\n", opts.KubeconfigPath(), filepath.Dir(opts.KubeconfigPath()))
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fatal(err)
	}
}

func status(opts controlplane.Options) error {
	comps, err := controlplane.Status(opts)
	if err != nil {
		return err
	}
	if len(comps) == 0 {
		fmt.Println("no control plane in", filepath.Dir(opts.KubeconfigPath()))
		return nil
	}
	down := 0
	for _, c := range comps {
		state := fmt.Sprintf("running  pid %d", c.PID)
		if !c.Running {
			state = "stopped"
			down++
		}
		fmt.Printf("%-28s %s\n", c.Name, state)
	}
	fmt.Println("kubeconfig:", opts.KubeconfigPath())
	if down > 0 {
		return fmt.Errorf("%d of %d processes are not running; `hack/cluster up` restarts them", down, len(comps))
	}
	return nil
}

// seedClusters seeds each running cluster with its profile, then adds bulk
// pods to demo when asked.
func seedClusters(ctx context.Context, opts controlplane.Options, pods int, namespace string) error {
	began := time.Now()
	admins := map[string]string{controlplane.Demo: controlplane.ContextDemoAdmin, controlplane.Staging: controlplane.ContextStagingAdmin}
	for _, cluster := range []string{controlplane.Demo, controlplane.Staging} {
		cfg, err := controlplane.BulkConfig(opts, admins[cluster], "crowsnest-seed")
		if err != nil {
			if cluster == controlplane.Staging && errors.Is(err, controlplane.ErrNoContext) {
				continue
			}
			return err
		}
		clients, err := seed.ClientsFor(cfg)
		if err != nil {
			return err
		}
		logf("seeding %s", cluster)
		if err := seed.Cluster(ctx, clients, seed.Options{Profile: cluster, Log: logf}); err != nil {
			return fmt.Errorf("seed %s: %w", cluster, err)
		}
	}
	if pods > 0 {
		cs, err := controlplane.BulkClient(opts, controlplane.ContextDemoAdmin, "crowsnest-seed")
		if err != nil {
			return err
		}
		if err := seed.Pods(ctx, cs, seed.PodsOptions{Count: pods, Namespace: namespace, Log: logf}); err != nil {
			return fmt.Errorf("seed %d pods: %w", pods, err)
		}
	}
	logf("seeded in %.1fs", time.Since(began).Seconds())
	return nil
}

func envInt(name string, def int) int {
	var v int
	if _, err := fmt.Sscan(os.Getenv(name), &v); err == nil {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
