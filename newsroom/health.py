"""Liveness and readiness probes for load balancers and orchestrators."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process is up; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """The database answers; 503 otherwise."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database error means "not ready"
        return JsonResponse({"database": "unavailable", "error": type(exc).__name__}, status=503)
    return JsonResponse({"database": "ok"})
