"""Reading a story on a phone, in a real browser: the font size a reader picks is kept on
the device and applied before the page is drawn, nothing scrolls sideways, 复制链接 copies
the story's address, and a printed page is the story alone."""

import io

import pytest
from django.utils import timezone

from articles import images

from ..articles import photo_files
from ..factories import AgencyFactory, ArticleFactory, PhotoFactory, SectionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}

BODY = "\n\n".join(
    [
        "6月16日早晨8时，随着一列中欧班列鸣笛启程驶出国门，执勤一队民警结束了12个小时的夜班勤务。",
        "### 闭环执勤第23天",
        "详见[国家移民管理局网站](https://www.nia.gov.cn/)的通报。" * 3,
        "铁路执勤现场施行严格闭环的勤务模式，即使是连续作战，也要保证口岸通关高效顺畅。" * 4,
    ]
)

# The sum of the page's layout shifts so far (none, when the size is set before drawing).
LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) total += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => resolve(total), 300);
})"""


def a_story():
    """A story with everything its page can carry: a picture, neighbours in its section and
    related stories with thumbnails, a long title."""
    section, agency = SectionFactory(name="要闻", slug="yao-wen"), AgencyFactory()
    picture = images.accept(io.BytesIO(photo_files.webp((1200, 800))), alt_text="口岸")
    hours = timezone.timedelta(hours=1)
    stories = []
    for n in range(4):
        story = ArticleFactory(
            title=f"二连出入境边防检查站全力以赴确保口岸通关顺畅之{n + 1}：用忠诚守护群众安全",
            subtitle="——记执勤一队民警的闭环执勤",
            body=BODY,
            section=section,
            publish_at=timezone.now() - (4 - n) * hours,
        )
        story.agencies.add(agency)
        PhotoFactory(article=story, image=picture, alt_text="民警在口岸查验中欧班列")
        stories.append(story)
    return stories[1]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    yield context.new_page()
    context.close()


def body_font_size(page):
    return page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.story-body p')).fontSize)"
    )


def test_the_font_size_changes_and_is_remembered_after_reload(phone, live_server):
    url = live_server.url + a_story().get_absolute_url()
    phone.goto(url)
    control = phone.locator(".font-size")
    assert control.is_visible()
    assert phone.evaluate(LAYOUT_SHIFT) == 0  # the control is there from the first paint
    medium = body_font_size(phone)
    assert phone.get_attribute(".font-size [data-font-size=medium]", "aria-pressed") == "true"
    phone.click(".font-size [data-font-size=large]")
    large = body_font_size(phone)
    assert large > medium
    assert phone.get_attribute(".font-size [data-font-size=large]", "aria-pressed") == "true"
    assert phone.get_attribute(".font-size [data-font-size=medium]", "aria-pressed") == "false"

    phone.reload()
    # Set on <html> by the head's script before the body was drawn: nothing moved.
    assert phone.evaluate(LAYOUT_SHIFT) == 0
    assert body_font_size(phone) == large
    assert phone.get_attribute(".font-size [data-font-size=large]", "aria-pressed") == "true"

    phone.click(".font-size [data-font-size=small]")
    assert body_font_size(phone) < medium
    phone.goto(url)  # another visit on the same device
    assert body_font_size(phone) < medium
    phone.click(".font-size [data-font-size=medium]")
    phone.reload()
    assert body_font_size(phone) == medium


def test_nothing_scrolls_sideways_on_a_375_px_phone(phone, live_server):
    phone.goto(live_server.url + a_story().get_absolute_url())
    phone.click(".wechat summary")  # the QR code open, too
    assert phone.locator(".qr-code").is_visible()
    box = phone.locator(".qr-code").bounding_box()
    assert box["width"] >= 150  # large enough to scan from another screen
    assert phone.locator(".pager a").count() == 2
    assert phone.locator(".related picture").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.click(".font-size [data-font-size=large]")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_copy_link_copies_the_storys_address(phone, live_server):
    story = a_story()
    url = live_server.url + story.get_absolute_url()
    phone.goto(url)
    phone.click("text=复制链接")
    status = phone.locator(".copy-status")
    status.wait_for()
    assert status.inner_text() == "已复制链接"
    assert phone.url == url  # copied, not followed
    assert phone.evaluate("navigator.clipboard.readText()") == url


def test_without_script_the_page_reads_the_same_and_copy_link_is_a_link(browser, live_server):
    story = a_story()
    url = live_server.url + story.get_absolute_url()
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        page.goto(url)
        assert not page.locator(".font-size").is_visible()  # nothing that would not work
        assert page.get_attribute(".copy-link", "href") == url
        page.click(".wechat summary")
        assert page.locator(".qr-code").is_visible()
    finally:
        context.close()


def test_a_printed_story_is_the_story_alone(phone, live_server):
    phone.goto(live_server.url + a_story().get_absolute_url())
    phone.emulate_media(media="print")
    for furniture in [".site-header nav", ".search-form", ".font-size", ".share", ".pager",
                      ".related", ".site-footer"]:  # fmt: skip
        assert not phone.locator(furniture).first.is_visible(), furniture
    assert phone.locator("h1").is_visible() and phone.locator(".story-body").is_visible()
    colour = phone.evaluate("getComputedStyle(document.querySelector('.story-body p')).color")
    assert colour == "rgb(0, 0, 0)"
    after = phone.evaluate(
        "getComputedStyle(document.querySelector('.story-body a'), '::after').content"
    )
    assert "https://www.nia.gov.cn/" in after


def test_the_storys_page_with_all_it_carries_meets_wcag_22_aa(browser, live_server):
    from .test_accessibility import axe_source

    # bypass_csp: our CSP rightly refuses the injected checker script.
    context = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + a_story().get_absolute_url())
        page.click(".wechat summary")
        page.click(".font-size [data-font-size=large]")
        page.evaluate(axe_source())
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        assert result["passes"], "axe did not run"
        assert [
            (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
        ] == []
    finally:
        context.close()
