"""The editorial workflow: who may move a story where, and what every move leaves behind."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import workflow
from articles.models import Action, Article, Correction, State, WorkflowEvent
from articles.roles import CHIEF, DIRECTOR, EDITOR, REPORTER, ensure_roles

from ..factories import ArticleFactory

pytestmark = pytest.mark.django_db

ROLE_GROUPS = {"reporter": REPORTER, "editor": EDITOR, "director": DIRECTOR, "chief": CHIEF}


@pytest.fixture
def users():
    ensure_roles()
    User = get_user_model()
    made = {}
    for role, group in {**ROLE_GROUPS, "outsider": None}.items():
        user = User.objects.create_user(role, email=f"{role}@newsroom.test", is_staff=True)
        if group:
            user.groups.add(Group.objects.get(name=group))
        made[role] = User.objects.get(pk=user.pk)  # fresh: no cached permissions
    return made


def story(users, state_name):
    """A story by the reporter, in one of the states the matrix covers."""
    now = timezone.now()
    state, stage, publish_at = {
        "draft": (State.DRAFT, 0, None),
        "review1": (State.REVIEW, 1, None),
        "review2": (State.REVIEW, 2, None),
        "review3": (State.REVIEW, 3, None),
        "published": (State.PUBLISHED, 0, now - datetime.timedelta(hours=1)),
        "scheduled": (State.PUBLISHED, 0, now + datetime.timedelta(days=1)),
        "withdrawn": (State.WITHDRAWN, 0, now - datetime.timedelta(days=1)),
    }[state_name]
    return ArticleFactory(
        author=users["reporter"], state=state, review_stage=stage, publish_at=publish_at
    )


STATES = ["draft", "review1", "review2", "review3", "published", "scheduled", "withdrawn"]
ROLES = ["reporter", "editor", "director", "chief", "outsider"]
ALLOWED = {
    ("submit", "draft"): {"reporter", "editor", "director", "chief"},
    ("approve", "review1"): {"editor", "director", "chief"},
    ("approve", "review2"): {"director", "chief"},
    ("approve", "review3"): {"chief"},
    ("return", "review1"): {"editor", "director", "chief"},
    ("return", "review2"): {"director", "chief"},
    ("return", "review3"): {"chief"},
    ("publish", "review3"): {"chief"},
    ("publish", "scheduled"): {"chief"},
    ("withdraw", "published"): {"chief"},
    ("withdraw", "scheduled"): {"chief"},
    ("restore", "withdrawn"): {"chief"},
    ("correct", "published"): {"director", "chief"},
    ("correct", "scheduled"): {"director", "chief"},
}
CALLS = {
    "submit": lambda a, u: workflow.article_submit(article=a, by=u),
    "approve": lambda a, u: workflow.article_approve(article=a, by=u),
    "return": lambda a, u: workflow.article_return(article=a, by=u, comment="请补充采访对象"),
    "publish": lambda a, u: workflow.article_publish(article=a, by=u),
    "withdraw": lambda a, u: workflow.article_withdraw(article=a, by=u, reason="事实有误"),
    "restore": lambda a, u: workflow.article_restore(article=a, by=u),
    "correct": lambda a, u: workflow.article_correct(article=a, by=u, text="更正：时间为6月16日。"),
}


def fingerprint(article):
    article = Article.objects.get(pk=article.pk)
    return (
        article.state,
        article.review_stage,
        article.publish_at,
        article.version,
        article.history.count(),
        article.events.count(),
        article.corrections.count(),
    )


@pytest.mark.parametrize("state_name", STATES)
@pytest.mark.parametrize("action", list(CALLS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(users, role, action, state_name):
    article = story(users, state_name)
    before = fingerprint(article)
    allowed = role in ALLOWED.get((action, state_name), set())
    assert (action in workflow.available_actions(article, users[role])) == allowed
    if allowed:
        event = CALLS[action](article, users[role])
        assert event.actor == users[role]
        assert event.from_state == before[0]
        after = fingerprint(article)
        assert after[3] == before[3] + 1  # version
        assert after[4] == before[4] + 1  # history
        assert after[5] == before[5] + 1  # event
    else:
        with pytest.raises(workflow.WorkflowError):
            CALLS[action](article, users[role])
        assert fingerprint(article) == before


def test_a_story_back_after_a_withdrawal_keeps_its_date(users):
    first = timezone.now() - datetime.timedelta(days=400)
    article = ArticleFactory(
        author=users["reporter"], state=State.PUBLISHED, publish_at=first, first_published_at=first
    )
    workflow.article_withdraw(article=article, by=users["chief"], reason="核实中")
    workflow.article_restore(article=article, by=users["chief"])
    workflow.article_submit(article=article, by=users["reporter"])
    for name in ("editor", "director", "chief"):
        workflow.article_approve(article=article, by=users[name])
    assert article.is_live and article.publish_at == article.first_published_at == first
    workflow.article_withdraw(article=article, by=users["chief"], reason="再次核实")
    workflow.article_restore(article=article, by=users["chief"])
    workflow.article_submit(article=article, by=users["reporter"])
    workflow.article_approve(article=article, by=users["editor"])
    workflow.article_approve(article=article, by=users["director"])
    later = timezone.now() + datetime.timedelta(hours=2)
    workflow.article_approve(article=article, by=users["chief"], at=later)  # a time chosen
    assert article.is_scheduled and article.publish_at == later


def test_three_level_review_takes_three_people(users):
    """Whoever passed one stage of a review passes no other stage of it, even the chief,
    who may act at every stage; a new review (after a return) starts afresh."""
    from articles.selectors import awaiting_review

    chief, director = users["chief"], users["director"]
    article = story(users, "draft")
    workflow.article_submit(article=article, by=users["reporter"])
    workflow.article_approve(article=article, by=chief)  # 初审
    assert article in awaiting_review(director) and article not in awaiting_review(chief)
    assert workflow.Action.APPROVE not in workflow.available_actions(article, chief)
    with pytest.raises(workflow.WorkflowError, match="三审须由不同的人完成"):
        workflow.article_approve(article=article, by=chief)  # 复审 too: refused
    assert (article.state, article.review_stage) == (State.REVIEW, 2)
    workflow.article_approve(article=article, by=director)  # 复审
    for step in (workflow.article_approve, workflow.article_publish):  # 终审 / 签发
        with pytest.raises(workflow.WorkflowError, match="三审须由不同的人完成"):
            step(article=article, by=chief)
    assert (article.state, article.review_stage) == (State.REVIEW, 3)
    workflow.article_return(article=article, by=chief, comment="补充采访")
    workflow.article_submit(article=article, by=users["reporter"])
    workflow.article_approve(article=article, by=users["editor"])
    workflow.article_approve(article=article, by=director)
    workflow.article_approve(article=article, by=chief)  # a new review: the chief's 终审
    assert article.is_live


def test_three_level_review_from_draft_to_live_and_down(
    users, mailoutbox, django_capture_on_commit_callbacks
):
    article = story(users, "draft")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_submit(article=article, by=users["reporter"])
    assert (article.state, article.review_stage) == (State.REVIEW, 1)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_approve(article=article, by=users["editor"], comment="初审通过")
    assert article.review_stage == 2
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_approve(article=article, by=users["director"])
    assert article.review_stage == 3
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_approve(article=article, by=users["chief"])
    assert article.state == State.PUBLISHED and article.is_live
    assert article.first_published_at == article.publish_at
    workflow.article_correct(article=article, by=users["chief"], text="更正：地点为二连浩特。")
    workflow.article_withdraw(article=article, by=users["chief"], reason="当事人要求")
    assert article.state == State.WITHDRAWN and not article.is_live
    actions = list(article.events.values_list("action", flat=True))
    assert actions == ["submit", "approve", "approve", "publish", "correct", "withdraw"]
    assert article.corrections.get().created_by == users["chief"]
    # Each stage's own reviewers were told a story was waiting (the chief, who may act at
    # every stage, once), one message each, with a link; the author when it was published.
    assert [m.to for m in mailoutbox] == [
        ["editor@newsroom.test"],
        ["director@newsroom.test"],
        ["chief@newsroom.test"],
        ["reporter@newsroom.test"],
    ]
    assert "初审" in mailoutbox[0].subject and article.title in mailoutbox[0].subject
    assert f"/admin/articles/article/{article.pk}/change/" in mailoutbox[0].body
    assert "已签发" in mailoutbox[3].subject


def test_a_returned_story_tells_its_author_why(
    users, mailoutbox, django_capture_on_commit_callbacks
):
    article = story(users, "review2")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_return(article=article, by=users["director"], comment="数字需核实")
    [message] = mailoutbox
    assert message.to == ["reporter@newsroom.test"]
    assert "复审退回" in message.subject and "数字需核实" in message.body


def test_where_nobody_holds_a_stage_as_their_own_everyone_able_hears(users):
    from articles.notifications import stage_reviewers

    assert {u.username for u in stage_reviewers(1)} == {"editor"}
    users["editor"].delete()
    assert {u.username for u in stage_reviewers(1)} == {"director", "chief"}


def test_nobody_approves_or_publishes_their_own_story(users):
    chief = users["chief"]
    article = ArticleFactory(author=chief, state=State.REVIEW, review_stage=3, publish_at=None)
    with pytest.raises(workflow.WorkflowError, match="自己撰写"):
        workflow.article_approve(article=article, by=chief)
    with pytest.raises(workflow.WorkflowError, match="自己撰写"):
        workflow.article_publish(article=article, by=chief)
    assert Article.objects.get(pk=article.pk).state == State.REVIEW


def test_return_and_withdraw_need_a_reason(users):
    article = story(users, "review1")
    with pytest.raises(workflow.WorkflowError, match="退回意见"):
        workflow.article_return(article=article, by=users["editor"], comment="  ")
    live = story(users, "published")
    with pytest.raises(workflow.WorkflowError, match="原因"):
        workflow.article_withdraw(article=live, by=users["chief"], reason="")
    assert not WorkflowEvent.objects.exists()


def test_a_stale_object_cannot_replay_a_transition(users):
    article = story(users, "review1")
    stale = Article.objects.get(pk=article.pk)
    workflow.article_approve(article=article, by=users["editor"])
    workflow.article_return(article=article, by=users["director"], comment="重写导语")
    # `stale` still says 初审; the row says draft, and the row decides.
    with pytest.raises(workflow.WorkflowError, match="已被他人处理，现为“需修改”"):
        workflow.article_approve(article=stale, by=users["editor"])
    assert article.events.count() == 2


def test_scheduled_story_goes_live_by_itself(users, client):
    article = story(users, "review3")
    at = timezone.now() + datetime.timedelta(hours=2)
    event = workflow.article_publish(article=article, by=users["chief"], at=at)
    assert event.action == Action.SCHEDULE
    assert article.status_label == "定时发布"
    surfaces = ["/", article.section.get_absolute_url()]
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in surfaces:
        assert article.title not in client.get(url).text
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        for url in surfaces:
            assert article.title in client.get(url).text


def test_the_number_of_stages_is_a_setting(users, settings):
    settings.NEWSROOM_REVIEW_STAGES = 2
    article = story(users, "draft")
    workflow.article_submit(article=article, by=users["reporter"])
    workflow.article_approve(article=article, by=users["editor"])
    assert article.review_stage == 2
    # Two stages: the second is the last, 终审, for the chief.
    with pytest.raises(workflow.WorkflowError, match="终审"):
        workflow.article_approve(article=article, by=users["director"])
    workflow.article_approve(article=article, by=users["chief"])
    assert article.state == State.PUBLISHED


def test_revert_brings_back_content_not_state(users):
    article = story(users, "published")
    article.body = "第一版正文。"
    article.save()
    first = article.history.first()
    article.body = "改坏了的正文。"
    article.title = "改坏了的标题"
    article.save()
    event = workflow.article_revert(article=article, by=users["editor"], record=first)
    # A published story keeps its live text: the old version goes into its revision.
    assert article.body == "改坏了的正文。"
    revision = event.article
    assert revision.revision_of == article and revision.state == State.DRAFT
    assert revision.body == "第一版正文。"
    assert revision.title == first.title
    assert event.action == Action.REVERT


def test_revert_of_a_draft_brings_back_content_not_state(users):
    article = story(users, "draft")
    article.body = "第一版正文。"
    article.save()
    first = article.history.first()
    article.body = "改坏了的正文。"
    article.save()
    workflow.article_revert(article=article, by=users["editor"], record=first)
    assert article.body == "第一版正文。"
    assert article.state == State.DRAFT
    assert article.events.get().action == Action.REVERT


def test_reporters_cannot_revert(users):
    article = story(users, "published")
    with pytest.raises(workflow.WorkflowError, match="没有修改"):
        workflow.article_revert(
            article=article, by=users["outsider"], record=article.history.first()
        )


def test_correction_is_shown_under_the_story(users, client):
    article = story(users, "published")
    workflow.article_correct(article=article, by=users["director"], text="更正：执勤时长为12小时。")
    html = client.get(article.get_absolute_url()).text
    assert "更正：执勤时长为12小时。" in html
    assert Correction.objects.get().created_by == users["director"]


def test_edits_to_a_live_story_are_saved_as_its_revision(users):
    from ..factories import PhotoFactory

    live = ArticleFactory(author=users["reporter"], title="原标题")
    kept, dropped = PhotoFactory(article=live, caption="原说明"), PhotoFactory(article=live)
    content = {name: getattr(live, name) for name in ["title", "body", "slug"]}
    revision = workflow.article_save_as_revision(
        article=live, by=users["editor"], content=content | {"title": "新标题"},
        links={"agencies": [], "officers": [], "tags": ["新标签"]},
        photo_edits=[
            workflow.PhotoEdit(photo=kept.pk, values={"caption": "新说明"}),
            workflow.PhotoEdit(photo=dropped.pk, delete=True),
            workflow.PhotoEdit(photo=None, values={"caption": "新图", "credit": "记者"}),
        ],
    )  # fmt: skip
    live.refresh_from_db()
    assert live.title == "原标题" and live.state == State.PUBLISHED
    assert sorted(p.caption for p in live.photos.all()) == sorted(["原说明", dropped.caption])
    assert revision.revision_of_id == live.pk and revision.title == "新标题"
    assert sorted(p.caption for p in revision.photos.all()) == ["新图", "新说明"]
    assert list(revision.tags.names()) == ["新标签"]
    with pytest.raises(workflow.WorkflowError):  # one open revision: never written over
        workflow.article_save_as_revision(
            article=live, by=users["chief"], content=content, links={}, photo_edits=[]
        )


def test_the_forward_move_comes_first_at_every_stage(users):
    article = ArticleFactory(state=State.DRAFT, publish_at=None, author=users["reporter"])
    workflow.article_submit(article=article, by=users["reporter"])
    for stage, forward in [(1, Action.APPROVE), (2, Action.APPROVE), (3, Action.PUBLISH)]:
        article.refresh_from_db()
        assert article.review_stage == stage
        moves = workflow.available_actions(article, users["chief"])
        assert moves.index(forward) < moves.index(Action.RETURN), (stage, moves)
        if forward == Action.APPROVE:  # passed by another: 三审 are three people's
            reviewer = users["editor"] if stage == 1 else users["director"]
            workflow.article_approve(article=article, by=reviewer)
