#!/bin/sh
# Build the production virtualenv at $1: runtime dependencies only, no dev tools.
# The Dockerfile and CI's deploy smoke test both use this script, so they test the same thing.
set -eu
venv="${1:?usage: build-venv.sh VENV_DIR}"
python -m venv "$venv"
"$venv/bin/pip" install --no-cache-dir --disable-pip-version-check --quiet .
