"""Nothing that is not live is visible: not by URL, list, count, feed, sitemap, search,
related list, agency, officer or tag page. A story's URL answers 404 like an id that never
existed."""

import datetime

import pytest
from django.utils import timezone

from articles.models import State

from ..factories import AgencyFactory, ArticleFactory, OfficerFactory, SectionFactory

pytestmark = pytest.mark.django_db

NOT_LIVE = {
    "draft": {"state": State.DRAFT, "publish_at": None},
    "review": {"state": State.REVIEW, "review_stage": 2, "publish_at": None},
    "scheduled": {"publish_at": timezone.now() + datetime.timedelta(days=1)},
    "withdrawn": {"state": State.WITHDRAWN},
}
SECRET = "绝密稿件标题"


@pytest.fixture(params=list(NOT_LIVE))
def hidden(request, db):
    section = SectionFactory(name="要闻", slug="yao-wen")
    agency = AgencyFactory(name="白彦花派出所")
    officer = OfficerFactory(name="那顺吉日嘎拉", agency=agency)
    visible = ArticleFactory(title="公开稿件", section=section, body="白彦花派出所调解纠纷。")
    visible.agencies.add(agency)
    visible.officers.add(officer)
    visible.tags.add("平安")
    article = ArticleFactory(
        title=SECRET, section=section, body="白彦花派出所绝密内容。", **NOT_LIVE[request.param]
    )
    article.agencies.add(agency)
    article.officers.add(officer)
    article.tags.add("平安")
    return {"article": article, "visible": visible, "agency": agency, "officer": officer}


def test_its_url_is_a_404_like_a_missing_id(client, hidden):
    article = hidden["article"]
    missing = client.get("/articles/987654/whatever/")
    for url in [
        article.get_absolute_url(),
        f"/articles/{article.pk}/",
        f"/articles/{article.pk}/x/",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.text == missing.text


def test_it_is_absent_from_every_list_feed_sitemap_and_search(client, hidden):
    article, visible = hidden["article"], hidden["visible"]
    urls = [
        "/",
        "/sections/yao-wen/",
        hidden["agency"].get_absolute_url(),
        hidden["officer"].get_absolute_url(),
        "/tags/ping-an/",
        "/feed/",
        "/sections/yao-wen/feed/",
        f"{hidden['agency'].get_absolute_url()}feed/",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        "/search/?q=绝密",
        "/search/?q=白彦花派出所",
        visible.get_absolute_url(),  # related stories
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert SECRET not in text, url
        assert f"/articles/{article.pk}/" not in text, url


def test_it_is_not_counted(client, hidden):
    html = client.get("/search/?q=白彦花派出所").text
    assert "找到 1 篇稿件" in html
