#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; no test tool downloads a browser of its own.
# Chinese pages need a Chinese font: without one every character is a box, and what the
# tests measure (a headline on one line, a row's height) is measured on boxes.
set -euo pipefail
bash "$(dirname "$0")/debian-package.sh" chromium chromium
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            fonts-noto-cjk >/dev/null
    else
        echo "no Chinese font: run 'sudo apt-get install fonts-noto-cjk' (Debian/Ubuntu)" >&2
    fi
fi
chromium --version
