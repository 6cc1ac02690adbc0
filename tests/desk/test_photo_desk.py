"""The photo desk, as its people use it: a reporter adds a picture to a story, a form error
never loses it, the library is searched and a picture reused, and what is refused says why.
Debug off, through the admin's own forms (CSRF on)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import images, workflow
from articles.models import Article, Image, Photo, State

from ..articles import photo_files as files
from ..factories import ArticleFactory
from .helpers import csrf_client, form_fields, submit
from .test_desk_integrity import change_url


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False


pytestmark = pytest.mark.django_db


def upload(data=None, name="线人张三_家门口.jpg"):
    return SimpleUploadedFile(name, data or files.jpeg_from_camera(), "image/jpeg")


def add_photo(client, article, **fields):
    """Submit the story's form with one more photo (the inline's next form)."""
    page = client.get(change_url(article)).text
    total = int(form_fields(page)["photos-TOTAL_FORMS"][0])
    changes = {"photos-TOTAL_FORMS": str(total + 1)}
    changes |= {f"photos-{total}-{name}": value for name, value in fields.items()}
    return submit(client, change_url(article), changes), total


def test_a_reporter_adds_a_picture_to_a_draft_and_readers_get_it_once_published(users):
    story = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    reporter = csrf_client(users["reporter"])
    response, _n = add_photo(
        reporter, story, upload=upload(), caption="图为民警在检查站查验车辆。",
        credit="沈翠英", alt_text="民警在检查站查验一辆货车", position="0",
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = story.photos.get()
    image = photo.image
    assert image.uploaded_by == users["reporter"] and image.renditions.count() > 5
    assert "张三" not in image.file.name
    # The form shows it as a thumbnail now, with no file path.
    page = reporter.get(change_url(story)).text
    assert 'class="newsroom-thumb"' in page
    # Not public yet: the reporter may fetch the file, a reader may not.
    assert reporter.get(image.file.url).status_code == 200
    assert Client().get(image.file.url).status_code == 404
    for stage, who in enumerate(["editor", "director", "chief"], start=1):
        if stage == 1:
            workflow.article_submit(article=story, by=users["reporter"])
        workflow.article_approve(article=story, by=users[who])
    story.refresh_from_db()
    assert story.is_live
    reader = Client()
    html = reader.get(story.get_absolute_url()).text
    assert "<picture" in html and 'srcset="' in html and 'width="' in html
    assert "沈翠英 摄" in html and "图为民警在检查站查验车辆。" in html
    assert reader.get(image.file.url).status_code == 404  # the original is the newsroom's
    url = image.renditions.get(spec="w800", format="webp").file.url
    fetched = reader.get(url)
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/webp"
    assert "public" in fetched["Cache-Control"] and "max-age=60" in fetched["Cache-Control"]


def test_an_error_elsewhere_on_the_form_keeps_the_uploaded_picture(users):
    story = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    reporter = csrf_client(users["reporter"])
    page = reporter.get(change_url(story)).text
    total = int(form_fields(page)["photos-TOTAL_FORMS"][0])
    response = submit(reporter, change_url(story), {
        "title": "",  # required: the form comes back
        "photos-TOTAL_FORMS": str(total + 1),
        f"photos-{total}-upload": upload(),
        f"photos-{total}-caption": "图为巡逻民警。",
        f"photos-{total}-alt_text": "两名民警在街头巡逻",
        f"photos-{total}-position": "0",
    })  # fmt: skip
    assert response.status_code == 200  # the form again, with its error
    assert not story.photos.exists()
    image = Image.objects.get()
    fields = form_fields(response.content.decode())
    assert fields[f"photos-{total}-image"] == [str(image.pk)]
    # Mending the title and saving again uses the same picture: nothing is uploaded twice.
    data = {name: values for name, values in fields.items()}
    data["title"] = ["巡逻民警守护夜归人"]
    data["csrfmiddlewaretoken"] = [reporter.cookies["csrftoken"].value]
    response = reporter.post(change_url(story), data)
    assert response.status_code == 302
    assert story.photos.get().image == image and Image.objects.count() == 1


def test_a_refused_file_says_why_and_nothing_is_kept(users):
    story = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    reporter = csrf_client(users["reporter"])
    response, _n = add_photo(
        reporter, story, upload=SimpleUploadedFile("x.jpg", files.png_bomb()),
        caption="说明", alt_text="描述", position="0",
    )  # fmt: skip
    assert response.status_code == 200
    assert "尺寸过大" in response.content.decode()
    assert not Image.objects.exists() and not story.photos.exists()


def test_alt_text_is_required_with_a_picture(users):
    story = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    reporter = csrf_client(users["reporter"])
    response, _n = add_photo(reporter, story, upload=upload(), caption="说明", position="0")
    assert response.status_code == 200
    assert "替代文字" in response.content.decode()
    assert not story.photos.exists()


def test_the_library_is_searched_and_a_picture_reused_in_another_story(users):
    first = ArticleFactory(author=users["editor"], state=State.DRAFT, publish_at=None)
    image = images.accept(upload(), by=users["editor"], caption="图为满洲里公路口岸",
                          credit="李明", alt_text="口岸的货车通道")  # fmt: skip
    Photo.objects.create(article=first, image=image, caption="图为口岸", alt_text="口岸")
    editor = csrf_client(users["editor"])
    listing = editor.get("/admin/articles/image/?q=满洲里").content.decode()
    assert "newsroom-thumb" in listing and "满洲里" in listing
    assert "0 个图库图片" not in listing
    by_credit = editor.get("/admin/articles/image/?q=李明").content.decode()
    assert f"/admin/articles/image/{image.pk}/change/" in by_credit
    # Chosen from the library in a second story: one picture, two uses, the library's
    # caption and credit filled in where the desk left them empty.
    second = ArticleFactory(author=users["editor"], state=State.DRAFT, publish_at=None)
    response, _n = add_photo(editor, second, image=str(image.pk), position="0")
    assert response.status_code == 302
    used = second.photos.get()
    assert used.image == image and used.credit == "李明" and used.alt_text == "口岸的货车通道"
    assert Image.objects.count() == 1 and image.uses.count() == 2
    page = editor.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert first.title in page and second.title in page


def test_a_reporter_cannot_choose_a_picture_they_may_not_see(users):
    hidden = images.accept(upload(), by=users["editor"], alt_text="未发稿件的图片")
    draft = ArticleFactory(author=users["editor"], state=State.DRAFT, publish_at=None)
    Photo.objects.create(article=draft, image=hidden, alt_text="x")
    story = ArticleFactory(author=users["reporter"], state=State.DRAFT, publish_at=None)
    reporter = csrf_client(users["reporter"])
    assert reporter.get(f"/admin/articles/image/{hidden.pk}/change/").status_code in (302, 404)
    assert reporter.get(hidden.file.url).status_code == 404
    response, _n = add_photo(reporter, story, image=str(hidden.pk), alt_text="x", position="0")
    assert response.status_code == 200 and not story.photos.exists()


def test_moving_the_focal_point_of_a_live_picture_is_for_those_who_publish(users):
    live = ArticleFactory(author=users["editor"])
    image = images.accept(upload(), by=users["editor"], alt_text="检查站")
    Photo.objects.create(article=live, image=image, alt_text="检查站")
    editor = csrf_client(users["editor"])
    url = f"/admin/articles/image/{image.pk}/change/"
    response = submit(editor, url, {"focal_x": "0.1", "caption": "新说明"}, form_id="image_form")
    assert response.status_code == 200  # the form again, saying why, with the edits kept
    page = response.content.decode()
    assert "这张图片已见报" in page and "新说明" in page
    image.refresh_from_db()
    assert image.focal_x == 0.5
    chief = csrf_client(users["chief"])
    before = set(image.renditions.values_list("file", flat=True))
    response = submit(chief, url, {"focal_x": "0.1"}, form_id="image_form")
    assert response.status_code == 302
    assert not before & set(image.renditions.values_list("file", flat=True))


def test_the_library_page_answers_with_a_constant_number_of_queries(
    users, django_assert_max_num_queries
):
    for n in range(12):
        image = images.accept(upload(files.webp((320 + n, 240))), by=users["editor"], alt_text="x")
        Photo.objects.create(article=ArticleFactory(), image=image, alt_text="x")
    editor = Client()
    editor.force_login(users["editor"])
    with django_assert_max_num_queries(14):
        assert editor.get("/admin/articles/image/").status_code == 200
    assert Article.objects.count() == 12


def test_a_new_picture_for_a_live_story_waits_in_its_revision_and_stays_private(users):
    live = ArticleFactory(author=users["editor"])
    editor = csrf_client(users["editor"])
    response, _n = add_photo(
        editor, live, upload=upload(), caption="图为新换的照片。", alt_text="检查站的新照片",
        position="0",
    )  # fmt: skip
    assert response.status_code == 302
    assert not live.photos.exists()  # readers' story unchanged
    revision = live.open_revision()
    image = revision.photos.get().image
    card = image.renditions.get(spec="og", format="jpeg").file
    assert Client().get(card.url).status_code == 404
    assert "图为新换的照片" not in Client().get(live.get_absolute_url()).text
    workflow.article_submit(article=revision, by=users["editor"])
    workflow.article_approve(article=revision, by=users["chief"])
    assert live.photos.get().image == image
    assert Client().get(card.url).status_code == 200
    assert "图为新换的照片" in Client().get(live.get_absolute_url()).text
