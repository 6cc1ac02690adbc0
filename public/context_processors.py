from django.conf import settings
from django.template.loader import get_template
from markupsafe import Markup

from articles.models import Section

from .cache import cached


def sections(request):
    """The sections, read once per request (the navigation and the home page share them)."""
    if not hasattr(request, "_newsroom_sections"):
        request._newsroom_sections = cached(request, "sections", _sections_with_urls)
    return request._newsroom_sections


def _sections_with_urls():
    # Shared by every request under the content key: read-only from here on. Their addresses
    # are worked out once (reversing a URL costs more than drawing its link).
    sections = list(Section.objects.all())
    for section in sections:
        section.url = section.get_absolute_url()
    return sections


def site_nav(request):
    """The site's navigation, rendered once per content key (and scheme and host): every
    public page draws it, and drawing it link by link was most of a page shell's cost."""

    def build():
        template = get_template("includes/nav.html", using="jinja2")
        # Without the request: it would run this context processor again.
        return Markup(template.render({"nav_sections": sections(request)}))

    return cached(request, "nav", build)


def page_shell(request):
    """For the public pages' Jinja2 templates: the site's name and its navigation."""
    return {"site_name": settings.NEWSROOM_SITE_NAME, "site_nav": site_nav(request)}


def site(request):
    return {"site_name": settings.NEWSROOM_SITE_NAME}
