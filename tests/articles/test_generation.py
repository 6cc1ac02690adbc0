"""The content key: the generation, read at most every NEWSROOM_GENERATION_RECHECK_SECONDS
by each process (at once after its own changes), and the next scheduled publication."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connections, models, transaction
from django.utils import timezone

from articles.generation import bump_generation, content_key, generation
from articles.models import ContentGeneration

from ..factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_another_worker(work):
    """Run ``work`` on another thread, so on its own connection, and commit it there."""
    raised = []

    def target():
        try:
            with transaction.atomic():
                work()
        except Exception as exc:
            raised.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if raised:
        raise raised[0]


def another_process_bumps():
    # A plain UPDATE, as another process's commit looks from here (no signal, no on_commit).
    ContentGeneration.objects.filter(pk=1).update(value=models.F("value") + 1)


def test_a_reading_is_trusted_for_the_recheck_interval(settings, django_assert_num_queries):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 0.3
    first = generation()
    with django_assert_num_queries(0):
        assert generation() == first
    in_another_worker(another_process_bumps)
    assert generation() == first  # not read again yet
    time.sleep(0.35)
    assert generation() == first + 1


def test_this_process_sees_its_own_change_at_once(settings):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    first = generation()
    with transaction.atomic():
        bump_generation()
        assert generation() == first + 1  # inside the transaction: always read
    assert generation() == first + 1  # after the commit: read again


def test_a_rolled_back_change_is_never_seen(settings):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    first = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        bump_generation()
        raise RuntimeError
    assert generation() == first


def test_the_key_moves_on_when_a_scheduled_story_comes_due(settings):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    now = timezone.now()
    ArticleFactory(publish_at=now - datetime.timedelta(hours=1))
    soon = ArticleFactory(publish_at=now + datetime.timedelta(minutes=5))
    ArticleFactory(publish_at=now + datetime.timedelta(minutes=10))
    before = content_key()
    assert content_key() == before  # nothing due: the same key
    with time_machine.travel(soon.publish_at - datetime.timedelta(microseconds=1), tick=False):
        assert content_key() == before
    with time_machine.travel(soon.publish_at, tick=False):  # live at its time (<= now)
        due = content_key()
        assert due != before
    with time_machine.travel(now + datetime.timedelta(minutes=11)):
        after_both = content_key()
        assert after_both not in (before, due)
    with time_machine.travel(now + datetime.timedelta(minutes=1)):  # the clock stepped back
        assert content_key() == before


def test_more_scheduled_stories_than_one_reading_holds(monkeypatch):
    from articles import generation as module

    monkeypatch.setattr(module, "SCHEDULE_SIZE", 2)
    now = timezone.now()
    stories = [ArticleFactory(publish_at=now + datetime.timedelta(minutes=m)) for m in (1, 2, 3)]
    keys = [content_key()]
    for story in stories:
        with time_machine.travel(story.publish_at, tick=False):
            keys.append(content_key())
    assert len(set(keys)) == 4
    assert keys[-1].endswith(".-")  # nothing left to come


def test_a_model_neither_public_nor_private_fails_the_checks(monkeypatch):
    from articles import signals

    monkeypatch.setattr(signals, "PUBLIC_MODELS", signals.PUBLIC_MODELS[1:])
    errors = signals.every_model_is_public_or_private(None)
    assert [e.id for e in errors] == ["articles.E001"]
    assert "articles.Article" in errors[0].msg
