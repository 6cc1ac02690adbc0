"""A day at the desk, in the browser, as each of its people, at 1366 px and on a phone: the
reporter files from the home page, each reviewer finds the story in their own queue, the
workflow box is on screen without scrolling, and save-and-act keeps the edit."""

import pytest

from articles.models import Article, State

from .helpers import login, start_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def workflow_box_on_screen(page):
    top, height = page.eval_on_selector(
        "#workflow", "box => [box.getBoundingClientRect().top, window.innerHeight]"
    )
    return top < height - 100  # its heading and state, at least, without scrolling


@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_each_role_finds_the_story_in_their_queue_and_acts_on_it(
    new_page, live_server, newsroom, width, height
):
    reporter = login(new_page, live_server, "jizhe")
    reporter.set_viewport_size({"width": width, "height": height})
    reporter.goto(f"{live_server.url}/admin/")
    reporter.click("text=写新稿件")
    start_story(reporter, live_server, "白彦花派出所开展防诈骗宣传", "民警走进嘎查宣讲防诈骗知识。")
    reporter.click("input[name=_continue]")
    reporter.wait_for_load_state()
    assert workflow_box_on_screen(reporter)
    # An edit and 送审 in one press: the edit is saved and the story goes to 初审.
    reporter.fill("#id_body", "民警走进嘎查，向牧民宣讲防诈骗知识。")
    reporter.click("#workflow button[value=submit]")
    reporter.wait_for_load_state()
    story = Article.objects.get(title="白彦花派出所开展防诈骗宣传")
    assert story.state == State.REVIEW and "向牧民宣讲" in story.body

    for name, move in [("bianji", "approve"), ("zhuren", "approve"), ("zongbian", "publish")]:
        page = login(new_page, live_server, name)
        page.set_viewport_size({"width": width, "height": height})
        queue = page.locator("#desk-review")
        assert "白彦花派出所开展防诈骗宣传" in queue.inner_text()
        queue.locator("a", has_text="白彦花派出所开展防诈骗宣传").click()
        page.wait_for_load_state()
        assert workflow_box_on_screen(page)
        assert "稿签" in page.inner_text("#slip")
        page.click(f"#workflow button[value={move}]")
        page.wait_for_load_state()
        assert page.locator(".messagelist .error").count() == 0

    story.refresh_from_db()
    assert story.is_live
    reporter.goto(f"{live_server.url}/admin/")
    news = reporter.inner_text("#desk-notifications")
    assert "初审通过" in news and "复审通过" in news and "签发" in news
    slip = reporter.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    assert slip.status == 200
    lines = reporter.inner_text("#slip")
    for role in ("责任编辑", "初审", "复审", "终审", "签发"):
        assert role in lines
    width_used = reporter.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width + 1  # the form never scrolls sideways
