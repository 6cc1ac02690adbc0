"""A printed page's files (数字报): its scan, a picture in the photo library, and its PDF.

A scan is a picture like any other: articles.images takes it (JPEG, PNG or WebP, told by
its content; within the size and pixel limits; no markup in it), stores it clean under a
random name and makes its renditions. A PDF is told by its first bytes, must be whole
(it ends with %%EOF) and within NEWSROOM_EPAPER_PDF_MAX_BYTES, and is refused when it
names script, actions that launch or submit, embedded files, or encryption. That is a
check on what the desk uploads, not a sandbox: readers get the file as a PDF
(``nosniff``), and only while its page has a live story (public.media). It is stored
under a random name, never the uploader's.
"""

import contextlib
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from . import images
from .images import Refused, read_upload

PDF_MAGIC = re.compile(rb"%PDF-[12]\.\d")
# What a page of a newspaper never needs: script, actions that run or send something,
# files inside the file, and encryption (a reader could not open it).
PDF_REFUSED = re.compile(
    rb"/(JavaScript|JS|Launch|SubmitForm|ImportData|EmbeddedFiles?|RichMedia|XFA|Encrypt)(?![A-Za-z0-9])"
)
PDF_HEX_NAME = re.compile(rb"#([0-9A-Fa-f]{2})")
_MARKUP = (b"<html", b"<script", b"<svg", b"<!doctype")


def pdf_max_bytes():
    return settings.NEWSROOM_EPAPER_PDF_MAX_BYTES


def is_pdf(upload):
    """Does the file begin as a PDF does? (Its name is never asked.)"""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    return PDF_MAGIC.match(head.lstrip(b"\xef\xbb\xbf\r\n\t ")) is not None


def check_pdf(upload):
    """The bytes of the PDF ``upload``, checked; Refused (with the reason, in Chinese)
    otherwise."""
    data = read_upload(upload, pdf_max_bytes(), "PDF")
    if not PDF_MAGIC.match(data[:16]):
        raise Refused("不是 PDF 文件：PDF 文件以“%PDF-”开头。")
    if any(marker in data[:1024].lower() for marker in _MARKUP):
        raise Refused("文件中夹带网页或脚本代码，不能作为版面 PDF 上传。")
    if b"%%EOF" not in data[-2048:]:
        raise Refused("PDF 文件不完整（没有结尾），请重新导出后上传。")
    # Names may spell letters as #xx (/J#61vaScript): read them as the viewer would.
    names = PDF_HEX_NAME.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    if found := PDF_REFUSED.search(names):
        what = found.group(1).decode()
        if what == "Encrypt":
            raise Refused("PDF 已加密（设有密码或权限限制），读者无法打开；请导出未加密的 PDF。")
        raise Refused(
            f"PDF 中含有脚本、自动操作或附件（/{what}），不能上传；请从排版软件重新导出为普通 PDF。"
        )
    return data


def read_scan(upload, *, page, by=None):
    """What ``upload`` is for ``page``: ``("pdf", bytes)`` for a PDF, ``("image", Image)``
    for a picture, taken into the library by articles.images. Raises Refused."""
    if is_pdf(upload):
        return "pdf", check_pdf(upload)
    label = f"{page.label}版面图"
    return "image", images.accept(upload, by=by, caption=label, alt_text=label)


def print_page_update(*, page, scan=None, remove_image=False, remove_pdf=False):
    """Save ``page`` (its name as set on it) with a new scan or PDF (``scan``, from
    read_scan) or without its picture or PDF, in one transaction. A replaced or removed
    PDF's file goes once that commits; a new one goes again if it fails."""
    old_pdf = page.pdf.name or ""
    if remove_image:
        page.image = None
    if remove_pdf:
        page.pdf, page.pdf_size = "", 0
    new_pdf = ""
    if scan is not None:
        kind, value = scan
        if kind == "image":
            page.image = value
        else:
            page.pdf.save("page.pdf", ContentFile(value), save=False)
            page.pdf_size, new_pdf = len(value), page.pdf.name
    try:
        with transaction.atomic():
            page.full_clean()
            page.save()
            if old_pdf and old_pdf != (page.pdf.name or ""):
                transaction.on_commit(lambda: _delete(old_pdf))
    except BaseException:
        _delete(new_pdf)
        raise
    return page


def _delete(name):
    if name:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
