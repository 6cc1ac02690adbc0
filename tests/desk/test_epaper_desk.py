"""The desk's printed pages (数字报): editors name a page and give it a scan or PDF, checked
by its content; reporters never see the pages; pages are the importer's to make. Debug off,
through the admin's own forms (CSRF on)."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Image, PrintPage, State

from ..articles import photo_files as files
from ..factories import ArticleFactory
from .helpers import csrf_client, submit

pytestmark = pytest.mark.django_db

FORM = "printpage_form"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False


@pytest.fixture
def page(db):
    page = PrintPage.objects.create(edition=datetime.date(2022, 6, 17), number=1)
    for position in (1, 2):
        ArticleFactory(
            print_page=page, edition=page.edition, page=1, source_position=position,
            title=f"第{position}篇",
        )  # fmt: skip
    ArticleFactory(
        print_page=page, edition=page.edition, page=1, source_position=3, title="草稿一篇",
        state=State.DRAFT, publish_at=None,
    )  # fmt: skip
    return page


def publish_the_draft(page):
    draft = page.articles.get(title="草稿一篇")
    draft.state, draft.publish_at = State.PUBLISHED, timezone.now() - datetime.timedelta(hours=1)
    draft.save()


def change_url(page):
    return reverse("admin:articles_printpage_change", args=[page.pk])


def upload(data, name="扫描件_张三.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type)


def test_an_editor_names_a_page_and_gives_it_a_scan(users, page):
    editor = csrf_client(users["editor"])
    listing = editor.get(reverse("admin:articles_printpage_changelist"))
    assert listing.status_code == 200
    assert "第1版" in listing.text and "版面" in listing.text
    form = editor.get(change_url(page)).text
    assert "上传版面图或 PDF" in form and "草稿一篇" in form and "第1篇" in form
    scan = files.jpeg_from_camera((1200, 1800))
    changes = {"name": "要闻", "upload": upload(scan, "头版.jpg", "image/jpeg")}
    response = submit(editor, change_url(page), changes, form_id=FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.name == "要闻"
    # Into the photo library, clean and under a random name, with its renditions.
    assert page.image.renditions.exists() and "头版" not in page.image.file.name
    assert page.image.alt_text == "2022年6月17日 第1版（要闻）版面图"
    assert page.image.uploaded_by == users["editor"]
    # Readers get the page's renditions once every story printed on it is live (a scan
    # shows them all): not while one is still a draft.
    rendition = page.image.renditions.first().file.url
    assert Client().get(rendition).status_code == 404
    publish_the_draft(page)
    assert Client().get(rendition).status_code == 200


def test_a_pdf_is_stored_under_a_random_name_and_replaced_or_removed_cleanly(
    users, page, django_capture_on_commit_callbacks
):
    editor = csrf_client(users["editor"])
    response = submit(editor, change_url(page), {"upload": upload(PDF)}, form_id=FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    first = page.pdf.name
    assert first.startswith("epaper/") and first.endswith(".pdf") and "张三" not in first
    assert page.pdf_size == len(PDF) and default_storage.exists(first)
    assert Client().get(page.pdf.url).status_code == 404  # a draft is printed on it
    publish_the_draft(page)
    fetched = Client().get(page.pdf.url)
    assert fetched.status_code == 200 and fetched["Content-Type"] == "application/pdf"
    # Replaced: the old file goes (once that commits).
    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, change_url(page), {"upload": upload(PDF + b"\n")}, form_id=FORM)
    page.refresh_from_db()
    assert page.pdf.name != first and not default_storage.exists(first)
    # Removed: the file goes too, and the box to remove it with it.
    second = page.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, change_url(page), {"remove_pdf": "on"}, form_id=FORM)
    page.refresh_from_db()
    assert not page.pdf and page.pdf_size == 0 and not default_storage.exists(second)
    assert "去掉 PDF" not in editor.get(change_url(page)).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
         "含有脚本"),
        (PDF.replace(b"/Catalog", b"/Catalog /Names << /J#61vaScript 2 0 R >>"), "含有脚本"),
        (PDF.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 3 0 R"), "已加密"),
        (PDF[:-8], "不完整"),
        (b"%PDF-1.7\n<html><script>alert(1)</script>\n%%EOF\n", "网页或脚本"),
        (b"<!doctype html><title>x</title>", "网页"),  # named .pdf, but a page
        (files.gif_html_polyglot(), "夹带网页或脚本"),
        (files.picture().tobytes()[:2000], "无法识别为图片"),
        (b"", "空文件"),
    ],
)  # fmt: skip
def test_an_upload_that_is_not_a_clean_pdf_or_picture_is_refused_saying_why(
    users, page, data, message
):
    editor = csrf_client(users["editor"])
    before = (Image.objects.count(), PrintPage.objects.get().pdf.name)
    response = submit(editor, change_url(page), {"upload": upload(data)}, form_id=FORM)
    assert response.status_code == 200
    assert message in response.text
    assert (Image.objects.count(), PrintPage.objects.get().pdf.name) == before


def test_a_pdf_larger_than_the_limit_is_refused(users, page, settings):
    settings.NEWSROOM_EPAPER_PDF_MAX_BYTES = 64
    editor = csrf_client(users["editor"])
    big = PDF.replace(b"endobj", b"endobj\n" + b"%" * 100)
    response = submit(editor, change_url(page), {"upload": upload(big)}, form_id=FORM)
    assert response.status_code == 200 and "PDF不能超过" in response.text
    assert not PrintPage.objects.get().pdf


def test_reporters_never_see_the_pages_and_nobody_adds_or_deletes_one(users, page):
    reporter = csrf_client(users["reporter"])
    assert reporter.get(reverse("admin:articles_printpage_changelist")).status_code == 403
    assert reporter.get(change_url(page)).status_code == 403
    for role in ("editor", "director", "chief"):
        assert users[role].has_perm("articles.change_printpage"), role
    assert not users["reporter"].has_perm("articles.view_printpage")
    chief = csrf_client(users["chief"])
    assert chief.get(reverse("admin:articles_printpage_add")).status_code == 403
    delete = reverse("admin:articles_printpage_delete", args=[page.pk])
    assert chief.get(delete).status_code == 403
    # The edition and the number are the importer's: shown, never posted.
    response = submit(chief, change_url(page), {"number": "7", "name": "法治"}, form_id=FORM)
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.number, page.name) == (1, "法治")


def test_a_pdf_is_the_newsrooms_until_its_page_goes_live(users, page):
    editor = csrf_client(users["editor"])
    submit(editor, change_url(page), {"upload": upload(PDF)}, form_id=FORM)
    page.refresh_from_db()
    page.articles.update(state=State.DRAFT)
    assert Client().get(page.pdf.url).status_code == 404
    fetched = editor.get(page.pdf.url)
    assert fetched.status_code == 200 and "no-store" in fetched["Cache-Control"]
    assert csrf_client(users["reporter"]).get(page.pdf.url).status_code == 404
