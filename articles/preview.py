"""Previews: staff see any state with the public template; a signed, expiring link lets
someone without an account read a story before it is published.

A shared link names the article and the version it was made for. It stops working when it
expires (NEWSROOM_PREVIEW_HOURS), when the story changes (ask for a new link: the reader
never sees text nobody shared), and when the story is withdrawn.
"""

from django.conf import settings
from django.core import signing
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .fragments import render_story
from .models import Article, State

SALT = "articles.preview"


def share_url(article):
    token = signing.dumps({"a": article.pk, "v": article.version}, salt=SALT)
    return reverse("articles:preview", args=[token])


def article_for_token(token):
    """The article a shared link shows, or None when the link is bad, old or outdated."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.NEWSROOM_PREVIEW_HOURS * 3600)
    except signing.BadSignature:  # also SignatureExpired
        return None
    article = (
        Article.objects.select_related("section")
        .prefetch_related("photos", "corrections", "agencies", "officers__agency", "tags")
        .filter(pk=data.get("a"), version=data.get("v"))
        .exclude(state=State.WITHDRAWN)
        .first()
    )
    return article


def preview_response(request, article, *, banner):
    response = TemplateResponse(
        request,
        "articles/detail.html",
        {"story": render_story(request, article), "preview_banner": banner, "noindex": True},
    )
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
