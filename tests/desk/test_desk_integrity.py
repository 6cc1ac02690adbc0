"""The desk keeps faith: what readers see changes only through review, with a trace, and
nothing an editor or the importer does is lost or leaked. Each test is a journey through
the admin's own forms (CSRF on), as the role it is for, on stories as the importer makes
them, with debug off."""

import datetime
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from agencies.models import Agency, Officer
from articles import workflow
from articles.models import Action, Article, Photo, Section, State, WorkflowEvent
from ingest.parse import PageImportError
from ingest.store import import_page

from ..factories import ArticleFactory, PhotoFactory, SectionFactory
from .helpers import csrf_client, diff_lines, form_fields, links, post_with_token, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_errors(settings):
    """Debug off, as in production: an error is a 500 page, not a debug page."""
    settings.DEBUG = False


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def press(client, article, action, comment="", **changes):
    """Press a workflow button on the story's own form, with any edits typed into it."""
    fields = dict(changes)
    if comment:
        fields["_workflow_comment"] = comment
    return submit(client, change_url(article), fields, button=("_workflow", action))


def public(path):
    return Client().get(path)


def import_seed(*, publish=True, **options):
    call_command("loaddata", "fixtures/reference.json", verbosity=0)
    text = Path("fixtures/source/000_18634d81e59b4d2f.txt").read_text(encoding="utf-8")
    return import_page(
        text, source="000_18634d81e59b4d2f.txt", section="yao-wen",
        date=datetime.date(2022, 6, 17), publish=publish, **options,
    )  # fmt: skip


# -- Every admin page answers, for everyone, on imported stories -----------------------------


