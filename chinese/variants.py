"""Traditional characters folded to simplified, so that a query typed in traditional
characters (詐騙, 警務) finds the copy, which this paper prints in simplified characters (the
search index is folded too, on PostgreSQL).

The folding is one character to one, from OpenCC's t2s data (chinese/t2s.txt, made by
scripts/make-t2s-table.py): the same character always folds the same way, in a query and in
the copy, which is what matching needs (OpenCC's phrase rules would keep 乾 in 乾隆 but fold
a query's lone 乾 to 干). The folded text is only ever compared, never shown. A table of
4 572 characters and ``str.translate`` instead of OpenCC's library: 5 MB less in each web
worker, and no C++ extension in the image."""

from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("t2s.txt")


@cache
def _table():
    pairs = (
        line.split("\t")
        for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    return {ord(traditional): simplified for traditional, simplified in pairs}


def simplified(text):
    """``text`` with traditional characters folded to simplified ones."""
    if not text or text.isascii():
        return text or ""
    return text.translate(_table())
