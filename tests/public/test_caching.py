"""The page cache, conditional GET and Cache-Control."""

import datetime

import pytest
import time_machine
from django.db import models
from django.utils import timezone

from articles import workflow
from articles.models import State

from ..factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_second_request_is_served_from_the_cache(client, seed, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(1):  # the content generation, nothing else
        assert client.get("/").status_code == 200


def test_a_change_made_by_another_worker_outdates_the_cache(client, seed):
    """The generation lives in the database: a change committed by any process (here, a
    plain UPDATE behind the cache's back) is seen by every worker's cache."""
    from articles.models import Article, ContentGeneration

    article = seed[1]
    assert article.title in client.get("/").text
    Article.objects.filter(pk=article.pk).update(title="另一个进程改过的标题")
    assert article.title in client.get("/").text  # no signal: still the cached page
    ContentGeneration.objects.filter(pk=1).update(value=models.F("value") + 1)
    assert "另一个进程改过的标题" in client.get("/").text


def test_a_rolled_back_change_leaves_the_generation_alone(seed):
    from django.db import transaction

    from articles.generation import content_key

    def generation():
        return content_key().generation

    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        seed[1].title = "不会保存的标题"
        seed[1].save()
        assert generation() > before
        raise RuntimeError
    assert generation() == before


def test_public_pages_are_revalidated_with_etags(client, seed):
    response = client.get("/")
    assert "public" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    article = seed[1]
    response = client.get(article.get_absolute_url())
    assert response["Last-Modified"]
    again = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_withdrawn_story_is_never_served_from_the_cache(client, seed, django_user_model):
    from django.contrib.auth.models import Permission

    chief = django_user_model.objects.create_user("chief")
    chief.user_permissions.add(Permission.objects.get(codename="withdraw_article"))
    article = seed[1]
    for url in ["/", article.get_absolute_url(), "/feed/", article.section.get_absolute_url()]:
        assert article.title in client.get(url).content.decode()
    chief = django_user_model.objects.get(pk=chief.pk)
    workflow.article_withdraw(article=article, by=chief, reason="当事人要求")
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in ["/", "/feed/", article.section.get_absolute_url()]:
        assert article.title not in client.get(url).content.decode(), url


def test_edits_show_at_once(client, seed):
    article = seed[2]
    client.get(article.get_absolute_url())
    article.body = "改过的正文。"
    article.save()
    assert "改过的正文。" in client.get(article.get_absolute_url()).text


def test_a_scheduled_story_appears_on_time_despite_the_cache(client, db):
    section = SectionFactory(name="要闻", slug="yao-wen")
    at = timezone.now() + datetime.timedelta(seconds=90)
    ArticleFactory(title="定时稿件", section=section, publish_at=at)
    assert "定时稿件" not in client.get("/").text  # cached now, for at most 90 s
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert "定时稿件" in client.get("/").text


def test_staff_pages_and_previews_are_not_cached(admin_client, seed):
    article = seed[1]
    article.state = State.DRAFT
    article.save()
    response = admin_client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in admin_client.get("/admin/")["Cache-Control"]


def test_a_hit_answers_exactly_as_the_miss_did(client, seed, django_assert_num_queries):
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(1):
        hit = client.get("/")
    assert hit.content == first.content
    for header in ["Content-Security-Policy", "X-Frame-Options", "ETag", "Cache-Control",
                   "Content-Type", "Referrer-Policy"]:  # fmt: skip
        assert hit[header] == first[header], header
    with django_assert_num_queries(1):
        assert client.get("/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_cache_key_holds_scheme_and_host(client, seed, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    a = client.get("/", HTTP_HOST="a.example")
    b = client.get("/", HTTP_HOST="b.example")
    assert "a.example" in a.text and "b.example" in b.text
    https = client.get("/", HTTP_HOST="a.example", secure=True)
    assert "https://a.example/" in https.text
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_pages_for_one_reader_are_never_stored(rf, settings):
    from django.http import HttpResponse

    from public.cache import PageCacheMiddleware, public_page

    calls = []

    @public_page
    def view(request):
        calls.append(request)
        response = HttpResponse("个人页面")
        response.set_cookie("who", "me")
        return response

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        assert middleware(rf.get("/me/")).cookies["who"].value == "me"
    assert len(calls) == 2


def test_errors_are_not_stored(client, seed, rf):
    from django.core.cache import cache

    from public.cache import page_key

    url = seed[1].get_absolute_url().replace(str(seed[1].pk), "999999", 1)
    assert client.get(url).status_code == 404
    assert cache.get(page_key(rf.get(url))) is None
    client.get("/")
    assert cache.get(page_key(rf.get("/"))) is not None


def test_each_worker_keeps_a_copy_checked_against_the_generation(
    client, seed, django_assert_num_queries
):
    from django.core.cache import cache

    from articles.models import ContentGeneration

    article = seed[1]
    client.get("/")
    cache.clear()  # the shared copy is gone; this process still has its own...
    with django_assert_num_queries(1):  # the generation (read: inside the test's transaction)
        assert article.title in client.get("/").text
    type(article).objects.filter(pk=article.pk).update(title="换了的标题")
    ContentGeneration.objects.filter(pk=1).update(value=models.F("value") + 1)
    # ...which is never served once the generation has moved on.
    assert "换了的标题" in client.get("/").text


def test_a_long_transaction_bumps_the_generation_once_at_its_end(db):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from articles.generation import content_key, one_bump

    from ..factories import ArticleFactory

    def generation():
        return content_key().generation

    before = generation()
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), one_bump():
        ArticleFactory()
        ArticleFactory()
        assert generation() == before  # nothing bumped (or locked) yet
    sql = [q["sql"] for q in queries]
    bumps = [i for i, q in enumerate(sql) if q.startswith("UPDATE articles_contentgeneration")]
    assert len(bumps) == 1  # once, and after the stories are written:
    assert not [q for q in sql[bumps[0] :] if q.startswith(("INSERT", "UPDATE articles_article"))]
    after = generation()
    assert after > before
    with pytest.raises(RuntimeError), transaction.atomic(), one_bump():
        ArticleFactory()
        raise RuntimeError
    assert generation() == after


def test_a_conditional_miss_is_not_stored_as_its_304(client, seed):
    etag = client.get("/")["ETag"]
    from django.core.cache import cache, caches

    cache.clear()
    caches["fragments"].clear()
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    page = client.get("/")
    assert page.status_code == 200 and seed[1].title in page.text


@pytest.mark.django_db(transaction=True)  # keys read outside a transaction, as in production
def test_a_new_content_key_empties_the_process_cache(client):
    """Nothing kept under an older key can be used again: it is dropped at once, not left
    to fill the memory budget (a worker serving a busy archive stays small)."""
    from django.core.cache import caches

    from articles.generation import bump_generation

    story = ArticleFactory(title="边境检查站")
    assert client.get(story.get_absolute_url()).status_code == 200
    kept = caches["fragments"]._entries
    before = set(kept)
    assert before
    bump_generation()
    assert client.get("/").status_code == 200
    assert kept and not before & set(kept)  # every entry of the old key is gone
