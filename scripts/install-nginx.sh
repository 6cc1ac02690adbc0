#!/usr/bin/env bash
# The deploy smoke test runs the compose proxy's configuration (docker/nginx) with Debian's
# nginx, in front of gunicorn.
set -euo pipefail
installed=""
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || installed=1
bash "$(dirname "$0")/debian-package.sh" nginx nginx-light
if [ -n "$installed" ]; then
    # Only the binary is wanted: no site of its own listening on port 80.
    systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true
fi
/usr/sbin/nginx -v
