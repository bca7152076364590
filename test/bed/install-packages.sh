#!/usr/bin/env bash
# Makes sure the Debian packages the test suite uses are installed:
#   buildah            builds Ladder's image from the Dockerfile (test/image)
#   podman, runc       run it
#   mmdebstrap         makes the image's local base from Debian's packages
#   shellcheck         checks the workflows' scripts, through actionlint
#   chromium           shows the App's setup pages as a person sees them (test/integration/app-first-run-browser)
#   curl, jq           what docs/getting-started.md's commands call GitHub's API with (test/integration/getting-started)
#   bash test/bed/install-packages.sh [package...]     (default: all of them)
# As root on Debian or Ubuntu, missing ones are installed with apt-get; otherwise this fails with
# one line naming them. Quiet and instant when all are there (test/run.mjs runs it every time).
set -euo pipefail

if [[ $# -gt 0 ]]; then packages=("$@"); else packages=(buildah podman runc mmdebstrap shellcheck chromium curl jq); fi
missing=()
for package in "${packages[@]}"; do
  command -v "$package" >/dev/null || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "[packages] missing: ${missing[*]}; install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or run the suite as root on Debian or Ubuntu" >&2
  exit 1
fi
echo "[packages] installing ${missing[*]} from the distribution's packages" >&2
started=$SECONDS
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[packages] installed ${missing[*]} in $((SECONDS - started)) s" >&2
