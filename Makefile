# Crowsnest. `make demo` runs the app against a local demo cluster; `make test`
# runs every test. Both install what they need first (see hack/deps.sh).

SHELL := /bin/bash
CACHE ?= $(or $(CROWSNEST_CACHE),$(HOME)/.cache/crowsnest)
export CROWSNEST_CACHE := $(CACHE)
WAILS_VERSION := v2.16.0
WAILS := $(CACHE)/bin/wails-$(WAILS_VERSION)/wails
TAGS := webkit2_41
# Every go command builds the Wails package for WebKitGTK 4.1 (Debian 12+).
export GOFLAGS := -tags=$(TAGS)
VERSION := $(shell cat VERSION)
LDFLAGS := -X main.Version=$(VERSION)
TEST_CLUSTER_DIR ?= $(CACHE)/test-cluster
TEST_PORT_BASE ?= 27400

.PHONY: help deps test-deps tools frontend build run demo up seed status down \
        test test-go test-unit test-frontend test-e2e vet bindings check-bindings smoke clean \
        package-deps icons package package-linux package-windows test-package

help:
	@echo "make demo   start the local demo clusters, seed them, open Crowsnest on them"
	@echo "make run    open Crowsnest on your own kubeconfig (\$$KUBECONFIG or ~/.kube/config)"
	@echo "make test   run every test (Go unit + integration against a real apiserver, frontend)"
	@echo "make up | seed | status | down   manage the local clusters (hack/cluster help)"
	@echo "make package   Linux .deb/.rpm/.tar.gz and the Windows .exe + NSIS installer in build/bin"

deps:
	@hack/deps.sh app

test-deps:
	@hack/deps.sh test

# Control-plane binaries from Go modules, cached under $(CACHE)/bin by version.
tools:
	@hack/cluster tools

frontend: deps
	cd frontend && npm run build

build: frontend
	$(WAILS) build -s -m -tags $(TAGS) -ldflags "$(LDFLAGS)"
	@test -x build/bin/crowsnest

run: build
	hack/open-app

up: tools
	hack/cluster up

seed: up
	hack/cluster seed

status:
	@hack/cluster status

down:
	hack/cluster down

demo: build seed
	KUBECONFIG="$$(hack/cluster kubeconfig)" hack/open-app

