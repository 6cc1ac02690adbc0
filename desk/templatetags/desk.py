from django import template

from articles.models import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user):
    """A person as the newsroom writes them (李哲), for the desk's templates."""
    return _display_name(user)
