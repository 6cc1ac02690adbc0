"""校对 on the desk: the findings beside the story's text, kept current as it is typed, for
whoever may open the story; never a reason a step is refused."""

import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles.models import State
from articles.roles import stage_count

from ..factories import ArticleFactory
from .helpers import csrf_client, post_with_token, submit

pytestmark = pytest.mark.django_db

SLIPS = "6个嘎查两年内未发生刑事案件，两年内未发生一起刑事案件。民警说,好"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def proofread_url(article):
    return f"/admin/articles/article/{article.pk}/proofread/"


def draft(author, body="民警走访群众。", **fields):
    return ArticleFactory(author=author, state=State.DRAFT, publish_at=None, body=body, **fields)


def check(user, article, **texts):
    client = Client()
    client.force_login(user)
    return client.post(proofread_url(article), {"title": "", "subtitle": "", **texts})


def test_a_reporter_proofreads_their_own_story(users):
    story = draft(users["reporter"])
    response = check(users["reporter"], story, title="民警守护,群众安全", body=SLIPS)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 and data["heading"] == "校对（3）" and not data["final"]
    assert [(f["field"], f["code"], f["excerpt"], f["suggestion"]) for f in data["findings"]] == [
        ("title", "punctuation", ",", "，"),
        ("body", "repeat", "两年内未发生一起刑事案件", ""),
        ("body", "punctuation", ",", "，"),
    ]
    repeat = data["findings"][1]
    assert SLIPS[repeat["start"] : repeat["end"]] == repeat["excerpt"]
    assert repeat["field_label"] == "正文" and "几乎相同" in repeat["message"]
    assert repeat["before"].endswith("刑事案件，") and repeat["after"].startswith("。")


def test_offsets_are_counted_as_the_browser_counts_them(users):
    story = draft(users["reporter"])
    body = "𠀀字\r\n嘎查(村)"  # a character outside the BMP; a CRLF as a form posts it
    (first, *_) = check(users["reporter"], story, body=body).json()["findings"]
    assert (first["excerpt"], first["start"], first["end"]) == ("(", 6, 7)


def test_no_findings_say_so(users):
    data = check(users["reporter"], draft(users["reporter"]), body="民警走访群众。").json()
    assert (data["count"], data["heading"], data["findings"]) == (0, "校对", [])


def test_someone_elses_story_is_refused_as_the_admin_refuses_it(users):
    story = draft(users["reporter2"])
    assert check(users["reporter"], story, body=SLIPS).status_code == 404
    assert check(users["reporter"], draft(users["reporter"]), body="").status_code == 200
    no_role = get_user_model().objects.create_user("visitor", is_staff=True)
    assert check(no_role, draft(no_role), body=SLIPS).status_code == 403
    assert check(users["editor"], story, body=SLIPS).status_code == 200
    assert Client().post(proofread_url(story), {"body": SLIPS}).status_code == 302  # log in


def test_only_a_post_with_the_forms_token_is_answered(users):
    story = draft(users["reporter"])
    client = csrf_client(users["reporter"])
    assert client.get(proofread_url(story)).status_code == 405
    assert client.post(proofread_url(story), {"body": SLIPS}).status_code == 403
    page = client.get(change_url(story)).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(proofread_url(story), {"body": SLIPS}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json()["count"] == 2
    response = post_with_token(client, change_url(story), proofread_url(story), {"body": "好。"})
    assert response.json()["count"] == 0


def box(html):
    match = re.search(r'<details open class="module" id="proofreading".*?</details>', html, re.S)
    assert match, "no 校对 box on the form"
    return match.group()


def test_the_form_shows_the_findings_for_the_saved_text(users):
    story = draft(users["reporter"], body=SLIPS)
    client = Client()
    client.force_login(users["reporter"])
    html = box(client.get(change_url(story)).text)
    assert f'data-url="{proofread_url(story)}"' in html
    assert "校对（2）" in html and "共 2 条提示。" in html
    assert "<mark>两年内未发生一起刑事案件</mark>" in html
    assert 'href="#id_body"' in html and 'data-field="body"' in html
    start = SLIPS.index("两年内未发生一起")
    assert f'data-start="{start}" data-end="{start + 12}"' in html
    assert "建议：，" in unescape(html)
    assert "admin/js/proofread.js" in client.get(change_url(story)).text


def test_a_clean_story_says_no_problem_was_found(users):
    client = Client()
    client.force_login(users["reporter"])
    html = box(client.get(change_url(draft(users["reporter"]))).text)
    assert '<summary><span class="proofreading-heading">校对</span></summary>' in html
    assert "未发现问题" in html and "<li" not in html


def test_at_the_final_stage_the_remaining_findings_are_listed(users):
    story = ArticleFactory(
        author=users["reporter"], state=State.REVIEW, review_stage=stage_count(), body=SLIPS,
        publish_at=None,
    )  # fmt: skip
    client = Client()
    client.force_login(users["chief"])
    assert "未处理的校对提示（2）" in box(client.get(change_url(story)).text)
    assert check(users["chief"], story, body=SLIPS).json()["heading"] == "未处理的校对提示（2）"
    story.review_stage = 1
    story.save()
    assert "校对（2）" in box(client.get(change_url(story)).text)


def test_a_finding_never_blocks_sending_for_review(users):
    story = draft(users["reporter"], body=SLIPS)
    response = submit(
        csrf_client(users["reporter"]), change_url(story), {"body": SLIPS + "又一处,修改"},
        button=("_workflow", "submit"),
    )  # fmt: skip
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.review_stage) == (State.REVIEW, 1)
    assert story.body.endswith("又一处,修改")


def test_a_form_shown_again_with_an_error_proofreads_what_was_typed(users):
    story = draft(users["reporter"])
    response = submit(
        csrf_client(users["reporter"]), change_url(story), {"title": "", "body": SLIPS}
    )  # the title is required: the form comes back
    assert response.status_code == 200
    html = box(response.text)
    assert "<mark>两年内未发生一起刑事案件</mark>" in html


def test_the_answer_is_json_the_script_can_render(users):
    story = draft(users["reporter"])
    data = json.loads(check(users["reporter"], story, body=SLIPS).content)
    keys = {"field", "field_label", "code", "message", "suggestion", "excerpt", "before",
            "after", "start", "end"}  # fmt: skip
    assert all(set(item) == keys for item in data["findings"])
    assert set(data) == {"count", "shown", "heading", "final", "findings"}
