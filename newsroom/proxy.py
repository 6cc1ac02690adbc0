"""The client's address behind the load balancer.

gunicorn believes X-Forwarded-Proto only from FORWARDED_ALLOW_IPS; the same goes for
X-Forwarded-For here: a request from a trusted proxy is from the right-most address in
the header that is not itself a trusted proxy; any other request is from its peer,
whatever header it sends (a client cannot choose the address its failed logins count
against).
"""

from django.conf import settings


def _trusted(address):
    trusted = settings.FORWARDED_ALLOW_IPS
    return "*" in trusted or address in trusted


def client_ip(request):
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop):
            return hop
    return peer
