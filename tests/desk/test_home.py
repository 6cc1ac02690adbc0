"""The desk's home page: each person's day, as the workflow left it."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from articles import generation, workflow
from articles.models import Action, Article, State, WorkflowEvent
from articles.slip import review_slip
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def home(user):
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response


def panel(response, name):
    """The text of the home page's panel ``name`` (its section's id), or None."""
    html = response.content.decode()
    found = re.search(rf'<section[^>]*id="desk-{name}".*?</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))) if found else None


def draft(author, title, **fields):
    return ArticleFactory(title=title, author=author, state=State.DRAFT, publish_at=None, **fields)


@pytest.fixture
def day(users):
    """A morning on the desk: a story at 初审, one at 复审, one returned, one scheduled."""
    reporter, editor, director, chief = (
        users[name] for name in ("reporter", "editor", "director", "chief")
    )
    section = SectionFactory(name="要闻", slug="yao-wen")
    first = draft(reporter, "初审中的稿件", section=section)
    workflow.article_submit(article=first, by=reporter)
    second = draft(reporter, "复审中的稿件", section=section)
    workflow.article_submit(article=second, by=reporter)
    workflow.article_approve(article=second, by=editor, comment="事实清楚")
    returned = draft(reporter, "被退回的稿件", section=section)
    workflow.article_submit(article=returned, by=reporter)
    workflow.article_return(article=returned, by=editor, comment="请补充派出所全称")
    later = draft(reporter, "定时发布的稿件", section=section)
    workflow.article_submit(article=later, by=reporter)
    workflow.article_approve(article=later, by=editor)
    workflow.article_approve(article=later, by=director)
    at = timezone.now() + timezone.timedelta(hours=3)
    workflow.article_publish(article=later, by=chief, at=at)
    draft(users["reporter2"], "别人的草稿", section=section)
    return users


def test_a_reporter_sees_what_was_sent_back_first_with_the_reason(day):
    response = home(day["reporter"])
    returned = panel(response, "returned")
    assert "被退回的稿件" in returned and "请补充派出所全称" in returned
    mine = panel(response, "mine")
    for title in ("初审中的稿件", "复审中的稿件", "定时发布的稿件"):
        assert title in mine
    assert "被退回的稿件" not in mine and "别人的草稿" not in response.content.decode()
    assert "初审" in mine and "复审" in mine and "定时发布" in mine
    # A reporter passes no stage and signs nothing off: no review queue, no schedule.
    assert panel(response, "review") is None and panel(response, "scheduled") is None


def test_a_reporter_hears_what_others_did_to_their_stories_named_by_stage(day):
    news = panel(home(day["reporter"]), "notifications")
    assert "初审退回：请补充派出所全称" in news
    assert "初审通过：事实清楚" in news and "复审通过" in news and "定时发布" in news
    assert "送审" not in news  # their own steps are no news to them


def test_an_editor_sees_the_stories_waiting_at_their_stage_not_their_own(day):
    editor = day["editor"]
    draft(editor, "编辑自己写的稿件")
    own = draft(editor, "编辑自己送审的稿件")
    workflow.article_submit(article=own, by=editor)
    review = panel(home(editor), "review")
    assert "待我审核（1）" in review and "初审中的稿件" in review
    assert "复审中的稿件" not in review and "编辑自己送审的稿件" not in review
    assert "已等" in review


def test_the_chief_sees_every_stage_and_the_schedule(day):
    response = home(day["chief"])
    review = panel(response, "review")
    assert "初审 1" in review and "复审 1" in review
    scheduled = panel(response, "scheduled")
    assert "定时发布（1）" in scheduled and "定时发布的稿件" in scheduled
    # A scheduled story is not live yet: not among the recently published.
    assert "定时发布的稿件" not in panel(response, "published")


def test_the_queues_link_to_the_whole_list(day):
    client = Client()
    client.force_login(day["chief"])
    response = client.get("/admin/articles/article/", {"queue": "scheduled"})
    titles = re.findall(r'class="headline" title="([^"]+)"', response.content.decode())
    assert titles == ["定时发布的稿件"]
    response = client.get("/admin/articles/article/", {"queue": "review", "review_stage": 2})
    titles = re.findall(r'class="headline" title="([^"]+)"', response.content.decode())
    assert titles == ["复审中的稿件"]


def test_the_home_page_costs_the_same_queries_however_busy_the_desk(
    day, django_assert_max_num_queries
):
    chief = day["chief"]
    client = Client()
    client.force_login(chief)
    client.get("/admin/")  # the session warmed
    # Both readings after a change (what is kept under the content key read again), as the
    # second one is, after the 60 stories.
    generation.bump_generation()
    with django_assert_max_num_queries(40) as few:
        client.get("/admin/")
    reporter = day["reporter"]
    for n in range(30):
        story = draft(reporter, f"更多的稿件{n}")
        workflow.article_submit(article=story, by=reporter)
        ArticleFactory(title=f"已发布{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/admin/")
    assert "待我审核（32）" in panel(response, "review")


def test_a_return_names_the_stage_it_came_back_from(day):
    event = WorkflowEvent.objects.get(action=Action.RETURN)
    assert event.stage == 1 and workflow.step_label(event) == "初审退回"
    passed = WorkflowEvent.objects.filter(action=Action.APPROVE).order_by("pk")
    assert [workflow.step_label(e) for e in passed] == ["初审通过", "初审通过", "复审通过"]


def test_the_home_page_asks_for_a_login(db):
    response = Client().get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def slip_of(article):
    return {line.role: line.person for line in review_slip(article)}


def test_the_slip_names_who_passed_each_stage_and_who_signed(day):
    later = Article.objects.get(title="定时发布的稿件")
    assert slip_of(later) == {
        "记者": "reporter", "责任编辑": "editor", "初审": "editor", "复审": "director",
        "终审": "chief", "签发": "chief",
    }  # fmt: skip
    signed = next(line for line in review_slip(later) if line.role == "签发")
    assert signed.note.startswith("定时 ") and signed.at is not None


def test_a_story_sent_back_starts_its_slip_again(day):
    returned = Article.objects.get(title="被退回的稿件")
    assert slip_of(returned)["初审"] == ""
    workflow.article_submit(article=returned, by=day["reporter"])
    workflow.article_approve(article=returned, by=day["editor2"])
    assert slip_of(returned)["初审"] == "editor2" and slip_of(returned)["复审"] == ""


def test_the_form_shows_the_slip_and_who_acts_next(day):
    client = Client()
    client.force_login(day["director"])
    second = Article.objects.get(title="复审中的稿件")
    html = client.get(f"/admin/articles/article/{second.pk}/change/").content.decode()
    assert "稿签" in html and "下一步：复审，由 director 审核。" in html
    workflow_box = html.index('id="workflow"')
    assert workflow_box < html.index('id="article_form"')  # on top of the form
    assert "初审通过（进入复审）" in html


def test_my_stories_are_those_i_wrote_or_worked_on(day):
    reporter, editor = day["reporter"], day["editor"]
    draft(reporter, "还没有任何流程记录的草稿")  # no event at all: still mine
    live = ArticleFactory(title="已发布的稿件", author=reporter)
    revision, _photos = workflow.article_start_revision(article=live, by=editor)
    assert revision.author == reporter  # a revision carries the story's author
    mine = panel(home(reporter), "mine")
    assert "还没有任何流程记录的草稿" in mine
    assert "已发布的稿件" not in mine  # the editor's revision is not the reporter's work
