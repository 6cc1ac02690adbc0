from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Section


def site(request):
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Lazy: pages that do not draw the navigation do not query for it.
        "nav_sections": SimpleLazyObject(lambda: list(Section.objects.all())),
    }
