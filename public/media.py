"""Photo files and printed pages' PDFs, to those who may have them.

A picture's files (the original and its renditions) reach readers only while a live story
prints it, or while it is the scan of a page with a live story (数字报); a page's PDF only
while the page has a live story. Before that, and from the moment the story is withdrawn,
only the newsroom may fetch them, and anyone else gets the 404 of a file that never
existed. Readers' answers are public pages (the page cache keeps them under the content
key, so a withdrawal closes them at once) that browsers and proxies may keep for
NEWSROOM_MEDIA_PUBLIC_SECONDS.

Behind the deploy's web server (NEWSROOM_MEDIA_ACCEL_REDIRECT set), the answer is only the
decision: an ``X-Accel-Redirect`` to an internal location from which nginx sends the bytes,
so no Python worker spends its time on an image. Without one, the file is sent from here.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control

from articles.images import CONTENT_TYPES
from articles.models import Image, PrintPage
from articles.permissions import awaits_second_step
from articles.selectors import public_images, visible_images

from . import preview
from .cache import cached

# Where the files this view serves are stored: pictures, and printed pages' PDFs.
PHOTOS, PAGES = "photos/", "epaper/"


def _image_id(name):
    ids = Image.objects.filter(Q(file=name) | Q(renditions__file=name)).values_list("pk")
    row = ids.first()
    return None if row is None else row[0]


def _is_public(request, name):
    def build():
        if name.startswith(PAGES):
            public = PrintPage.objects.files_public().filter(pdf=name).exists()
            return "public" if public else "private"
        image_id = _image_id(name)
        public = image_id is not None and public_images().filter(pk=image_id).exists()
        # The full-size original is the newsroom's: readers get the renditions pages
        # print, and the original only for a picture that has none.
        if (
            public
            and Image.objects.filter(pk=image_id, file=name, renditions__isnull=False).exists()
        ):
            public = False
        return "public" if public else "private"

    return cached(request, f"media:{name}", build) == "public"


def _staff_may_fetch(request, name):
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if awaits_second_step(user):
        return False
    if name.startswith(PAGES):
        return (
            user.has_perm("articles.view_printpage") and PrintPage.objects.filter(pdf=name).exists()
        )
    image_id = _image_id(name)
    return image_id is not None and visible_images(user).filter(pk=image_id).exists()


def _previewed(request, name):
    """A preview's picture: the token its page gave names a story that prints it."""
    token = request.GET.get(preview.MEDIA_PARAMETER)
    article = preview.previewed_article(token) if token else None
    image_id = _image_id(name) if article else None
    return image_id is not None and article.photos.filter(image_id=image_id).exists()


def media(request, name):
    if not name.isprintable():  # NUL or another control character: no stored name has one
        raise Http404("没有这个文件。")
    name = posixpath.normpath(name).lstrip("/")
    if name.startswith("..") or not name.startswith((PHOTOS, PAGES)):
        raise Http404("没有这个文件。")
    public = _is_public(request, name)
    if not public and not _staff_may_fetch(request, name) and not _previewed(request, name):
        raise Http404("没有这个文件。")
    extension = name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0]
    prefix = settings.NEWSROOM_MEDIA_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{name}"
    else:
        try:
            response = FileResponse(default_storage.open(name), content_type=content_type)
        except FileNotFoundError:
            raise Http404("没有这个文件。") from None
    if public:
        patch_cache_control(response, public=True, max_age=settings.NEWSROOM_MEDIA_PUBLIC_SECONDS)
        # Kept by the page cache (headers only, behind nginx): an outage of the database
        # still serves it, and a withdrawal moves the key on.
        response.newsroom_public = True
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
