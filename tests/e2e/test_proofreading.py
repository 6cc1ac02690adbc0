"""校对 in a real browser: the findings follow the text as it is typed, and a finding
selects its place in the field."""

import pytest
from django.contrib.auth import get_user_model

from articles.models import State
from tests.factories import ArticleFactory

from .helpers import PASSWORD, act, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "6个嘎查两年内未发生刑事案件，两年内未发生一起刑事案件。"


def test_findings_follow_the_typing_and_link_to_their_place(new_page, live_server, newsroom):
    reporter = get_user_model().objects.get(username="jizhe")
    story = ArticleFactory(
        author=reporter, section=newsroom, state=State.DRAFT, publish_at=None, body="民警走访。"
    )
    page = login(new_page, live_server, "jizhe")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    box = page.locator("#proofreading")
    assert "未发现问题" in box.inner_text()

    page.fill("#id_body", BODY)
    page.fill("#id_title", "民警守护,群众安全")
    finding = box.locator(".proofreading-finding", has_text="几乎相同")
    finding.wait_for()
    assert "校对（2）" in box.locator("summary").inner_text()
    assert box.locator("mark").all_inner_texts() == [",", "两年内未发生一起刑事案件"]

    finding.click()
    selected = page.eval_on_selector(
        "#id_body",
        "f => [document.activeElement === f, f.value.slice(f.selectionStart, f.selectionEnd)]",
    )
    assert selected == [True, "两年内未发生一起刑事案件"]

    # A hint, not a refusal: the story goes for review with its findings.
    page.click("input[name=_continue]")
    page.wait_for_selector("#workflow")
    act(page, "submit", "请审阅")
    story.refresh_from_db()
    assert story.state == State.REVIEW and story.body == BODY
    assert "校对（2）" in page.locator("#proofreading summary").inner_text()


def test_a_finding_far_down_a_long_body_scrolls_the_field_to_it(new_page, live_server, newsroom):
    reporter = get_user_model().objects.get(username="jizhe")
    body = "\n\n".join(f"第{n}段，民警走访群众。" for n in range(80)) + "\n\n" + BODY
    story = ArticleFactory(
        author=reporter, section=newsroom, state=State.DRAFT, publish_at=None, body=body
    )
    page = login(new_page, live_server, "jizhe")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.locator("#proofreading .proofreading-finding").first.click()
    top, height, scroll = page.eval_on_selector(
        "#id_body", "f => [f.scrollTop, f.clientHeight, f.scrollHeight]"
    )
    assert scroll > height and top > scroll / 2, (top, height, scroll)


def test_the_box_meets_wcag_22_aa(browser, live_server, newsroom):
    from .test_accessibility import axe_source

    reporter = get_user_model().objects.get(username="jizhe")
    story = ArticleFactory(
        author=reporter, section=newsroom, state=State.DRAFT, publish_at=None, body=BODY
    )
    # bypass_csp: our CSP rightly refuses the injected checker script.
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "jizhe")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
        page.evaluate(axe_source())
        result = page.evaluate(
            """() => axe.run('#proofreading', {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        assert result["passes"], "axe did not run"
        assert [v["id"] for v in result["violations"]] == []
        page.goto("about:blank")  # leaving the form reports it closed: let that land
        page.wait_for_timeout(300)
    finally:
        context.close()
