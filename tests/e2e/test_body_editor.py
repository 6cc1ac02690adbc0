"""The body editor in Chromium: the toolbar works on the selection (and Ctrl+Z undoes it),
pasted newspaper copy comes in exactly as the server would store it, the preview shows
what readers will get (beside the text on a wide screen, under a tab on a phone), and a
save keeps the text."""

import random
import re
from pathlib import Path

import pytest
from django.conf import settings

from articles.markup import normalise_body
from articles.models import Article

from .helpers import login, start_story
from .test_accessibility import axe_source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(settings.BASE_DIR) / "fixtures" / "source" / "000_18634d81e59b4d2f.txt"
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}  # fmt: skip
WIDE = {"viewport": {"width": 1366, "height": 900}}

COPY = (
    "　　6月16日早晨8时，二连浩特市铁路货运口岸，一列中欧班列鸣笛启程驶出国门。\n"
    "　　“铁路执勤现场施行严格闭环的勤务模式。”副队长敖日格勒说。\n"
    "　　巡逻管控、车体检查……全站民警牢牢钉在口岸一线。"
)


def seed_paragraphs():
    """The seed page's body text: its lines after the headline and subtitle."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def samples():
    """Texts for the two normalisers: the seed page as printed and as pasted from a paper
    (indented, one line break a paragraph), Markdown of every kind, odd whitespace, and
    random mixtures of all of it."""
    seed = seed_paragraphs()
    fixed = [
        SEED.read_text(encoding="utf-8"),
        "\n".join("　　" + line for line in seed),
        "\n".join(seed),
        "\r\n".join("　　" + line for line in seed[:3]),
        COPY,
        "　　第一段，记者从盟公安局获悉。\n　　第二段写道：“天气很冷。”\n### 小标题\n　　第三段。",
        "前文。\n\n- 列表一\n- 列表二\n  续行\n\n> 引文一\n> 引文二\n\n| 甲 | 乙 |\n| --- | --- |",
        "段落\n- 列表\n    缩进续行\n  又一行\n1. 一\n2. 二\n---\n***\n",
        "段落 \n\t制表符开头\n 空格开头\n### 标题\n  缩进段落\n> 引用\n  引用续行",
        "｜全角竖线\n＃＃＃ 全角井号\n１. 全角数字\n𝟏. 数学数字",
        "\u00a0不换行空格\n\x1c分隔符\n\u2028行分隔符\n\ufeff字节序标记\n\u3000\u3000\n \n\t\n",
        "",
        "\n",
        "\n\n\n",
        "　",
        "#",
        "######x\n####### 七个井号\n#\t制表符",
        "* * *\n- - -\n___\n+ 加号\n* 星号\n-无空格",
    ]
    pieces = ["　　", "　", " ", "  ", "\t", "#", "### ", "> ", ">", "- ", "* ", "1. ", "12.",
              "|", "---", "***", "\n", "\n", "\n", "\n\n", "民警", "巡逻。", "a", "\u00a0",
              "\x1c", "\u2028", "\u0085", "１", "𝟎", "“", "”", "\r"]  # fmt: skip
    dice = random.Random(20260616)
    mixed = ["".join(dice.choice(pieces) for _ in range(dice.randint(1, 40)))
             for _ in range(300)]  # fmt: skip
    return fixed + mixed


def open_form(new_page, live_server, title="边境检查站的夜班", body=""):
    page = login(new_page, live_server, "jizhe")
    start_story(page, live_server, title, body)
    page.wait_for_selector(".body-editor")
    return page


def select(page, start, end=None):
    page.evaluate(
        "([s, e]) => { const a = document.getElementById('id_body'); a.focus();"
        " a.setSelectionRange(s, e); }",
        [start, start if end is None else end],
    )


def select_text(page, words):
    value = page.input_value("#id_body")
    start = value.index(words)
    select(page, start, start + len(words))


def body(page):
    return page.input_value("#id_body")


def paste(page, text):
    """Paste ``text`` from the clipboard with Ctrl+V, where the caret is."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.focus("#id_body")
    page.keyboard.press("Control+v")


