"""Error pages that need nothing: no database, no cache, no context processors.

A database that cannot be reached is an outage, not a bug: those requests answer 503 with
Retry-After (a Chinese page), any other uncaught error 500. Both are rendered from static
templates, and pass out through the security middleware like any page, so they carry the
same security headers as a 200.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# What a database that cannot be reached raises (InterfaceError is not a DatabaseError).
DatabaseErrors = (DatabaseError, InterfaceError)


def is_database_outage(exc):
    """Whether ``exc`` says the database cannot be reached (rather than a bad query)."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    )


def database_unavailable(request=None):
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: called while the exception is being handled, so it can tell an outage
    of the database from a bug."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        logger.warning("database unavailable: %s", exc)
        return database_unavailable(request)
    response = HttpResponse(loader.render_to_string("500.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response
