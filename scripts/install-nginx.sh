#!/usr/bin/env bash
# The deploy smoke test runs the compose proxy's configuration (docker/nginx) with Debian's
# nginx, in front of gunicorn.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "nginx is missing: run 'sudo apt-get install nginx-light' (Debian/Ubuntu)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
# Only the binary is wanted: no site of its own listening on port 80.
systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true
/usr/sbin/nginx -v
