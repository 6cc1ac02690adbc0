"""Feeds, sitemaps, robots.txt, canonical links, OpenGraph and JSON-LD."""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.parametrize(
    "url", ["/feed/", "/sections/yao-wen/feed/", "/agencies/ba-yan-nao-er-gong-an-ju/feed/"]
)
def test_feeds_are_valid_rss_with_the_live_stories(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.language == "zh-cn"
    assert feed.entries
    for entry in feed.entries:
        assert entry.link.startswith("http://testserver/articles/")
        assert entry.published_parsed


def test_agency_feed_includes_agencies_below(client, seed):
    feed = feedparser.parse(client.get("/agencies/ba-yan-nao-er-gong-an-ju/feed/").content)
    assert [e.title for e in feed.entries] == [seed[4].title]


def test_sitemap_index_and_sections(client, seed):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in index.findall(".//s:loc", SITEMAP_NS)]
    assert "http://testserver/sitemap-articles.xml" in locations
    urls = ET.fromstring(client.get("/sitemap-articles.xml").content)
    article_urls = {loc.text for loc in urls.findall(".//s:loc", SITEMAP_NS)}
    assert article_urls == {f"http://testserver{a.get_absolute_url()}" for a in seed.values()}


def test_news_sitemap_lists_the_last_two_days(client, seed):
    from django.utils import timezone

    seed[1].publish_at = timezone.now() - timezone.timedelta(hours=3)
    seed[1].save()
    tree = ET.fromstring(client.get("/sitemap-news.xml").content)
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    titles = [t.text for t in tree.iter(f"{news}title")]
    assert titles == [seed[1].title]  # the others date from 2022


def test_robots_txt_points_at_the_sitemaps(client, db):
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemap-news.xml" in text


def test_article_page_has_canonical_opengraph_and_json_ld(client, seed):
    article = seed[1]
    html = client.get(article.get_absolute_url()).text
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"] == [{"@type": "Person", "name": "沈翠英"}]
    assert data["datePublished"].startswith("2022-06-1")
    assert data["publisher"]["name"]


def test_json_ld_cannot_be_broken_out_of(client, seed):
    article = seed[1]
    article.title = "</script><script>alert(1)</script>"
    article.save()
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html


def test_article_sitemap_pages_by_id_range(client, seed, monkeypatch):
    from public.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    ids = sorted(a.pk for a in seed.values())
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in index.findall(".//s:loc", SITEMAP_NS)]
    pages = -(-ids[-1] // 2)
    for page in range(2, pages + 1):
        assert f"http://testserver/sitemap-articles.xml?p={page}" in locations
    assert f"http://testserver/sitemap-articles.xml?p={pages + 1}" not in locations
    listed = []
    for page in range(1, pages + 1):
        response = client.get(f"/sitemap-articles.xml?p={page}")
        assert response.status_code == 200
        tree = ET.fromstring(response.content)
        listed += [loc.text for loc in tree.findall(".//s:loc", SITEMAP_NS)]
    expected = [f"http://testserver{a.get_absolute_url()}" for a in seed.values()]
    assert sorted(listed) == sorted(expected)
    assert client.get(f"/sitemap-articles.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_sitemap_counts_follow_changes(client, seed, monkeypatch):
    from articles.models import Section
    from public.sitemaps import PlainSitemap

    def locations():
        index = ET.fromstring(client.get("/sitemap.xml").content)
        return [loc.text for loc in index.findall(".//s:loc", SITEMAP_NS)]

    monkeypatch.setattr(PlainSitemap, "limit", 1, raising=False)
    before = len([u for u in locations() if "sitemap-sections" in u])
    Section.objects.create(name="新栏目", slug="xin-lan-mu")
    after = len([u for u in locations() if "sitemap-sections" in u])
    assert after == before + 1


def test_feeds_follow_the_clock_without_a_page_cache(client, seed, settings):
    import time_machine
    from django.utils import timezone

    from ..factories import ArticleFactory

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    soon = timezone.now() + timezone.timedelta(minutes=5)
    ArticleFactory(title="定时发布的稿件", section=seed[1].section, publish_at=soon)
    for url in ["/feed/", seed[1].section.get_absolute_url() + "feed/"]:
        titles = [e.title for e in feedparser.parse(client.get(url).content).entries]
        assert "定时发布的稿件" not in titles
        with time_machine.travel(soon + timezone.timedelta(seconds=1)):
            titles = [e.title for e in feedparser.parse(client.get(url).content).entries]
        assert "定时发布的稿件" in titles, url


def test_json_ld_authors_are_the_people_of_a_byline_not_their_roles(client, seed):
    article = seed[3]
    article.byline = "本报记者 张红梅 通讯员 李建国"
    article.save()
    html = client.get(article.get_absolute_url()).text
    assert '<span class="byline">本报记者 张红梅 通讯员 李建国</span>' in html  # as printed
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["author"] == [
        {"@type": "Person", "name": "张红梅"},
        {"@type": "Person", "name": "李建国"},
    ]
