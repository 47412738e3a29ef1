// Command podsim simulates a container runtime's files for the pods kwok
// runs on one local cluster (see package crowsnest/hack/podsim). hack/cluster
// up starts one per cluster; it runs until SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/hack/podsim"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	dir := flag.String("dir", "", "directory for the simulated files")
	listen := flag.String("listen", "127.0.0.1:0", "loopback address of the port-forward target and /healthz")
	flag.Parse()
	if err := run(*kubeconfig, *dir, *listen); err != nil {
		fmt.Fprintln(os.Stderr, "podsim:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, dir, listen string) error {
	if kubeconfig == "" || dir == "" {
		return fmt.Errorf("--kubeconfig and --dir are required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 100, 200
	cfg.UserAgent = "crowsnest-podsim"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = podsim.Run(ctx, podsim.Config{Client: cs, Dynamic: dyn, Root: dir, Listen: listen, Log: logf})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format(time.RFC3339), fmt.Sprintf(format, args...))
}
