"""数字报: editions and pages appear only as their stories go live, in print order, at a
constant number of queries; a page's scan reaches readers only while the page is live."""

import datetime
import io
import itertools
import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from articles import images, workflow
from articles.models import PrintPage, State

from ..articles import photo_files
from ..factories import ArticleFactory, PhotoFactory, SectionFactory

pytestmark = pytest.mark.django_db

SEED_DAY = datetime.date(2022, 6, 17)
SEED_PAGE = "/epaper/2022-06-17/1/"


def printed(day, number, count=1, *, name="", picture=None, **story):
    """A page of the edition ``day`` with ``count`` stories in print order (live unless
    told otherwise), each with a photo of ``picture`` when given."""
    page, _ = PrintPage.objects.get_or_create(edition=day, number=number, defaults={"name": name})
    section = SectionFactory(name="要闻")
    stories = []
    for position in range(1, count + 1):
        article = ArticleFactory(
            section=section, edition=day, page=number, source_position=position,
            print_page=page, title=f"{day:%m%d}第{number}版第{position}篇", **story,
        )  # fmt: skip
        if picture is not None:
            PhotoFactory(article=article, image=picture, alt_text="民警在执勤")
        stories.append(article)
    return page, stories


def titles(html):
    return re.findall(r'<h2 class="print-title">\s*<a href="[^"]+">([^<]+)</a>', html)


def headings(html):
    return [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]


# -- What readers see ------------------------------------------------------------------------


def test_the_seed_page_is_the_latest_edition_with_its_four_stories_in_print_order(client, seed):
    index = client.get("/epaper/")
    assert index.status_code == 200
    assert "最新一期" in index.text and "2022年6月17日 星期五" in index.text
    assert f'href="{SEED_PAGE}"' in index.text and "第1版 要闻" in index.text
    assert 'aria-current="date"' in index.text  # the calendar marks the edition shown
    page = client.get(SEED_PAGE)
    assert page.status_code == 200
    in_order = [seed[n].title for n in range(1, 5)]
    assert titles(page.text) == in_order
    # The lead's headline is the largest: each story's rank follows its place on the page.
    ranks = re.findall(r'class="print-story rank-(\d)', page.text)
    assert ranks == ["1", "2", "3", "3"]
    assert re.search(r"<h1>\s*2022年6月17日 第1版<span class=\"page-name\">要闻</span>", page.text)
    edition = client.get("/epaper/2022-06-17/")
    assert edition.status_code == 200
    listed = re.findall(r'<li>\s*<a href="/articles/\d+/[^"]+">([^<]+)</a>', edition.text)
    assert listed == in_order
    # The site's navigation leads to it.
    assert '<a href="/epaper/">数字报</a>' in client.get("/").text


def test_headings_go_in_order_and_the_stylesheet_is_the_epapers_own(client, seed):
    for url in ["/epaper/", "/epaper/2022-06-17/", SEED_PAGE, "/epaper/2022-06/"]:
        html = client.get(url).text
        levels = headings(html)
        assert levels[0] == 1 and levels.count(1) == 1, url
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), url
        assert "css/epaper.css" in html, url
        assert '<main id="main"' in html and 'aria-label="当前位置"' in html, url
    assert "css/epaper.css" not in client.get("/").text


def test_an_edition_none_of_whose_stories_is_live_is_a_404_and_not_in_the_calendar(client, seed):
    later = datetime.date(2022, 6, 18)
    soon = timezone.now() + datetime.timedelta(days=1)
    _, (draft, scheduled, withdrawn) = printed(later, 1, 3)
    draft.state, draft.publish_at = State.DRAFT, None
    scheduled.publish_at = soon
    withdrawn.state = State.WITHDRAWN
    for story in (draft, scheduled, withdrawn):
        story.save()
    printed(later, 2, 1, state=State.REVIEW, publish_at=None)
    for url in ["/epaper/2022-06-18/", "/epaper/2022-06-18/1/", "/epaper/2022-06-18/2/"]:
        assert client.get(url).status_code == 404, url
    for url in ["/epaper/", "/epaper/2022-06/", "/epaper/2022-06-17/", SEED_PAGE]:
        html = client.get(url).text
        assert "2022-06-18" not in html and "6月18日" not in html, url
        assert "0618" not in html, url
    assert "2022年6月17日" in client.get("/epaper/").text  # still the latest
    assert "2022-06-18" not in client.get("/sitemap-epaper.xml").text
    # A month with no live edition is no page either, and neither is a date that is none.
    assert client.get("/epaper/2022-07/").status_code == 404
    assert client.get("/epaper/2022-02-30/").status_code == 404
    assert client.get("/epaper/2022-13/").status_code == 404


def test_an_edition_of_scheduled_stories_appears_when_they_fall_due(client, seed):
    later = datetime.date(2022, 6, 18)
    at = timezone.now() + datetime.timedelta(seconds=90)
    printed(later, 1, 2, publish_at=at)
    assert client.get("/epaper/2022-06-18/").status_code == 404  # and kept so, for now
    assert "6月18日" not in client.get("/epaper/").text
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert client.get("/epaper/2022-06-18/1/").status_code == 200
        assert "2022年6月18日" in client.get("/epaper/").text  # the latest edition now


