// Command crowsnest is a desktop Kubernetes client.
package main

import (
	"context"
	"embed"
	"fmt"
	"log"
	"net/http"
	"os"

	"crowsnest/backend/memlimit"
	"crowsnest/backend/plugin"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	// First: the binary also supervises exec credential plugins for its
	// sessions (backend/plugin), and then does nothing else.
	plugin.Main()
	// A big cluster's cache: the heap is held near 1.5× what is live,
	// not GOGC's 2× (backend/memlimit).
	memlimit.Follow(context.Background())
	// Checked by hand: Wails parses the command line itself in dev builds,
	// so the flag package's unknown-flag exit must not run first.
	for _, arg := range os.Args[1:] {
		if arg == "--version" || arg == "-version" {
			fmt.Println("crowsnest", Version)
			return
		}
	}

	desk := newDesktop()
	defer desk.close()
	app := NewApp(desk)
	width, height := desk.windowSize()
	err := wails.Run(&options.App{
		Title:            "Crowsnest",
		Width:            width,
		Height:           height,
		MinWidth:         900,
		MinHeight:        560,
		AssetServer:      &assetserver.Options{Assets: assets, Handler: http.HandlerFunc(app.serveHTTP)},
		BackgroundColour: &options.RGBA{R: 20, G: 23, B: 28, A: 255},
		OnStartup:        app.startup,
		OnShutdown:       app.shutdown,
		OnDomReady:       app.domReady,
		OnBeforeClose:    app.saveWindow,
		Menu:             app.appMenu(),
		Logger:           wailsLogger{desk.log},
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               singleInstanceID,
			OnSecondInstanceLaunch: app.secondInstance,
		},
		Bind: []any{app},
	})
	if err != nil {
		desk.log.Error("wails.Run failed", "error", err)
		desk.close()
		log.Fatalf("crowsnest: %v", err)
	}
}
