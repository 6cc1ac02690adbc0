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
local_base() { [ "$(podman image inspect --format '{{index .Labels "newsroom.base"}}' "$base" 2>/dev/null)" = local ]; }
# The real base whenever a registry answers, even over a stand-in made before.
if ! podman image exists "$base" || local_base; then
    timeout 300 podman pull -q "$base" >/dev/null 2>&1 || true
fi
podman image exists "$base" || bash scripts/make-base-image.sh
if local_base; then
    echo "note: building on the local stand-in base (Python $(podman image inspect --format '{{index .Labels "newsroom.base.python"}}' "$base"))" >&2
fi

# The machine's trust store, for pip inside the build's RUN steps only (a proxy that
# inspects TLS has its own authority there): mounted, never copied into a layer.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$work/pip.conf"

# The docker format keeps the Dockerfile's HEALTHCHECK (OCI images have none).
podman build --format docker --isolation chroot --network host --pull=never \
    --volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
    --volume "$work/pip.conf:/etc/pip.conf:ro" \
    --tag "$tag" . >&2
echo "$tag"
