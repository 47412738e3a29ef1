#!/usr/bin/env bash
# Installs what building, running and testing Crowsnest needs, and nothing
# else: Debian/Ubuntu packages (with apt when run as root; otherwise it prints
# the exact command and stops), the Wails CLI (built from Go modules into the
# cache, keyed by version), and the frontend's npm packages.
#
#   hack/deps.sh app      what `make build`, `make run` and `make demo` need
#   hack/deps.sh package  the above plus what `make package` needs
#   hack/deps.sh test     all of the above plus what `make test` needs
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-app}
cache=${CROWSNEST_CACHE:-$HOME/.cache/crowsnest}
wails_version=v2.16.0

for tool in go node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool is not installed; Crowsnest needs Go 1.26+ and Node 20+ with npm" >&2
    exit 1
  fi
done

# cgo headers for the Wails window (Debian 12 ships WebKitGTK 4.1; we build
# with -tags webkit2_41), and a virtual display for running the app headless.
# Tests also drive the app's page in Debian's Chromium (never a downloaded browser).
packages=(gcc pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev xvfb xauth)
# Packaging: icons rendered from SVG, the Windows installer (makensis).
# Testing packages: rpm to inspect the .rpm, desktop-file-validate, and a
# D-Bus session bus (the single-instance lock talks over it).
package_packages=(librsvg2-bin nsis)
case "$what" in
  app) ;;
  package) packages+=("${package_packages[@]}") ;;
  test) packages+=(procps x11-utils imagemagick chromium "${package_packages[@]}" rpm desktop-file-utils dbus-daemon) ;;
  *) echo "usage: hack/deps.sh app|package|test" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "error: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

wails="$cache/bin/wails-$wails_version/wails"
if [ ! -x "$wails" ]; then
  echo "building the Wails CLI $wails_version into $(dirname "$wails")"
  GOBIN="$(dirname "$wails")" go install "github.com/wailsapp/wails/v2/cmd/wails@$wails_version"
fi

# npm ci only when the lock file changed since the last install.
stamp=frontend/node_modules/.crowsnest-lock
if [ ! -f "$stamp" ] || ! cmp -s frontend/package-lock.json "$stamp"; then
  echo "installing frontend packages (npm ci)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  cp frontend/package-lock.json "$stamp"
fi
