#!/usr/bin/env bash
# Build the production image from the Dockerfile without a Docker engine: Debian's podman
# (buildah inside it), with each RUN step in a chroot, so the build needs no cgroups of its
# own. Where the pinned base cannot be pulled (no registry reachable), it is made locally
# first (scripts/make-base-image.sh).
#
#   bash scripts/build-image.sh [TAG]      # default newsroom:latest
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-localhost/newsroom:latest}"

for pair in podman:podman buildah:buildah debootstrap:debootstrap runc:runc; do
    bash scripts/debian-package.sh "${pair%%:*}" "${pair#*:}"
done

base="docker.io/library/$(sed -n 's/^FROM \([^ ]*\) AS builder$/\1/p' Dockerfile)"
if ! podman image exists "$base" && ! timeout 300 podman pull -q "$base" >/dev/null 2>&1; then
    bash scripts/make-base-image.sh
fi

# The docker format keeps the Dockerfile's HEALTHCHECK (OCI images have none).
podman build --format docker --isolation chroot --network host --pull=never \
    --tag "$tag" . >&2
echo "$tag"
