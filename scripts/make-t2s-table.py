"""Write chinese/t2s.txt, the traditional -> simplified character table search folds with,
from OpenCC's own t2s data (Apache-2.0): each CJK character OpenCC's t2s converts, with what
it becomes. Run it when OpenCC's data changes, in an environment with OpenCC installed
(``pip install opencc``; the project itself does not need it), then migrate a new search
index (see articles/migrations/0018_search_folded_by_character.py)."""

import sys
from pathlib import Path

import opencc

RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)]
HEADER = """\
# Traditional -> simplified, one character to one, for folding search text and queries.
# Made by scripts/make-t2s-table.py from OpenCC's t2s data (https://github.com/BYVoid/OpenCC,
# Apache License 2.0), OpenCC {version}. Each line: a character, a tab, what it folds to.
"""


OUT = Path(__file__).resolve().parents[1] / "chinese" / "t2s.txt"


def main(out=OUT):
    converter = opencc.OpenCC("t2s")
    lines = []
    for first, last in RANGES:
        for code in range(first, last + 1):
            folded = converter.convert(chr(code))
            if folded != chr(code):
                assert len(folded) == 1, (chr(code), folded)
                lines.append(f"{chr(code)}\t{folded}\n")
    version = getattr(opencc, "__version__", "?")
    out.write_text(HEADER.format(version=version) + "".join(lines), encoding="utf-8")
    print(f"{out}: {len(lines)} characters", file=sys.stderr)


if __name__ == "__main__":
    main()