def crawl(client, start="/admin/", per_kind=2):
    """The admin pages reachable from ``start`` by following links, as ``client``: up to
    ``per_kind`` of each kind (the same path but for ids, the same query parameter; links
    that combine several parameters multiply without end and are left out). Returns the
    pages that answered 500 or more, and how many were visited."""
    seen, kinds, queue, broken = set(), {}, [start], []
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        params = tuple(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
        kind = (re.sub(r"/\d+/", "/N/", parts.path), params)
        if url in seen or len(params) > 1 or kinds.get(kind, 0) >= per_kind:
            continue
        seen.add(url)
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(url)
        if response.status_code >= 500:
            broken.append((url, response.status_code))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in links(response.text):
            target = urlsplit(link)
            path = target.path if target.path.startswith("/") else parts.path + target.path
            if not path.startswith("/admin/") or path.startswith("/admin/logout"):
                continue
            queue.append(path + (f"?{target.query}" if target.query else ""))
    return broken, len(seen)


@pytest.mark.parametrize("source", ["fixture", "import_page"])
def test_no_admin_page_fails_for_anyone_on_imported_stories(users, source, seed_text):
    if source == "fixture":
        call_command("load_seed", verbosity=0)
    else:
        import_seed(publish=False)
    # A story in review, and (on the published seed) a revision of a live one, too.
    story = Article.objects.order_by("pk").first()
    if story.state == State.PUBLISHED:
        story, _photos = workflow.article_start_revision(article=story, by=users["editor"])
    workflow.article_submit(article=story, by=users["editor"])
    for name in ["root", "reporter", "editor", "director", "chief"]:
        client = Client(raise_request_exception=False)
        client.force_login(users[name])
        broken, visited = crawl(client)
        for article in Article.objects.all():  # the change form of every story, linked or not
            response = client.get(change_url(article))
            if response.status_code >= 500:
                broken.append((change_url(article), response.status_code))
        assert not broken, (name, broken)
        assert visited > 10, name


# -- Live copy changes only by publishing -------------------------------------------------------


def test_an_editors_edit_to_a_live_story_waits_for_the_chief(users, seed):
    live = seed[1]
    editor = csrf_client(users["editor"])
    response = submit(editor, change_url(live), {"title": "改过的标题", "body": "改过的正文。"})
    assert response.status_code == 302
    revision = Article.objects.get(revision_of=live)
    assert response["Location"] == change_url(revision)
    live.refresh_from_db()
    assert live.title != "改过的标题" and live.is_live
    page = public(live.get_absolute_url())
    assert "改过的标题" not in page.text and live.title in page.text
    # The live story's page says a revision waits, and shows its difference.
    html = editor.get(change_url(live)).text
    assert f"/admin/articles/article/{revision.pk}/change/" in html
    assert ("added", "改过的标题") in diff_lines(html)
    # A second edit on the live story's form is refused: it belongs in the revision.
    response = submit(editor, change_url(live), {"subtitle": "又一处修改"})
    assert response.status_code == 200 and "已有一份未签发的修改稿" in response.text
    # Submitted, it goes straight to 终审 (NEWSROOM_REVISION_STAGE).
    assert press(editor, revision, "submit").status_code == 302
    revision.refresh_from_db()
    assert (revision.state, revision.review_stage) == (State.REVIEW, 3)
    assert "改过的标题" not in public(live.get_absolute_url()).text
    # The chief publishes it: the live story takes the text, under its id and URL.
    assert press(csrf_client(users["chief"]), revision, "approve").status_code == 302
    live.refresh_from_db()
    revision.refresh_from_db()
    assert live.title == "改过的标题" and revision.state == State.MERGED
    assert "改过的标题" in public(f"/articles/{live.pk}/").text or live.is_live
    assert "改过的正文。" in public(live.get_absolute_url()).text
    assert live.events.filter(action=Action.PUBLISH_REVISION, actor=users["chief"]).exists()
    assert live.history.first().history_user == users["chief"]


def test_a_step_on_an_untouched_live_story_makes_no_revision(users, seed):
    live = seed[1]
    # A browser sends a textarea's lines ending in CRLF: that is not an edit.
    response = press(
        csrf_client(users["chief"]), live, "correct", "更正：时间有误。",
        body=live.body.replace("\n", "\r\n"), summary=live.summary.replace("\n", "\r\n"),
    )  # fmt: skip
    assert response.status_code == 302
    assert not live.revisions.exists()
    assert live.corrections.get().text == "更正：时间有误。"


def test_a_chief_may_publish_their_own_edit_of_someone_elses_story(users, seed):
    live = seed[3]
    chief = csrf_client(users["chief"])
    submit(chief, change_url(live), {"summary": "总编辑改的导语。"})
    revision = live.open_revision()
    press(chief, revision, "submit")
    assert press(chief, revision, "approve").status_code == 302
    live.refresh_from_db()
    assert live.summary == "总编辑改的导语。"


def test_reverting_a_live_story_makes_a_revision(users, seed):
    live = seed[1]
    editor = csrf_client(users["editor"])
    original_title = live.title
    first = live.history.last()
    # Someone edited and published, then an editor brings the first version back.
    workflow.article_revert(article=live, by=users["editor"], record=first)
    revision = live.open_revision()
    revision.title = "临时标题"
    revision.save()
    workflow.article_submit(article=revision, by=users["editor"])
    workflow.article_approve(article=revision, by=users["chief"])
    live.refresh_from_db()
    assert live.title == "临时标题"
    record = live.history.get(version=first.version)
    response = post_with_token(
        editor, f"/admin/articles/article/{live.pk}/versions/",
        f"/admin/articles/article/{live.pk}/versions/{record.history_id}/revert/", {},
    )  # fmt: skip
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "临时标题"  # readers still see the published text
    assert live.open_revision().title == original_title


def test_a_reporters_photo_edits_on_someone_elses_story_change_nothing(users, seed):
    theirs = ArticleFactory(author=users["reporter2"], state=State.DRAFT, publish_at=None)
    hidden = PhotoFactory(article=theirs, caption="别人草稿里的图片说明")
    live_photo = seed[2].photos.get()
    caption = live_photo.caption
    reporter = csrf_client(users["reporter"])
    # Not listed, not searchable, not offered in the autocomplete.
    listing = reporter.get("/admin/articles/photo/?q=图").text
    assert "别人草稿里的图片说明" not in listing
    autocomplete = reporter.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "photo", "field_name": "article", "term": ""},
    )
    assert theirs.title not in autocomplete.text and seed[2].title not in autocomplete.text
    # Changing or deleting a published story's photo is refused.
    for url in [f"/admin/articles/photo/{live_photo.pk}/change/",
                f"/admin/articles/photo/{hidden.pk}/change/"]:  # fmt: skip
        page = reporter.get(url)
        assert page.status_code in (302, 403, 404) or 'name="caption"' not in page.text
    response = reporter.post(f"/admin/articles/photo/{live_photo.pk}/delete/", {"post": "yes"})
    assert response.status_code in (403, 404)
    # Adding a photo to a published story by its id is refused by the form.
    response = submit(
        reporter, "/admin/articles/photo/add/",
        {"article": str(seed[2].pk), "caption": "塞进来的图片", "position": "0"},
        form_id="photo_form",
    )  # fmt: skip
    assert response.status_code == 200 and "errorlist" in response.text
    live_photo.refresh_from_db()
    assert live_photo.caption == caption
    assert Photo.objects.filter(caption="塞进来的图片").count() == 0


