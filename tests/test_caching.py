"""The page cache, conditional GET and Cache-Control."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles import workflow
from articles.models import State

from .factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_second_request_is_served_from_the_cache(client, seed, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


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
