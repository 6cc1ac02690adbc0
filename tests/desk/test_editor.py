"""The body editor's preview: the body on screen as readers will get it (sanitised, pasted
copy made into paragraphs), for the newsroom only, and never an error page for odd text."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.markup import MAX_BODY_CHARACTERS
from desk.editor import body_html
from tests.factories import ArticleFactory

from .helpers import csrf_client

pytestmark = pytest.mark.django_db

URL = reverse("admin:articles_article_preview_body")
ADD = reverse("admin:articles_article_add")

PASTED = (
    "　　6月16日早晨8时，二连浩特市铁路货运口岸，一列中欧班列鸣笛启程。\n"
    "　　“铁路执勤现场施行严格闭环的勤务模式。”副队长敖日格勒说。\n"
    "　　巡逻管控、车体检查……全站民警牢牢钉在口岸一线。"
)


def preview(client, body, **extra):
    """The preview of ``body``, posted with the add form's CSRF token as the editor does."""
    page = client.get(ADD)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(URL, {"body": body, "csrfmiddlewaretoken": token}, **extra)


def test_pasted_newspaper_copy_is_shown_as_paragraphs(users):
    response = preview(csrf_client(users["reporter"]), PASTED)
    assert response.status_code == 200
    html = response.json()["html"]
    assert html.count("<p>") == 3
    assert "<p>6月16日早晨8时" in html
    assert "　" not in html  # the full-width indents are the stylesheet's, not the text's


def test_preview_is_what_the_saved_story_prints(users):
    body = "### 逆行战疫情\n\n**奋斗**守国门，[详情](https://example.cn/a)。\n> 说不担心是假的"
    shown = preview(csrf_client(users["reporter"]), body).json()
    article = ArticleFactory(body=body)
    assert shown["html"] == article.body_html
    assert "<h3>逆行战疫情</h3>" in shown["html"]
    assert "<blockquote>" in shown["html"]
    assert shown["characters"] == 21


def test_scripts_handlers_and_javascript_links_are_removed(users):
    body = (
        "正文<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        '[点我](javascript:alert(3))\n\n<a href="javascript:alert(4)">再点</a>\n\n'
        '<p onclick=alert(5) style="color:red">段落</p>'
    )
    html = preview(csrf_client(users["editor"]), body).json()["html"]
    for forbidden in ["<script", "alert(1)", "onerror", "javascript:", "onclick", "style=",
                      "<img"]:  # fmt: skip
        assert forbidden not in html.lower(), forbidden
    assert "点我" in html and "段落" in html


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.post(URL, {"body": "正文"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert "html" not in response.content.decode()


def test_staff_without_article_permissions_are_refused(users):
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    client = csrf_client(clerk)
    client.get(reverse("admin:index"))  # its logout form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {"body": "正文"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 403
    assert "html" not in response.json()


def test_the_csrf_token_is_required(users):
    response = csrf_client(users["reporter"]).post(URL, {"body": "正文"})
    assert response.status_code == 403


def test_only_post(users):
    client = csrf_client(users["reporter"])
    assert client.get(URL).status_code == 405


def test_an_oversized_body_is_refused_in_chinese(users):
    client = csrf_client(users["reporter"])
    response = preview(client, "字" * (MAX_BODY_CHARACTERS + 1))
    assert response.status_code == 400
    assert "超过上限" in response.json()["error"]
    assert preview(client, "字" * MAX_BODY_CHARACTERS).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "民警\x00巡逻\x01\x0b\x1f\x7f\x9f",
        "\x00",
        "\ufeff\u200b\u2028\u2029",
        "＃＃＃ 全角\n\n１．列表\n\n> \n>",
        "- " * 3000 + "深",  # nested thousands deep: Markdown gives up
        "<" * 5000,
        "&#0;&#xD800;&#x110000;",
        "[" * 300 + "](" * 300,
    ],
)
def test_odd_text_never_fails(users, body):
    response = preview(csrf_client(users["reporter"]), body)
    assert response.status_code in (200, 400)
    data = response.json()
    assert "\x00" not in data.get("html", "")
    assert data.get("html") is not None or data["error"]


@pytest.mark.parametrize(
    "body",
    [
        "- " * 100 + "深",
        "\n".join("  " * i + "- 项" for i in range(60)),
        "[" * 600,
        "- - -\n" * 300,
        "-\x0b " * 1000 + "深",  # a control character between the marks: dropped, then nested
        "-\x0b - -\n" * 300,
    ],
)
def test_shapes_that_stall_the_renderer_are_refused_with_the_reason(users, body):
    """On these Python-Markdown takes quadratic time (minutes a worker at 100 KB) or gives
    up: the preview and the story's form refuse them, saying what to look at."""
    response = preview(csrf_client(users["reporter"]), body)
    assert response.status_code == 400 and "请检查正文格式" in response.json()["error"]


def test_lone_surrogates_and_broken_utf8_never_fail(users):
    client = csrf_client(users["reporter"])
    page = client.get(ADD)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    # Half of a surrogate pair encoded on its own (as some clipboards do), and bytes that
    # are no UTF-8 at all: the browser would never send them, a script might.
    raw = f"csrfmiddlewaretoken={token}&body=%ED%A0%80%E6%B0%91%FF%00%E8%AD%A6".encode()
    response = client.post(URL, raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    html = response.json()["html"]
    assert "民" in html and "\x00" not in html
    html.encode("utf-8")  # no surrogate left in it


def test_a_lone_surrogate_is_shown_as_the_replacement_character():
    html, body = body_html("民\ud800警\udfff")
    assert html == "<p>民\ufffd警\ufffd</p>" and body == "民\ufffd警\ufffd"


def test_the_form_tells_the_editor_where_to_preview(users):
    page = csrf_client(users["reporter"]).get(ADD)
    assert f'{{"previewUrl": "{URL}"}}' in page.text
    assert "admin/js/body_editor.js" in page.text
    assert "admin/css/body_editor.css" in page.text


def test_the_story_form_refuses_them_too():
    from django.core.exceptions import ValidationError

    from desk.admin import ArticleAdminForm

    form = ArticleAdminForm()
    for body in ("[" * 600, "-\x0b " * 1000 + "深"):
        form.cleaned_data = {"body": body}
        with pytest.raises(ValidationError, match="请检查正文格式"):
            form.clean_body()
    form.cleaned_data = {"body": "正文第一段。\n\n### 小标题\n\n- 一\n  - 二"}
    assert form.clean_body() == form.cleaned_data["body"]
