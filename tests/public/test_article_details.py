"""The article page's details, as Chinese news sites carry them: 来源 and 责任编辑, 上一篇 and
下一篇 within the section, related stories with thumbnails, sharing (复制链接, a WeChat QR
code drawn on the server), the font-size control; the 副题's dash and a preview's meta line."""

import datetime
import io
import re

import pytest
import segno
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import images, workflow
from articles.models import Article, State
from articles.roles import CHIEF, DIRECTOR, EDITOR, REPORTER, ensure_roles
from articles.slip import responsible_editor
from public.preview import share_url
from public.share import qr_svg

from ..articles import photo_files
from ..factories import AgencyFactory, ArticleFactory, PhotoFactory, SectionFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def ago(hours):
    return timezone.now() - hours * HOUR


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.text


def part(html, start, end):
    """The piece of ``html`` from ``start`` to the next ``end`` ("" when absent)."""
    if start not in html:
        return ""
    begin = html.index(start)
    return html[begin : html.index(end, begin) + len(end)]


@pytest.fixture
def people():
    """The newsroom's roles, each with a person's name (姓 in last_name, as in the desk)."""
    ensure_roles()
    User = get_user_model()
    made = {}
    for role, group, last, first in [
        ("reporter", REPORTER, "张", "佳良"),
        ("editor", EDITOR, "王", "红梅"),
        ("editor2", EDITOR, "李", "建国"),
        ("director", DIRECTOR, "赵", "敏"),
        ("chief", CHIEF, "孙", "永明"),
    ]:
        user = User.objects.create_user(role, last_name=last, first_name=first, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        made[role] = User.objects.get(pk=user.pk)  # fresh: no cached permissions
    return made


def through_review(article, people, first="editor"):
    """Take a draft through 初审 (by ``first``), 复审 and 终审 to publication."""
    workflow.article_submit(article=article, by=people["reporter"])
    for reviewer in [first, "director", "chief"]:
        workflow.article_approve(article=article, by=people[reviewer])
    article.refresh_from_db()
    assert article.is_live
    return article


def draft(people, **fields):
    return ArticleFactory(author=people["reporter"], state=State.DRAFT, publish_at=None, **fields)


# -- 来源 ------------------------------------------------------------------------------------


def test_the_papers_own_story_names_the_paper_as_its_source(client, settings):
    settings.NEWSROOM_SITE_NAME = "北疆法治报"
    html = page(client, ArticleFactory())
    assert '<span class="source">来源：北疆法治报</span>' in html


def test_a_printed_story_names_the_edition_and_page_it_was_printed_on(client, seed):
    html = page(client, seed[1])
    # Linked to the page in the 数字报, once (not a second 见 … line repeating the date).
    link = '<a href="/epaper/2022-06-17/1/">2022年6月17日 第1版（要闻）</a>'
    assert f'<span class="source">来源：北疆法治报 {link}</span>' in html
    assert html.count("2022年6月17日 第1版") == 1


def test_a_reprinted_story_names_the_source_the_desk_typed(client):
    html = page(client, ArticleFactory(source="内蒙古日报"))
    assert '<span class="source">来源：内蒙古日报</span>' in html
    assert "来源：北疆法治报" not in html


def test_the_source_is_on_the_desks_form(admin_client):
    html = admin_client.get("/admin/articles/article/add/").text
    assert 'name="source"' in html and "来源" in html


def test_a_published_revision_brings_its_source_to_the_live_story(client, people):
    live = through_review(draft(people), people)
    revision, _photos = workflow.article_start_revision(article=live, by=people["editor"])
    revision.source = "内蒙古公安厅"
    revision.save()
    assert "来源：内蒙古公安厅" not in page(client, live)  # live copy changes only by publishing
    workflow.article_submit(article=revision, by=people["editor"])
    while Article.objects.get(pk=revision.pk).state == State.REVIEW:
        workflow.article_approve(article=Article.objects.get(pk=revision.pk), by=people["chief"])
    assert "来源：内蒙古公安厅" in page(client, live)


# -- 责任编辑 ----------------------------------------------------------------------------------


def test_the_responsible_editor_is_who_passed_first_review(client, people):
    article = through_review(draft(people), people)
    html = page(client, article)
    assert '<p class="editor">责任编辑：王红梅</p>' in html
    # Neither the reporter, nor the later stages, nor the one who signed it off.
    assert "责任编辑：张佳良" not in html and "责任编辑：孙永明" not in html


def test_after_a_return_the_editor_of_the_new_review_answers_for_the_copy(client, people):
    article = draft(people)
    workflow.article_submit(article=article, by=people["reporter"])
    workflow.article_approve(article=article, by=people["editor"])
    workflow.article_return(article=article, by=people["director"], comment="请补充采访对象")
    article = through_review(article, people, first="editor2")
    assert "责任编辑：李建国" in page(client, article)
    assert "责任编辑：王红梅" not in page(client, article)


def test_an_imported_story_without_first_review_shows_no_responsible_editor(client, seed):
    for article in seed.values():
        html = page(client, article)
        assert "责任编辑" not in html, article.title


def test_with_one_stage_an_imported_story_still_has_no_responsible_editor(client, seed, settings):
    # With one stage the sign-off is the only review: the importer's publication of a
    # printed story (from a draft, by the system) is none.
    settings.NEWSROOM_REVIEW_STAGES = 1
    assert responsible_editor(seed[1]) == ""
    assert "责任编辑" not in page(client, seed[1])


def test_a_story_in_review_shows_no_responsible_editor_yet(people):
    article = draft(people)
    workflow.article_submit(article=article, by=people["reporter"])
    assert responsible_editor(article) == ""
    workflow.article_approve(article=article, by=people["editor"])
    assert responsible_editor(article) == "王红梅"


# -- 上一篇 / 下一篇 ---------------------------------------------------------------------------


def test_previous_and_next_are_the_live_neighbours_in_the_same_section(client):
    section = SectionFactory(name="要闻")
    elsewhere = SectionFactory(name="法治")
    older = ArticleFactory(title="更早的稿件", section=section, publish_at=ago(6))
    ArticleFactory(title="草稿邻居", section=section, state=State.DRAFT, publish_at=ago(5))
    ArticleFactory(title="审核中邻居", section=section, state=State.REVIEW, publish_at=ago(5))
    ArticleFactory(title="撤下的邻居", section=section, state=State.WITHDRAWN, publish_at=ago(4))
    ArticleFactory(title="别栏目的稿件", section=elsewhere, publish_at=ago(3.5))
    story = ArticleFactory(title="本篇", section=section, publish_at=ago(3))
    ArticleFactory(title="别栏目的新稿", section=elsewhere, publish_at=ago(2.5))
    newer = ArticleFactory(title="更新的稿件", section=section, publish_at=ago(2))
    ArticleFactory(title="最新的稿件", section=section, publish_at=ago(1))
    ArticleFactory(title="定时的稿件", section=section, publish_at=timezone.now() + HOUR)
    pager = part(page(client, story), '<nav class="pager"', "</nav>")
    assert f'上一篇：<a href="{older.get_absolute_url()}" rel="prev">更早的稿件</a>' in pager
    assert f'下一篇：<a href="{newer.get_absolute_url()}" rel="next">更新的稿件</a>' in pager
    for title in ["草稿邻居", "审核中邻居", "撤下的邻居", "别栏目", "最新的稿件", "定时的稿件"]:
        assert title not in pager


def test_the_first_and_the_last_story_have_one_neighbour(client):
    section = SectionFactory()
    first = ArticleFactory(title="第一篇", section=section, publish_at=ago(2))
    last = ArticleFactory(title="最后一篇", section=section, publish_at=ago(1))
    first_pager = part(page(client, first), '<nav class="pager"', "</nav>")
    assert "上一篇：" not in first_pager and "下一篇：" in first_pager and "最后一篇" in first_pager
    last_pager = part(page(client, last), '<nav class="pager"', "</nav>")
    assert "下一篇：" not in last_pager and "上一篇：" in last_pager and "第一篇" in last_pager


def test_a_story_alone_in_its_section_has_no_pager(client):
    assert '<nav class="pager"' not in page(client, ArticleFactory())


def test_stories_published_at_the_same_minute_follow_their_order(client):
    section, at = SectionFactory(), ago(1)
    a, b, c = (ArticleFactory(title=f"同时{n}", section=section, publish_at=at) for n in "甲乙丙")
    pager = part(page(client, b), '<nav class="pager"', "</nav>")
    assert a.get_absolute_url() in pager and c.get_absolute_url() in pager


def test_the_neighbours_follow_the_clock_and_the_workflow(client, settings):
    import time_machine

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    section = SectionFactory()
    older = ArticleFactory(title="将被撤下的上一篇", section=section, publish_at=ago(2))
    story = ArticleFactory(section=section, publish_at=ago(1))
    soon = timezone.now() + datetime.timedelta(minutes=5)
    ArticleFactory(title="定时的下一篇", section=section, publish_at=soon)
    html = page(client, story)
    assert "将被撤下的上一篇" in html and "定时的下一篇" not in html
    with time_machine.travel(soon + datetime.timedelta(seconds=1)):
        assert "下一篇：" in page(client, story) and "定时的下一篇" in page(client, story)
    older.state = State.WITHDRAWN
    older.save()
    assert "将被撤下的上一篇" not in page(client, story)


# -- 相关报道 ----------------------------------------------------------------------------------


def webp_picture():
    return images.accept(io.BytesIO(photo_files.webp((900, 600))), alt_text="口岸检查现场")


def test_related_stories_are_live_and_carry_thumbnails(client):
    agency = AgencyFactory(name="二连出入境边防检查站")
    story = ArticleFactory(title="本篇", publish_at=ago(10))
    story.agencies.add(agency)
    with_picture = ArticleFactory(title="有图的相关报道", publish_at=ago(1))
    with_picture.agencies.add(agency)
    PhotoFactory(article=with_picture, image=webp_picture(), alt_text="口岸检查现场")
    tagged = ArticleFactory(title="同标签的相关报道", publish_at=ago(2))
    story.tags.add("口岸")
    tagged.tags.add("口岸")
    for title, changes in [
        ("草稿的相关报道", {"state": State.DRAFT}),
        ("撤下的相关报道", {"state": State.WITHDRAWN}),
        ("定时的相关报道", {"publish_at": timezone.now() + HOUR}),
    ]:
        ArticleFactory(title=title, **changes).agencies.add(agency)
    ArticleFactory(title="无关的稿件")
    related = part(page(client, story), '<aside class="related"', "</aside>")
    assert "有图的相关报道" in related and "同标签的相关报道" in related
    assert related.index("有图的相关报道") < related.index("同标签的相关报道")  # newest first
    assert '<picture class="picture-thumb">' in related and 'alt="口岸检查现场"' in related
    assert related.count("<picture") == 1
    for title in ["草稿", "撤下", "定时", "无关", "本篇"]:
        assert title not in related


def test_at_most_four_related_stories_and_none_repeats_a_neighbour(client):
    section = SectionFactory()
    story = ArticleFactory(section=section, publish_at=ago(20))
    story.tags.add("诈骗")
    newer = ArticleFactory(title="也是下一篇", section=section, publish_at=ago(19))
    newer.tags.add("诈骗")
    for n in range(6):
        ArticleFactory(title=f"相关{n}号", publish_at=ago(10 - n)).tags.add("诈骗")
    html = page(client, story)
    related = part(html, '<aside class="related"', "</aside>")
    assert related.count("<li>") == 4
    assert [f"相关{n}号" in related for n in range(6)] == [False, False, True, True, True, True]
    assert html.count("也是下一篇") == 1 and "也是下一篇" not in related


# -- Sharing -----------------------------------------------------------------------------------


def dark_modules(svg):
    """The dark modules (row, column) a QR code's SVG draws, read from its path: a move to
    a row's middle, then runs of dark modules (``h``) and gaps (``m``)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            run = int(float(first))
            dark.update((int(y), int(x) + n) for n in range(run))
            x += run
    return dark


def test_the_wechat_qr_code_encodes_the_canonical_url(client):
    story = ArticleFactory()
    html = page(client, story)
    canonical = f"http://testserver{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    details = part(html, '<details class="wechat">', "</details>")
    assert "<summary>分享到微信</summary>" in details
    svg = part(details, "<svg", "</svg>")
    assert svg == qr_svg(canonical)
    # What it draws is the code segno makes of the address (inside a four-module border).
    expected = {
        (row + 4, column + 4)
        for row, modules in enumerate(segno.make_qr(canonical).matrix)
        for column, module in enumerate(modules)
        if module
    }
    assert dark_modules(svg) == expected


def test_the_qr_code_follows_the_host_and_scheme(client):
    story = ArticleFactory()
    html = client.get(story.get_absolute_url(), secure=True).text
    assert qr_svg(f"https://testserver{story.get_absolute_url()}") in html


def test_copy_link_is_a_plain_link_to_the_story(client):
    story = ArticleFactory()
    html = page(client, story)
    link = f'<a class="copy-link" href="http://testserver{story.get_absolute_url()}"'
    assert link in html and "复制链接</a>" in html
    assert '<span class="copy-status" role="status"></span>' in html


# -- Reading -----------------------------------------------------------------------------------


def test_the_font_size_control_waits_for_the_script_that_works_it(client):
    html = page(client, ArticleFactory())
    control = part(html, '<div class="font-size"', "</div>")
    assert 'role="group" aria-label="字号"' in control  # shown by the script (site.css)
    assert [size in control for size in ['"small"', '"medium"', '"large"']] == [True] * 3
    # In the head, not deferred (the size is set before the page is drawn), and no inline
    # script (the Content-Security-Policy allows none).
    head = html[: html.index("</head>")]
    assert re.search(r'<script src="[^"]*js/article[^"]*\.js"></script>', head)
    assert "<script>" not in html


@pytest.mark.parametrize(
    "typed", ["二连出入境边防检查站确保口岸通关顺畅", "——二连出入境边防检查站确保口岸通关顺畅",
              "—二连出入境边防检查站确保口岸通关顺畅", "--二连出入境边防检查站确保口岸通关顺畅",
              "————二连出入境边防检查站确保口岸通关顺畅"],
)  # fmt: skip
def test_the_subtitle_has_one_dash_whatever_the_desk_typed(client, typed):
    story = ArticleFactory(subtitle=typed)
    expected = '<p class="subtitle">——二连出入境边防检查站确保口岸通关顺畅</p>'
    assert expected in page(client, story)
    assert expected in client.get(story.section.get_absolute_url()).text  # and in lists


# -- Previews ----------------------------------------------------------------------------------


def meta_line(html):
    return part(html, '<p class="meta">', "</p>")


def test_an_undated_previews_meta_line_says_it_is_not_published(client, people):
    article = draft(people)
    html = client.get(share_url(article)).text
    meta = meta_line(html)
    assert "尚未发布（草稿）" in meta
    assert not re.search(r"发布\s*</span>", meta)  # never a bare 发布
    assert "<time" not in meta
    # Not public yet: nothing to share, no neighbours.
    assert "复制链接" not in html and "分享到微信" not in html and 'class="pager"' not in html


def test_a_scheduled_preview_says_when_it_will_be_published(admin_client):
    article = ArticleFactory(publish_at=timezone.now() + HOUR)
    html = admin_client.get(reverse("admin:articles_article_preview", args=[article.pk])).text
    meta = meta_line(html)
    assert "定时发布 <time" in meta


def test_a_preview_in_review_shows_its_responsible_editor(client, people):
    article = draft(people)
    workflow.article_submit(article=article, by=people["reporter"])
    workflow.article_approve(article=article, by=people["editor"])
    html = client.get(share_url(article)).text
    assert "责任编辑：王红梅" in html and "尚未发布（审核中）" in meta_line(html)


# -- Costs -------------------------------------------------------------------------------------


def full_story():
    """A story with all its page carries: neighbours, related stories with a picture."""
    section, agency = SectionFactory(), AgencyFactory()
    picture = webp_picture()
    stories = []
    for hours in [4, 3, 2, 1]:
        story = ArticleFactory(section=section, publish_at=ago(hours))
        story.agencies.add(agency)
        story.tags.add("口岸")
        PhotoFactory(article=story, image=picture, alt_text="口岸检查现场")
        stories.append(story)
    return stories[1]


def test_a_warm_article_page_costs_no_query_but_the_content_key(
    client, settings, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # the view itself, from its fragments
    story = full_story()
    html = page(client, story)
    assert 'class="pager"' in html and '<aside class="related"' in html and "<svg" in html
    with django_assert_num_queries(1):  # the content generation
        assert page(client, story) == html


def test_a_cold_article_page_costs_a_constant_number_of_queries(
    client, settings, django_assert_max_num_queries
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    story = full_story()
    client.get("/")  # the sections, read once
    # The generation, the story's nine (tests/public/test_public.py), and three for what
    # follows it: 上一篇, 下一篇 and the related stories in one, their pictures in two.
    with django_assert_max_num_queries(13):
        page(client, story)


def test_the_seed_pages_show_their_details(client, seed):
    call_command("load_seed", verbosity=0)  # again: nothing changes
    html = page(client, seed[1])
    assert (
        '来源：北疆法治报 <a href="/epaper/2022-06-17/1/">2022年6月17日 第1版（要闻）</a>' in html
    )
    assert '<p class="subtitle">——二连出入境边防检查站全力以赴确保口岸通关顺畅</p>' in html
    assert "分享到微信" in html and "责任编辑" not in html


def test_times_on_the_page_are_valid_html_datetimes(client):
    # A story edited after publication, neighbours and related stories at real times (with
    # microseconds): HTML allows at most three digits of a second's fraction.
    section = SectionFactory()
    story = ArticleFactory(section=section, publish_at=timezone.now() - HOUR / 7)
    story.tags.add("口岸")
    ArticleFactory(section=section, publish_at=timezone.now() - HOUR / 3).tags.add("口岸")
    ArticleFactory(publish_at=timezone.now() - HOUR / 5).tags.add("口岸")
    story.save()  # updated after publication
    html = page(client, story)
    stamps = re.findall(r'datetime="([^"]+)"', html)
    assert len(stamps) == 3  # 发布, 更新 and the related story's (上一篇 shows no date)
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:?\d\d", stamp), stamp