def test_without_any_live_edition_the_epaper_says_so(client, db):
    printed(SEED_DAY, 1, 2, state=State.DRAFT, publish_at=None)
    response = client.get("/epaper/")
    assert response.status_code == 200 and "暂无数字报" in response.text
    assert "/epaper/2022-06-17/" not in response.text


def test_a_withdrawn_story_disappears_from_its_page(client, seed, chief):
    assert seed[3].title in client.get(SEED_PAGE).text  # kept in the page cache now
    workflow.article_withdraw(article=seed[3], by=chief, reason="核实有误")
    page = client.get(SEED_PAGE).text
    assert seed[3].title not in page
    assert titles(page) == [seed[n].title for n in (1, 2, 4)]
    assert seed[3].title not in client.get("/epaper/2022-06-17/").text
    for n in (1, 2, 4):
        workflow.article_withdraw(article=seed[n], by=chief, reason="撤稿")
    # The last one gone, the page and its edition go with it.
    assert client.get(SEED_PAGE).status_code == 404
    assert client.get("/epaper/2022-06-17/").status_code == 404
    assert "暂无数字报" in client.get("/epaper/").text


def test_pages_and_editions_turn_to_their_neighbours_with_live_stories(client, db):
    first, middle, last = (datetime.date(2022, 6, d) for d in (15, 16, 17))
    printed(first, 1)
    printed(middle, 1, state=State.DRAFT, publish_at=None)  # not an edition readers see
    printed(last, 1, name="要闻")
    printed(last, 2, state=State.DRAFT, publish_at=None)  # nor a page
    printed(last, 3, name="法治")
    printed(last, 4, name="基层")
    page = client.get("/epaper/2022-06-17/3/").text
    assert '<a href="/epaper/2022-06-17/1/" rel="prev">上一版：第1版 要闻</a>' in page
    assert '<a href="/epaper/2022-06-17/4/" rel="next">下一版：第4版 基层</a>' in page
    assert 'href="/epaper/2022-06-15/">上一期：2022年6月15日</a>' in page
    assert "下一期" not in page and "/epaper/2022-06-17/2/" not in page
    strip = re.search(r'<nav class="page-strip".*?</nav>', page, re.S).group(0)
    assert re.findall(r"第(\d)版", strip) == ["1", "3", "4"]
    assert 'href="/epaper/2022-06-17/3/" aria-current="page"' in strip
    first_page = client.get("/epaper/2022-06-17/1/").text
    assert "上一版" not in first_page and "下一版：第3版 法治" in first_page
    edition = client.get("/epaper/2022-06-15/").text
    assert 'href="/epaper/2022-06-17/" rel="next">下一期：2022年6月17日</a>' in edition
    assert "6月16日" not in edition and "上一期" not in edition
    assert client.get("/epaper/2022-06-16/").status_code == 404


def test_the_calendar_links_each_edition_and_the_months_before(client, db):
    printed(datetime.date(2022, 5, 31), 1)
    printed(datetime.date(2022, 6, 17), 1)
    index = client.get("/epaper/").text
    assert 'href="/epaper/2022-06-17/" aria-current="date" aria-label="2022年6月17日"' in index
    assert '<a href="/epaper/2022-05/">上一月：2022年5月</a>' in index
    month = client.get("/epaper/2022-05/")
    assert month.status_code == 200
    assert 'href="/epaper/2022-05-31/">2022年5月31日 星期二</a>' in month.text
    assert '<a href="/epaper/2022-06/">下一月：2022年6月</a>' in month.text


def test_the_article_links_back_to_its_printed_page(client, seed):
    html = client.get(seed[1].get_absolute_url()).text
    assert f'来源：北疆法治报 <a href="{SEED_PAGE}">2022年6月17日 第1版（要闻）</a>' in html
    assert "/epaper/" not in client.get(ArticleFactory().get_absolute_url()).text.split("<main")[1]


def test_the_sitemap_lists_the_live_pages(client, seed):
    assert "sitemap-epaper.xml" in client.get("/sitemap.xml").text
    assert f"http://testserver{SEED_PAGE}" in client.get("/sitemap-epaper.xml").text


# -- The scan and the PDF --------------------------------------------------------------------


def scan():
    data = photo_files.jpeg_from_camera((1200, 1800))
    return images.accept(io.BytesIO(data), alt_text="第1版版面图")


def with_files(page):
    page.image = scan()
    page.pdf.save("x.pdf", ContentFile(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), save=False)
    page.pdf_size = 40
    page.save()
    return page


