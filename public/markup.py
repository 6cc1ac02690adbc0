"""What readers' templates print beside the text (globals and filters of public/jinja2.py):
a picture's ``<picture>``, a story's OpenGraph card and JSON-LD, a 副题 and a photo credit
as papers print them."""

import json
import re

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import images
from chinese import bylines

# What each place on a page shows of a picture: the renditions offered and the width it is
# drawn at (the column is 40rem, less the page's padding on a phone).
PICTURE_PLACES = {
    "article": ({"w480", "w800", "w1200", "w1600"}, "(max-width: 42rem) calc(100vw - 2rem), 40rem"),
    "lead": ({"lead-640", "lead-960"}, "(max-width: 42rem) calc(100vw - 2rem), 40rem"),
    "thumb": ({"thumb"}, "7.5rem"),
}


def picture(image, place="article", alt="", eager=False):
    """A ``<picture>`` of ``image`` for ``place``: AVIF and WebP sources where made, a JPEG
    fallback, width and height always (no layout shift), lazy unless ``eager`` (the
    picture a reader sees first). The renditions must be prefetched."""
    if image is None:
        return ""
    specs, sizes = PICTURE_PLACES[place]
    found = images.sources(image, specs)
    loading = 'loading="eager"' if eager else 'loading="lazy"'
    if found is None:  # no renditions (yet): the stored file, at its own size
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" {} decoding="async">',
            image.file.url, alt, image.width, image.height, mark_safe(loading),
        )  # fmt: skip
    sources = format_html_join(
        "", '<source type="{}" srcset="{}" sizes="{}">',
        ((kind, srcset, sizes) for kind, srcset in found["sources"]),
    )  # fmt: skip
    return format_html(
        '<picture class="picture-{}">{}<img src="{}" srcset="{}" sizes="{}" alt="{}" '
        'width="{}" height="{}" {} decoding="async"></picture>',
        place, sources, found["src"], found["srcset"], sizes, alt, found["width"],
        found["height"], mark_safe(loading),
    )  # fmt: skip


def og_image(article):
    """The 1200×630 card of the story's first picture (renditions prefetched), or None."""
    for photo in article.photos.all():
        if photo.image is not None:
            for rendition in photo.image.renditions.all():
                if rendition.spec == "og" and rendition.format == "jpeg":
                    rendition.alt = photo.alt_text
                    return rendition
    return None


# What the desk types to begin a 副题 (——, —, --, a full-width hyphen…), however many.
_LEADING_DASHES = re.compile(r"^[\s—–―─⸺－-]+")


def subtitle(text):
    """A 副题 as papers print it, after a dash: ——二连出入境边防检查站…, never ————…
    when the desk typed a dash of its own."""
    text = _LEADING_DASHES.sub("", text or "").strip()
    return f"——{text}" if text else ""


def credit(text):
    """A photo credit as papers print it: 沈翠英 摄 (never 摄 摄, nor 示意图 摄)."""
    text = (text or "").strip()
    if not text or text.endswith(("摄", "摄影", "示意图")):
        return text
    return f"{text} 摄"


_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(article, base):
    """JSON-LD NewsArticle for an article page, safe to put inside <script>; ``base``: the
    site's ``scheme://host``."""
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
    # The pictures at their largest JPEG renditions (search engines ask for 1200 px wide).
    pictures = []
    for photo in article.photos.all():
        if photo.image is not None:
            jpegs = [r for r in photo.image.renditions.all() if r.format == "jpeg"]
            if jpegs:
                pictures.append(base + max(jpegs, key=lambda r: r.width).file.url)
    if pictures:
        data["image"] = pictures
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
    return mark_safe(text.translate(_ESCAPES))
