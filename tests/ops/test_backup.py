"""Backups: a restore into an empty database gives everything back."""

import shutil
import subprocess
import time

import pytest
from django.core.management import call_command
from django.db import connection

from agencies.models import Agency, Officer
from articles.models import Article, ContentGeneration, Correction, Image, Photo, Rendition, Tag
from ops.backup import is_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        "articles": sorted(Article.objects.values_list("pk", "title", "state", "body")),
        "photos": sorted(Photo.objects.values_list("pk", "caption", "credit", "image")),
        "pictures": sorted(Image.objects.values_list("pk", "file", "digest", "focal_x")),
        "renditions": sorted(Rendition.objects.values_list("image", "spec", "format", "file")),
        "tags": sorted(Article.tags.through.objects.values_list("content_object_id", "tag__name")),
        "agencies": sorted(Agency.objects.values_list("pk", "name", "path")),
        "officers": sorted(Officer.objects.values_list("pk", "name")),
        "corrections": sorted(Correction.objects.values_list("pk", "text")),
    }


def files(media_root):
    return {p.relative_to(media_root): p.read_bytes() for p in media_root.rglob("*") if p.is_file()}


def test_backup_then_restore_into_an_empty_database_gives_everything_back(tmp_path, media_root):
    call_command("load_seed", verbosity=0)  # its photo story has a picture and renditions
    stored = files(media_root)
    assert len(stored) > 10
    article = Article.objects.get(source_position=1)
    article.tags.add("疫情防控", "口岸")
    Correction.objects.create(article=article, text="更正：执勤时间为12个小时。")
    before = snapshot()
    assert before["articles"] and before["photos"] and before["tags"] and before["renditions"]

    path = tmp_path / ("backup.dump" if is_postgresql() else "backup.json")
    call_command("backup", output=str(path), verbosity=0)
    assert path.stat().st_size > 0

    if is_postgresql():
        # Restore into a brand-new database and read it back there.
        settings = connection.settings_dict
        target = f"{settings['NAME']}_restore"
        server = ["-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
        admin = ["psql", *server, "-d", "postgres", "-q", "-c"]
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {target}"], check=True)
        subprocess.run([*admin, f"CREATE DATABASE {target}"], check=True)
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", *server, "-d", target, str(path)],
                check=True,
            )  # fmt: skip
            query = "SELECT count(*) FROM articles_article UNION ALL SELECT count(*) FROM articles_photo UNION ALL SELECT count(*) FROM articles_taggedarticle UNION ALL SELECT count(*) FROM articles_correction"  # noqa: E501
            out = subprocess.run(
                ["psql", *server, "-d", target, "-tA", "-c", query],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            assert [int(n) for n in out] == [4, 1, 2, 1]
        finally:
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {target}"], check=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
        assert not Article.objects.exists() and not Tag.objects.exists()
        shutil.rmtree(media_root)
        started = int(time.time() * 1000)
        call_command("restore", str(path), verbosity=0)
        assert snapshot() == before
        assert files(media_root) == stored  # every photo file and rendition, byte for byte
        # Past every generation caches may have seen before the restore.
        assert ContentGeneration.objects.get(pk=1).value >= started
