#!/usr/bin/env bash
# Builds the WASM option of issue 14 (main.go.txt: kube-apiserver's create-time defaulting and
# validation for the kinds in scope) into the cache, never into the repository:
#   bash bench/validate/wasm/build.sh [v1.36.3]   →   $LADDER_CACHE_DIR/wasm/apiserver-<version>.wasm
# Needs Go (1.24 or newer, for go:wasmexport) and the Go module proxy.
set -euo pipefail
version="${1:-v1.36.3}"
minor="${version#v1.}"; minor="${minor%%.*}"
cache="${LADDER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ladder}/wasm"
src="$cache/src-$version"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$src"
cp "$here/main.go.txt" "$src/main.go"
# The staging modules (k8s.io/api, apimachinery, apiserver…) are v0.0.0 in k8s.io/kubernetes's go.mod,
# replaced by its own tree; a module that requires it pins them to the matching v0.NN release.
modcache="$(go env GOMODCACHE)"
if [ ! -f "$modcache/k8s.io/kubernetes@$version/go.mod" ]; then (cd "$src" && printf 'module ladder.local/apiserver-wasm\n\ngo 1.24\n' > go.mod && GOFLAGS=-mod=mod go get "k8s.io/kubernetes@$version"); fi
{
  printf 'module ladder.local/apiserver-wasm\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n' "$version"
  grep -E '^\s+k8s.io/[a-z0-9-]+ v0\.0\.0$' "$modcache/k8s.io/kubernetes@$version/go.mod" | awk -v v="v0.$minor.${version##*.}" '{ print "replace " $1 " => " $1 " " v }' | sort -u
} > "$src/go.mod"
(cd "$src" && GOFLAGS=-mod=mod go mod tidy)
# Two dependencies the registry packages pull in (through the generic store's etcd client) do not
# build for wasip1: etcd's file locks and systemd's journal socket. Neither runs when validating;
# patched copies with wasip1 stubs replace them.
patch_module() { # module, version, patched directory name
  local dir="$src/patched/$3"
  rm -rf "$dir" && mkdir -p "$src/patched" && cp -r "$modcache/$1@$2" "$dir" && chmod -R u+w "$dir"
  printf 'replace %s => ./patched/%s\n' "$1" "$3" >> "$src/go.mod"
}
etcd_pkg="$(cd "$src" && go list -m -f '{{.Version}}' go.etcd.io/etcd/client/pkg/v3)"
systemd="$(cd "$src" && go list -m -f '{{.Version}}' github.com/coreos/go-systemd/v22)"
patch_module go.etcd.io/etcd/client/pkg/v3 "$etcd_pkg" etcd-client-pkg
sed -i 's|^//go:build !windows && !plan9 && !solaris$|//go:build !windows \&\& !plan9 \&\& !solaris \&\& !wasip1|' "$src/patched/etcd-client-pkg/fileutil/lock_flock.go"
sed -i 's|^//go:build !windows && !plan9 && !solaris && !linux$|//go:build !windows \&\& !plan9 \&\& !solaris \&\& !linux \&\& !wasip1|' "$src/patched/etcd-client-pkg/fileutil/lock_unix.go"
cat > "$src/patched/etcd-client-pkg/fileutil/lock_wasip1.go" <<'GO'
//go:build wasip1

package fileutil

import (
	"errors"
	"os"
)

func TryLockFile(path string, flag int, perm os.FileMode) (*LockedFile, error) {
	return nil, errors.New("fileutil: no file locks on wasip1")
}

func LockFile(path string, flag int, perm os.FileMode) (*LockedFile, error) {
	return nil, errors.New("fileutil: no file locks on wasip1")
}
GO
patch_module github.com/coreos/go-systemd/v22 "$systemd" go-systemd
sed -i 's|^//go:build !windows$|//go:build !windows \&\& !wasip1|' "$src/patched/go-systemd/journal/journal_unix.go"
{ printf '//go:build wasip1\n\n'; sed -n '/^package journal/,$p' "$src/patched/go-systemd/journal/journal_windows.go"; } > "$src/patched/go-systemd/journal/journal_wasip1.go"
(cd "$src" && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags=-s -o "$cache/apiserver-$version.wasm" .)
echo "$cache/apiserver-$version.wasm"
