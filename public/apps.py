from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The readers' site: pages, directory, feeds, sitemaps, shared previews, page cache."""

    name = "public"
    verbose_name = "读者网站"
