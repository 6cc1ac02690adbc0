#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; no test tool downloads a browser of its own.
set -euo pipefail
bash "$(dirname "$0")/debian-package.sh" chromium chromium
chromium --version
