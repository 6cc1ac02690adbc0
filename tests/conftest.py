from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

SEED_DOCUMENT = Path(__file__).resolve().parent.parent / "fixtures/source/000_18634d81e59b4d2f.txt"


@pytest.fixture
def seed(db):
    """The seed page, loaded from fixtures/seed.json as `make run` loads it."""
    call_command("load_seed", verbosity=0)
    return {a.source_position: a for a in Article.objects.all()}


@pytest.fixture
def seed_text():
    return SEED_DOCUMENT.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty page cache (the local-memory cache outlives tests),
    and reads the content generation afresh (a flushed database starts it again)."""
    from django.core.cache import cache, caches

    from articles import generation

    generation.forget()
    generation.newest = None  # rolled back, the generation may be lower than last test's
    cache.clear()
    # Rolled back between tests, the generation repeats: so must the fragments go.
    caches["fragments"].clear()
    yield
    cache.clear()
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and renditions go to a folder of the test's own, never the checkout's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
