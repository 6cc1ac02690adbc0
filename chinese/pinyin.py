"""ASCII slugs from Chinese names."""

from django.utils.text import slugify


def pinyin_slug(text, max_length=80):
    """An ASCII slug for a Chinese (or mixed) text: 白彦花派出所 -> bai-yan-hua-pai-chu-suo.

    Each Chinese character becomes its toneless pinyin syllable; Latin letters and digits are
    kept. The result is cut at a word boundary so it never ends in a dash.
    """
    # Imported here: its dictionary costs some 50 MB, which web workers that only serve
    # readers (who never make a slug) need not carry.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    slug = slugify(" ".join(syllables))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def unique_slug(instance, text, *, field="slug", max_length=80):
    """A slug for ``instance`` built from ``text``, suffixed -2, -3... until unused."""
    base = pinyin_slug(text, max_length=max_length - 4) or instance._meta.model_name
    manager = type(instance)._default_manager
    others = manager.exclude(pk=instance.pk) if instance.pk else manager.all()
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
