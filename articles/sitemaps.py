"""/sitemap.xml: live stories, sections, agencies, officers and tags; and a Google News
sitemap of the last two days' stories."""

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import caches
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property

from agencies.models import Agency, Officer

from .caching import generation
from .fragments import FRAGMENT_SECONDS
from .models import Article, Section, Tag

fragment_cache = caches["fragments"]

NEWS_WINDOW = datetime.timedelta(days=2)


class KeyRangePaginator:
    """The article sitemap's pages by id range: page k lists the live stories whose id is in
    ((k - 1) × limit, k × limit]. The number of pages comes from the highest live id (one
    index lookup) and each page is an index range scan, where Django's paginator counts
    every live story and reads page k with an OFFSET: both grow with the archive. A page
    may list fewer than `limit` stories (ids of drafts and deleted stories leave gaps);
    pages past the end answer 404 like any sitemap page."""

    def __init__(self, queryset, per_page):
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def num_pages(self):
        top = self.queryset.order_by("-pk").values_list("pk", flat=True).first()
        return -(-top // self.per_page) if top else 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(number) from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        first = (number - 1) * self.per_page
        stories = self.queryset.filter(pk__gt=first, pk__lte=first + self.per_page)
        return SimpleNamespace(object_list=stories.order_by("pk"), number=number)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.live().only("pk", "slug", "updated_at")

    @cached_property
    def paginator(self):
        return KeyRangePaginator(self.items(), self.limit)

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate, instead of Django's default of reading every item.
        return Article.objects.live().aggregate(latest=Max("updated_at"))["latest"]


DIRECTORY_MODELS = [Section, Agency, Officer, Tag]


def directory_counts():
    """Rows of the sitemap's small tables, counted once per content generation (they only
    change by a save), instead of four COUNT queries on every sitemap index."""
    key = f"newsroom:sitemap-counts:{generation()}"
    counts = fragment_cache.get(key)
    if counts is None:
        counts = {model._meta.label: model.objects.count() for model in DIRECTORY_MODELS}
        fragment_cache.set(key, counts, timeout=FRAGMENT_SECONDS)
    return counts


class PlainSitemap(Sitemap):
    changefreq = "daily"

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("pk")

    @property  # not cached: the instance lives as long as the process
    def paginator(self):
        paginator = Paginator(self.items(), self.limit)
        paginator.count = directory_counts()[self.model._meta.label]
        return paginator


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
