from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from articles import workflow
from articles.models import display_name as _display_name
from articles.roles import stage_name

register = template.Library()


@register.filter
def display_name(user):
    """A person as the newsroom writes them (李哲), for the desk's templates."""
    return _display_name(user)


@register.filter
def step_name(event):
    """A workflow step as the desk names it: 初审通过, 复审退回, 签发…"""
    return workflow.step_label(event)


@register.filter
def stage(number):
    """A review stage by its name: 初审, 复审, 终审."""
    return stage_name(number) if number else ""


@register.filter
def ago(moment, now=None):
    """When, as the desk says it: 刚刚, 5 分钟前, 3 小时前, 2 天前."""
    waited = age(moment, now)
    return f"{waited}前" if waited else "刚刚"


@register.filter
def age(moment, now=None):
    """How long since, in its largest unit: 3 小时, 2 天 ("" under a minute)."""
    if not moment:
        return ""
    now = now or timezone.now()
    if (now - moment).total_seconds() < 60:
        return ""
    return timesince(moment, now, depth=1)
