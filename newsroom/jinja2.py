"""The Jinja2 environment for the public pages' templates (templates/jinja2/).

Readers' pages are rendered on every request, around fragments kept in the cache: the
page shell is most of what is left of an uncached page's cost, and Jinja2, which compiles
templates to Python, renders it several times faster than Django's template language. So
do the fragments rendered most often (list items: forty on a front page built afresh), the
pager, related stories and the share block; a story's own head and body, the admin and the
e-mails stay in Django templates (templates/): the engine follows the folder.
"""

import functools

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from jinja2 import Environment


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


def environment(**options):
    env = Environment(**options)
    env.globals.update(static=static_url, url=url)
    return env
