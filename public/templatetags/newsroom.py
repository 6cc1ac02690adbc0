import json

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from chinese import bylines, typography
from newsroom.text import strip_controls

register = template.Library()


@register.filter
def truncate_zh(text, length):
    """Text cut to ``length`` characters, ending in …… (Django's truncatechars ends in …)."""
    return typography.truncate(text, int(length))


@register.filter
def minutes(duration):
    """A timedelta in whole minutes (at least 1)."""
    return max(1, int(duration.total_seconds() // 60))


@register.filter
def xml_text(value):
    """Text that XML can hold: without control characters (escaped as usual after)."""
    return strip_controls(str(value))


_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    """JSON-LD NewsArticle for an article page, safe to put inside <script>."""
    request = context["request"]
    base = f"{request.scheme}://{request.get_host()}"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": base + article.get_absolute_url(),
        "inLanguage": "zh-CN",
        "articleSection": article.section.name,
        "publisher": {"@type": "Organization", "name": settings.NEWSROOM_SITE_NAME},
    }
    if article.summary:
        data["description"] = article.summary
    if article.byline:
        # People only: 本报记者 and 通讯员 are their roles, not authors.
        data["author"] = [
            {"@type": "Person", "name": person.name} for person in bylines.people(article.byline)
        ]
    images = [base + p.image.url for p in article.photos.all() if p.image]
    if images:
        data["image"] = images
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
    return mark_safe(text.translate(_ESCAPES))
