"""Backups: pg_dump/pg_restore on PostgreSQL, dumpdata/loaddata elsewhere (SQLite), and
the photo files beside them (``<backup>.media.tar.gz``). Backup files hold password hashes
and live session keys: they are written readable by their owner only (0600). A restore
refuses a database that already holds the newsroom's work unless forced."""

import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import OperationalError, ProgrammingError, connections, transaction
from django.db.models import F

from articles.roles import SYSTEM_USERNAME

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


def media_archive(path):
    return Path(f"{path}.media.tar.gz")


def _private(path):
    """Create ``path`` empty and readable by its owner only, before anything is written."""
    path = Path(path)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def backup(path, *, alias="default"):
    """Write the database to ``path`` and the media files to media_archive(path), both
    0600."""
    _private(path)
    _backup_database(path, alias)
    archive = media_archive(path)
    _private(archive)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive, "w:gz") as tar:
        if media.is_dir():
            for item in sorted(media.iterdir()):
                tar.add(item, arcname=item.name)


def _backup_database(path, alias):
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


class NotEmpty(Exception):
    """The database holds work a restore would destroy; the message says what."""


def work_at_risk(alias="default"):
    """What a restore would destroy, in words (empty when the database holds nothing of the
    newsroom's: a new server, a fresh volume)."""
    from articles.models import Article, WorkflowEvent

    # The seed page as loaded (untouched imports, the importer's events) and accounts nobody
    # has used are not work: a fresh deployment restores without --force.
    stories = Article.objects.using(alias).exclude(
        source_version__isnull=False, version=F("source_version")
    )
    try:
        articles = stories.count()
        events = WorkflowEvent.objects.using(alias).exclude(actor__username=SYSTEM_USERNAME).count()
        users = get_user_model().objects.using(alias).filter(last_login__isnull=False).count()
    except (ProgrammingError, OperationalError):  # no tables yet: nothing to lose
        connections[alias].close()
        return ""
    if not (articles or events or users):
        return ""
    latest = (
        Article.objects.using(alias)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    when = f"，最近一次修改在 {latest:%Y-%m-%d %H:%M}" if latest else ""
    return f"{articles} 篇稿件、{events} 条流程记录、{users} 个用户{when}"


def restore(path, *, alias="default", force=False):
    """Restore a backup (and its media archive, when there is one). Refused (NotEmpty)
    when the database holds work, unless ``force``: everything written since the backup
    would be lost."""
    at_risk = work_at_risk(alias)
    if at_risk and not force:
        raise NotEmpty(at_risk)
    _restore_database(path, alias)
    archive = media_archive(path)
    if archive.is_file():
        media = Path(settings.MEDIA_ROOT)
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(media, filter="data")  # no absolute paths, links or ../


def _restore_database(path, alias):
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
            # migrate made the newsroom's groups and its system account, maybe under other
            # ids: the backup's own (with their members and events) replace them.
            Group.objects.using(alias).all().delete()
            get_user_model().objects.using(alias).filter(username=SYSTEM_USERNAME).delete()
            call_command("loaddata", str(path), database=alias, verbosity=0)
            restart_generation(alias)  # with the restored content, as one change


def restart_generation(alias="default"):
    """A restored database carries the content generation of its backup, which caches may
    have seen (with other content) since: move it on, to the clock (a bump does), past
    anything used before."""
    from articles.generation import bump_generation

    bump_generation(using=alias)
