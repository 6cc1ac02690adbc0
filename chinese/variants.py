"""Traditional characters folded to simplified (OpenCC's t2s data), so that a query typed in
traditional characters (詐騙, 警務) finds the simplified copy, and the other way round."""

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
