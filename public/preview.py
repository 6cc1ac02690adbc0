"""Previews: staff see any state with the public template; a signed, expiring link lets
someone without an account read a story before it is published.

A shared link names the article and the version it was made for. It follows the story
through review, showing its current text (and saying so when that changed since the link
was made), until the story is published (the link then leads to the public page),
withdrawn or discarded, or the link expires (NEWSROOM_PREVIEW_HOURS).
"""

import re

from django.conf import settings
from django.core import signing
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from articles.models import Article, State

from .fragments import render_story

SALT = "public.preview"
# A preview's photo files carry this token: whoever may read the preview may fetch them.
MEDIA_SALT = "public.preview-media"
MEDIA_PARAMETER = "preview"
_MEDIA_URL = re.compile(r"/media/photos/[^\"\s,?]+")


def with_media_token(story, article):
    """The rendered ``story`` with each of its photo files' addresses carrying a token for
    ``article``: a draft's pictures are private (public.media), and a preview shows them."""
    token = signing.dumps(article.pk, salt=MEDIA_SALT)
    story = dict(story)
    for part in ("head", "main"):
        story[part] = mark_safe(_MEDIA_URL.sub(
            lambda m: f"{m.group(0)}?{MEDIA_PARAMETER}={token}", story[part]
        ))  # fmt: skip
    return story


def previewed_article(token):
    """The article whose preview carried a photo file's ``token``, while a preview link
    still shows it (not withdrawn or discarded), else None."""
    try:
        pk = signing.loads(token, salt=MEDIA_SALT, max_age=settings.NEWSROOM_PREVIEW_HOURS * 3600)
    except signing.BadSignature:
        return None
    return Article.objects.filter(pk=pk).exclude(state=State.WITHDRAWN).first()


def share_url(article):
    token = signing.dumps({"a": article.pk, "v": article.version}, salt=SALT)
    return reverse("articles:preview", args=[token])


def article_for_token(token):
    """``(article, made_at_version, reason)`` for a shared link: the article while the
    link shows it, else None and why (in Chinese)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.NEWSROOM_PREVIEW_HOURS * 3600)
    except signing.SignatureExpired:
        return None, None, "此预览链接已过期。"
    except signing.BadSignature:
        return None, None, "此预览链接无效。"
    article = (
        Article.objects.select_related("section")
        .prefetch_related(
            "photos__image__renditions", "corrections", "agencies", "officers__agency", "tags"
        )
        .filter(pk=data.get("a"))
        .first()
    )
    if article is None or article.state == State.WITHDRAWN:
        return None, None, "稿件已撤下或已放弃。"
    if article.state in (State.PUBLISHED, State.MERGED):
        return article, data.get("v"), "稿件已经签发。"
    return article, data.get("v"), ""


def changed_since(article, version):
    """The names of the fields of ``article`` whose text changed since its ``version``."""
    from articles.diff import field_rows, record_at

    if version is None or version == article.version:
        return []
    record = record_at(article, version)
    return [label for label, _lines in field_rows(record, article)] if record else []


def preview_response(request, article, *, banner):
    response = TemplateResponse(
        request,
        "articles/detail.html",
        {
            "story": with_media_token(render_story(request, article), article),
            # Not yet public: no neighbours, related stories or sharing.
            "share": "",
            "pager": "",
            "related": "",
            "preview_banner": banner,
            "noindex": True,
        },
    )
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
