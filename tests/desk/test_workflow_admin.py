"""The workflow in the admin: buttons, crafted requests, history pages, previews, no lost
edits, queues and the audit trail."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import workflow
from articles.models import Article, State, WorkflowEvent
from articles.roles import CHIEF, DIRECTOR, EDITOR, REPORTER, ensure_roles
from public.preview import share_url

from ..factories import ArticleFactory, SectionFactory
from .helpers import diff_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    ensure_roles()
    User = get_user_model()
    made = {}
    groups = {"reporter": REPORTER, "reporter2": REPORTER, "editor": EDITOR,
              "editor2": EDITOR, "director": DIRECTOR, "chief": CHIEF}  # fmt: skip
    for name, group in groups.items():
        user = User.objects.create_user(name, email=f"{name}@newsroom.test", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        made[name] = user
    return made


@pytest.fixture
def as_user(users):
    from django.test import Client

    def login(name):
        client = Client()
        client.force_login(users[name])
        return client

    return login


def form_data(article, **changes):
    data = {
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "section": article.section_id,
        "summary": article.summary,
        "body": article.body,
        "tags": "",
        "featured": "",
        "slug": article.slug,
        "loaded_version": article.version,
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_change_form_shows_only_the_transitions_the_user_may_take(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    html = as_user("editor").get(change_url(article)).text
    assert 'value="approve"' in html and 'value="return"' in html
    assert 'value="publish"' not in html and 'value="withdraw"' not in html
    html = as_user("chief").get(change_url(article)).text
    assert 'value="approve"' in html  # the chief may take any stage
    assert 'value="publish"' not in html  # but publishing waits for the last stage


def test_workflow_post_runs_the_transition_and_shows_the_timeline(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    client = as_user("reporter")
    response = client.post(
        f"/admin/articles/article/{article.pk}/workflow/", {"action": "submit", "comment": "请审"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == State.REVIEW
    html = as_user("editor").get(change_url(article)).text
    assert "送审（送至初审）：请审" in html


def test_crafted_workflow_posts_are_refused_and_change_nothing(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=3)
    version = article.version
    for name, action in [("editor", "approve"), ("director", "publish"), ("reporter", "approve"),
                         ("editor", "withdraw"), ("editor", "bogus")]:  # fmt: skip
        as_user(name).post(
            f"/admin/articles/article/{article.pk}/workflow/", {"action": action, "comment": "x"}
        )
    article.refresh_from_db()
    assert (article.state, article.review_stage, article.version) == (State.REVIEW, 3, version)
    assert not WorkflowEvent.objects.exists()


def test_state_cannot_be_changed_through_the_form(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    data = form_data(article, state=State.PUBLISHED, review_stage=3,
                     publish_at_0="2020-01-01", publish_at_1="00:00")  # fmt: skip
    response = as_user("editor").post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.state, article.review_stage, article.publish_at) == (State.DRAFT, 0, None)


def test_reporters_edit_only_their_own_drafts(users, as_user):
    theirs = ArticleFactory(author=users["reporter2"], state=State.DRAFT, publish_at=None)
    own_in_review = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    client = as_user("reporter")
    # Someone else's story is not even in their list.
    assert client.get(change_url(theirs)).status_code == 302  # "does not exist" redirect
    response = client.post(change_url(theirs), form_data(theirs, title="篡改"))
    assert Article.objects.get(pk=theirs.pk).title != "篡改"
    assert response.status_code in (302, 403, 404)
    # Their own story in review is read-only for them.
    response = client.post(change_url(own_in_review), form_data(own_in_review, title="篡改"))
    assert response.status_code == 403
    assert Article.objects.get(pk=own_in_review.pk).title != "篡改"


def test_second_save_of_the_same_version_is_refused_and_keeps_the_text(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    first, second = as_user("editor"), as_user("editor2")
    # Both open the story at the same version.
    loaded = article.version
    response = first.post(change_url(article), form_data(article, body="甲编辑的修改。"))
    assert response.status_code == 302
    response = second.post(
        change_url(article), form_data(article, body="乙编辑的修改。", loaded_version=loaded)
    )
    assert response.status_code == 200
    assert "已被 editor 于" in response.text
    assert "乙编辑的修改。" in response.text  # still on screen to copy
    article.refresh_from_db()
    assert article.body == "甲编辑的修改。"
    assert article.history.filter(body="乙编辑的修改。").count() == 0


def test_workflow_moves_also_make_open_forms_stale(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    loaded = article.version
    workflow.article_approve(article=article, by=users["editor2"])
    response = as_user("editor").post(
        change_url(article), form_data(article, body="晚到的修改", loaded_version=loaded)
    )
    assert "已被 editor2 于" in response.text


def test_who_else_has_the_story_open_is_shown(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    heartbeat = f"/admin/articles/article/{article.pk}/heartbeat/"
    as_user("editor").get(change_url(article))
    assert "也打开了此稿件" not in as_user("editor2").get(change_url(article)).text
    # The form's script reports the story open as the form loads (a GET writes nothing).
    assert as_user("editor").post(heartbeat).json() == {"others": []}
    html = as_user("editor2").get(change_url(article)).text
    assert "editor 也打开了此稿件" in html
    assert as_user("editor2").post(heartbeat).json() == {"others": ["editor"]}
    response = as_user("editor").post(heartbeat)
    assert response.json() == {"others": ["editor2"]}
    # Someone who may only read the story is no conflict; a closed form ends its report.
    assert as_user("reporter").post(heartbeat).status_code == 200  # its author, reading it
    assert as_user("editor2").post(heartbeat, {"closed": "1"}).status_code == 204
    assert as_user("editor").post(heartbeat).json() == {"others": []}
    later = timezone.now() + datetime.timedelta(minutes=10)
    with time_machine.travel(later):
        html = as_user("editor2").get(change_url(article)).text
        assert "也打开了此稿件" not in html  # the other session expired


def test_history_compare_and_revert(users, as_user):
    article = ArticleFactory(
        author=users["reporter"], body="第一版。", state=State.DRAFT, publish_at=None
    )
    first = article.history.first()
    client = as_user("editor")
    client.post(change_url(article), form_data(article, body="第二版。"))
    html = client.get(f"/admin/articles/article/{article.pk}/versions/").text
    assert "与当前版本比较" in html
    html = client.get(
        f"/admin/articles/article/{article.pk}/versions/compare/",
        {"a": first.history_id, "b": "current"},
    ).text
    assert {("removed", "第一版。"), ("added", "第二版。")} <= set(diff_lines(html))
    assert "<del>一</del>" in html and "<ins>二</ins>" in html  # just the changed characters
    response = client.post(
        f"/admin/articles/article/{article.pk}/versions/{first.history_id}/revert/"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "第一版。"


def test_history_pages_are_permission_gated(users, as_user):
    article = ArticleFactory(author=users["reporter2"], body="别人的稿件。")
    record = article.history.first()
    client = as_user("reporter")
    base = f"/admin/articles/article/{article.pk}"
    for url in [f"{base}/versions/", f"{base}/versions/compare/?a={record.history_id}",
                f"{base}/preview/"]:  # fmt: skip
        assert client.get(url).status_code in (403, 404)
    assert client.post(f"{base}/versions/{record.history_id}/revert/").status_code in (403, 404)
    assert client.post(f"{base}/share/").status_code in (403, 404)
    # A reporter may read the versions of their own story, not revert it once submitted.
    own = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    own_record = own.history.first()
    assert client.get(f"/admin/articles/article/{own.pk}/versions/").status_code == 200
    response = client.post(
        f"/admin/articles/article/{own.pk}/versions/{own_record.history_id}/revert/"
    )
    assert response.status_code == 403


def test_staff_preview_any_state_never_cached_nor_indexed(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    response = as_user("editor").get(f"/admin/articles/article/{article.pk}/preview/")
    assert response.status_code == 200
    assert article.title in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_shared_preview_link_works_without_an_account_until_it_expires(users, client):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    url = share_url(article)
    response = client.get(url)
    assert response.status_code == 200 and article.title in response.text
    assert "no-store" in response["Cache-Control"]
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=73)):
        assert client.get(url).status_code == 410
    assert client.get(url[:-3] + "xyz/").status_code == 410


def test_shared_preview_link_follows_the_story_through_review(users, client):
    article = ArticleFactory(
        author=users["reporter"], state=State.DRAFT, publish_at=None, body="第一稿。"
    )
    url = share_url(article)
    article.body = "改过了。"
    article.save()
    workflow.article_submit(article=article, by=users["reporter"])
    workflow.article_approve(article=article, by=users["editor"])
    response = client.get(url)
    assert response.status_code == 200
    assert "改过了。" in response.text and "第一稿。" not in response.text
    assert "正文有修改" in response.text  # the page says what changed since the link
    workflow.article_approve(article=article, by=users["director"])
    workflow.article_approve(article=article, by=users["chief"])
    # Published: the link leads to the public page.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()


def test_shared_preview_link_stops_when_the_story_is_withdrawn(users, client):
    draft = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    url = share_url(draft)
    draft.state = State.WITHDRAWN
    draft.save()
    assert client.get(url).status_code == 410
    live = ArticleFactory(author=users["reporter"])
    url = share_url(live)
    workflow.article_withdraw(article=live, by=users["chief"], reason="撤稿")
    assert client.get(url).status_code == 410


def test_a_withdrawn_story_offers_no_preview_link(users, as_user):
    story = ArticleFactory(author=users["reporter"], state=State.WITHDRAWN)
    chief = as_user("chief")
    base = f"/admin/articles/article/{story.pk}"
    assert "生成预览链接" not in chief.get(f"{base}/change/").text
    page = chief.post(f"{base}/share/", follow=True)
    assert "已撤稿的稿件不能生成预览链接" in page.text and "预览链接（" not in page.text


def test_queues_mine_and_waiting_for_me(users, as_user):
    mine = ArticleFactory(author=users["editor"], title="我写的稿", state=State.DRAFT)
    stage1 = ArticleFactory(author=users["reporter"], title="初审稿", state=State.REVIEW,
                            review_stage=1)  # fmt: skip
    stage2 = ArticleFactory(author=users["reporter"], title="复审稿", state=State.REVIEW,
                            review_stage=2)  # fmt: skip
    client = as_user("editor")
    html = client.get("/admin/articles/article/?queue=mine").text
    assert mine.title in html and stage1.title not in html
    html = client.get("/admin/articles/article/?queue=review").text
    assert stage1.title in html and stage2.title not in html and mine.title not in html
    html = as_user("director").get("/admin/articles/article/?queue=review").text
    assert stage1.title in html and stage2.title in html


def test_bulk_approve_reports_each_article(users, as_user):
    ok = ArticleFactory(author=users["reporter"], title="可以通过", state=State.REVIEW,
                        review_stage=1)  # fmt: skip
    not_ok = ArticleFactory(author=users["reporter"], title="还是草稿", state=State.DRAFT)
    response = as_user("editor").post(
        "/admin/articles/article/",
        {"action": "bulk_approve", "_selected_action": [ok.pk, not_ok.pk]},
        follow=True,
    )
    text = response.text
    # One line for those done, saying where they are now; one per reason for the others.
    assert "审核通过 1 篇，现为“审核中·复审”：《可以通过》" in text
    assert "1 篇未能审核通过：只有审核中的稿件可以审核通过" in text and "（《还是草稿》）" in text
    ok.refresh_from_db()
    not_ok.refresh_from_db()
    assert (ok.review_stage, not_ok.state) == (2, State.DRAFT)


def test_audit_is_visible_and_exportable_to_the_chief_only(users, as_user):
    article = ArticleFactory(author=users["reporter"], title="审计稿件")
    workflow.article_correct(article=article, by=users["director"], text="更正一处时间")
    workflow.article_withdraw(article=article, by=users["chief"], reason="当事人要求")
    chief = as_user("chief")
    assert "审计稿件" in chief.get("/admin/articles/workflowevent/").text
    response = chief.get("/admin/articles/workflowevent/export/")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert f"director,更正,{article.pk},审计稿件,已发布,已发布,更正一处时间" in text
    assert f"chief,撤稿,{article.pk},审计稿件,已发布,已撤稿,当事人要求" in text
    for name in ["editor", "director"]:
        assert as_user(name).get("/admin/articles/workflowevent/").status_code == 403
        assert as_user(name).get("/admin/articles/workflowevent/export/").status_code == 403


def test_new_story_belongs_to_its_writer(users, as_user):
    section = SectionFactory()
    data = form_data(Article(section=section, title="记者新稿", body="正文。"))
    data.pop("loaded_version")
    response = as_user("reporter").post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.text
    article = Article.objects.get(title="记者新稿")
    assert article.author == users["reporter"]
    assert article.state == State.DRAFT


def test_tags_split_as_a_chinese_input_method_types_them(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    client = as_user("reporter")
    response = client.post(
        change_url(article), form_data(article, tags="防诈骗，养老诈骗、反诈; 防诈骗 ；“平安”")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert sorted(article.tags.names()) == sorted(["防诈骗", "养老诈骗", "反诈", "平安"])
    written = "，".join(sorted(["防诈骗", "养老诈骗", "反诈", "平安"]))
    assert f'value="{written}"' in client.get(change_url(article)).text  # as it reads back


def test_split_tags():
    from chinese.tags import join_tags, split_tags

    assert split_tags("甲,乙，丙、丁;戊；己") == sorted("甲乙丙丁戊己")
    assert split_tags("  阿拉善  右旗 ，，") == ["阿拉善 右旗"]
    assert split_tags("") == []

    class Tag:
        def __init__(self, name):
            self.name = name

    assert join_tags([Tag("乙"), Tag("甲")]) == "乙，甲"  # code point order, as split_tags
    assert split_tags(join_tags([Tag("乙"), Tag("甲")])) == ["乙", "甲"]


def test_people_are_shown_by_their_chinese_names(users, as_user):
    reporter = users["reporter"]
    reporter.last_name, reporter.first_name = "李", "哲"
    reporter.save()
    ArticleFactory(author=reporter, state=State.DRAFT, publish_at=None)
    client = as_user("reporter")
    assert "您好，<strong>李哲</strong>。" in client.get("/admin/").text
    listing = as_user("editor").get("/admin/articles/article/").text
    assert "李哲" in listing and ">reporter<" not in listing  # the column and the filter


def test_bulk_actions_are_offered_only_to_those_who_may_take_them(users, as_user):
    ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    reporter = as_user("reporter").get("/admin/articles/article/").text
    assert "bulk_submit" in reporter
    assert "bulk_publish" not in reporter and "bulk_approve" not in reporter
    chief = as_user("chief").get("/admin/articles/article/").text
    assert "bulk_publish" in chief and "bulk_approve" in chief


def test_a_reporter_cannot_feature_their_own_story(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    client = as_user("reporter")
    assert 'name="featured"' not in client.get(change_url(article)).text
    client.post(change_url(article), form_data(article, featured="on", title="新标题"))
    article.refresh_from_db()
    assert article.title == "新标题" and not article.featured
    assert 'name="featured"' in as_user("editor").get(change_url(article)).text


def test_view_on_site_opens_the_preview_until_the_story_is_live(users, as_user):
    draft = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    html = as_user("editor").get(change_url(draft)).text
    assert f'href="/admin/articles/article/{draft.pk}/preview/" class="viewsitelink"' in html
    live = ArticleFactory(author=users["reporter"])
    html = as_user("editor").get(change_url(live)).text
    assert f'href="{live.get_absolute_url()}" class="viewsitelink"' in html


def test_the_audit_list_is_newest_first(users, as_user):
    from django.contrib.auth.models import Permission

    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    workflow.article_submit(article=article, by=users["reporter"], comment="第一件")
    workflow.article_return(article=article, by=users["editor"], comment="第二件")
    users["chief"].user_permissions.add(Permission.objects.get(codename="view_audit"))
    html = as_user("chief").get("/admin/articles/workflowevent/").text
    assert html.index("第二件") < html.index("第一件")


def test_drafts_come_first_in_the_story_list(users, as_user):
    ArticleFactory(author=users["reporter"], title="已发布的稿件")
    ArticleFactory(
        author=users["reporter"], title="还在写的草稿", state=State.DRAFT, publish_at=None
    )
    html = as_user("editor").get("/admin/articles/article/").text
    assert html.index("还在写的草稿") < html.index("已发布的稿件")


def test_one_history_and_audit_entries_in_the_newsrooms_words(users, as_user):
    from django.contrib.auth.models import Permission

    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    response = as_user("editor").get(f"/admin/articles/article/{article.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/article/{article.pk}/versions/"
    workflow.article_approve(article=article, by=users["editor"])
    users["chief"].user_permissions.add(Permission.objects.get(codename="view_audit"))
    users["editor"].last_name, users["editor"].first_name = "赵", "磊"
    users["editor"].save()
    event = article.events.get()
    html = as_user("chief").get(f"/admin/articles/workflowevent/{event.pk}/change/").text
    assert "赵磊" in html and "复审" in html
    assert ">editor<" not in html
    assert "复审" in as_user("chief").get("/admin/articles/workflowevent/").text


def test_the_last_stage_offers_one_move_to_publish(users, as_user):
    article = ArticleFactory(
        author=users["reporter"], state=State.REVIEW, review_stage=3, publish_at=None
    )
    html = as_user("chief").get(change_url(article)).text
    assert 'value="publish"' in html and 'value="approve"' not in html
    html = as_user("editor").get(change_url(ArticleFactory(
        author=users["reporter"], state=State.REVIEW, review_stage=1, publish_at=None
    ))).text  # fmt: skip
    assert "初审通过" in html and "初审退回" in html


def test_pasted_copy_is_saved_as_paragraphs_and_counted(users, as_user):
    article = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    client = as_user("reporter")
    client.post(change_url(article), form_data(article, body="　　第一段。\r\n　　第二段。"))
    article.refresh_from_db()
    assert article.body == "第一段。\n\n第二段。"
    assert article.body_html.count("<p>") == 2
    html = client.get(change_url(article)).text
    assert '<div class="readonly">8</div>' in html  # 第一段。第二段。


def test_a_returned_story_says_so_on_top_and_in_the_list(users, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users["editor"].last_name, users["editor"].first_name = "赵", "磊"
    users["editor"].save()
    article = ArticleFactory(author=users["reporter"], state=State.REVIEW, review_stage=1)
    workflow.article_return(article=article, by=users["editor"], comment="请核实伤亡人数")
    client = as_user("reporter")
    html = client.get(change_url(article)).text
    assert 'id="returned-notice"' in html and "请核实伤亡人数" in html and "赵磊" in html
    client.get("/admin/articles/article/")
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/articles/article/")
    for _ in range(5):
        ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    client.get("/admin/articles/article/")  # the new content key's schedule, read once
    with CaptureQueriesContext(connection) as six:
        listing = client.get("/admin/articles/article/").text
    assert listing.count("badge-returned") == 1 and "需修改" in listing
    assert len(six) == len(one)  # flagged without a query a row
    workflow.article_submit(article=article, by=users["reporter"])
    assert 'id="returned-notice"' not in client.get(change_url(article)).text
