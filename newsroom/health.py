"""Liveness and readiness probes for load balancers and orchestrators.

Answered by a middleware placed first, before host validation and the HTTPS redirect: a
probe comes from inside the network, by IP address and over plain HTTP.
"""

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse


def healthz():
    """The process is up; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


def cache_status():
    """ "ok", or "degraded" while the shared page cache (Redis) cannot be reached: pages are
    then rendered without it, so the site stays ready."""
    from django.core.cache import caches

    from .cache import RedisCache, outage

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return "ok"
    cache.get("newsroom:readyz")  # a failure is recorded, never raised
    return "degraded" if outage.down_since is not None else "ok"


def readyz():
    """The database answers; 503 otherwise (and ready again when it is back). The page
    cache is reported but does not decide: without it the site is slower, not down."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        connection.close()  # the next probe starts from a fresh connection
        return JsonResponse(
            {"database": "unavailable", "error": type(exc).__name__, "cache": cache_status()},
            status=503,
        )
    return JsonResponse({"database": "ok", "cache": cache_status()})


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        response = probe()
        response["Cache-Control"] = "no-store"
        return response
