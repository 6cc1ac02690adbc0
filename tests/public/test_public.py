"""The first public pages: what readers see, and what they never see."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import images
from articles.models import State

from ..articles import photo_files
from ..factories import AgencyFactory, ArticleFactory, OfficerFactory, PhotoFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_home_lists_the_seed_stories(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html
    for article in seed.values():
        assert article.title in html
        assert article.get_absolute_url() in html


def test_article_page_shows_everything_the_story_has(client, seed):
    article = seed[1]
    html = client.get(article.get_absolute_url()).text
    assert "<h1>用忠诚守护群众安全 用担当践行入警初心</h1>" in html
    assert "二连出入境边防检查站全力以赴确保口岸通关顺畅" in html
    assert "沈翠英" in html
    assert "执勤一队副队长敖日格勒" in html
    assert reverse("agencies:detail", args=["er-lian-chu-ru-jing-bian-fang-jian-cha-zhan"]) in html
    assert "经济社会发展" in html


def test_article_page_shows_subheads(client, seed):
    html = client.get(seed[3].get_absolute_url()).text
    assert "<h3>打好突破仗 深挖彻查每一条线索</h3>" in html


def test_photo_without_a_file_shows_caption_and_credit_without_an_image(client):
    # An archive record whose file is lost, as the importer makes it from a page.
    story = ArticleFactory()
    PhotoFactory(article=story, caption="乌兰察布公安局民警矛盾纠纷排查化解现场", credit="沈翠英")
    html = client.get(story.get_absolute_url()).text
    assert "乌兰察布公安局民警矛盾纠纷排查化解现场" in html
    assert "沈翠英 摄" in html
    assert "<img" not in html and "<picture" not in html


def test_the_seed_photo_story_shows_its_drawn_stand_in(client, seed):
    html = client.get(seed[2].get_absolute_url()).text
    assert "<picture" in html and "示意图（非新闻照片）" in html
    assert "乌兰察布公安局民警矛盾纠纷排查化解现场" in html
    assert "系统示意图" in html and "示意图 摄" not in html and "原图沈翠英 摄" in html


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client, seed):
    article = seed[1]
    for url in [f"/articles/{article.pk}/wrong/", f"/articles/{article.pk}/"]:
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize(
    "changes",
    [
        {"state": State.DRAFT},
        {"state": State.REVIEW},
        {"state": State.WITHDRAWN},
        {"publish_at": timezone.now() + datetime.timedelta(days=1)},
    ],
)
def test_an_article_that_is_not_live_is_a_404_and_absent_from_lists(client, changes):
    agency = AgencyFactory(name="白彦花派出所")
    officer = OfficerFactory(agency=agency)
    article = ArticleFactory(title="不应公开的稿件", **changes)
    article.agencies.add(agency)
    article.officers.add(officer)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{article.pk}/").status_code == 404
    assert client.get("/articles/999999/x/").status_code == 404
    for url in ["/", article.section.get_absolute_url(), agency.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert "不应公开的稿件" not in response.text
    # Named only by a story that is not live, the officer has no public page at all.
    assert client.get(officer.get_absolute_url()).status_code == 404


def test_agency_page_lists_stories_of_agencies_below_it(client):
    county = AgencyFactory(name="乌拉特前旗公安局")
    station = AgencyFactory(name="白彦花派出所", parent=county)
    elsewhere = AgencyFactory(name="别处派出所")
    ArticleFactory(title="派出所的故事").agencies.add(station)
    ArticleFactory(title="别处的故事").agencies.add(elsewhere)
    html = client.get(county.get_absolute_url()).text
    assert "派出所的故事" in html
    assert "别处的故事" not in html
    assert "白彦花派出所" in html  # listed as a sub-agency


def test_agency_index_shows_the_tree(client, seed):
    html = client.get("/agencies/").text
    assert (
        html.index("巴彦淖尔市公安局") < html.index("乌拉特前旗公安局") < html.index("白彦花派出所")
    )


def test_officer_page_lists_their_stories(client, seed):
    html = client.get("/officers/na-shun-ji-ri-ga-la/").text
    assert "那顺吉日嘎拉" in html
    assert seed[4].title in html


def test_lists_are_paginated(client):
    section = SectionFactory()
    for _ in range(25):
        ArticleFactory(section=section)
    page_one = client.get(section.get_absolute_url())
    assert page_one.text.count('class="story-item"') == 20
    assert 'rel="next"' in page_one.text and 'rel="prev"' not in page_one.text
    page_two = client.get(section.get_absolute_url() + "?page=2")
    assert page_two.status_code == 200
    assert page_two.text.count('class="story-item"') == 5
    assert 'aria-label="分页"' in page_two.text and "第 2 页" in page_two.text
    assert 'rel="prev"' in page_two.text and 'rel="next"' not in page_two.text
    for past_the_end in ["3", "0", "x", "last", "201"]:
        response = client.get(section.get_absolute_url() + "?page=" + past_the_end)
        assert response.status_code == 404, past_the_end


def test_lists_are_not_counted(client):
    """A list page reads its stories and one more (is there a next page?) instead of
    counting the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = SectionFactory()
    for _ in range(21):
        ArticleFactory(section=section)
    client.get("/")  # the sections list, cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert client.get(section.get_absolute_url()).status_code == 200
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert any("LIMIT 21" in q["sql"] for q in queries)
    page_two = client.get(section.get_absolute_url() + "?page=2").text
    assert page_two.count('class="story-item"') == 1


