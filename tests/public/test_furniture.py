"""The site's furniture: the footer Chinese news sites must carry, each page's own feed,
breadcrumbs from 首页, and the agency tree at any depth."""

import re

import pytest

from agencies.models import AgencyKind
from public.directory import agency_tree
from tests.factories import AgencyFactory, ArticleFactory, OfficerFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_the_footer_shows_the_registration_numbers_and_contact_only_when_set(client, settings):
    SectionFactory(name="要闻", slug="yao-wen")
    html = client.get("/").text
    assert "ICP" not in html and "举报" not in html
    settings.NEWSROOM_ICP_NUMBER = "蒙ICP备12345678号-1"
    settings.NEWSROOM_PSB_NUMBER = "蒙公网安备15010502000001号"
    settings.NEWSROOM_REPORT_PHONE = "0471-123 4567"
    settings.NEWSROOM_REPORT_EMAIL = "jubao@example.cn"
    html = client.get("/sections/yao-wen/").text
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">蒙ICP备12345678号-1</a>' in html
    assert "webSearch?code=15010502000001" in html
    assert 'href="tel:0471-1234567"' in html and "mailto:jubao@example.cn" in html
    assert "违法和不良信息举报" in html


def test_section_and_agency_pages_advertise_their_own_feeds(client):
    section = SectionFactory(name="要闻", slug="yao-wen")
    agency = AgencyFactory(name="白彦花派出所", slug="bai-yan-hua", verified=True)
    story = ArticleFactory(section=section)
    story.agencies.add(agency)
    feeds = re.compile(r'<link rel="alternate" type="application/rss\+xml"[^>]*href="([^"]+)"')
    assert feeds.findall(client.get("/sections/yao-wen/").text) == [
        "/sections/yao-wen/feed/", "/feed/",
    ]  # fmt: skip
    assert feeds.findall(client.get("/agencies/bai-yan-hua/").text) == [
        "/agencies/bai-yan-hua/feed/", "/feed/",
    ]  # fmt: skip
    assert client.get("/agencies/bai-yan-hua/feed/").status_code == 200


def crumbs(html):
    found = re.search(r'<nav aria-label="当前位置" class="breadcrumbs">(.*?)</nav>', html, re.S)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", found.group(1))) if found else None


def test_every_directory_and_list_page_has_breadcrumbs_from_the_front_page(client):
    section = SectionFactory(name="要闻", slug="yao-wen")
    bureau = AgencyFactory(name="巴彦淖尔市公安局", slug="bynr", kind=AgencyKind.BUREAU,
                           verified=True)  # fmt: skip
    station = AgencyFactory(name="白彦花派出所", slug="byh", parent=bureau, verified=True)
    officer = OfficerFactory(name="张昊", slug="zhang-hao", agency=station)
    story = ArticleFactory(section=section)
    story.agencies.add(station)
    story.officers.add(officer)
    story.tags.add("防诈骗")
    tag = story.tags.get()
    assert crumbs(client.get("/sections/yao-wen/").text) == "首页要闻"
    assert crumbs(client.get("/agencies/").text) == "首页机构"
    assert crumbs(client.get("/agencies/byh/").text) == "首页机构巴彦淖尔市公安局白彦花派出所"
    assert crumbs(client.get("/officers/zhang-hao/").text) == "首页机构白彦花派出所张昊"
    assert crumbs(client.get(tag.get_absolute_url()).text) == "首页标签：防诈骗"
    assert crumbs(client.get(story.get_absolute_url()).text) == "首页要闻正文"


def test_a_deep_tree_is_drawn_with_each_agency_under_its_own_parent(client):
    top = AgencyFactory(name="自治区公安厅", kind=AgencyKind.DEPARTMENT, verified=True)
    city = AgencyFactory(name="市公安局", parent=top, kind=AgencyKind.BUREAU, verified=True)
    county = AgencyFactory(name="旗公安局", parent=city, kind=AgencyKind.BUREAU, verified=True)
    station = AgencyFactory(name="派出所", parent=county, verified=True)
    post = AgencyFactory(name="警务室", parent=station, verified=True)
    other = AgencyFactory(name="另一个市公安局", parent=top, kind=AgencyKind.BUREAU,
                          verified=True)  # fmt: skip
    tree = agency_tree([top, city, county, station, post, other])

    def names(nodes):
        return [(node["agency"].name, names(node["children"])) for node in nodes]

    assert names(tree) == [("自治区公安厅", [
        ("市公安局", [("旗公安局", [("派出所", [("警务室", [])])])]), ("另一个市公安局", []),
    ])]  # fmt: skip
    html = client.get("/agencies/").text
    # The post sits five lists deep; the other city bureau is back at the second level.
    post_at = html.index("警务室")
    assert html[:post_at].count('<ul class="agency-tree">') == 5
    between = html[post_at : html.index("另一个市公安局")]
    assert between.count("</ul>") == 3


def test_an_agency_not_yet_public_leaves_its_children_under_the_agency_above(client):
    top = AgencyFactory(name="自治区公安厅", kind=AgencyKind.DEPARTMENT, verified=True)
    hidden = AgencyFactory(name="只在草稿里出现的分局", parent=top)
    station = AgencyFactory(name="派出所", parent=hidden, verified=True)
    tree = agency_tree([top, station])
    assert [child["agency"].name for child in tree[0]["children"]] == ["派出所"]


def test_the_app_icons_and_manifest_come_from_the_one_drawing(client, settings):
    from django.contrib.staticfiles import finders

    settings.NEWSROOM_SITE_NAME = "北疆法治报"
    SectionFactory(name="要闻", slug="yao-wen")
    html = client.get("/").text
    assert (
        'rel="apple-touch-icon"' in html and 'rel="manifest" href="/manifest.webmanifest"' in html
    )
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "北疆法治报" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        size = int(icon["sizes"].split("x")[0])
        path = finders.find(f"icons/icon-{size}.png")
        from PIL import Image

        with Image.open(path) as picture:
            assert picture.size == (size, size)
