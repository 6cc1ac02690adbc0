"""The story list (desk.storylist): one line a story, filters that say what they hold, a
window of rows with no count, and a kept page that is never behind a saved story."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.markup import count_characters
from articles.models import Article, State
from articles.roles import EDITOR

from ..factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/articles/article/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def titles(html):
    return re.findall(r'<span class="headline" title="[^"]*">([^<]*)</span>', html)


@pytest.fixture
def section():
    return SectionFactory(name="要闻")


def test_a_page_costs_the_same_queries_whatever_its_rows(users, section):
    editor = client_for(users["editor"])
    ArticleFactory.create_batch(3, section=section, author=users["reporter"])
    with CaptureQueriesContext(connection) as few:
        assert editor.get(LIST).status_code == 200
    ArticleFactory.create_batch(60, section=section, author=users["reporter2"])
    with CaptureQueriesContext(connection) as many:
        html = editor.get(LIST).text
    assert len(titles(html)) == 50
    assert len(many) == len(few)
    # Kept: the page again reads only the session, the account and the content generation
    # (the account's permissions are kept too: articles.permissions). Inside a test's
    # transaction the generation is read at each use, not once in a quarter second.
    with CaptureQueriesContext(connection) as again:
        assert titles(editor.get(LIST).text) == titles(html)
    assert len(again) < len(many)
    assert [query["sql"].split('"')[1] for query in again if "generation" not in query["sql"]] == [
        "django_session", "auth_user"
    ]  # fmt: skip


def test_a_row_shows_state_stage_section_writer_and_characters(users, section):
    users["reporter"].last_name, users["reporter"].first_name = "李", "哲"
    users["reporter"].save()
    body = "第一段，十个字的正文。\n\n### 小标题\n\n[链接](https://example.com/)"
    story = ArticleFactory(
        title="通辽市公安局打击养老诈骗", body=body, section=section, author=users["reporter"],
        state=State.REVIEW, review_stage=2, publish_at=None,
    )  # fmt: skip
    assert story.characters == count_characters(body) == 16
    html = client_for(users["chief"]).get(LIST).text
    row = html.split('title="通辽市公安局打击养老诈骗"')[1].split("</tr>")[0]
    assert '<span class="badge badge-review">审核中</span>' in row
    assert '<span class="badge badge-stage">复审</span>' in row
    assert ">要闻<" in row and f">{16}<" in row
    assert ">李哲<" in row  # 姓 then 名, not the login


def test_drafts_come_first_then_the_newest(users, section):
    ArticleFactory(title="旧稿", section=section)
    draft = ArticleFactory(title="草稿一篇", section=section, state=State.DRAFT, publish_at=None)
    html = client_for(users["editor"]).get(LIST).text
    assert titles(html)[0] == draft.title


def test_pages_without_a_count(users, section):
    ArticleFactory.create_batch(51, section=section)
    editor = client_for(users["editor"])
    first = editor.get(LIST).text
    assert len(titles(first)) == 50 and 'rel="next"' in first and 'rel="prev"' not in first
    second = editor.get(LIST, {"p": 2}).text
    assert len(titles(second)) == 1 and 'rel="prev"' in second and 'rel="next"' not in second
    assert editor.get(LIST, {"p": "abc"}).text.count('class="headline"') == 50
    past_the_end = editor.get(LIST, {"p": 9, "state": "draft"}).text
    assert "这一页已没有稿件" in past_the_end and "回到第一页" in past_the_end
    assert "没有符合条件的稿件" in editor.get(LIST, {"state": "draft"}).text


def test_filters_and_search(users, section):
    other = SectionFactory(name="法治")
    returned = ArticleFactory(title="退回的稿件", section=section, author=users["reporter"],
                              state=State.DRAFT, publish_at=None)  # fmt: skip
    workflow.article_submit(article=returned, by=users["reporter"])
    workflow.article_return(article=returned, by=users["editor"], comment="补充采访")
    # Early today by the newsroom's clock, whatever the hour the suite runs at.
    today = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(0, 0, 1))
    )
    ArticleFactory(title="养老诈骗 通辽", section=other, byline="本报记者 张三", publish_at=today)
    ArticleFactory(title="平安校园", section=other, publish_at=today)
    editor = client_for(users["editor"])
    assert titles(editor.get(LIST, {"state": "returned"}).text) == ["退回的稿件"]
    html = editor.get(LIST, {"state": "returned"}).text
    assert '<span class="badge badge-returned">需修改</span>' in html
    in_other = titles(editor.get(LIST, {"section": other.pk}).text)
    assert set(in_other) == {"养老诈骗 通辽", "平安校园"}
    assert titles(editor.get(LIST, {"q": "养老 张三"}).text) == ["养老诈骗 通辽"]
    assert titles(editor.get(LIST, {"author": users["reporter"].pk}).text) == ["退回的稿件"]
    assert titles(editor.get(LIST, {"period": "none"}).text) == ["退回的稿件"]
    assert len(titles(editor.get(LIST, {"period": "today"}).text)) == 2
    # A value that is none of the choices is ignored, not an error page.
    assert len(titles(editor.get(LIST, {"state": "nonsense", "section": "x"}).text)) == 3
    assert editor.get(LIST, {"q": "诈骗\x00", "o": "updated"}).status_code == 200
    html = editor.get(LIST, {"section": other.pk}).text
    assert f'<option value="{other.pk}" selected>法治</option>' in html and "清除条件" in html


def test_a_reporter_lists_their_own_stories_only(users, section):
    ArticleFactory(title="编辑的稿件", section=section, author=users["editor"])
    ArticleFactory(title="记者的稿件", section=section, author=users["reporter"])
    assert client_for(users["editor"]).get(LIST).status_code == 200  # kept for the editor
    assert titles(client_for(users["reporter"]).get(LIST).text) == ["记者的稿件"]


def test_new_permissions_show_at_once(users, section):
    ArticleFactory(title="别人的稿件", section=section, author=users["editor"])
    reporter = users["reporter"]
    assert titles(client_for(reporter).get(LIST).text) == []
    reporter.groups.add(Group.objects.get(name=EDITOR))
    assert titles(client_for(reporter).get(LIST).text) == ["别人的稿件"]


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a worker reads it
def test_a_change_committed_by_another_worker_shows_on_the_next_page(users, section, settings):
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60  # the public pages' reading is trusted
    story = ArticleFactory(title="原来的标题", section=section)
    editor = client_for(users["editor"])
    assert titles(editor.get(LIST).text) == ["原来的标题"]
    # Another process's commit: the row and the generation change, and this process has
    # heard nothing (it read the generation a moment ago).
    Article.objects.filter(pk=story.pk).update(title="改过的标题")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_contentgeneration SET value = value + 1 WHERE id = 1")
    assert titles(editor.get(LIST).text) == ["改过的标题"]


def test_bulk_actions_only_for_those_who_may_take_them(users, section):
    story = ArticleFactory(title="待签发", section=section, author=users["reporter"],
                           state=State.DRAFT, publish_at=None)  # fmt: skip
    reporter = client_for(users["reporter"])
    html = reporter.get(LIST).text
    assert '<option value="bulk_submit">' in html and "bulk_publish" not in html
    response = reporter.post(
        LIST, {"action": "bulk_publish", "_selected_action": [story.pk], "index": 0}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == State.DRAFT
    chief = client_for(users["chief"])
    assert 'form="changelist-form"' in chief.get(LIST).text
    response = chief.post(LIST + "?state=draft", {"action": "bulk_submit", "index": 0})
    assert response.status_code == 302 and response["Location"].endswith("?state=draft")


def test_periods_have_both_ends(users, section):
    now = timezone.localtime()
    ArticleFactory(title="上个月", section=section, publish_at=now - datetime.timedelta(days=40))
    ArticleFactory(title="明年", section=section, publish_at=now + datetime.timedelta(days=400))
    ArticleFactory(title="下周", section=section, publish_at=now + datetime.timedelta(days=8))
    editor = client_for(users["editor"])
    for period in ("today", "week"):
        # Neither a story of last month nor one scheduled for next week is in these.
        assert not {"上个月", "下周", "明年"} & set(
            titles(editor.get(LIST, {"period": period}).text)
        )
    assert "明年" not in titles(editor.get(LIST, {"period": "year"}).text)
    assert "上个月" in titles(editor.get(LIST, {"period": "year"}).text) or now.month <= 2


def test_a_reporter_is_offered_only_what_applies_to_them(users, section):
    ArticleFactory(title="别人的稿", section=section, author=users["editor"])
    html = client_for(users["reporter"]).get(LIST).text
    assert "待我审核" not in html
    authors = re.search(r'<select name="author".*?</select>', html, re.S).group(0)
    # Only oneself: the others' names are not the reporter's to list.
    assert authors.count("<option") == 2 and str(users["editor"].pk) not in re.findall(
        r'value="(\d+)"', authors
    )
    assert "待我审核" in client_for(users["editor"]).get(LIST).text


def test_an_action_without_stories_or_without_an_action_says_so(users, section):
    story = ArticleFactory(section=section)
    editor = client_for(users["editor"])
    nothing_ticked = editor.post(LIST, {"action": "bulk_submit"}, follow=True).text
    assert "请先勾选要操作的稿件。" in nothing_ticked
    no_action = editor.post(LIST, {"_selected_action": [story.pk]}, follow=True).text
    assert "请先选择要执行的批量操作。" in no_action
    unknown = editor.post(
        LIST, {"action": "delete_everything", "_selected_action": [story.pk]}, follow=True
    )
    assert unknown.status_code == 200 and Article.objects.filter(pk=story.pk).exists()


def csrf_of(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_kept_page_is_each_requests_own(users, section):
    """The page is kept whole, frame and all, but each answer carries the request's own
    CSRF token (a bulk action posted with it is taken) and the account's own name."""
    story = ArticleFactory(section=section, state=State.DRAFT, author=users["editor"])
    clients = []
    for _ in range(2):  # two browsers of one editor: the second page is the kept one
        client = Client(enforce_csrf_checks=True)
        client.force_login(users["editor"])
        clients.append((client, client.get(LIST).text))
    (first, first_page), (second, kept_page) = clients
    assert "\x00" not in kept_page and csrf_of(first_page) != csrf_of(kept_page)
    assert titles(first_page) == titles(kept_page)
    answer = second.post(LIST, {"action": "bulk_submit", "_selected_action": [story.pk],
                                "csrfmiddlewaretoken": csrf_of(kept_page)})  # fmt: skip
    assert answer.status_code == 302
    story.refresh_from_db()
    assert story.state == State.REVIEW
    # After the action, its report; the same editor's other browser then the new list.
    assert "送审 1 篇" in second.get(LIST).text
    assert "送审 1 篇" not in first.get(LIST).text
    # Another editor, with the same permissions, is greeted by their own name.
    other = client_for(users["editor2"]).get(LIST).text
    assert "editor2" in other.split('id="user-tools"')[1].split("</div>")[0]


def test_a_bulk_action_takes_only_the_ticked_stories_even_when_asked_for_all(users, section):
    ticked, other = (ArticleFactory(section=section, state=State.DRAFT, author=users["editor"])
                     for _ in range(2))  # fmt: skip
    client_for(users["editor"]).post(
        LIST, {"action": "bulk_submit", "_selected_action": [ticked.pk], "select_across": "1"}
    )
    assert Article.objects.get(pk=ticked.pk).state == State.REVIEW
    assert Article.objects.get(pk=other.pk).state == State.DRAFT