def test_the_front_page_costs_the_same_queries_for_two_sections_or_six(client):
    """Every list on the front page (the lead, the featured, each section's block) is
    fetched in one query (and two for pictures), not three a list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.generation import bump_generation

    def front_page_queries():
        bump_generation()  # nothing kept: the page built afresh
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    for n in range(2):
        ArticleFactory(section=SectionFactory(), featured=n == 0)
    two = front_page_queries()
    for _ in range(4):
        ArticleFactory(section=SectionFactory(), featured=True)
    assert front_page_queries() == two


def make_stories(count, section, agency, officer):
    picture = images.accept(io.BytesIO(photo_files.webp((900, 600))), alt_text="检查站")
    for _ in range(count):
        article = ArticleFactory(section=section)
        article.agencies.add(agency)
        article.officers.add(officer)
        PhotoFactory(article=article, image=picture, alt_text="检查站")
        PhotoFactory(article=article)  # an archive caption, without a file


@pytest.mark.parametrize("count", [1, 50])
def test_public_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    section = SectionFactory()
    agency = AgencyFactory()
    officer = OfficerFactory(agency=agency)
    make_stories(count, section, agency, officer)
    article = section.articles.first()
    pages = [
        "/",
        section.get_absolute_url(),
        section.get_absolute_url() + "?page=1",
        agency.get_absolute_url(),
        officer.get_absolute_url(),
        article.get_absolute_url(),
        "/agencies/",
        "/search/?q=稿件",  # every story matches: a full page of snippets
        "/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
    ]
    # Cold: nothing rendered yet (the first page also reads the sections, once). Once
    # per content generation, an article page renders its story from nine queries (the
    # story, photos, their pictures and renditions, corrections, agencies, officers, tags,
    # and its workflow record for 责任编辑) and what follows it from three (上一篇, 下一篇
    # and the related stories in one, their thumbnails' pictures and renditions), the home
    # page finds its candidates (scheduled, featured, newest per section), and the sitemap
    # index counts the sections, agencies, officers and tags. A list's items take three
    # (the stories, their pictures, the renditions) whatever their number.
    cold = {article.get_absolute_url(): 14, "/": 9, "/sitemap.xml": 11}
    for url in pages:
        limit = cold.get(url, 8)
        with django_assert_max_num_queries(limit, info=url):
            assert client.get(url).status_code == 200, url
    # Warm, as readers meet them.
    for url in pages:
        with django_assert_max_num_queries(6, info=url):
            assert client.get(url).status_code == 200, url


def test_article_pages_reuse_the_rendered_story(client, settings, django_assert_num_queries):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = ArticleFactory()
    article.tags.add("诈骗")
    client.get(article.get_absolute_url())
    with django_assert_num_queries(1):  # the content generation
        assert client.get(article.get_absolute_url()).status_code == 200


def test_the_front_page_follows_the_clock(client, settings):
    import time_machine

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    section = SectionFactory(name="要闻", slug="yao-wen")
    now = timezone.now()
    for n in range(7):
        ArticleFactory(
            title=f"旧稿{n}号", section=section, publish_at=now - datetime.timedelta(hours=10 - n)
        )
    ArticleFactory(title="头条稿", section=section, featured=True,
                   publish_at=now - datetime.timedelta(hours=1))  # fmt: skip
    soon = now + datetime.timedelta(minutes=5)
    ArticleFactory(title="定时头条", section=section, featured=True, publish_at=soon)
    html = client.get("/").text
    assert "头条稿" in html and "定时头条" not in html
    assert [f"旧稿{n}号" in html for n in range(7)] == [False, False] + [True] * 5
    with time_machine.travel(soon + datetime.timedelta(seconds=1)):
        html = client.get("/").text
    assert "定时头条" in html and "头条稿" in html
    featured = html[html.index('id="featured-heading"') : html.index('id="section-yao-wen"')]
    assert "定时头条" in featured and "头条稿" in featured
    assert html.count("头条稿") == 1  # a featured story is not repeated in its section


def test_related_stories_follow_the_clock_and_the_workflow(client, settings):
    import time_machine
    from django.utils import timezone

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = ArticleFactory()
    article.tags.add("诈骗")
    soon = timezone.now() + timezone.timedelta(minutes=5)
    later = ArticleFactory(title="定时的相关报道", publish_at=soon)
    later.tags.add("诈骗")
    gone = ArticleFactory(title="将被撤下的相关报道")
    gone.tags.add("诈骗")
    assert "定时的相关报道" not in client.get(article.get_absolute_url()).text
    with time_machine.travel(soon + timezone.timedelta(seconds=1)):
        assert "定时的相关报道" in client.get(article.get_absolute_url()).text
    assert "将被撤下的相关报道" in client.get(article.get_absolute_url()).text
    gone.state = State.WITHDRAWN
    gone.save()
    assert "将被撤下的相关报道" not in client.get(article.get_absolute_url()).text


def test_health_and_readiness(client, db):
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_probes_answer_any_host_without_touching_the_database(client, django_assert_num_queries):
    # The orchestrator probes by IP address, which is not an allowed host.
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_readiness_is_503_when_the_database_is_down(client, db, monkeypatch):
    from django.db import OperationalError, connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def older_stories(section, count, now):
    """``count`` stories of ``section`` published hours ago, 旧稿00 the oldest."""
    for n in range(count):
        ArticleFactory(title=f"旧稿{n:02d}", section=section,
                       publish_at=now - datetime.timedelta(hours=30 - n))  # fmt: skip


def scheduled(section, title, now, minutes):
    return ArticleFactory(
        title=title, section=section, publish_at=now + datetime.timedelta(minutes=minutes)
    )


def test_kept_lists_follow_the_clock_and_deep_pages(client, settings):
    import time_machine

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    section = SectionFactory()
    now = timezone.now()
    older_stories(section, 25, now)
    soon = scheduled(section, "五分钟后发布", now, minutes=5)
    later = scheduled(section, "二十分钟后发布", now, minutes=20)
    url = section.get_absolute_url()
    first = client.get(url).text
    assert "旧稿24" in first and soon.title not in first and later.title not in first
    page_two = client.get(url + "?page=2").text  # beyond the kept window: read again
    assert page_two.count('class="story-item"') == 5 and "旧稿00" in page_two
    with time_machine.travel(now + datetime.timedelta(minutes=6)):
        html = client.get(url).text
        assert soon.title in html and later.title not in html
    with time_machine.travel(now + datetime.timedelta(minutes=21)):
        html = client.get(url).text
        assert soon.title in html and later.title in html
        assert "旧稿00" in client.get(url + "?page=2").text


def test_kept_choices_change_as_each_scheduled_story_goes_live(client, settings):
    """Both stories fall within one kept set of rows: the front page and a list's pages,
    chosen once per number of live rows, are chosen again as each goes live."""
    import time_machine

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    section = SectionFactory()
    now = timezone.now()
    older_stories(section, 21, now)
    first = scheduled(section, "三分钟后发布", now, minutes=3)
    second = scheduled(section, "六分钟后发布", now, minutes=6)
    url = section.get_absolute_url()
    home, page_two = client.get("/").text, client.get(url + "?page=2").text
    assert first.title not in home and second.title not in home
    assert "旧稿00" in page_two and "旧稿01" not in page_two
    with time_machine.travel(now + datetime.timedelta(minutes=4)):
        home, page_two = client.get("/").text, client.get(url + "?page=2").text
        assert first.title in home and second.title not in home
        assert "旧稿01" in page_two  # pushed down by one
    with time_machine.travel(now + datetime.timedelta(minutes=7)):
        home, page_two = client.get("/").text, client.get(url + "?page=2").text
        assert first.title in home and second.title in home
        assert "旧稿02" in page_two


def test_a_clock_set_back_does_not_show_a_scheduled_story_early(client, settings):
    import time_machine

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    section = SectionFactory()
    now = timezone.now()
    ArticleFactory(title="早已发布", section=section, publish_at=now - datetime.timedelta(hours=1))
    story = scheduled(section, "三分钟后发布", now, minutes=3)
    url = section.get_absolute_url()
    with time_machine.travel(now + datetime.timedelta(minutes=4)):
        assert story.title in client.get(url).text
    with time_machine.travel(now + datetime.timedelta(minutes=1)):  # the clock stepped back
        assert story.title not in client.get(url).text
        assert story.title not in client.get("/").text
