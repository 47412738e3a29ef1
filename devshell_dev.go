//go:build dev

package main

import "os"

// In a development build (wails dev, hack/e2e), CROWSNEST_DEV_NODE_SHELL
// replaces a node shell's nsenter with `/bin/sh -c <its value>`: on the
// local control plane kwok runs an exec'd command on this machine, where
// nsenter cannot enter PID 1's namespaces. Release builds have no such
// switch.
func init() {
	if c := os.Getenv("CROWSNEST_DEV_NODE_SHELL"); c != "" {
		devNodeShell = []string{"/bin/sh", "-c", c}
	}
}
