"""Who has a story open in the desk: a soft lock that warns but never blocks. The form's
script reports as it opens, every third of NEWSROOM_EDIT_SESSION_SECONDS while it stays
open, and as it closes; a report older than that has lapsed. Reading a story never writes
one, and only those who may change the story are named (a reader of it is no conflict)."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import EditSession, display_name
from .workflow import may_change


def report_open(article, user):
    """``user`` has ``article`` open now; returns who else has."""
    expires = timezone.now() + datetime.timedelta(seconds=settings.NEWSROOM_EDIT_SESSION_SECONDS)
    EditSession.objects.update_or_create(
        article=article, user=user, defaults={"expires_at": expires}
    )
    return others_editing(article, user)


def others_editing(article, user):
    """The names of the others who have ``article`` open and may change it."""
    sessions = (
        EditSession.objects.filter(article=article, expires_at__gt=timezone.now())
        .exclude(user=user)
        .select_related("user")
    )
    return [display_name(s.user) for s in sessions if may_change(article, s.user)]


def report_closed(article, user):
    """``user`` saved (or left) ``article``."""
    EditSession.objects.filter(article=article, user=user).delete()