def axe_violations(page):
    """WCAG 2.2 AA problems axe-core finds in the editor, as ``(rule, elements)``."""
    page.evaluate(axe_source())
    result = page.evaluate(
        """() => axe.run('.body-editor', {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    assert result["passes"], "axe did not run"
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_toolbar_buttons_wrap_the_selection(new_page, live_server, newsroom):
    page = open_form(new_page, live_server)
    toolbar = page.get_by_role("toolbar", name="正文格式")
    for label in ["小标题", "加粗", "链接", "引用"]:
        button = toolbar.get_by_role("button", name=re.compile(f"^{label}"))
        assert button.inner_text() == label
        assert button.get_attribute("type") == "button"
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.2 target size
    page.fill("#id_body", "第一段写道民警巡逻。\n\n第二段是引文。\n\n第三段。")

    select_text(page, "民警")
    toolbar.get_by_role("button", name=re.compile("^加粗")).click()
    assert body(page).startswith("第一段写道**民警**巡逻。")
    page.keyboard.press("Control+z")  # the browser's undo takes the marks away again
    assert body(page).startswith("第一段写道民警巡逻。")

    select_text(page, "巡逻")
    page.keyboard.press("Control+b")
    assert "**巡逻**" in body(page)
    page.keyboard.press("Control+b")  # pressed again: bold no more
    assert "**" not in body(page)

    select(page, 2)  # the caret in the first paragraph
    page.click("[data-tool=subhead]")
    assert body(page).startswith("### 第一段写道民警巡逻。\n\n")

    select_text(page, "第二段是引文。")
    page.click("[data-tool=quote]")
    assert "\n\n> 第二段是引文。\n\n" in body(page)

    answers = iter(["example.cn/jing", "javascript:alert(1)"])
    messages = []

    def answer(dialog):
        messages.append(dialog.message)
        if dialog.type == "prompt":
            dialog.accept(next(answers))
        else:
            dialog.accept()

    page.on("dialog", answer)
    select_text(page, "第三段")
    page.click("[data-tool=link]")
    assert body(page).endswith("[第三段](https://example.cn/jing)。")
    select_text(page, "引文")
    page.keyboard.press("Control+k")  # a javascript: address is refused, nothing changes
    assert "javascript" not in body(page)
    assert "只能链接到 http、https 或 mailto 地址。" in messages


def test_the_toolbar_is_one_tab_stop_with_arrow_keys(new_page, live_server, newsroom):
    page = open_form(new_page, live_server, body="民警巡逻。")
    page.focus("#id_summary")
    page.keyboard.press("Tab")
    focused = "document.activeElement.dataset.tool || document.activeElement.id"
    assert page.evaluate(focused) == "subhead"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) == "bold"
    page.keyboard.press("Tab")  # out of the toolbar, into the text
    assert page.evaluate(focused) == "id_body"
    page.keyboard.press("Shift+Tab")  # back to the button last used
    assert page.evaluate(focused) == "bold"


def test_pasted_newspaper_copy_is_normalised_as_the_server_does(new_page, live_server, newsroom):
    page = open_form(new_page, live_server)
    texts = samples()
    ported = page.evaluate("texts => texts.map(NewsroomBodyEditor.normalise)", texts)
    different = [(text, js) for text, js in zip(texts, ported, strict=True)
                 if js != normalise_body(text)]  # fmt: skip
    assert different == []

    # Pasted: the seed page's paragraphs as a newspaper's copy comes (indented, one line
    # break a paragraph), into the empty body and then after it.
    copy = "\n".join("　　" + line for line in seed_paragraphs())
    paste(page, copy)
    assert body(page) == normalise_body(copy)
    assert "　" not in body(page) and "\n\n" in body(page)
    page.keyboard.press("Control+z")  # a paste is undone as one step
    assert body(page) == ""
    page.fill("#id_body", "")
    paste(page, COPY)
    assert body(page) == normalise_body(COPY)
    # Text already in form is pasted as it is (the browser's own paste).
    assert page.evaluate("NewsroomBodyEditor.pastedCopy('一段。\\n\\n二段。')") is None


def test_the_preview_shows_the_rendered_paragraphs_beside_the_text(
    new_page, live_server, newsroom, browser
):
    context = browser.new_context(locale="zh-CN", bypass_csp=True, **WIDE)
    try:
        page = context.new_page()
        posts = []
        page.on("request", lambda r: "preview-body" in r.url and posts.append(r))
        login(lambda: page, live_server, "jizhe")
        start_story(page, live_server, "边境检查站的夜班", "")
        preview = page.locator(".body-editor-preview")
        assert preview.is_visible() and page.locator("#id_body").is_visible()
        assert page.locator(".body-editor-tabs").is_hidden()
        text_box, pane = page.locator("#id_body").bounding_box(), preview.bounding_box()
        assert pane["x"] >= text_box["x"] + text_box["width"]  # beside, not below

        dialogs = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
        paste(page, COPY + "<script>alert(1)</script><img src=x onerror=alert(2)>")
        paragraphs = preview.locator(".story-body > p")
        paragraphs.nth(2).wait_for()
        assert paragraphs.nth(0).inner_text().startswith("6月16日早晨8时")
        assert paragraphs.count() == 3
        assert preview.locator("script, img, [onerror]").count() == 0
        assert paragraphs.nth(2).inner_text() == "巡逻管控、车体检查……全站民警牢牢钉在口岸一线。"
        style = paragraphs.nth(0).evaluate(
            "p => { const s = getComputedStyle(p); return [s.fontSize, s.lineHeight,"
            " s.textIndent, s.textAlign]; }"
        )
        assert style == ["17px", "30.6px", "34px", "justify"]  # the public page's type
        assert axe_violations(page) == []

        # Typing: one request a moment after the typing stops, not one a key.
        page.wait_for_timeout(700)
        before = len(posts)
        select(page, len(body(page)))
        page.keyboard.type("\n\n### 逆行战疫情\n\n> 说不担心是[假的](example.cn)", delay=30)
        preview.locator(".story-body blockquote").wait_for()
        # A link tried out in the preview opens beside the unsaved form, never over it.
        link = preview.locator(".story-body blockquote a")
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel")
        assert len(posts) - before <= 2
        heading = preview.locator(".story-body h3")
        assert heading.inner_text() == "逆行战疫情"
        quote_size = preview.locator(".story-body blockquote p").evaluate(
            "p => getComputedStyle(p).fontSize"
        )
        assert quote_size == "17px"  # none of the admin's own rules leak in
        assert dialogs == []

        # The side pane can be put away, and the choice is kept.
        page.click(".body-editor-toggle")
        assert preview.is_hidden()
        assert page.get_attribute(".body-editor-toggle", "aria-pressed") == "false"
        page.reload()
        page.wait_for_selector(".body-editor")
        assert page.locator(".body-editor-preview").is_hidden()
        page.click(".body-editor-toggle")
        assert page.locator(".body-editor-preview").is_visible()
    finally:
        context.close()


def test_a_phone_has_edit_and_preview_tabs(new_page, live_server, newsroom, browser):
    context = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE)
    try:
        page = context.new_page()
        login(lambda: page, live_server, "jizhe")
        start_story(page, live_server, "边境检查站的夜班", "")
        paste(page, COPY)
        tabs = page.get_by_role("tablist")
        edit, preview = tabs.get_by_role("tab", name="编辑"), tabs.get_by_role("tab", name="预览")
        assert edit.get_attribute("aria-selected") == "true"
        assert page.locator(".body-editor-preview").is_hidden()
        assert page.locator(".body-editor-toggle").is_hidden()  # the tabs do its work here
        for tab in (edit, preview):
            assert tab.bounding_box()["height"] >= 44  # a finger's target

        preview.click()
        panel = page.get_by_role("tabpanel", name="预览")
        panel.locator(".story-body p").nth(2).wait_for()
        assert page.locator("#id_body").is_hidden()
        assert preview.get_attribute("aria-selected") == "true"
        assert panel.locator(".story-body p").count() == 3
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

        preview.focus()
        page.keyboard.press("ArrowLeft")  # the tabs follow the arrow keys
        assert edit.get_attribute("aria-selected") == "true"
        assert page.locator("#id_body").is_visible()

        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_save_after_editing_keeps_the_text(new_page, live_server, newsroom):
    page = open_form(new_page, live_server)
    paste(page, COPY)
    select_text(page, "中欧班列")
    page.click("[data-tool=bold]")
    select(page, 0)
    page.click("[data-tool=subhead]")
    edited = body(page)
    assert edited.startswith("### 6月16日") and "**中欧班列**" in edited
    page.click("input[name=_continue]")
    page.wait_for_selector("#workflow")
    assert page.locator(".errornote").count() == 0
    article = Article.objects.get(title="边境检查站的夜班")
    assert article.body == edited
    assert "<strong>中欧班列</strong>" in article.body_html
    assert body(page) == edited  # the form shows the text as saved
    assert page.locator(".body-editor-toolbar").count() == 1
