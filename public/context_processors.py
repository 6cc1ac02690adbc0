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


def _psb_record(number):
    """The record's digits (京公网安备11010502000001号 → 11010502000001): the public
    security register's search takes them."""
    return "".join(char for char in number if char.isascii() and char.isdigit())


def footer():
    """The registration numbers and reporting contact, those that are set."""
    return {
        "icp": settings.NEWSROOM_ICP_NUMBER,
        "psb": settings.NEWSROOM_PSB_NUMBER,
        "psb_record": _psb_record(settings.NEWSROOM_PSB_NUMBER),
        "report_phone": settings.NEWSROOM_REPORT_PHONE,
        "report_email": settings.NEWSROOM_REPORT_EMAIL,
    }


def page_shell(request):
    """For the public pages' Jinja2 templates: the site's name, its navigation and its
    footer."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_nav": site_nav(request),
        "footer": footer(),
    }


def site(request):
    return {"site_name": settings.NEWSROOM_SITE_NAME}