def test_an_editors_photo_change_on_a_live_story_goes_into_its_revision(users, seed):
    live = seed[2]
    photo = live.photos.get()
    editor = csrf_client(users["editor"])
    page = editor.get(change_url(live)).text
    prefix = next(k for k in form_fields(page) if k.endswith("-caption")).rsplit("-", 1)[0]
    response = submit(editor, change_url(live), {f"{prefix}-caption": "改过的图片说明"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption != "改过的图片说明"
    assert "改过的图片说明" not in public(live.get_absolute_url()).text
    revision = live.open_revision()
    assert revision.photos.get().caption == "改过的图片说明"
    workflow.article_submit(article=revision, by=users["editor"])
    workflow.article_approve(article=revision, by=users["chief"])
    assert "改过的图片说明" in public(live.get_absolute_url()).text
    assert live.photos.get().caption == "改过的图片说明"


def test_a_reporter_sees_no_name_from_copy_they_may_not_see(users):
    import_seed(publish=False)
    reporter = csrf_client(users["reporter"])
    for url in [
        "/admin/agencies/officer/",
        "/admin/agencies/agency/?q=派出所",
        "/admin/articles/tag/",
    ]:
        html = reporter.get(url).text
        assert "那顺吉日嘎拉" not in html and "白彦花派出所" not in html, url
    autocomplete = reporter.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "officers", "term": "那"},
    )
    assert "那顺吉日嘎拉" not in autocomplete.text
    # The editor, who may see the story, sees the names.
    assert "那顺吉日嘎拉" in csrf_client(users["editor"]).get("/admin/agencies/officer/").text


# -- Review sees what it approves ----------------------------------------------------------------


def test_an_approval_of_text_that_changed_since_it_was_opened_is_refused(users):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None,
                             body="送审时的正文。")  # fmt: skip
    workflow.article_submit(article=article, by=users["reporter"])
    workflow.article_approve(article=article, by=users["editor"])
    director = csrf_client(users["director"])
    opened = director.get(change_url(article)).text  # the director reads it…
    # …meanwhile an editor rewrites it.
    submit(csrf_client(users["editor2"]), change_url(article), {"body": "初审后改写的正文。"})
    data = form_fields(opened)
    token = director.cookies["csrftoken"].value
    data.update(csrfmiddlewaretoken=[token], _workflow=["approve"])
    response = director.post(change_url(article), data)
    assert response.status_code == 200 and "您的修改没有保存" in response.text
    assert "查看改动" in response.text
    article.refresh_from_db()
    assert article.review_stage == 2
    # Opened again, the page shows what changed since 初审 approved it; then it may pass.
    html = director.get(change_url(article)).text
    assert "以来的修改" in html
    assert {("added", "初审后改写的正文。"), ("removed", "送审时的正文。")} <= set(diff_lines(html))
    assert press(director, article, "approve").status_code == 302
    article.refresh_from_db()
    assert article.review_stage == 3


def test_a_stale_approval_through_the_workflow_endpoint_is_refused_with_the_diff(users):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    seen = article.version
    article.body = "改过了。"
    article.save()
    editor = csrf_client(users["editor"])
    response = post_with_token(
        editor, change_url(article), f"/admin/articles/article/{article.pk}/workflow/",
        {"action": "approve", "loaded_version": str(seen)},
    )  # fmt: skip
    article.refresh_from_db()
    assert article.review_stage == 1
    page = editor.get(response["Location"]).text
    assert "没有执行" in page and "查看改动" in page


# -- Scheduling is explicit ----------------------------------------------------------------------


def final_stage_story(users):
    return ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=3,
                          publish_at=None)  # fmt: skip


