"""RSS feeds: the whole site, each section, each agency (with the agencies below it)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from articles.models import Article, Section
from articles.selectors import public_agencies
from newsroom.text import strip_controls

from .cache import cached

FEED_SIZE = 30


class SiteFeed(Feed):
    """The newest stories. The document is kept under the content key (writing the XML
    costs ten times choosing the stories)."""

    feed_type = Rss201rev2Feed
    language = "zh-cn"

    def __call__(self, request, *args, **kwargs):
        try:
            self.get_object(request, *args, **kwargs)  # 404 for an unknown section or agency
        except ObjectDoesNotExist:
            raise Http404("Feed object does not exist.") from None

        def build():
            response = super(SiteFeed, self).__call__(request, *args, **kwargs)
            return response.content, response["Content-Type"], response.get("Last-Modified")

        content, content_type, last_modified = cached(request, f"feed:{request.path}", build)
        response = HttpResponse(content, content_type=content_type)
        if last_modified:
            response["Last-Modified"] = last_modified
        return response

    def title(self, obj=None):
        return settings.NEWSROOM_SITE_NAME

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return f"{settings.NEWSROOM_SITE_NAME}：最新报道"

    def stories(self, obj):
        return Article.objects.live()

    def items(self, obj=None):
        return (
            self.stories(obj)
            .select_related("section")
            .defer("body", "body_html")
            .order_by("-publish_at", "-pk")[:FEED_SIZE]
        )

    # Stored text is written without control characters; stripped here too, so that a feed
    # is valid XML whatever an older row holds.
    def item_title(self, item):
        return strip_controls(item.title)

    def item_description(self, item):
        return strip_controls(item.summary or item.subtitle)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return strip_controls(item.byline) or None

    def item_categories(self, item):
        return [item.section.name]


class SectionFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} - {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def stories(self, obj):
        return super().stories(obj).filter(section=obj)


class AgencyFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(public_agencies(), slug=slug)

    def title(self, obj=None):
        return f"{obj.name} - {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def stories(self, obj):
        return super().stories(obj).naming_agency_or_below(obj.path)
