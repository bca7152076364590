#!/usr/bin/env bash
# Builds the pinned control-plane, test and benchmark binaries from Go modules
# into a cache outside the repository:
#   bash test/bed/build-binaries.sh [all|tests|control-plane|kustomize|helm|actionlint|yq|prometheus|kubeconform|kubectl]
# `tests` is what the test suite needs (control plane, kustomize, helm,
# actionlint, yq, Prometheus, kubectl); `all` adds the benchmarks' peer kubeconform.
# Idempotent: a binary already built for the pinned version is reused, so the
# test runner calls this before every run. Two runs at once (two terminals,
# parallel CI steps) take turns through a lock instead of building twice. Only
# the Go module proxy is contacted. Build times are appended to
# $CACHE/bin/build-times.log.
set -euo pipefail

KUBE_VERSION="${LADDER_KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${LADDER_ETCD_VERSION:-v3.6.6}"
KUBECONFORM_VERSION="${LADDER_KUBECONFORM_VERSION:-v0.7.0}"
KUSTOMIZE_VERSION="${LADDER_KUSTOMIZE_VERSION:-v5.8.2}"
HELM_VERSION="${LADDER_HELM_VERSION:-v4.3.2}"
ACTIONLINT_VERSION="${LADDER_ACTIONLINT_VERSION:-v1.7.12}"
YQ_VERSION="${LADDER_YQ_VERSION:-v4.54.3}"
PROMETHEUS_VERSION="${LADDER_PROMETHEUS_VERSION:-v3.16.0}"
CACHE="${LADDER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ladder}"
BIN="$CACHE/bin"
WANT="${1:-all}"

log() { printf '[build-test-binaries] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

case "$WANT" in
  all | tests | control-plane | kustomize | helm | actionlint | yq | prometheus | kubeconform | kubectl) ;;
  *) die "unknown target '$WANT'; use: all | tests | control-plane | kustomize | helm | actionlint | yq | prometheus | kubeconform | kubectl" ;;
esac

if ! command -v go >/dev/null; then
  die "Go is needed to build the test binaries and is not on PATH.
  Install Go 1.24 or newer: https://go.dev/doc/install
  (Debian/Ubuntu: the golang-go package is often too old; use the tarball from go.dev/dl.
   macOS: brew install go.) Newer toolchains that the Kubernetes sources ask for are
  then fetched by Go itself (GOTOOLCHAIN=auto)."
fi
mkdir -p "$BIN"

ticker=""
stop_ticker() { if [[ -n "$ticker" ]]; then kill "$ticker" 2>/dev/null || true; wait "$ticker" 2>/dev/null || true; ticker=""; fi; }
trap 'status=$?; stop_ticker; [[ $status -eq 0 ]] || log "failed (exit $status); the output above says why. Re-running resumes with the downloaded modules."' EXIT

# Take turns with other runs of this script; a second run waits, then finds the
# binaries cached. Without flock (macOS) concurrent runs are merely wasteful.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/build.lock"
  if ! flock -n 9; then
    log "another build is running (lock $CACHE/build.lock); waiting for it"
    flock 9
  fi
fi

# Prints a line every 30 s while a long step runs, so a quiet compile does not
# look like a hang.
start_ticker() { # label
  local label=$1 since
  since=$(date +%s)
  ( while sleep 30; do log "$label: still working ($(($(date +%s) - since))s)"; done ) &
  ticker=$!
}

record_time() { # binary version seconds
  printf '%s %s %s %ss %s %s cores\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "$3" "$(go env GOVERSION)" "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" >>"$BIN/build-times.log"
  log "$1 $2: built in $3s"
}

# Checks that the fresh binary runs and reports the version we pinned, before
# it replaces anything in the cache.
verify_version() { # binary-path version-flag(s, space-separated) expected-substring
  local reported flags
  read -ra flags <<<"$2"
  reported=$("$1" "${flags[@]}" 2>&1) || die "$1 $2 failed: $reported"
  [[ "$reported" == *"$3"* ]] || die "$1 $2 says '$reported', expected $3"
}

# A command of the k8s.io/kubernetes module (cmd/<name>): kube-apiserver for the
# control plane, kubectl as the benchmark's peer.
build_kube_command() { # name version-flag(s) expected-substring
  local name=$1 flag=$2 reports=$3
  local out="$BIN/$name-$KUBE_VERSION"
  if [[ -x "$out" ]]; then log "$name $KUBE_VERSION: cached at $out"; return; fi
  local started=$SECONDS work="$CACHE/build/$name-$KUBE_VERSION"
  local minor_patch="${KUBE_VERSION#v1.}" # e.g. 36.3
  local staging="v0.$minor_patch"
  log "$name $KUBE_VERSION: resolving k8s.io/kubernetes (the first run downloads a few hundred MB)"
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  local gomod gover
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@$KUBE_VERSION (is the Go module proxy reachable?)"
  gover=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod" | head -1)
  # k8s.io/kubernetes cannot be required as is: its go.mod replaces every
  # k8s.io staging module with ./staging/..., which does not exist in the
  # module zip. Each of them is published on its own as v0.<minor>.<patch>.
  {
    echo "module ladder.local/build/$name"
    echo
    echo "go $gover"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging"'#p' "$gomod"
    echo ")"
  } >go.mod
  log "$name $KUBE_VERSION: downloading dependencies"
  start_ticker "$name $KUBE_VERSION: downloading"
  go get "k8s.io/kubernetes/cmd/$name@$KUBE_VERSION" >&2
  stop_ticker
  log "$name $KUBE_VERSION: compiling (several minutes on 2 cores)"
  start_ticker "$name $KUBE_VERSION: compiling"
  # The version both packages report (kubectl reads client-go's, the servers component-base's).
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor_patch%%.*}"
  done
  CGO_ENABLED=0 go build -trimpath -o "$out.tmp" -ldflags "$ldflags" "k8s.io/kubernetes/cmd/$name"
  stop_ticker
  verify_version "$out.tmp" "$flag" "$reports"
  mv "$out.tmp" "$out"
  record_time "$name" "$KUBE_VERSION" $((SECONDS - started))
}

