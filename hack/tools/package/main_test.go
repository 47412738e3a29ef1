package main

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// fixture writes a minimal repository: VERSION, wails.json, an nfpm config
// and the files it packages.
func fixture(t *testing.T, version, productVersion string) string {
	t.Helper()
	root := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("VERSION", version+"\n", 0o644)
	write("wails.json", `{"info": {"productVersion": "`+productVersion+`"}}`, 0o644)
	write("bin/app", "#!/bin/sh\necho hi\n", 0o755)
	write("app.desktop", "[Desktop Entry]\n", 0o644)
	write("nfpm.yaml", `name: app
arch: amd64
version: ${VERSION}
release: 1
maintainer: test
depends: [libgtk-3-0]
overrides:
  rpm:
    depends: [gtk3]
contents:
  - src: bin/app
    dst: /usr/bin/app
    file_info: {mode: 0755}
  - src: app.desktop
    dst: /usr/share/applications/app.desktop
`, 0o644)
	return root
}

func TestRunBuildsEveryPackage(t *testing.T) {
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	root := fixture(t, "1.2.3", "1.2.3")
	if err := run(root, "nfpm.yaml", "out"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app_1.2.3-1_amd64.deb", "app-1.2.3-1.x86_64.rpm", "app-1.2.3-linux-amd64.tar.gz"} {
		info, err := os.Stat(filepath.Join(root, "out", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if info.Size() == 0 {
			t.Fatalf("%s is empty", name)
		}
	}

	f, err := os.Open(filepath.Join(root, "out", "app-1.2.3-linux-amd64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	modes := map[string]int64{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		modes[hdr.Name] = hdr.Mode
	}
	var names []string
	for n := range modes {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{
		"app-1.2.3-linux-amd64/", "app-1.2.3-linux-amd64/bin/", "app-1.2.3-linux-amd64/bin/app",
		"app-1.2.3-linux-amd64/share/", "app-1.2.3-linux-amd64/share/applications/",
		"app-1.2.3-linux-amd64/share/applications/app.desktop",
	}
	if len(names) != len(want) {
		t.Fatalf("tar entries %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("tar entries %q, want %q", names, want)
		}
	}
	if modes["app-1.2.3-linux-amd64/bin/app"] != 0o755 {
		t.Fatalf("binary mode %o, want 755", modes["app-1.2.3-linux-amd64/bin/app"])
	}
}

func TestRunRefusesDivergingVersions(t *testing.T) {
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	root := fixture(t, "1.2.4", "1.2.3")
	err := run(root, "nfpm.yaml", "out")
	if err == nil {
		t.Fatal("run accepted VERSION 1.2.4 with wails.json 1.2.3")
	}
	if _, serr := os.Stat(filepath.Join(root, "out")); !os.IsNotExist(serr) {
		t.Fatal("packages were written despite the version mismatch")
	}
}
