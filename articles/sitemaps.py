"""/sitemap.xml: live stories, sections, agencies, officers and tags; and a Google News
sitemap of the last two days' stories."""

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.template.response import TemplateResponse
from django.utils import timezone

from agencies.models import Agency, Officer

from .models import Article, Section, Tag

NEWS_WINDOW = datetime.timedelta(days=2)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.live().only("pk", "slug", "updated_at").order_by("-pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate, instead of Django's default of reading every item.
        return Article.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class PlainSitemap(Sitemap):
    changefreq = "daily"

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("pk")


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": PlainSitemap(Section),
    "agencies": PlainSitemap(Agency),
    "officers": PlainSitemap(Officer),
    "tags": PlainSitemap(Tag),
}


def news_sitemap(request):
    since = timezone.now() - NEWS_WINDOW
    stories = (
        Article.objects.live()
        .filter(publish_at__gte=since)
        .only("pk", "slug", "title", "publish_at")
        .order_by("-publish_at")[:1000]
    )
    response = TemplateResponse(
        request,
        "articles/news_sitemap.xml",
        {"stories": stories, "site_name": settings.NEWSROOM_SITE_NAME},
        content_type="application/xml; charset=utf-8",
    )
    return response
