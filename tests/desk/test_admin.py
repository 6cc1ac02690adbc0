"""The admin: every model is there, in Chinese, and editors can create and edit stories."""

import pytest

from articles.models import Article, State

from ..factories import AgencyFactory, OfficerFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_client):
    return admin_client


@pytest.mark.parametrize(
    "model",
    ["articles/article", "articles/section", "articles/photo", "agencies/agency",
     "agencies/officer", "articles/tag"],
)  # fmt: skip
def test_every_model_has_a_changelist_and_an_add_form(editor, seed, model):
    assert editor.get(f"/admin/{model}/").status_code == 200
    assert editor.get(f"/admin/{model}/add/").status_code == 200


@pytest.mark.parametrize("model", ["articles/correction", "articles/workflowevent"])
def test_records_written_by_the_workflow_are_read_only(editor, seed, model):
    assert editor.get(f"/admin/{model}/").status_code == 200
    assert editor.get(f"/admin/{model}/add/").status_code == 403


def test_admin_speaks_chinese(editor, seed):
    html = editor.get("/admin/articles/article/").text
    assert "稿件" in html and "状态" in html and "栏目" in html


def test_article_changelist_filters_and_search(editor, seed):
    assert editor.get("/admin/articles/article/?state=published").status_code == 200
    response = editor.get("/admin/articles/article/?q=养老诈骗")
    assert "通辽市公安局打击养老诈骗违法犯罪成效显著" in response.text
    assert "尽锐出击" not in response.text


def test_editor_creates_a_story_with_a_photo_and_links(editor):
    section = SectionFactory(name="要闻")
    agency = AgencyFactory(name="白彦花派出所")
    officer = OfficerFactory(name="那顺吉日嘎拉", agency=agency)
    data = {
        "kicker": "",
        "title": "新的稿件",
        "subtitle": "",
        "byline": "张佳良",
        "section": section.pk,
        "summary": "导语",
        "body": "正文。",
        "agencies": [agency.pk],
        "officers": [officer.pk],
        "tags": "平安, 调解",
        "publish_at_0": "",
        "publish_at_1": "",
        "slug": "",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-caption": "存档照片",
        "photos-0-credit": "沈翠英",
        "photos-0-alt_text": "",
        "photos-0-position": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "state": State.PUBLISHED,  # not a form field: must be ignored
    }
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.text
    article = Article.objects.get(title="新的稿件")
    assert article.state == State.DRAFT
    assert article.slug == "xin-de-gao-jian"
    assert list(article.agencies.all()) == [agency]
    assert sorted(article.tags.names()) == ["平安", "调解"]
    assert article.photos.get().credit == "沈翠英"


def test_autocomplete_finds_agencies_and_officers(editor, seed):
    response = editor.get(
        "/admin/autocomplete/",
        {
            "term": "白彦花",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "agencies",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["白彦花派出所"]
    response = editor.get(
        "/admin/autocomplete/",
        {
            "term": "敖日",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "officers",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["执勤一队副队长敖日格勒"]


def test_changelist_filters_by_a_bureau_and_the_agencies_below(editor, seed):
    from agencies.models import Agency

    bureau = Agency.objects.get(name="巴彦淖尔市公安局")
    html = editor.get("/admin/articles/article/").text
    form = html.split('class="story-filters"')[1].split("</form>")[0]
    assert f'<option value="{bureau.pk}">巴彦淖尔市公安局</option>' in form
    assert "白彦花派出所" not in form  # departments and bureaus only
    response = editor.get(f"/admin/articles/article/?agency={bureau.pk}")
    assert response.context["list"].stories == [seed[4]]  # linked to a station three levels down
    assert 'class="action-select"' in response.text
    assert f'name="_selected_action" value="{seed[4].pk}"' in response.text


def test_changelist_filters_by_review_stage_and_publish_date(editor, seed):
    in_review = seed[2]
    Article.objects.filter(pk=in_review.pk).update(state=State.REVIEW, review_stage=2)
    response = editor.get("/admin/articles/article/?review_stage=2")
    assert response.context["list"].stories == [in_review]
    assert "复审" in response.text and "终审" in response.text
    assert not editor.get("/admin/articles/article/?review_stage=1").context["list"].stories
    response = editor.get("/admin/articles/article/?period=none")
    assert response.status_code == 200 and "发布时间" in response.text


def test_the_desk_speaks_chinese_where_django_does_not(admin_client):
    from articles.models import Section

    Section.objects.create(name="要闻", slug="yao-wen")
    html = admin_client.get("/admin/articles/article/add/").content.decode()
    assert "- Select an option -" not in html and "- 请选择 -" in html
    html = admin_client.get("/admin/articles/workflowevent/").content.decode()
    assert "Filter by" not in html


def test_a_refusal_is_a_chinese_page(client, django_user_model):
    from django.test import Client

    user = django_user_model.objects.create_user("plain", is_staff=True)
    client.force_login(user)
    response = client.get("/admin/articles/article/1/delete/")
    assert response.status_code in (403, 404)
    csrf = Client(enforce_csrf_checks=True)
    response = csrf.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "表单已过期" in response.content.decode()
