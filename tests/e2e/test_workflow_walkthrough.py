"""The newsroom's day, in a real browser: a reporter writes and submits, three reviewers
approve in turn, the chief schedules, the story goes live at its time, a correction appears
under it, a withdrawal takes it down; every step is in the timeline and the history."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, State
from tests.factories import ArticleFactory

from .helpers import act, login, start_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_story_from_draft_to_withdrawn_in_the_admin(new_page, live_server, newsroom):
    # The reporter writes and submits.
    page = login(new_page, live_server, "jizhe")
    start_story(
        page, live_server, "白彦花派出所调解纠纷", "4月27日下午，所长那顺吉日嘎拉进行“云端”调解。"
    )
    page.click("input[name=_continue]")
    page.wait_for_selector("#workflow")
    article = Article.objects.get(title="白彦花派出所调解纠纷")
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    assert page.locator("#workflow button[value=approve]").count() == 0
    act(page, "submit", "请审阅")
    assert "审核中" in page.inner_text("#workflow")

    # Three reviewers approve in turn; each sees only what they may do.
    for username in ["bianji", "zhuren"]:
        reviewer = login(new_page, live_server, username)
        reviewer.goto(change_url)
        assert reviewer.locator("#workflow button[value=publish]").count() == 0
        act(reviewer, "approve", f"{username} 同意")
    chief = login(new_page, live_server, "zongbian")
    chief.goto(change_url)
    assert "终审" in chief.inner_text("#workflow")

    # The chief schedules it for two hours from now.
    when = timezone.localtime() + datetime.timedelta(hours=2)
    chief.fill("#workflow-publish-at", when.strftime("%Y-%m-%dT%H:%M"))
    act(chief, "publish", "明早见报")
    assert "定时发布" in chief.inner_text("#workflow")
    article.refresh_from_db()
    public_url = f"{live_server.url}{article.get_absolute_url()}"
    reader = new_page()
    assert reader.goto(public_url).status == 404

    # At its time it is live, with no command run.
    with time_machine.travel(when + datetime.timedelta(minutes=1), tick=True):
        assert reader.goto(public_url).status == 200
        assert "白彦花派出所调解纠纷" in reader.inner_text("h1")

        chief.goto(change_url)
        act(chief, "correct", "更正：调解时间为4月27日下午。")
        reader.goto(public_url)
        assert "更正：调解时间为4月27日下午。" in reader.inner_text(".corrections")

        # A withdrawal without its reason is refused, and the error is brought into view.
        chief.goto(change_url)
        chief.click("#workflow button[value=withdraw]")
        chief.wait_for_load_state()
        error = chief.locator(".errornote, .messagelist .error").first
        assert error.evaluate("node => node === document.activeElement")
        box, height = error.bounding_box(), chief.viewport_size["height"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
        assert "原因" in chief.inner_text("body")
        assert reader.goto(public_url).status == 200

        chief.goto(change_url)
        act(chief, "withdraw", "当事人要求撤稿")
        assert reader.goto(public_url).status == 404

        chief.goto(change_url)
        timeline = chief.inner_text(".timeline")
        for step in ["送审", "初审通过", "复审通过", "定时发布", "更正", "撤稿"]:
            assert step in timeline
        chief.goto(f"{live_server.url}/admin/articles/article/{article.pk}/versions/")
        versions = chief.locator("tbody tr").count()
    assert versions >= 7  # created, submitted, two approvals, scheduled, corrected, withdrawn
    assert Article.objects.get(pk=article.pk).state == State.WITHDRAWN


def test_a_reader_with_a_shared_link_reads_the_draft(new_page, live_server, newsroom):
    page = login(new_page, live_server, "bianji")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "未发布的稿件")
    page.select_option("#id_section", label="要闻")
    page.fill("#id_body", "正文。")
    page.click("input[name=_continue]")
    page.click("text=生成预览链接")
    message = page.inner_text(".messagelist")
    link = message[message.index("http") :].split()[0]
    reader = new_page()
    assert reader.goto(link).status == 200
    assert "未发布的稿件" in reader.inner_text("h1")
    assert "预览稿" in reader.inner_text(".preview-banner")


def test_a_chief_editors_day_on_the_printed_page(new_page, live_server, staff):
    """Open a story as imported from the printed page, correct it, change its live text
    (readers keep the old one until it is published), publish the change, schedule another
    story at 终审, withdraw one."""
    call_command("load_seed", verbosity=0)
    story = Article.objects.get(source_position=1)
    section = story.section
    public_url = f"{live_server.url}{story.get_absolute_url()}"
    change_url = f"{live_server.url}/admin/articles/article/{story.pk}/change/"
    chief = login(new_page, live_server, "zongbian")
    reader = new_page()

    # The imported story opens, with its import in the timeline.
    chief.goto(f"{live_server.url}/admin/articles/article/")
    chief.click(f"text={story.title}")
    chief.wait_for_selector("#workflow")
    assert "版面导入" in chief.inner_text(".timeline")

    act(chief, "correct", "更正：检查站执勤时长为12小时。")
    reader.goto(public_url)
    assert "更正：检查站执勤时长为12小时。" in reader.inner_text(".corrections")
    assert not story.revisions.exists()  # the untouched form made no revision

    # Editing the live text saves a revision; readers still read the printed text.
    chief.goto(change_url)
    chief.fill("#id_title", "二连边检站：疫情中的坚守")
    chief.click("input[name=_continue]")
    chief.wait_for_selector("#revision-notice")
    assert "修改稿" in chief.inner_text("#revision-notice")
    reader.goto(public_url)
    assert story.title in reader.inner_text("h1")
    assert "二连边检站：疫情中的坚守" in chief.inner_text("#revision-diff p.added")

    # Sent to 终审 and approved there, it replaces the live text under the same URL.
    act(chief, "submit")
    act(chief, "approve", "同意修改")
    reader.goto(public_url)
    assert "二连边检站：疫情中的坚守" in reader.inner_text("h1")

    # Another story waits at 终审: one move, 签发; with a time, it is scheduled, not published.
    waiting = ArticleFactory(
        title="定时发布的稿件", section=section, state=State.REVIEW, review_stage=3,
        publish_at=None, author=get_user_model().objects.get(username="jizhe"),
    )  # fmt: skip
    chief.goto(f"{live_server.url}/admin/articles/article/{waiting.pk}/change/")
    when = timezone.localtime() + datetime.timedelta(hours=3)
    chief.fill("#workflow-publish-at", when.strftime("%Y-%m-%dT%H:%M"))
    assert chief.locator("#workflow button[value=approve]").count() == 0
    act(chief, "publish", "明早发")
    assert "定时发布" in chief.inner_text("#workflow")
    assert reader.goto(f"{live_server.url}{waiting.get_absolute_url()}").status == 404

    # The printed story is withdrawn: gone for readers.
    chief.goto(change_url)
    act(chief, "withdraw", "当事人要求撤稿")
    assert reader.goto(public_url).status == 404
    story.refresh_from_db()
    assert story.state == State.WITHDRAWN and story.title == "二连边检站：疫情中的坚守"
