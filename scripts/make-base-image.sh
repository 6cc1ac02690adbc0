#!/usr/bin/env bash
# Make the image's base, python:3.12.12-slim-bookworm as the Dockerfile pins it, on a machine
# that reaches no image registry: Debian bookworm from the machine's own Debian mirror
# (debootstrap), this machine's Python 3.12 copied into /usr/local, and the libraries that
# Python's modules load. It is tagged with the pinned name, so the Dockerfile builds
# unchanged, and labelled as a local stand-in (newsroom.base=local, with the Python it
# really holds, which may be an older 3.12 than the tag says): scripts/build-image.sh tries
# to pull the real base first whenever the tag holds a stand-in. Where a registry is
# reachable this is not needed at all. The machine's own trust store is not copied in: the
# build mounts it for its RUN steps only.
#
#   bash scripts/make-base-image.sh          # once; later runs find the tag and stop
#
# Needs root, debootstrap and podman (scripts/build-image.sh installs them on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

base="$(sed -n 's/^FROM \([^ ]*\) AS builder$/\1/p' Dockerfile)"
[ -n "$base" ] || { echo "no 'FROM … AS builder' line in the Dockerfile" >&2; exit 1; }
tag="docker.io/library/$base"
if podman image exists "$tag"; then
    echo "base image: $tag (made before)"
    exit 0
fi

# The Debian mirror apt uses here (deb822 .sources first, then sources.list), unless given.
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
    mirror="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' \
        | grep -E '/debian/?$' | head -1 || true)"
fi
if [ -z "$mirror" ]; then
    mirror="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' \
        | grep -E '/debian/?$' | head -1 || true)"
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in apt's sources; set DEBIAN_MIRROR" >&2; exit 1; }

# This machine's Python 3.12 (the checkout's .python-version), copied, not built.
python="$(command -v python3.12 || command -v python3)"
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[ "$version" = 3.12 ] || { echo "Python 3.12 is needed to make the base ($python is $version)" >&2; exit 1; }
prefix="$("$python" -c 'import sys; print(sys.base_prefix)')"
patch="$("$python" -c 'import platform; print(platform.python_version())')"
case "$prefix" in
    /usr|/usr/local) echo "Python $patch lives in $prefix: copy a self-contained 3.12 build (e.g. pyenv's)" >&2; exit 1 ;;
esac
pinned="$(sed -n 's/^python:\([0-9.]*\)-.*/\1/p' <<<"$base")"
if [ "$patch" != "$pinned" ]; then
    echo "warning: the stand-in base holds Python $patch, not the pinned $pinned (labelled so)" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

echo "-- debootstrap bookworm (minbase) from the machine's Debian mirror"
# What python:3.12-slim carries: the libraries its standard modules load, certificates and
# time zones. passwd (useradd) comes with minbase.
debootstrap --variant=minbase \
    --include=ca-certificates,libssl3,libsqlite3-0,libffi8,libbz2-1.0,liblzma5,zlib1g,libreadline8,libncursesw6,libuuid1,libgdbm6,libexpat1,tzdata,netbase \
    bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

echo "-- Python $patch into /usr/local"
tar -C "$prefix" \
    --exclude='./lib/python3.12/test' --exclude='__pycache__' --exclude='./lib/*.a' \
    --exclude='./lib/python3.12/site-packages/*.pth' -cf - . | tar -C "$root/usr/local" -xf -
ln -sf python3.12 "$root/usr/local/bin/python3"
ln -sf python3.12 "$root/usr/local/bin/python"
# Python's own library, found in /usr/local/lib by the loader's cache.
chroot "$root" /sbin/ldconfig
chroot "$root" /usr/local/bin/python3 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid'
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

echo "-- tagged $tag"
tar -C "$root" -cf - . | podman import \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "LABEL newsroom.base=local" \
    --change "LABEL newsroom.base.python=$patch" \
    --change 'CMD ["python3"]' \
    - "$tag" > /dev/null
podman image exists "$tag"
