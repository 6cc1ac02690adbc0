"""Backups: pg_dump/pg_restore on PostgreSQL, dumpdata/loaddata elsewhere (SQLite)."""

import os
import subprocess
import time

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connections, transaction

# Derived or rebuilt by migrations; everything else (articles, photos, tags, users, the
# admin's log and, later, workflow events) goes into the backup.
EXCLUDED_FROM_JSON = ["contenttypes", "auth.permission", "sessions"]


def _pg_environment(alias):
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": settings.get("HOST") or "",
            "PGPORT": str(settings.get("PORT") or ""),
            "PGUSER": settings.get("USER") or "",
            "PGDATABASE": settings["NAME"],
        }
    )
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def is_postgresql(alias="default"):
    return connections[alias].vendor == "postgresql"


def backup(path, *, alias="default"):
    if is_postgresql(alias):
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(path)],
            env=_pg_environment(alias),
            check=True,
        )
    else:
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=EXCLUDED_FROM_JSON,
            output=str(path),
            database=alias,
            verbosity=0,
        )


def restore(path, *, alias="default"):
    """Restore into the database (meant for an empty one: a new server, a fresh volume)."""
    if is_postgresql(alias):
        connections[alias].close()
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
             "--single-transaction", "--dbname", connections[alias].settings_dict["NAME"],
             str(path)],
            env=_pg_environment(alias),
            check=True,
        )  # fmt: skip
        # pg_restore commits on a connection of its own: the generation moves on right after.
        restart_generation(alias)
    else:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        with transaction.atomic(using=alias):
            # migrate made the newsroom's groups, maybe under other ids: the backup's own
            # groups (with their members) replace them.
            Group.objects.using(alias).all().delete()
            call_command("loaddata", str(path), database=alias, verbosity=0)
            restart_generation(alias)  # with the restored content, as one change


def restart_generation(alias="default"):
    """A restored database carries the content generation of its backup, which caches may
    have seen (with other content) since: move it past anything used before, to the clock
    in milliseconds as a fresh database starts."""
    from .caching import set_generation
    from .models import ContentGeneration

    now = int(time.time() * 1000)
    greatest = "GREATEST" if connections[alias].vendor == "postgresql" else "MAX"
    sql = f"UPDATE {{table}} SET value = {greatest}(value + 1, %s) WHERE id = 1 RETURNING value"
    if set_generation(sql, [now], using=alias) is None:
        ContentGeneration.objects.using(alias).create(pk=1, value=now)
