#!/usr/bin/env bash
# Makes sure the image tests' tools are installed: Buildah (builds the image from the Dockerfile),
# Podman and runc (run it), mmdebstrap (makes the local base image's Debian root filesystem).
# As root on Debian or Ubuntu, missing ones are installed from the distribution's packages;
# otherwise this fails with one line naming them. Quiet and instant when all are there.
set -euo pipefail

packages=(buildah podman runc mmdebstrap)
commands=(buildah podman runc mmdebstrap)
missing=()
for i in "${!commands[@]}"; do
  command -v "${commands[$i]}" >/dev/null || missing+=("${packages[$i]}")
done
if [[ $(id -u) -ne 0 ]]; then
  echo "[image] the image tests build and run containers as root (Buildah with chroot isolation, vfs storage); run the suite as root${missing[*]:+, with ${missing[*]} installed}" >&2
  exit 1
fi
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "[image] missing: ${missing[*]}; install them with your package manager (they are Debian's buildah, podman, runc, mmdebstrap)" >&2
  exit 1
fi
echo "[image] installing ${missing[*]} from the distribution's packages" >&2
started=$SECONDS
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
echo "[image] installed ${missing[*]} in $((SECONDS - started)) s" >&2
