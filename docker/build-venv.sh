#!/bin/sh
# Build the production virtualenv at $1: the runtime dependencies pinned in
# requirements.lock (with their hashes), nothing else. The Dockerfile and CI's deploy smoke
# test both use this script, so they test the same thing. `make lock` rewrites the lock
# from pyproject.toml; CI checks that it still satisfies it.
set -eu
venv="${1:?usage: build-venv.sh VENV_DIR}"
here="$(dirname "$0")/.."
python -m venv "$venv"
"$venv/bin/pip" install --no-cache-dir --disable-pip-version-check --quiet \
    --require-hashes --no-deps -r "$here/requirements.lock"
