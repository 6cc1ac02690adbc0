"""Filters for the Django templates (the desk's lockout page, the news sitemap's XML);
readers' templates are Jinja2, with their helpers in public/markup.py."""

from django import template

from newsroom.text import strip_controls

register = template.Library()


@register.filter
def minutes(duration):
    """A timedelta in whole minutes (at least 1)."""
    return max(1, int(duration.total_seconds() // 60))


@register.filter
def xml_text(value):
    """Text that XML can hold: without control characters (escaped as usual after)."""
    return strip_controls(str(value))