def test_approval_at_the_last_stage_with_a_time_schedules(users):
    article = final_stage_story(users)
    at = timezone.localtime() + datetime.timedelta(days=1)
    response = press(csrf_client(users["chief"]), article, "approve",
                     _workflow_publish_at=at.strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled and not article.is_live
    assert article.events.last().action == Action.SCHEDULE
    assert public(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("when", "message"), [("2020-01-01T08:00", "已经过去"), ("2026-02-30T08:00", "不存在")]
)
def test_a_past_or_impossible_time_is_refused_and_nothing_changes(users, when, message):
    article = final_stage_story(users)
    response = press(csrf_client(users["chief"]), article, "approve",
                     _workflow_publish_at=when, title="顺手改的标题")  # fmt: skip
    assert response.status_code == 200 and message in response.text
    assert "顺手改的标题" in response.text  # the edit stays on screen
    article.refresh_from_db()
    assert (article.state, article.review_stage) == (State.REVIEW, 3)
    assert article.title != "顺手改的标题"
    assert not article.events.exists()


# -- No lost edits -------------------------------------------------------------------------------


def test_a_workflow_button_saves_the_edits_with_the_step(users):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    response = press(csrf_client(users["reporter"]), article, "submit", title="送审前改的标题")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.state) == ("送审前改的标题", State.REVIEW)
    assert article.events.get().version == article.version  # the version sent is the one saved


def test_a_refused_step_keeps_the_edits_on_screen_and_saves_nothing(users):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    response = press(csrf_client(users["editor"]), article, "return", title="退回前改的标题")
    assert response.status_code == 200
    assert "退回稿件必须填写退回意见" in response.text and "退回前改的标题" in response.text
    article.refresh_from_db()
    assert article.title != "退回前改的标题" and article.state == State.REVIEW


# -- Idempotent transitions ----------------------------------------------------------------------


def test_a_double_click_approves_one_stage_once(users):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    chief = csrf_client(users["chief"])
    opened = form_fields(chief.get(change_url(article)).text)
    opened.update(csrfmiddlewaretoken=[chief.cookies["csrftoken"].value], _workflow=["approve"])
    first = chief.post(change_url(article), opened)
    second = chief.post(change_url(article), opened)
    assert first.status_code == 302 and second.status_code == 200
    article.refresh_from_db()
    assert article.review_stage == 2
    assert article.events.filter(action=Action.APPROVE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_of_one_stage_make_one_move_and_one_event(users):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (SQLite serialises the threads)")
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    barrier = threading.Barrier(4)
    outcomes = []

    def approve(name):
        try:
            seen = Article.objects.get(pk=article.pk)
            barrier.wait()
            workflow.article_approve(article=seen, by=users[name])
            outcomes.append("moved")
        except workflow.WorkflowError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(n,)) for n in
               ["chief", "chief2", "director", "editor"]]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    article.refresh_from_db()
    assert article.review_stage == 2
    assert outcomes.count("moved") == 1
    assert all("已被他人处理" in o for o in outcomes if o != "moved")
    assert WorkflowEvent.objects.filter(article=article, action=Action.APPROVE).count() == 1


# -- Names go public with their first live story -----------------------------------------------


def public_text(paths):
    return {path: public(path) for path in paths}


DIRECTORY = [
    "/", "/agencies/", "/feed/", "/sitemap.xml", "/sitemap-agencies.xml", "/sitemap-officers.xml",
    "/sitemap-tags.xml", "/sitemap-news.xml", "/sitemap-articles.xml",
]  # fmt: skip


def test_a_draft_import_exposes_no_name_anywhere_public(users):
    import_seed(publish=False)
    officers = list(Officer.objects.all())
    found = list(Agency.objects.filter(verified=False))
    assert officers and found
    for person in officers:
        assert public(person.get_absolute_url()).status_code == 404, person
    for agency in found:
        assert public(agency.get_absolute_url()).status_code == 404, agency
        assert public(f"{agency.get_absolute_url()}feed/").status_code == 404, agency
    for path, response in public_text(DIRECTORY).items():
        assert response.status_code in (200, 404), path
        text = response.content.decode()
        for name in [o.name for o in officers] + [a.name for a in found]:
            assert name not in text, (path, name)
        assert "/officers/" not in text, path
    results = public("/search/?q=那顺吉日嘎拉").content.decode()
    assert "/articles/" not in results and "/officers/" not in results
    # Its first live story makes its names public; withdrawn, they go again.
    story = Article.objects.get(source_position=4)
    workflow.article_submit(article=story, by=users["editor"])
    for name in ["editor", "director", "chief"]:
        workflow.article_approve(article=story, by=users[name])
    named = story.officers.get(name="那顺吉日嘎拉")
    assert public(named.get_absolute_url()).status_code == 200
    assert named.get_absolute_url() in public("/sitemap-officers.xml").text
    other = Officer.objects.get(name="张昊")  # named by a story still in draft
    assert public(other.get_absolute_url()).status_code == 404
    workflow.article_withdraw(article=story, by=users["chief"], reason="撤稿")
    assert public(named.get_absolute_url()).status_code == 404
    assert named.get_absolute_url() not in public("/sitemap-officers.xml").text


