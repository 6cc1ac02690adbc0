"""What changed between two versions of a story: saved versions (history records), a live
story and its pending revision, the text a reviewer approved and the text now."""

import difflib

from .models import CONTENT_FIELDS, Article

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


class Line(str):
    """A diff line ("- …", "+ …", "  …") that also knows which characters changed:
    ``parts`` is ``[(text, changed)]`` after the two-character prefix."""

    parts = ()

    @property
    def kind(self):
        return {"-": "removed", "+": "added"}.get(self[:1], "same")


def _line(prefix, text, parts=None):
    line = Line(f"{prefix} {text}")
    line.parts = parts if parts is not None else [(text, prefix != " ")]
    return line


def _changed_pair(before, after):
    """The two lines of a changed paragraph, each marking just the characters that differ
    (a long Chinese paragraph otherwise shows as two lines that look the same)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    old, new = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old.append((before[i1:i2], False))
            new.append((after[j1:j2], False))
        else:
            if i2 > i1:
                old.append((before[i1:i2], True))
            if j2 > j1:
                new.append((after[j1:j2], True))
    return _line("-", before, old), _line("+", after, new)


def body_lines(before, after):
    """The body's paragraphs, unchanged ones as context, changed ones as a pair with the
    changed characters marked, added and removed ones whole."""
    old, new = str(before).splitlines(), str(after).splitlines()
    lines = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines += [_line(" ", text) for text in old[i1:i2]]
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for index in range(max(len(removed), len(added))):
            if index < len(removed) and index < len(added):
                lines += _changed_pair(removed[index], added[index])
            elif index < len(removed):
                lines.append(_line("-", removed[index]))
            else:
                lines.append(_line("+", added[index]))
    return lines


def field_rows(old, new, fields=CONTENT_FIELDS):
    """``[(label, lines)]`` for each of ``fields`` that differs between ``old`` and ``new``
    (articles or history records): the body paragraph by paragraph with the changed
    characters marked, others as a pair of lines."""
    rows = []
    for field in fields:
        before, after = getattr(old, field), getattr(new, field)
        if before == after:
            continue
        if field in ("body", "summary", "title", "subtitle", "kicker"):
            diff = body_lines(before or "", after or "")
        else:
            diff = [_line("-", _shown(old, field, before)), _line("+", _shown(new, field, after))]
        rows.append((_label(field), diff))
    return rows


def _photos(article):
    return [
        (p.image_id, p.caption, p.credit, p.alt_text)
        for p in article.photos.order_by("position", "pk")
    ]


def _photo_line(image_id, caption, credit, _alt):
    picture = f"（图库 #{image_id}）" if image_id else "（无图片文件）"
    return f"{caption or '（无说明）'}{f' {credit} 摄' if credit else ''}{picture}"


def article_rows(old, new):
    """Rows for two stories (a live one and its revision): their text, their links to
    agencies, officers and tags, and their photos."""
    rows = field_rows(old, new, [*CONTENT_FIELDS, "slug"])
    for name in LINKS:
        before = sorted(str(o) for o in getattr(old, name).all())
        after = sorted(str(o) for o in getattr(new, name).all())
        if before != after:
            rows.append((_label(name), [_line("-", "、".join(before) or "（无）"),
                                        _line("+", "、".join(after) or "（无）")]))  # fmt: skip
    before, after = _photos(old), _photos(new)
    if before != after:
        lines = [_line("-", _photo_line(*photo)) for photo in before]
        lines += [_line("+", _photo_line(*photo)) for photo in after]
        rows.append(("图片", lines))
    return rows


def record_at(article, version):
    """The saved version ``version`` of ``article`` (a history record), or None."""
    if version is None:
        return None
    return article.history.filter(version=version).select_related("history_user").first()
