"""The image's HEALTHCHECK: /healthz on the address gunicorn binds (GUNICORN_BIND)."""

import os
import sys
import urllib.request

bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
host, _, port = bind.rpartition(":")
host = host.strip("[]")
if host in ("", "0.0.0.0", "::"):
    host = "127.0.0.1"
try:
    urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=4)
except OSError as exc:
    sys.exit(f"unhealthy: {exc}")