# version is the release's, module_version the Go module's when they differ
# (Prometheus 3.16.0 is module v0.316.0).
build_from_module() { # name version package-path binary-name version-flag version-substring [ldflags] [build-tags] [module-version]
  local name=$1 version=$2 pkg=$3 binary=$4 flag=$5 reports=$6 ldflags=${7:-} tags=${8:-} module_version=${9:-$2}
  local out="$BIN/$binary-$version"
  if [[ -x "$out" ]]; then log "$name $version: cached at $out"; return; fi
  local started=$SECONDS work="$CACHE/build/$binary-$version"
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  printf 'module ladder.local/build/%s\n\ngo 1.24\n' "$binary" >go.mod
  log "$name $version: downloading"
  go get "$pkg@$module_version" >&2
  log "$name $version: compiling"
  start_ticker "$name $version: compiling"
  CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg"
  stop_ticker
  verify_version "$out.tmp" "$flag" "$reports"
  mv "$out.tmp" "$out"
  record_time "$name" "$version" $((SECONDS - started))
}

# Stable names for the harness (test/bed/kube/binaries.ts), pointing at the pinned build.
link() { # binary version
  if [[ -x "$BIN/$1-$2" ]]; then ln -sfn "$1-$2" "$BIN/$1"; fi
}

case "$WANT" in
  all | tests | control-plane)
    build_from_module etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 etcd --version "etcd Version: ${ETCD_VERSION#v}"
    build_kube_command kube-apiserver --version "Kubernetes $KUBE_VERSION"
    link etcd "$ETCD_VERSION"
    link kube-apiserver "$KUBE_VERSION"
    ;;
esac
case "$WANT" in
  all | tests | kustomize)
    # Renders deploy/'s overlays in the tests, as `kubectl apply -k` would.
    build_from_module kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5 kustomize version "$KUSTOMIZE_VERSION"
    link kustomize "$KUSTOMIZE_VERSION"
    ;;
esac
case "$WANT" in
  all | tests | helm)
    # The Helm renderer's `helm template` (v4, the current major; v3 gets only
    # security fixes). The module hard-codes "v4.3"; the ldflag gives the patch.
    build_from_module helm "$HELM_VERSION" helm.sh/helm/v4/cmd/helm helm version "$HELM_VERSION" \
      "-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" "" "$HELM_VERSION"
    link helm "$HELM_VERSION"
    ;;
esac
case "$WANT" in
  all | tests | actionlint)
    # Lints .github/workflows and the example workflows in docs/.
    build_from_module actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint actionlint -version "$ACTIONLINT_VERSION"
    link actionlint "$ACTIONLINT_VERSION"
    ;;
esac
case "$WANT" in
  all | tests | yq)
    # Runs the example build workflow's script as GitHub's runners would (they ship mikefarah's yq).
    build_from_module yq "$YQ_VERSION" github.com/mikefarah/yq/v4 yq --version "version $YQ_VERSION"
    link yq "$YQ_VERSION"
    ;;
esac
case "$WANT" in
  all | tests | prometheus)
    # Scrapes the agent's /metrics in a test. remove_all_sd leaves static and file targets
    # only: the cloud service discoveries are most of the compile time and no test needs them.
    prometheus_release=${PROMETHEUS_VERSION#v} # 3.16.0 → module v0.316.0
    IFS=. read -r prom_major prom_minor prom_patch <<<"$prometheus_release"
    build_from_module prometheus "$PROMETHEUS_VERSION" github.com/prometheus/prometheus/cmd/prometheus prometheus --version "version $prometheus_release" \
      "-X github.com/prometheus/common/version.Version=$prometheus_release" remove_all_sd \
      "v0.$((prom_major * 100 + prom_minor)).$prom_patch"
    link prometheus "$PROMETHEUS_VERSION"
    ;;
esac
case "$WANT" in
  all | kubeconform)
    build_from_module kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform kubeconform -v "$KUBECONFORM_VERSION" \
      "-X main.version=$KUBECONFORM_VERSION"
    link kubeconform "$KUBECONFORM_VERSION"
    ;;
esac
case "$WANT" in
  all | tests | kubectl)
    # The benchmarks' peer, and the kubectl the getting-started guide's test runs its commands with.
    build_kube_command kubectl "version --client" "Client Version: $KUBE_VERSION"
    link kubectl "$KUBE_VERSION"
    ;;
esac
log "binaries in $BIN ($SECONDS s)"
