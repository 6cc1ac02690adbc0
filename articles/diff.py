"""What changed between two versions of a story: saved versions (history records), a live
story and its pending revision, the text a reviewer approved and the text now."""

import difflib

from .models import Article

# Compared field by field, in this order; the body line by line.
DIFF_FIELDS = [
    "kicker", "title", "subtitle", "summary", "body", "byline", "section_id", "featured",
]  # fmt: skip
WORKFLOW_FIELDS = ["state", "review_stage", "publish_at", "slug"]
LINKS = ["agencies", "officers", "tags"]


def _label(field):
    return str(Article._meta.get_field(field.removesuffix("_id")).verbose_name)


def _shown(old, field, value):
    if field == "section_id":
        from .models import Section

        section = Section.objects.filter(pk=value).first()
        return section.name if section else "—"
    if field == "featured":
        return "是" if value else "否"
    if value in (None, ""):
        return "（空）"
    return str(value)


def field_rows(old, new, fields=DIFF_FIELDS):
    """``[(label, lines)]`` for each of ``fields`` that differs between ``old`` and ``new``
    (articles or history records): the body as a line diff, others as a pair of lines."""
    rows = []
    for field in fields:
        before, after = getattr(old, field), getattr(new, field)
        if before == after:
            continue
        if field == "body":
            lines = difflib.ndiff(str(before).splitlines(), str(after).splitlines())
            diff = [line for line in lines if not line.startswith("?")]
        else:
            diff = [f"- {_shown(old, field, before)}", f"+ {_shown(new, field, after)}"]
        rows.append((_label(field), diff))
    return rows


def _photos(article):
    return [
        (p.image.name, p.caption, p.credit, p.alt_text)
        for p in article.photos.order_by("position", "pk")
    ]


def article_rows(old, new):
    """Rows for two stories (a live one and its revision): their text, their links to
    agencies, officers and tags, and their photos."""
    rows = field_rows(old, new, [*DIFF_FIELDS, "slug"])
    for name in LINKS:
        before = sorted(str(o) for o in getattr(old, name).all())
        after = sorted(str(o) for o in getattr(new, name).all())
        if before != after:
            rows.append((_label(name), [f"- {'、'.join(before) or '（无）'}",
                                        f"+ {'、'.join(after) or '（无）'}"]))  # fmt: skip
    before, after = _photos(old), _photos(new)
    if before != after:
        lines = [f"- {caption or name or '（无说明）'}" for name, caption, _c, _a in before]
        lines += [f"+ {caption or name or '（无说明）'}" for name, caption, _c, _a in after]
        rows.append(("图片", lines))
    return rows


def record_at(article, version):
    """The saved version ``version`` of ``article`` (a history record), or None."""
    if version is None:
        return None
    return article.history.filter(version=version).select_related("history_user").first()
