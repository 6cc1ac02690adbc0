"""The client's address behind the load balancer.

gunicorn believes X-Forwarded-Proto only from FORWARDED_ALLOW_IPS; the same goes for
X-Forwarded-For here: a request from a trusted proxy is from the right-most address in
the header that is not itself a trusted proxy; any other request is from its peer,
whatever header it sends (a client cannot choose the address its failed logins count
against). Entries may be addresses or networks (10.0.0.0/8), as gunicorn accepts them.
"""

import functools
import ipaddress

from django.conf import settings


@functools.cache
def _networks(trusted):
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # a host name or a typo: trusts nothing
    return networks


def _trusted(address):
    trusted = tuple(settings.FORWARDED_ALLOW_IPS)
    if "*" in trusted:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(trusted))


def client_ip(request):
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop):
            return hop
    return peer
