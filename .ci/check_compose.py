"""Static checks of compose.yaml: the services, health checks and volumes deployment needs."""

import sys
from pathlib import Path

import yaml

compose = yaml.safe_load(Path("compose.yaml").read_text(encoding="utf-8"))
services = compose.get("services", {})
problems = []
for name in ("web", "db"):
    if name not in services:
        problems.append(f"service {name} is missing")
    elif "healthcheck" not in services[name]:
        problems.append(f"service {name} has no healthcheck")
web, db = services.get("web", {}), services.get("db", {})
if web.get("depends_on", {}).get("db", {}).get("condition") != "service_healthy":
    problems.append("web must wait for a healthy db")
if "8000:8000" not in web.get("ports", []):
    problems.append("web must publish port 8000")
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
