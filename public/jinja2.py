"""The Jinja2 environment of the readers' site (templates/jinja2/): every page and fragment
readers are shown. The desk (the admin), the e-mails, the error pages (rendered by
Django's own handlers) and the news sitemap's XML stay in Django's template language
(templates/): the engine follows the folder.

Readers' pages are rendered afresh whenever the content key moves on (a story published,
every second in a busy hour): Jinja2, which compiles templates to Python, renders them
several times faster than Django's template language.

The helpers the templates use are globals and filters here (public/markup.py).
"""

import functools

from django.template.defaultfilters import date as django_date
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.timezone import template_localtime
from jinja2 import Environment

from chinese.typography import truncate

from .markup import credit, json_ld, og_image, picture, subtitle


def url(name, *args, **kwargs):
    """{{ url("articles:feed") }}: reverse(), remembered (the URLconf does not change while
    the process runs, and reversing costs more than drawing the link)."""
    return _reverse(get_script_prefix(), name, args, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=1024)
def _reverse(prefix, name, args, kwargs):
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


@functools.lru_cache(maxsize=256)
def static_url(path):
    """{{ static("css/site.css") }}: the file's hashed URL, remembered (the manifest does not
    change while the process runs)."""
    return static(path)


def date(value, format_string):
    """{{ when|date("Y年n月j日") }}: Django's date filter, in the site's time zone as
    Django's templates show it."""
    return django_date(template_localtime(value), format_string)


def datetime_attribute(value):
    """{{ when|datetime_attribute }}: a <time datetime> value, 2026-12-03T21:30:00+0800."""
    return date(value, r"Y-m-d\TH:i:sO")


def environment(**options):
    env = Environment(**options)
    env.globals.update(
        static=static_url, url=url, picture=picture, og_image=og_image, json_ld=json_ld,
        truncate=truncate,
    )  # fmt: skip
    env.filters.update(
        date=date, datetime_attribute=datetime_attribute, subtitle=subtitle, credit=credit
    )
    return env