def test_a_tag_on_a_reporters_draft_has_no_public_page(users):
    section = SectionFactory(name="要闻", slug="yao-wen")
    reporter = csrf_client(users["reporter"])
    fields = {"title": "草稿", "section": str(section.pk), "body": "正文。", "tags": "秘密行动"}
    submit(reporter, "/admin/articles/article/add/", fields)
    draft = Article.objects.get(title="草稿")
    tag = draft.tags.get()
    assert public(tag.get_absolute_url()).status_code == 404
    assert tag.get_absolute_url() not in public("/sitemap-tags.xml").text
    ArticleFactory(section=section).tags.add(tag)  # a live story takes the tag
    assert public(tag.get_absolute_url()).status_code == 200


def test_a_scheduled_story_makes_its_names_public_when_it_goes_live(users):
    import time_machine

    import_seed(publish=False)
    story = Article.objects.get(source_position=4)
    at = timezone.now() + datetime.timedelta(hours=1)
    story.state, story.publish_at = State.PUBLISHED, at
    story.save()
    named = story.officers.get(name="那顺吉日嘎拉")
    assert public(named.get_absolute_url()).status_code == 404
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert public(named.get_absolute_url()).status_code == 200


def test_sections_stay_public_and_unknown_slugs_answer_like_hidden_names(users):
    import_seed(publish=False)
    missing = public("/officers/no-such-officer/")
    hidden = public(Officer.objects.first().get_absolute_url())
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert Section.objects.exists()


# -- Found by walking the desk in a browser ------------------------------------------------------


def test_a_reporter_cannot_verify_names_with_a_bulk_action(users):
    import_seed(publish=False)
    officer = Officer.objects.filter(verified=False).first()
    own = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    own.officers.add(officer)  # so the reporter may see the officer
    reporter = csrf_client(users["reporter"])
    response = post_with_token(
        reporter, "/admin/agencies/officer/", "/admin/agencies/officer/",
        {"action": "mark_verified", "_selected_action": [str(officer.pk)]},
    )  # fmt: skip
    assert response.status_code in (200, 302, 403)
    officer.refresh_from_db()
    assert not officer.verified


def test_a_reporter_cannot_touch_a_revision_an_editor_began_on_their_story(users):
    live = ArticleFactory(author=users["reporter"])
    PhotoFactory(article=live)
    revision, _photos = workflow.article_start_revision(article=live, by=users["director"])
    reporter = csrf_client(users["reporter"])
    html = reporter.get(change_url(revision)).text
    assert 'value="discard"' not in html and 'value="submit"' not in html
    with pytest.raises(workflow.WorkflowError):
        workflow.article_discard_revision(article=revision, by=users["reporter"])
    photo = revision.photos.get()
    page = reporter.get(f"/admin/articles/photo/{photo.pk}/change/")
    assert page.status_code in (302, 403, 404) or 'name="caption"' not in page.text


def test_only_a_live_story_links_to_its_public_page(users, seed):
    editor = csrf_client(users["editor"])
    live = seed[1]
    assert live.get_absolute_url() in editor.get(change_url(live)).text
    revision, _photos = workflow.article_start_revision(article=live, by=users["editor"])
    assert f"/articles/{revision.pk}/" not in editor.get(change_url(revision)).text


def test_a_preview_shows_no_template_placeholders(users):
    draft = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    html = csrf_client(users["editor"]).get(f"/admin/articles/article/{draft.pk}/preview/").text
    assert "{{" not in html and "未发布" in html


# -- Found by a second reading -----------------------------------------------------------------


