package applog

import (
	"fmt"
	"os/exec"
	"runtime"
)

// OpenFolder shows dir in the desktop's file manager (xdg-open, open or
// explorer). It returns once the opener has started; dir is always a path
// the app chose, never one from the page.
func OpenFolder(dir string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", dir)
	case "windows":
		cmd = exec.Command("explorer", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	go func() { _ = cmd.Wait() }() // reap it; explorer exits 1 even on success
	return nil
}
