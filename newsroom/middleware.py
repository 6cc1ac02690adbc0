"""Input hygiene at the edge (no control character reaches a form, a search or a comment),
and the middleware only staff's requests go through."""

import functools

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from .text import CONTROL_CHARACTERS, strip_controls


def _cleaned(query):
    """A copy of the QueryDict ``query`` without control characters in its keys and
    values, or ``query`` itself when it has none (the usual case)."""
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = query.copy()
    cleaned.clear()
    for key, values in query.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(v) for v in values])
    cleaned._mutable = False
    return cleaned


class InputHygieneMiddleware:
    """Removes control characters (C0 but tab and newlines, DEL, C1, NUL) from every query
    parameter and form field before any view reads them: a NUL in a search or an admin
    autocomplete, or a vertical tab pasted from Word into a headline, is dropped at the
    door instead of failing a query or breaking the feeds. Uploaded files are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _cleaned(request.GET)
        if request.method == "POST":
            request.POST = _cleaned(request.POST)
        return self.get_response(request)


class StaffOnlyMiddleware:
    """The middleware only staff's requests need, run for the desk (/admin/) and for the
    photo files staff may fetch (/media/), and skipped for every other page: readers'
    pages are the same for everyone (the page cache stores them) and read no session, no
    account, no message and no history. Listed in NEWSROOM_STAFF_MIDDLEWARE, in the order
    Django's MIDDLEWARE would hold them; none of them may have a view hook (desk.E002; CSRF,
    which has one, stays in MIDDLEWARE, and its cookie-based token needs no session)."""

    def __init__(self, get_response):
        self.get_response = get_response
        staff = get_response
        for path in reversed(settings.NEWSROOM_STAFF_MIDDLEWARE):
            staff = import_string(path)(staff)
        self.staff = staff

    @staticmethod
    @functools.cache
    def prefixes():
        """The desk's address and the media view's (wherever MEDIA_URL points)."""
        return (reverse("admin:index"), reverse("media", args=["-"]).removesuffix("-"))

    def __call__(self, request):
        if request.path_info.startswith(self.prefixes()):
            return self.staff(request)
        return self.get_response(request)
