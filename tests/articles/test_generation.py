"""The content key: the generation, read at most every NEWSROOM_GENERATION_RECHECK_SECONDS
by each process (at once after its own changes), and the next scheduled publication."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connections, models, transaction
from django.utils import timezone

from articles.generation import bump_generation, content_key
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


def generation():
    return content_key().generation


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
    second = generation()  # after the commit: read again at once
    assert second > first
    with transaction.atomic():
        bump_generation()
        third = generation()  # inside the transaction: always read
        assert third > second
    assert generation() == third


def test_a_rolled_back_change_is_never_seen(settings):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    first = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        bump_generation()
        raise RuntimeError
    assert generation() == first


def test_a_number_taken_by_a_rolled_back_transaction_is_never_taken_again(settings):
    from articles import generation as module

    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    first = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        bump_generation()
        lost = generation()  # read inside: kept under it, fragments would be dead
        raise RuntimeError
    assert generation() == first and module.newest.generation == first  # never trusted
    with transaction.atomic():
        bump_generation()
    assert generation() > lost


def test_the_writer_shares_its_generation_as_it_commits(settings):
    from django.core.cache import cache

    from articles.generation import NEWEST

    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    generation()
    with transaction.atomic():
        bump_generation()
        bumped = generation()  # read in the transaction, before the commit
        assert (cache.get(NEWEST) or 0) < bumped
    assert cache.get(NEWEST) == bumped


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


def test_each_scheduled_story_moves_the_key_on_as_it_comes_due():
    now = timezone.now()
    stories = [ArticleFactory(publish_at=now + datetime.timedelta(minutes=m)) for m in (1, 2, 3)]
    keys = [content_key()]
    for story in stories:
        with time_machine.travel(story.publish_at, tick=False):
            keys.append(content_key())
    assert len({key.generation for key in keys}) == 1 and len(set(keys)) == 4
    assert str(keys[-1]).endswith(".inf")  # nothing left to come


def test_every_model_of_the_core_but_the_newsrooms_own_moves_the_key_on(db):
    from django.contrib.auth import get_user_model

    from articles.models import EditSession
    from articles.signals import public_models

    from ..factories import AgencyFactory

    names = {model._meta.label for model in public_models()}
    assert {"articles.Article", "articles.Photo", "agencies.Agency", "agencies.Officer"} <= names
    assert not names & {"articles.WorkflowEvent", "articles.EditSession"}
    assert not any(name.startswith("articles.Historical") for name in names)
    first = generation()
    AgencyFactory()
    assert generation() > first
    story = ArticleFactory()
    editor = get_user_model().objects.create_user("editor")
    second = generation()
    expires = timezone.now() + datetime.timedelta(minutes=5)
    EditSession.objects.create(article=story, user=editor, expires_at=expires)
    assert generation() == second