def test_a_page_with_a_scan_shows_it_with_its_stories_beside_it(client, seed):
    page = with_files(PrintPage.objects.get())
    html = client.get(SEED_PAGE).text
    assert '<figure class="page-scan">' in html and "<picture" in html
    assert f'href="{page.pdf.url}" type="application/pdf">阅读本版 PDF' in html
    listed = re.search(r'<section class="page-index".*?</section>', html, re.S).group(0)
    assert [seed[n].title in listed for n in range(1, 5)] == [True] * 4
    assert '<h2 id="page-stories-heading">本版稿件</h2>' in listed
    assert 'class="broadsheet"' not in html


def test_a_scan_of_a_page_without_live_stories_is_not_served_to_readers(settings, seed, chief):
    settings.DEBUG = False
    page = with_files(PrintPage.objects.get())
    reader = Client()
    files = [r.file.url for r in page.image.renditions.all()] + [page.pdf.url]
    assert {reader.get(url).status_code for url in files} == {200}
    for n in range(1, 5):
        workflow.article_withdraw(article=seed[n], by=chief, reason="撤稿")
    assert {reader.get(url).status_code for url in files} == {404}
    # The newsroom still fetches them, never to be kept by a shared cache.
    staff = Client()
    staff.force_login(chief)
    answers = [staff.get(url) for url in files]
    assert {a.status_code for a in answers} == {200}
    assert all("no-store" in a["Cache-Control"] for a in answers)
    # The picture's full-size original is never the readers', even while the page is live.
    assert reader.get(page.image.file.url).status_code == 404


def test_one_story_withdrawn_from_a_page_hides_its_scan_and_pdf(client, settings, seed, chief):
    """A scan shows every story on the page: a withdrawn one (for legal reasons, say) would
    still be read there. The page lays out its live stories instead."""
    settings.DEBUG = False
    page = with_files(PrintPage.objects.get())
    files = [r.file.url for r in page.image.renditions.all()] + [page.pdf.url]
    workflow.article_withdraw(article=seed[2], by=chief, reason="涉及未成年人隐私")
    assert {Client().get(url).status_code for url in files} == {404}
    html = client.get(SEED_PAGE).text
    assert page.pdf.url not in html and "阅读本版 PDF" not in html
    assert seed[1].title in html and seed[2].title not in html


def test_a_scan_before_its_page_goes_live_is_not_served(settings, db):
    settings.DEBUG = False
    page, (story,) = printed(SEED_DAY, 1, state=State.DRAFT, publish_at=None)
    with_files(page)
    reader = Client()
    assert reader.get(page.pdf.url).status_code == 404
    assert reader.get(page.image.renditions.first().file.url).status_code == 404
    story.state, story.publish_at = State.PUBLISHED, timezone.now()
    story.save()
    assert reader.get(page.pdf.url).status_code == 200


# -- Queries ---------------------------------------------------------------------------------


# Each page, cold (every fragment to build): the content generation and the next scheduled
# story (the content key), the sections (the navigation), the editions readers may see,
# then the edition's pages and their stories; on a page laid out, its stories' pictures
# and their renditions.
QUERIES = {"/epaper/": 6, "/epaper/2022-06-17/": 6, SEED_PAGE: 8, "/epaper/2022-06/": 4}


@pytest.mark.parametrize("count", [4, 40])
@pytest.mark.parametrize("scanned", [False, True])
def test_epaper_pages_run_a_constant_number_of_queries(
    client, settings, django_assert_num_queries, count, scanned
):
    from django.core.cache import caches

    from articles import generation

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    picture = images.accept(io.BytesIO(photo_files.webp((900, 600))), alt_text="检查站")
    page, _ = printed(SEED_DAY, 1, count, picture=picture)
    printed(SEED_DAY, 2, count)
    printed(datetime.date(2022, 6, 16), 1, count)
    if scanned:
        with_files(page)
    for url, expected in QUERIES.items():
        caches["fragments"].clear()
        generation.forget()
        if scanned and url == SEED_PAGE:
            expected -= 1  # the scan's renditions, and no pictures of stories (listed only)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200, url
    assert len(titles(client.get(SEED_PAGE).text)) == (0 if scanned else count)


# -- Valid HTML ------------------------------------------------------------------------------


def test_epaper_pages_are_valid_html(client, seed, java, tmp_path):
    import json
    import subprocess
    from pathlib import Path

    from .test_html import vnu_jar

    printed(datetime.date(2022, 5, 31), 1, 3, name="法治")
    printed(datetime.date(2022, 5, 31), 2, 2)
    scanned, _ = printed(datetime.date(2022, 5, 30), 1, 2)
    with_files(scanned)
    pages = {
        "index": "/epaper/",
        "edition": "/epaper/2022-05-31/",
        "page": SEED_PAGE,
        "page-strip": "/epaper/2022-05-31/1/",
        "scanned": "/epaper/2022-05-30/1/",
        "month": "/epaper/2022-05/",
        "article": seed[1].get_absolute_url(),
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{Path(m.get('url', '')).name}: {m.get('message')}" for m in messages] == []


@pytest.fixture
def java():
    import shutil

    path = shutil.which("java")
    if path is None:
        pytest.skip("java is not installed; the HTML checker needs it")
    return path
