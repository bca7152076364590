#!/usr/bin/env bash
# Builds the pinned control-plane and benchmark binaries from Go modules into a
# cache outside the repository. Idempotent: a binary already built for the pinned
# version is reused. Only the Go module proxy is contacted.
set -euo pipefail

KUBE_VERSION="${LADDER_KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${LADDER_ETCD_VERSION:-v3.6.6}"
KUBECONFORM_VERSION="${LADDER_KUBECONFORM_VERSION:-v0.7.0}"
CACHE="${LADDER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ladder}"
BIN="$CACHE/bin"
WANT="${1:-all}" # all | control-plane | kubeconform

log() { printf '[build-test-binaries] %s\n' "$*" >&2; }
command -v go >/dev/null || { log "Go is required (https://go.dev/dl); none found on PATH"; exit 1; }
mkdir -p "$BIN"

build_kube_apiserver() {
  local out="$BIN/kube-apiserver-$KUBE_VERSION"
  if [[ -x "$out" ]]; then log "kube-apiserver $KUBE_VERSION: cached at $out"; return; fi
  local started=$SECONDS work="$CACHE/build/kube-apiserver-$KUBE_VERSION"
  local minor_patch="${KUBE_VERSION#v1.}" # e.g. 36.3
  local staging="v0.$minor_patch"
  log "kube-apiserver $KUBE_VERSION: resolving k8s.io/kubernetes (first run downloads a few hundred MB)"
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  local gover
  gover=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod" | head -1)
  {
    echo "module ladder.local/build/kube-apiserver"
    echo
    echo "go $gover"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    # Every staging module that k8s.io/kubernetes replaces with ./staging/... is
    # published on its own as v0.<minor>.<patch>.
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging"'#p' "$gomod"
    echo ")"
  } > go.mod
  log "kube-apiserver $KUBE_VERSION: downloading dependencies"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_VERSION" >&2
  log "kube-apiserver $KUBE_VERSION: compiling (takes several minutes on 2 cores)"
  local pkg=k8s.io/component-base/version
  CGO_ENABLED=0 go build -trimpath -o "$out.tmp" \
    -ldflags "-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor_patch%%.*}" \
    k8s.io/kubernetes/cmd/kube-apiserver
  mv "$out.tmp" "$out"
  log "kube-apiserver $KUBE_VERSION: built in $((SECONDS - started))s"
}

build_from_module() { # name version package-path binary-name
  local name=$1 version=$2 pkg=$3 binary=$4
  local out="$BIN/$binary-$version"
  if [[ -x "$out" ]]; then log "$name $version: cached at $out"; return; fi
  local started=$SECONDS work="$CACHE/build/$binary-$version"
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  printf 'module ladder.local/build/%s\n\ngo 1.24\n' "$binary" > go.mod
  log "$name $version: downloading"
  go get "$pkg@$version" >&2
  log "$name $version: compiling"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out.tmp" "$pkg"
  mv "$out.tmp" "$out"
  log "$name $version: built in $((SECONDS - started))s"
}

case "$WANT" in
  all|control-plane)
    build_from_module etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 etcd
    build_kube_apiserver ;;
esac
case "$WANT" in
  all|kubeconform)
    build_from_module kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform kubeconform ;;
esac
ln -sf "kube-apiserver-$KUBE_VERSION" "$BIN/kube-apiserver" 2>/dev/null || true
ln -sf "etcd-$ETCD_VERSION" "$BIN/etcd" 2>/dev/null || true
[[ -x "$BIN/kubeconform-$KUBECONFORM_VERSION" ]] && ln -sf "kubeconform-$KUBECONFORM_VERSION" "$BIN/kubeconform"
log "binaries in $BIN"
