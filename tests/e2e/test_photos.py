"""A picture from the reporter's camera to a reader's phone, in a real browser: uploaded in
the story's form, through the three reviews, and shown on a 375 px phone at the size it
needs, within the page's image budget."""

import io

import pytest

from articles.models import Article, Image

from ..articles import photo_files
from .helpers import act, login, start_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}  # fmt: skip


def test_a_reporters_picture_reaches_a_readers_phone(
    new_page, live_server, newsroom, tmp_path, browser
):
    camera = tmp_path / "DSC_0042_线人家门口.jpg"
    camera.write_bytes(photo_files.jpeg_from_camera((4000, 2667)))
    page = login(new_page, live_server, "jizhe")
    start_story(page, live_server, "边境检查站的夜班", "夜里十一点，检查站的灯还亮着。")
    page.click(".inline-group .add-row a")
    page.set_input_files("#id_photos-0-upload", str(camera))
    page.fill("#id_photos-0-caption", "图为民警在检查站查验过往车辆。")
    page.fill("#id_photos-0-credit", "沈翠英")
    page.fill("#id_photos-0-alt_text", "夜里，民警在检查站用手电查验一辆货车")
    page.click("input[name=_continue]")
    page.wait_for_selector("#workflow")
    assert page.locator(".errornote").count() == 0
    assert page.locator(".newsroom-thumb").count() == 1  # the form shows the picture
    image = Image.objects.get()
    assert "线人" not in image.file.name and image.camera == "Canon EOS R6"
    act(page, "submit", "请审阅")
    article = Article.objects.get(title="边境检查站的夜班")
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    for username in ["bianji", "zhuren", "zongbian"]:
        reviewer = login(new_page, live_server, username)
        reviewer.goto(change_url)
        act(reviewer, "publish" if username == "zongbian" else "approve")
    article.refresh_from_db()
    assert article.is_live

    context = browser.new_context(locale="zh-CN", **PHONE)
    try:
        phone = context.new_page()
        sizes = []
        phone.on("response", lambda r: r.request.resource_type == "image" and sizes.append(
            (r.url, int(r.headers.get("content-length") or len(r.body())))))  # fmt: skip
        assert phone.goto(f"{live_server.url}{article.get_absolute_url()}").status == 200
        picture = phone.locator("figure.photo img")
        picture.wait_for()
        phone.wait_for_load_state("networkidle")
        shown = picture.evaluate(
            "img => ({src: img.currentSrc, natural: img.naturalWidth, width: img.width,"
            " w: img.getAttribute('width'), h: img.getAttribute('height')})"
        )
        assert shown["natural"] > 0 and shown["w"] and shown["h"]  # drawn, no layout shift
        assert shown["src"].endswith((".avif", ".webp"))  # a modern format, not the JPEG
        assert shown["natural"] <= 800  # a phone's size, never the 4000 px original
        assert shown["width"] <= 375
        total = sum(size for _url, size in sizes)
        assert sizes and total < 200_000, sizes
        assert "沈翠英 摄" in phone.inner_text("figure.photo figcaption")
    finally:
        context.close()


def test_a_picture_chosen_from_the_library_shows_at_once(new_page, live_server, newsroom):
    from django.contrib.auth import get_user_model

    from articles import images

    editor = get_user_model().objects.get(username="bianji")
    image = images.accept(
        io.BytesIO(photo_files.jpeg_from_camera((1600, 1000))), by=editor,
        caption="图为满洲里公路口岸的货车通道。", credit="李明", alt_text="口岸的货车通道",
    )  # fmt: skip
    page = login(new_page, live_server, "bianji")
    start_story(page, live_server, "口岸夜色", "夜里的口岸。")
    page.click(".inline-group .add-row a")
    page.click("#photos-0 .select2-selection")
    # The dropdown's own search box (the multiple selects above have theirs inline).
    page.fill(".select2-container--open .select2-search--dropdown .select2-search__field", "满洲里")
    page.click(".select2-container--open .select2-results__option >> text=满洲里")
    page.wait_for_selector("#photos-0 .field-preview img.newsroom-thumb")
    assert page.input_value("#id_photos-0-credit") == "李明"
    assert page.input_value("#id_photos-0-alt_text") == "口岸的货车通道"
    assert "满洲里" in page.input_value("#id_photos-0-caption")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    errors = page.locator(".errorlist, .errornote")
    assert errors.count() == 0, errors.all_inner_texts()
    page.wait_for_selector("#workflow")
    page.wait_for_load_state("networkidle")  # the form's own reports done: nothing in flight
    assert Article.objects.get(title="口岸夜色").photos.get().image == image
