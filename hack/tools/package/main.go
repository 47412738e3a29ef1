// Command package builds Crowsnest's Linux packages (.deb, .rpm and a
// .tar.gz) from build/linux/nfpm.yaml, with nfpm used as a Go library. It is
// a module of its own so that nfpm stays out of the product's go.mod.
//
// It runs after the app is built (`make package` does both):
//
//	cd hack/tools/package && go run . -root ../../.. -out build/bin
//
// The version is read from the VERSION file and must match wails.json's
// info.productVersion (which the Windows installer and macOS bundle take),
// so the version has one source and a forgotten bump fails the build.
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

func main() {
	root := flag.String("root", ".", "repository root")
	out := flag.String("out", "build/bin", "output directory, relative to root")
	config := flag.String("config", "build/linux/nfpm.yaml", "nfpm configuration, relative to root")
	flag.Parse()
	if err := run(*root, *config, *out); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
}

func run(root, config, out string) error {
	if err := os.Chdir(root); err != nil {
		return err
	}
	version, err := readVersion()
	if err != nil {
		return err
	}
	cfg, err := nfpm.ParseFileWithEnvMapping(config, func(name string) string {
		if name == "VERSION" {
			return version
		}
		return os.Getenv(name)
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", config, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, format := range []string{"deb", "rpm"} {
		name, err := buildPackage(&cfg, format, out)
		if err != nil {
			return fmt.Errorf("%s: %w", format, err)
		}
		fmt.Println(name)
	}
	name, err := buildTarball(&cfg, version, out)
	if err != nil {
		return fmt.Errorf("tar.gz: %w", err)
	}
	fmt.Println(name)
	return nil
}

// readVersion returns VERSION's content after checking wails.json agrees.
func readVersion() (string, error) {
	data, err := os.ReadFile("VERSION")
	if err != nil {
		return "", err
	}
	version := strings.TrimSpace(string(data))
	if version == "" {
		return "", errors.New("VERSION is empty")
	}
	var wails struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
		} `json:"info"`
	}
	data, err = os.ReadFile("wails.json")
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(data, &wails); err != nil {
		return "", fmt.Errorf("wails.json: %w", err)
	}
	if wails.Info.ProductVersion != version {
		return "", fmt.Errorf("VERSION says %q but wails.json info.productVersion says %q; set both to the release's version",
			version, wails.Info.ProductVersion)
	}
	return version, nil
}

// prepared returns the configuration for one packager, with defaults
// filled in and its contents resolved (globs expanded, files checked).
func prepared(cfg *nfpm.Config, format string) (*nfpm.Info, error) {
	info, err := cfg.Get(format)
	if err != nil {
		return nil, err
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, format); err != nil {
		return nil, err
	}
	return info, nil
}

func buildPackage(cfg *nfpm.Config, format, out string) (string, error) {
	info, err := prepared(cfg, format)
	if err != nil {
		return "", err
	}
	packager, err := nfpm.Get(format)
	if err != nil {
		return "", err
	}
	target := filepath.Join(out, packager.ConventionalFileName(info))
	return target, writeAtomically(target, func(w io.Writer) error { return packager.Package(info, w) })
}

// buildTarball writes the deb's files under crowsnest-<version>-linux-amd64/
// with /usr stripped, so that it unpacks into ~/.local or /usr/local:
//
//	tar -xzf crowsnest-0.1.0-linux-amd64.tar.gz -C ~/.local --strip-components=1
func buildTarball(cfg *nfpm.Config, version, out string) (string, error) {
	info, err := prepared(cfg, "deb")
	if err != nil {
		return "", err
	}
	if info.MTime.IsZero() {
		info.MTime = time.Now() // SOURCE_DATE_EPOCH, when set, fixes it
	}
	top := fmt.Sprintf("%s-%s-linux-%s", info.Name, version, info.Arch)
	target := filepath.Join(out, top+".tar.gz")
	return target, writeAtomically(target, func(w io.Writer) error {
		gz := gzip.NewWriter(w)
		tw := tar.NewWriter(gz)
		dirs := map[string]bool{}
		for _, c := range info.Contents {
			if c.Type != files.TypeFile {
				continue
			}
			rel := strings.TrimPrefix(path.Clean(c.Destination), "/usr/")
			if err := addDirs(tw, top, path.Dir(rel), info, dirs); err != nil {
				return err
			}
			if err := addFile(tw, path.Join(top, rel), c); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return gz.Close()
	})
}

// addDirs writes tar entries for dir and its parents, once each.
func addDirs(tw *tar.Writer, top, dir string, info *nfpm.Info, done map[string]bool) error {
	var chain []string
	for d := dir; d != "." && d != "/" && d != ""; d = path.Dir(d) {
		chain = append([]string{d}, chain...)
	}
	for _, d := range append([]string{""}, chain...) {
		name := path.Join(top, d) + "/"
		if done[name] {
			continue
		}
		done[name] = true
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: info.MTime}); err != nil {
			return err
		}
	}
	return nil
}

func addFile(tw *tar.Writer, name string, c *files.Content) error {
	f, err := os.Open(c.Source)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: st.Size(),
		Mode: int64(c.FileInfo.Mode.Perm()), ModTime: c.FileInfo.MTime}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// writeAtomically writes target through a temporary file, so an interrupted
// run never leaves a truncated package that looks complete.
func writeAtomically(target string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}
