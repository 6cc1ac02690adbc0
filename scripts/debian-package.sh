#!/usr/bin/env bash
# debian-package.sh COMMAND PACKAGE: make sure COMMAND is there, installing Debian's PACKAGE
# when it is not (as root; otherwise say what to run). Tools come from Debian, never from a
# download of their own.
set -euo pipefail
command="$1" package="$2"
if command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "$command is missing: run 'sudo apt-get install $package' (Debian/Ubuntu)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$package" >/dev/null
