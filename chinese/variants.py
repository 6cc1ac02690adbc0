"""Traditional characters folded to simplified (OpenCC's t2s data), so that a query typed in
traditional characters (詐騙, 警務) finds the copy, which this paper prints in simplified
characters (the search index is folded too, on PostgreSQL)."""

from functools import cache


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text):
    """``text`` with traditional characters and phrases converted to simplified ones."""
    if not text or text.isascii():
        return text or ""
    return _converter().convert(text)