def test_a_photo_edit_on_a_live_story_with_an_open_revision_is_refused(users, seed):
    live = seed[2]
    revision, _photos = workflow.article_start_revision(article=live, by=users["editor"])
    revision.title = "甲编辑的修改稿标题"
    revision.save()
    editor = csrf_client(users["editor2"])
    page = editor.get(change_url(live)).text
    prefix = next(k for k in form_fields(page) if k.endswith("-caption")).rsplit("-", 1)[0]
    response = submit(editor, change_url(live), {f"{prefix}-caption": "乙改的说明"})
    assert response.status_code == 200 and "已有一份未签发的修改稿" in response.text
    revision.refresh_from_db()
    assert revision.title == "甲编辑的修改稿标题"
    assert revision.photos.get().caption != "乙改的说明"


def test_a_reporter_cannot_link_a_name_they_may_not_see(users):
    import_seed(publish=False)
    hidden = Officer.objects.get(name="那顺吉日嘎拉")
    own = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    response = submit(
        csrf_client(users["reporter"]), change_url(own), {"officers": [str(hidden.pk)]}
    )
    assert response.status_code == 200 and "errorlist" in response.text
    assert not own.officers.exists()


def test_withdrawing_a_story_discards_its_open_revision(users):
    live = ArticleFactory(author=users["reporter"])
    revision, _photos = workflow.article_start_revision(article=live, by=users["editor"])
    workflow.article_withdraw(article=live, by=users["chief"], reason="撤稿")
    revision.refresh_from_db()
    assert revision.state == State.WITHDRAWN and revision.status_label == "已放弃"
    assert revision.events.last().action == Action.DISCARD


def test_a_revision_of_a_story_no_longer_published_cannot_be_published(users):
    live = ArticleFactory(author=users["reporter"])
    revision, _photos = workflow.article_start_revision(article=live, by=users["editor"])
    workflow.article_submit(article=revision, by=users["editor"])
    Article.objects.filter(pk=live.pk).update(state=State.DRAFT)  # say, restored meanwhile
    with pytest.raises(workflow.WorkflowError, match="不能签发"):
        workflow.article_approve(article=revision, by=users["chief"])
    assert Article.objects.get(pk=live.pk).title == live.title


def test_a_photo_edit_on_a_draft_makes_a_new_version_a_reimport_respects(users):
    import_seed(publish=False)
    story = Article.objects.get(source_position=2)
    photo = story.photos.get()
    editor = csrf_client(users["editor"])
    page = editor.get(change_url(story)).text
    prefix = next(k for k in form_fields(page) if k.endswith("-caption")).rsplit("-", 1)[0]
    assert submit(editor, change_url(story), {f"{prefix}-credit": "改过的摄影"}).status_code == 302
    story.refresh_from_db()
    assert story.version != story.source_version
    assert story.history.first().history_change_reason == "修改图片"
    text = Path("fixtures/source/000_18634d81e59b4d2f.txt").read_text(encoding="utf-8")
    changed = text.replace("沈翠英 摄", "沈翠英、王某 摄")
    with pytest.raises(PageImportError):
        import_page(changed, source="x.txt", section="yao-wen", date=datetime.date(2022, 6, 17))
    photo.refresh_from_db()
    assert photo.credit == "改过的摄影"


def test_a_draft_import_does_not_change_a_public_officers_record(users):
    import_seed(publish=True)
    officer = Officer.objects.get(name="张永俊")
    officer.title = ""
    officer.save()
    text = "# 新稿\n\n二连出入境边防检查站执勤二队副队长张永俊说，一切正常。\n"
    import_page(text, source="draft.txt", section="yao-wen", date=datetime.date(2022, 6, 18))
    officer.refresh_from_db()
    assert officer.title == ""  # the draft's 副队长 waits for the draft to be published


def test_odd_versions_and_far_off_times_are_refused_not_errors(users):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=3,
                             publish_at=None)  # fmt: skip
    chief = Client(raise_request_exception=False)
    chief.force_login(users["chief"])
    for data in [{"action": "approve", "loaded_version": "²"},
                 {"action": "approve", "publish_at": "0001-01-01T00:00"},
                 {"action": "approve", "publish_at": "9999-12-31T23:59"}]:  # fmt: skip
        response = chief.post(f"/admin/articles/article/{article.pk}/workflow/", data)
        assert response.status_code == 302, data
    article.refresh_from_db()
    assert article.state == State.PUBLISHED  # the first approved; the others were refused
    assert article.events.count() == 1
