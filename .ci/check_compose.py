"""Static checks of compose.yaml: the services, health checks and volumes deployment needs."""

import sys
from pathlib import Path

import yaml

compose = yaml.safe_load(Path("compose.yaml").read_text(encoding="utf-8"))
services = compose.get("services", {})
problems = []
for name in ("proxy", "web", "db"):
    if name not in services:
        problems.append(f"service {name} is missing")
    elif "healthcheck" not in services[name]:
        problems.append(f"service {name} has no healthcheck")
web, db, proxy = (services.get(name, {}) for name in ("web", "db", "proxy"))
if web.get("depends_on", {}).get("db", {}).get("condition") != "service_healthy":
    problems.append("web must wait for a healthy db")
if "8000:8000" not in proxy.get("ports", []):
    problems.append("proxy must publish port 8000")
if web.get("ports"):
    problems.append("web must be reached only through the proxy")
if "media:/data/media:ro" not in proxy.get("volumes", []):
    problems.append("proxy needs the media volume, read-only")
if not any(v.endswith(":/etc/nginx/templates:ro") for v in proxy.get("volumes", [])):
    problems.append("proxy must take its configuration from docker/nginx")
env = web.get("environment", {})
if env.get("NEWSROOM_MEDIA_ACCEL_REDIRECT") != "/_media/":
    problems.append("web must hand photo files to the proxy (NEWSROOM_MEDIA_ACCEL_REDIRECT)")
if not any(v.startswith("media:") for v in web.get("volumes", [])):
    problems.append("web needs the media volume")
if not str(db.get("image", "")).startswith("postgres:16"):
    problems.append("db must be PostgreSQL 16")
if not any(v.startswith("pgdata:") for v in db.get("volumes", [])):
    problems.append("db needs a data volume")
if set(compose.get("volumes", {})) != {"media", "pgdata"}:
    problems.append("named volumes media and pgdata must be declared")
if problems:
    sys.exit("compose.yaml: " + "; ".join(problems))
print("compose.yaml: ok")
