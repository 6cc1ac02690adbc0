"""/sitemap.xml: live stories, sections, agencies, officers, tags and the printed pages
(数字报) readers may see; and a Google News sitemap of the last two days' stories."""

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article, PrintPage, Section
from articles.selectors import public_agencies, public_officers, public_tags

from .cache import cached

NEWS_WINDOW = datetime.timedelta(days=2)


class KeyRangePaginator:
    """The article sitemap's pages by id range: page k lists the live stories whose id is in
    ((k - 1) × limit, k × limit]. The number of pages comes from the highest live id (one
    index lookup) and each page is an index range scan, where Django's paginator counts
    every live story and reads page k with an OFFSET: both grow with the archive. A page
    may list fewer than `limit` stories (ids of drafts and deleted stories leave gaps);
    pages past the end answer 404 like any sitemap page."""

    def __init__(self, queryset, per_page, top):
        self.queryset = queryset
        self.per_page = per_page
        self.num_pages = -(-top // per_page) if top else 1

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

    def __init__(self, request):
        self.request = request

    def items(self):
        return Article.objects.live().only("pk", "slug", "updated_at")

    @cached_property
    def summary(self):
        """The highest live id (the number of pages) and the latest change to a live story
        (lastmod)."""

        def build():
            live = Article.objects.live()
            top = live.order_by("-pk").values_list("pk", flat=True).first() or 0
            latest = live.order_by("-updated_at").values_list("updated_at", flat=True).first()
            return top, latest

        return cached(self.request, "sitemap-summary", build)

    @cached_property
    def paginator(self):
        return KeyRangePaginator(self.items(), self.limit, top=self.summary[0])

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.summary[1]


# What each directory sitemap lists: sections, and the names readers may see (an officer,
# tag or agency found in copy only once a live story names it).
DIRECTORY = {
    "sections": Section.objects.all,
    "agencies": public_agencies,
    "officers": public_officers,
    "tags": public_tags,
    "epaper": PrintPage.objects.live,
}


def directory_counts(request):
    """Rows of the sitemap's small tables, counted once per content key instead of four
    COUNT queries on every sitemap index."""
    return cached(
        request,
        "sitemap-counts",
        lambda: {name: rows().count() for name, rows in DIRECTORY.items()},
    )


class PlainSitemap(Sitemap):
    changefreq = "daily"

    def __init__(self, rows, count):
        self.rows = rows
        self.count = count

    def items(self):
        return self.rows().order_by("pk")

    @cached_property
    def paginator(self):
        paginator = Paginator(self.items(), self.limit)
        paginator.count = self.count
        return paginator


def sitemaps_for(request):
    counts = directory_counts(request)
    return {
        "articles": ArticleSitemap(request),
        **{name: PlainSitemap(rows, counts[name]) for name, rows in DIRECTORY.items()},
    }


def sitemap_index(request):
    """The index, kept under the content key."""
    sitemaps = sitemaps_for(request)

    def build():
        response = sitemap_views.index(
            request, sitemaps=sitemaps, sitemap_url_name="articles:sitemap-section"
        )
        response.render()
        return response.content, response["Content-Type"], response.get("Last-Modified")

    content, content_type, last_modified = cached(request, "sitemap-index", build)
    response = HttpResponse(content, content_type=content_type)
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if last_modified:
        response["Last-Modified"] = last_modified
    return response


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, sitemaps=sitemaps_for(request), section=section)


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
