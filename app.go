package main

import (
	"context"
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"

	"crowsnest/backend/model"
)

// App is the API the frontend calls. It stays thin: it validates input,
// calls into backend/, and maps results to backend/model types.
type App struct {
	ctx context.Context
}

// NewApp returns an App; Wails calls startup before any bound method.
func NewApp() *App { return &App{} }

func (a *App) startup(ctx context.Context) { a.ctx = ctx }

func (a *App) shutdown(context.Context) {}

// About reports the version and the kubeconfig files the app reads, in the
// order kubectl reads them; files that do not exist are left out.
func (a *App) About() model.About {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	files := []string{}
	for _, f := range rules.GetLoadingPrecedence() {
		if _, err := os.Stat(f); err == nil {
			abs, _ := filepath.Abs(f)
			files = append(files, abs)
		}
	}
	return model.About{Version: Version, KubeconfigFiles: files}
}
