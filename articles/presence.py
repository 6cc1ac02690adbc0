"""Who has a story open in the desk: a soft lock that warns but never blocks. The form's
script reports every NEWSROOM_EDIT_SESSION_SECONDS (and once as it opens); a report older
than that has lapsed. Reading a story never writes one."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import EditSession, display_name


def report_open(article, user):
    """``user`` has ``article`` open now; returns who else has."""
    expires = timezone.now() + datetime.timedelta(seconds=settings.NEWSROOM_EDIT_SESSION_SECONDS)
    EditSession.objects.update_or_create(
        article=article, user=user, defaults={"expires_at": expires}
    )
    return others_editing(article, user)


def others_editing(article, user):
    """The names of the others who have ``article`` open."""
    sessions = (
        EditSession.objects.filter(article=article, expires_at__gt=timezone.now())
        .exclude(user=user)
        .select_related("user")
    )
    return [display_name(session.user) for session in sessions]


def report_closed(article, user):
    """``user`` saved (or left) ``article``."""
    EditSession.objects.filter(article=article, user=user).delete()