# The generated bindings are committed; this fails when they are stale.
bindings: deps
	$(WAILS) generate module -tags $(TAGS)
	chmod a-x frontend/wailsjs/runtime/*

check-bindings: frontend
	@hack/check-bindings "$(WAILS)" "$(TAGS)"

vet: test-deps frontend
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

test-frontend: test-deps
	cd frontend && npm run typecheck && npm test

# Unit tests only: integration tests skip under -short (never in CI).
test-unit: test-deps
	go test -short -count=1 ./...

# Integration tests share one control plane on $(TEST_PORT_BASE)+, stopped afterwards.
test-go: test-deps tools frontend
	CROWSNEST_TEST_CLUSTER_DIR=$(TEST_CLUSTER_DIR) CROWSNEST_TEST_PORT_BASE=$(TEST_PORT_BASE) \
	  hack/with-test-cluster go test -count=1 -timeout 30m ./...

# End-to-end: the app's page in Debian's Chromium against the real backend
# and a private control plane on $(E2E_PORT_BASE)+ (stopped afterwards).
# Screenshots and logs go to build/artifacts/e2e.
E2E_CLUSTER_DIR ?= $(CACHE)/e2e-test-cluster
E2E_PORT_BASE ?= 24400

test-e2e: test-deps tools frontend
	hack/e2e --dir "$(E2E_CLUSTER_DIR)" --port-base $(E2E_PORT_BASE)

test: vet check-bindings test-frontend test-go test-e2e

# The built app starts, opens its window and stays up (under Xvfb when headless).
smoke: build test-deps
	hack/smoke

clean:
	rm -rf build/bin frontend/dist

# Packages (README: Installing). Icons are rendered from build/appicon.svg;
# nfpm runs from its own module (hack/tools/package), outside go.mod.
ICON_SIZES := 16 24 32 48 64 128 256 512

package-deps:
	@hack/deps.sh package

icons: package-deps
	@for s in $(ICON_SIZES); do \
	  mkdir -p build/bin/icons/hicolor/$${s}x$${s}/apps; \
	  rsvg-convert -w $$s -h $$s build/appicon.svg -o build/bin/icons/hicolor/$${s}x$${s}/apps/crowsnest.png; \
	done

package-linux: build icons
	cd hack/tools/package && go run . -root ../../.. -out build/bin

# Cross-built with Go alone (Wails on Windows needs no cgo); the installer
# is made by Debian's makensis. wails exits 0 when makensis is missing, so
# the installer is checked to be a PE file. Its Go build cache lives under
# $(CACHE), so repeated runs compile only what changed.
package-windows: frontend package-deps
	GOFLAGS= GOCACHE=$(CACHE)/go-build-windows $(WAILS) build -s -m -skipbindings \
	  -platform windows/amd64 -nsis -ldflags "$(LDFLAGS)"
	@hack/check-pe build/bin/crowsnest.exe build/bin/Crowsnest-amd64-installer.exe

package: package-linux package-windows
	@ls -l build/bin/crowsnest* build/bin/Crowsnest*

# Installs the .deb (as root), runs it from a desktop-like session against a
# private demo cluster on $(PACKAGE_PORT_BASE)+, uninstalls it.
PACKAGE_PORT_BASE ?= 31400
test-package: test-deps tools package
	cd hack/tools/package && go test -count=1 ./...
	CROWSNEST_PACKAGE_PORT_BASE=$(PACKAGE_PORT_BASE) hack/package-test

# Performance budgets (docs/PERFORMANCE.md), against a control plane of their
# own on $(BENCH_PORT_BASE)+, stopped afterwards: first the Go benchmarks at
# the smallest of BENCH_PODS (10,000; results in build/bench.txt), then the
# scale harness: BENCH_CRS custom resources against their floor (issue 14),
# then every BENCH_PODS (issue 7), BENCH_REPS times each
# (build/bench/scale.{json,md,svg}, docs/perf/scale.svg). Seeding only adds
# pods, hence this order. A quick run:
#   make bench BENCH_PODS=10000 BENCH_REPS=1 BENCH_TIME=1x
BENCH_CLUSTER_DIR ?= $(CACHE)/bench-cluster
BENCH_PORT_BASE ?= 29400
BENCH_PODS ?= 10000,50000,100000
BENCH_REPS ?= 3
BENCH_CRS ?= 10000
BENCH_TIME ?= 5x
comma := ,

.PHONY: bench bench-frontend bench-logs bench-terminal bench-writes
bench: tools
	@mkdir -p build
	set -euo pipefail; \
	trap 'hack/cluster down --dir "$(BENCH_CLUSTER_DIR)" --port-base $(BENCH_PORT_BASE)' EXIT; \
	hack/cluster up --dir "$(BENCH_CLUSTER_DIR)" --port-base $(BENCH_PORT_BASE); \
	CROWSNEST_BENCH=1 CROWSNEST_TEST_CLUSTER="$(BENCH_CLUSTER_DIR)" \
	CROWSNEST_BENCH_PODS=$(firstword $(subst $(comma), ,$(BENCH_PODS))) \
	  go test -run '^$$' -bench . -benchtime $(BENCH_TIME) -timeout 120m ./backend/bench/ | tee build/bench.txt; \
	hack/bench-scale --dir "$(BENCH_CLUSTER_DIR)" --port-base $(BENCH_PORT_BASE) \
	  --pods $(BENCH_PODS) --crs $(BENCH_CRS) --reps $(BENCH_REPS)

# The explorer's budgets in Chromium against the real backend, at 500 and
# then 50,000 pods (seeding those takes minutes), on a control plane of its
# own on $(BENCH_FRONTEND_PORT_BASE)+. Results: build/artifacts/bench-frontend.
BENCH_FRONTEND_PORT_BASE ?= 23400
bench-frontend: test-deps tools frontend
	hack/bench-frontend --dir "$(CACHE)/bench-frontend-cluster" --port-base $(BENCH_FRONTEND_PORT_BASE)

# The logs budgets (issue 15) in Chromium against the real backend: a pod's
# log fed 1,000,000 lines at 20,000/s by hack/cmd/logflood, on a control
# plane of its own on $(BENCH_LOGS_PORT_BASE)+. Results:
# build/artifacts/bench-logs. The backend's memory budget is
# BenchmarkLogsMillionLines in `make bench`.
BENCH_LOGS_PORT_BASE ?= 32400
bench-logs: test-deps tools frontend
	hack/bench-logs --dir "$(CACHE)/bench-logs-cluster" --port-base $(BENCH_LOGS_PORT_BASE)

# The terminal budgets (issue 16) in Chromium against the real backend: a
# shell in a demo pod, keystroke → echo and `cat` of a 10 MiB file, on a
# control plane of its own on $(BENCH_TERMINAL_PORT_BASE)+. Results:
# build/artifacts/bench-terminal.
BENCH_TERMINAL_PORT_BASE ?= 33400
bench-terminal: test-deps tools frontend
	hack/bench-terminal --dir "$(CACHE)/bench-terminal-cluster" --port-base $(BENCH_TERMINAL_PORT_BASE)

# The budgets of issue 17 in Chromium against the real backend: a
# Deployment's dry-run diff on screen, and the Deployment scaled 1 → 50
# with its Pods table open (the controllers', the view's and kwok's
# shares), on a control plane of its own on
# $(BENCH_WRITES_PORT_BASE)+. Results: build/artifacts/bench-writes.
BENCH_WRITES_PORT_BASE ?= 36400
bench-writes: test-deps tools frontend
	hack/bench-writes --dir "$(CACHE)/bench-writes-cluster" --port-base $(BENCH_WRITES_PORT_BASE)
