"""校对: findings in Chinese copy, for the desk to show beside the text (never to block it).

Each check reads plain text and returns `Finding`s with offsets into that same text, so
that the desk can mark the place and select it in the form. What each one catches, and what
it leaves alone on purpose (a hint a reporter learns to ignore is worse than none):

- `ascii_punctuation`: , . ; : ? ! ( ) " ' touching Chinese text (GB/T 15834), e.g. "8时,锡林".
  Numbers (1,000  8:30  3.5), Latin text and "1." before a list item keep their marks.
- `full_width`: full-width digits and Latin letters (２０２２, ＡＢＣ): half-width is the
  norm, and a text that mixes both forms of a number is found by search under one only.
- `unbalanced`: “” ‘’ 《》 （） 【】 「」 『』 that do not pair up within a paragraph. A
  quotation running over several paragraphs (each opening with “, only the last closing) is
  not an error; nor is the list marker 1） without its opening bracket.
- `repeats`: text printed twice: a run doubled in place (派出所派出所, 的的), and a clause
  that repeats the one before it nearly word for word (the seed page prints
  "两年内未发生刑事案件，两年内未发生一起刑事案件"). A name or phrase repeated at a
  distance is left alone: newspapers repeat names, and parallel clauses (高站位部署……
  高规格组织……) are style.
- `number_forms`: one text writing numbers and dates in two ways: 2022年 beside 二〇二二年,
  6月17日 beside 六月十七日, 2022-06-17 or 2022.6.17 beside 年月日, 6.17 where the text
  also has 6月17日, 3万 beside 30000 (a quantity), 15% beside 百分之十五. A single form
  used throughout is not questioned, and "6·17" (an event's name) is left alone.
- `flagged_words`: a list of words the paper wants checked (a setting), with a
  replacement when the list gives one.

Markdown's own marks (## headings, **bold**, links and their addresses, code) are masked
before anything is read: they are not copy. Each check is a few regular-expression passes;
a 10 000-character body is read in a few milliseconds.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache

from .typography import CJK_CHAR

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing for a person to look at: ``text[start:end] == excerpt``."""

    code: str
    message: str
    suggestion: str
    start: int
    end: int
    excerpt: str


def _finding(text, code, start, end, message, suggestion=""):
    return Finding(code, message, suggestion, start, end, text[start:end])


def context(text, start, end, width=12):
    """The text around ``start:end`` on its own line (at most ``width`` characters either
    side), to show the place a finding is about."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return text[max(line_start, start - width) : start], text[end : min(line_end, end + width)]


# -- Markdown is not copy -------------------------------------------------------------------

_MARKUP = re.compile(
    r"(?=[!-~ \t])(?:"  # every mark is ASCII: Chinese text is passed over at once
    r"`[^`\n]*`"  # code
    r"|!?\[(?=[^\]\n]*\]\()|\]\([^)\n]*\)"  # a link's brackets and address (its words stay)
    r"|<[A-Za-z/!][^>\n]*>"  # HTML tags, autolinks
    r"|(?:https?|ftp)://[^\s<>()（）\u3000-\u303f\uff00-\uffef]+|www\.[A-Za-z0-9.-]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|&#?\w+;"  # entities
    r"|^[ \t]*(?:#{1,6}(?=[ \t])|>+|[-+*](?=[ \t])|\d+[.)](?=[ \t]))"  # block marks
    r"|\*+|(?<![A-Za-z0-9])__|__(?![A-Za-z0-9])|~~|\||\\(?=[!-/:-@\[-`{-~]))",
    re.MULTILINE | re.ASCII,
)


def mask_markup(text):
    """``text`` with Markdown's marks, addresses and code blanked out (offsets kept)."""
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


# -- Neighbours -----------------------------------------------------------------------------


def _is_chinese(char):
    return bool(char) and bool(CJK_CHAR.match(char))


_SPACES = " \t\u3000"


def _neighbour_before(text, index, skip=_SPACES):
    """The character before ``index`` on the same line, ``skip`` skipped ("" if none)."""
    index -= 1
    while index >= 0 and text[index] in skip:
        index -= 1
    return "" if index < 0 or text[index] == "\n" else text[index]


def _neighbour_after(text, index, skip=_SPACES):
    while index < len(text) and text[index] in skip:
        index += 1
    return "" if index >= len(text) or text[index] == "\n" else text[index]


# -- ASCII punctuation in Chinese text ------------------------------------------------------

_ASCII_MARK = re.compile(r"\.{2,}|…+|-{2,}|[,.;:?!()\"']")
# A mark's neighbours are read through the ASCII quotes and brackets around it: in
# "路况播报员". the period follows Chinese text.
_THROUGH = _SPACES + "\"'()"
_MARK_NAMES = {
    ",": ("逗号", "，"), ";": ("分号", "；"), ":": ("冒号", "："), "?": ("问号", "？"),
    "!": ("叹号", "！"), "(": ("括号", "（"), ")": ("括号", "）"),
}  # fmt: skip


def _where(before, after):
    if _is_chinese(before) and _is_chinese(after):
        return "中文之间"
    return "中文后" if _is_chinese(before) else "中文前"


def _ascii_quote(text, index, mark):
    """The Chinese quote an ASCII one stands for, or "" when it quotes no Chinese: it
    touches Chinese text, or the text between it and the quote before (or after) it in
    its paragraph is Chinese."""
    line_start, line_end = text.rfind("\n", 0, index) + 1, text.find("\n", index)
    line_end = len(text) if line_end < 0 else line_end
    quotes = mark + ("“”" if mark == '"' else "‘’")
    opening, closing = quotes[1], quotes[2]
    back = max(text.rfind(q, line_start, index) for q in quotes)
    ahead = [i for i in (text.find(q, index + 1, line_end) for q in quotes) if i >= 0]
    ahead = min(ahead) if ahead else -1
    skip = _SPACES + ",.;:?!"  # ASCII marks beside it are slips of their own
    before, after = _neighbour_before(text, index, skip), _neighbour_after(text, index + 1, skip)
    closes = (
        back >= 0
        and text[back] != closing
        and (text[back] == opening or text.count(mark, line_start, index) % 2)
    )
    chinese_before = back >= 0 and re.search(f"[{HAN}]", text[back + 1 : index])
    chinese_after = ahead >= 0 and re.search(f"[{HAN}]", text[index + 1 : ahead])
    if not (_is_chinese(before) or _is_chinese(after) or chinese_before or chinese_after):
        return ""
    return closing if closes else opening


def _paren_holds_chinese(text, index, mark):
    line_start, line_end = text.rfind("\n", 0, index) + 1, text.find("\n", index)
    line_end = len(text) if line_end < 0 else line_end
    if mark == "(":
        close = text.find(")", index, line_end)
        inner = text[index + 1 : close] if close > 0 else ""
    else:
        open_ = text.rfind("(", line_start, index)
        inner = text[open_ + 1 : index] if open_ >= 0 else ""
    return bool(re.search(f"[{HAN}]", inner))


def _after_chinese(text, index, before):
    """Does the mark at ``index`` end Chinese text: after a Chinese character, or after an
    ASCII quote that closes a Chinese quotation ("流动110")?"""
    if _is_chinese(before):
        return True
    quote = _neighbour_before(text, index)
    if quote not in ('"', "'"):
        return False
    at = index - 1
    while text[at] in _SPACES:
        at -= 1
    return bool(_ascii_quote(text, at, quote))


def ascii_punctuation(text):
    """English punctuation touching Chinese text: each mark, with the Chinese one instead."""
    found = []
    for match in _ASCII_MARK.finditer(text):
        mark, start, end = match.group(), match.start(), match.end()
        skip = _SPACES if mark in "\"'()" else _THROUGH
        before, after = _neighbour_before(text, start, skip), _neighbour_after(text, end, skip)
        touches = _is_chinese(before) or _is_chinese(after)
        where = _where(before, after)
        if mark[0] == "-":
            if touches:
                found.append(_finding(
                    text, "punctuation", start, end, f"破折号“{mark}”不规范，应为“——”", "——"
                ))  # fmt: skip
        elif mark[0] == "…" or len(mark) > 1:
            # …… is two ellipsis marks; one, three, or ASCII dots are a slip.
            if (mark[0] == "…" and len(mark) % 2) or (mark[0] == "." and touches):
                found.append(_finding(
                    text, "punctuation", start, end, f"省略号“{mark}”不规范，应为“……”", "……"
                ))  # fmt: skip
        elif mark == ".":
            if _after_chinese(text, start, before) and not re.match(r"[A-Za-z0-9]", after):
                found.append(_finding(
                    text, "punctuation", start, end, "中文里用了英文句点“.”，应为“。”", "。"
                ))  # fmt: skip
        elif mark in "\"'":
            if full := _ascii_quote(text, start, mark):
                name = "引号" if mark == '"' else "单引号"
                found.append(_finding(
                    text, "punctuation", start, end,
                    f"{where}用了英文{name}“{mark}”，应为“{full}”", full,
                ))  # fmt: skip
        elif touches or (mark in "()" and _paren_holds_chinese(text, start, mark)):
            name, full = _MARK_NAMES[mark]
            found.append(_finding(
                text, "punctuation", start, end, f"{where}用了英文{name}“{mark}”，应为“{full}”",
                full,
            ))  # fmt: skip
    return found


# -- Full-width digits and letters ----------------------------------------------------------

_WIDE = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_FULL_WIDTH_RUN = re.compile(f"[{_WIDE}](?:[{_WIDE}．]*[{_WIDE}])?％?")


def full_width(text):
    """Full-width digits and letters, each run with its half-width form; the message says
    when the text also writes that number the ordinary way."""
    found = []
    for match in _FULL_WIDTH_RUN.finditer(text):
        run = match.group()
        narrow = unicodedata.normalize("NFKC", run)
        if narrow.replace(".", "").replace("%", "").isdigit():
            kind = "数字"
        elif narrow.isalpha():
            kind = "字母"
        else:
            kind = "字母和数字"
        message = f"全角{kind}“{run}”，应为半角“{narrow}”"
        if re.search(rf"(?<![0-9A-Za-z]){re.escape(narrow)}(?![0-9A-Za-z])", text):
            message += f"（文中别处写作“{narrow}”）"
        found.append(_finding(text, "width", match.start(), match.end(), message, narrow))
    return found


# -- Pairs: quotes and brackets -------------------------------------------------------------

_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
_PAIR_NAMES = {
    "“": ("引号", "前引号", "后引号"), "‘": ("单引号", "前单引号", "后单引号"),
    "《": ("书名号", "前书名号", "后书名号"), "（": ("括号", "前括号", "后括号"),
    "【": ("方头括号", "前方头括号", "后方头括号"), "「": ("引号", "前引号", "后引号"),
    "『": ("引号", "前引号", "后引号"),
}  # fmt: skip
_PAIR_MARK = re.compile("[“”‘’《》（）【】「」『』]")
_QUOTES = {"“", "‘", "「", "『"}
# 1） 一） 2）: a list marker, printed without its opening bracket.
_ENUMERATOR = re.compile(r"(?:^|[。；：\s])[0-9一二三四五六七八九十]{1,3}$", re.MULTILINE)


def _unclosed(text, open_, index):
    name, opening, closing = _PAIR_NAMES[open_]
    message = f"{name}不成对：这个{opening}在本段中没有对应的{closing}"
    return _finding(text, "unbalanced", index, index + 1, message)


def _unopened(text, close, index, *, typed_for_opening=False):
    open_ = _CLOSERS[close]
    name, opening, closing = _PAIR_NAMES[open_]
    if typed_for_opening:
        message = f"{name}不成对：这里是{closing}，后面还有一个{closing}，这里可能应为{opening}"
        return _finding(text, "unbalanced", index, index + 1, message, open_)
    message = f"{name}不成对：这个{closing}前面没有对应的{opening}"
    return _finding(text, "unbalanced", index, index + 1, message)


def _next_of_pair(text, index, line_end, open_):
    """The next mark of the pair ``open_`` belongs to after ``index`` ("" if none)."""
    match = re.compile(f"[{open_}{_PAIRS[open_]}]").search(text, index + 1, line_end)
    return match.group() if match else ""


def _scan_pairs(text, line_start, line_end, continues):
    """Findings for one paragraph; ``continues``: the next paragraph opens with “ (a
    quotation running on, whose paragraphs close only at its end)."""
    found, stack = [], []
    for match in _PAIR_MARK.finditer(text, line_start, line_end):
        mark, index = match.group(), match.start()
        if mark in _PAIRS:
            if mark in _QUOTES and stack and stack[-1][0] == mark:
                # “…“: quotes do not nest in their own kind; the second one should close.
                name, opening, closing = _PAIR_NAMES[mark]
                found.append(_finding(
                    text, "unbalanced", index, index + 1,
                    f"{name}不成对：前一个{opening}还没有{closing}，这里可能应为{closing}",
                    _PAIRS[mark],
                ))  # fmt: skip
                stack.pop()
                continue
            stack.append((mark, index))
            continue
        open_ = _CLOSERS[mark]
        depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == open_), None)
        if depth is None:
            if open_ in _QUOTES and _next_of_pair(text, index, line_end, open_) == mark:
                # ”…”: the first was typed for an opening quote; the second closes it.
                found.append(_unopened(text, mark, index, typed_for_opening=True))
                stack.append((open_, index))
            elif not (mark == "）" and _ENUMERATOR.search(text, line_start, index)):
                found.append(_unopened(text, mark, index))
            continue
        found.extend(_unclosed(text, *crossed) for crossed in stack[depth + 1 :])
        del stack[depth:]
    for open_, index in stack:
        if not (open_ in _QUOTES and continues):
            found.append(_unclosed(text, open_, index))
    return found


def unbalanced(text):
    """Quotes and brackets that do not pair up, paragraph by paragraph (a line each)."""
    found, lines, position = [], [], 0
    for line in text.split("\n"):
        lines.append((position, position + len(line), line.lstrip(" \t\u3000")))
        position += len(line) + 1
    following = ""  # the next paragraph's text, read from the end backwards
    for start, end, line in reversed(lines):
        if _PAIR_MARK.search(line):
            continues = following.startswith(("“", "「", "『"))
            found.extend(_scan_pairs(text, start, end, continues))
        following = line or following
    return sorted(found, key=lambda f: f.start)


# -- Text printed twice ---------------------------------------------------------------------

_DOUBLED = re.compile(f"([{HAN}]{{2,12}})\\1")
# Words that are never doubled in copy: 的的, 了了 (but 不了了之), 是是 …
_DOUBLED_WORD = re.compile("([的了是在和与对把被将从向于也都就又还而并])\\1")
_TITLE_AFTER = re.compile("长|主任|书记|政委|教导员|指导员")
# A clause: from its first character to its last, quotes and brackets around it left out.
_CLAUSE_EDGE = " \t\u3000“”‘’「」『』（）()《》\"'，,；;。！？!?：:…\n"
_CLAUSE = re.compile(f"[^{_CLAUSE_EDGE}](?:[^，,；;。！？!?：:…\n]*[^{_CLAUSE_EDGE}])?|\n")
_HAN_RUN = re.compile(f"[{HAN}]{{4}}")
_MIN_CLAUSE = 4
_MIN_EXACT_CLAUSE = 6


def _doubled_runs(text):
    found = []
    for match in _DOUBLED.finditer(text):
        unit = match.group(1)
        if len(set(unit)) == 1 or (len(unit) == 2 and "一" in unit):
            continue  # 哈哈哈哈; 一步一步, 一锹一锹: reduplication, not a slip
        if _TITLE_AFTER.match(text, match.end()):
            continue  # 刑侦大队大队长, 事故中队中队长: a unit, then its head
        found.append(_finding(
            text, "repeat", match.start(), match.end(),
            f"“{unit}”连着出现了两次，疑为重复", unit,
        ))  # fmt: skip
    for match in _DOUBLED_WORD.finditer(text):
        start, end, char = match.start(), match.end(), match.group(1)
        before, after = text[start - 1 : start], text[end : end + 2]
        if len(after) == 2 and after[0] == after[1]:
            continue  # 的的确确, 是是非非: AABB
        if char == "了" and (before == "不" or after[:1] in ("之", "分")):
            continue  # 不了了之, 了了分明
        if any(f.start <= start < f.end for f in found):
            continue
        found.append(_finding(
            text, "repeat", start, end, f"“{char}”字连着写了两次，疑为多打", char
        ))  # fmt: skip
    return found


def _near_duplicate(short, long_):
    """Does one clause say the other again, nearly word for word? (``short`` is not the
    longer.) At least 80% of the shorter one in the longer, in runs, one of them four
    characters or more, and nothing swapped: "6个嘎查（村）两年内未发生刑事案件" /
    "两年内未发生一起刑事案件", not "全市涉养老诈骗案件清零" / "全市涉养老诈骗在逃人员
    全部归案" (parallel clauses, a style)."""
    if len(set(short) & set(long_)) < 0.8 * len(set(short)):
        return False  # the common case, without the matcher
    matcher = SequenceMatcher(None, short, long_, autojunk=False)
    blocks = matcher.get_matching_blocks()
    if sum(block.size for block in blocks) < 0.8 * len(short):
        return False
    if max(block.size for block in blocks) < 4:
        return False
    # Words put in or left out make a repeat; a word swapped for another (第一中队民警，
    # 第二中队民警; 6月17日，6月18日) makes a parallel clause.
    return all(tag != "replace" for tag, *_ in matcher.get_opcodes())


def _repeated_clauses(text):
    """Clauses (from a character to the next ，；。！？：) repeating the one before, or one
    earlier in their paragraph word for word; a line is a paragraph."""
    found, previous, seen = [], "", set()
    for match in _CLAUSE.finditer(text):
        clause, (start, end) = match.group(), match.span()
        if clause == "\n":
            previous, seen = "", set()
            continue
        short, long_ = (previous, clause) if len(previous) <= len(clause) else (clause, previous)
        if (
            len(short) >= _MIN_CLAUSE
            and len(long_) <= 1.5 * len(short) + 1
            and _near_duplicate(short, long_)
        ):
            message = f"这一句与前一句“{previous}”几乎相同，疑为重复，请核对是否应删去"
            found.append(_finding(text, "repeat", start, end, message))
        elif len(clause) >= _MIN_EXACT_CLAUSE and clause in seen and _HAN_RUN.search(clause):
            message = "这一句在本段前面已经出现过，一字不差，疑为重复"
            found.append(_finding(text, "repeat", start, end, message))
        seen.add(clause)
        previous = clause
    return found


def repeats(text):
    """Text printed twice: a run doubled in place, a clause repeating the one before it (or
    one earlier in its paragraph, word for word)."""
    doubled = _doubled_runs(text)
    clauses = [
        f for f in _repeated_clauses(text) if not any(d.start < f.end and f.start < d.end
                                                      for d in doubled)
    ]  # fmt: skip
    return doubled + clauses


# -- Numbers and dates ----------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_SMALL = "(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_CN_YEAR = "[〇零一二三四五六七八九]{4}年"
# Each pattern opens with a lookahead for its first character: the engine then skips the
# Chinese text between numbers at once (several times faster on a long body).
_ARABIC_YEAR = re.compile(r"(?=[12])(?<![0-9０-９])[12][0-9]{3}年")
_ARABIC_MONTH_DAY = re.compile(r"(?=[0-9])(?<![0-9０-９.])([0-9]{1,2})月([0-9]{1,2})[日号]")
_CN_DATE = re.compile(
    "(?=[〇零一二三四五六七八九十])"
    f"(?:(?P<year>{_CN_YEAR})(?:(?P<m1>{_CN_SMALL})月(?:(?P<d1>{_CN_SMALL})[日号])?)?"
    f"|(?P<m2>{_CN_SMALL})月(?P<d2>{_CN_SMALL})[日号])"
)
_NUMERIC_DATE = re.compile(
    r"(?=[12])(?<![0-9.\-/])([12][0-9]{3})([./-])([01]?[0-9])\2([0-3]?[0-9])(?![0-9.\-/%％])"
)
_SHORT_DATE = re.compile(r"(?=[0-9])(?<![0-9.])([01]?[0-9])\.([0-3]?[0-9])(?![0-9.%％万亿元倍])")
_MEASURE = (
    "平方公里|公里|平方米|人次|余|多|元|人|名|户|辆|件|起|个|条|亩|吨|公斤|千克|斤|头|只|套|份|张|台|部|"
    "家|次|米|册|箱|株|棵|匹|盒|袋|瓶|包"
)
_WAN = re.compile(r"(?=[0-9])(?<![0-9.])[0-9]+(?:\.[0-9]+)?[万亿](?=[余多]?(?:" + _MEASURE + "))")
_PLAIN_LARGE = re.compile(r"(?=[0-9])(?<![0-9.,])[0-9]{5,}(?![0-9.,])(?=" + _MEASURE + ")")
_PERCENT = re.compile(r"[0-9](?:\.[0-9]+)?[%％]")
_CN_PERCENT = re.compile(f"百分之({_CN_SMALL}|百)(?:点([〇零一二三四五六七八九]+))?")


def _cn_number(numeral):
    """一 … 九十九 as an int; None for anything else."""
    if not numeral:
        return None
    if "十" not in numeral:
        return _CN_DIGITS.get(numeral) if len(numeral) == 1 else None
    tens, _, units = numeral.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _cn_year(numeral):
    return "".join(str(_CN_DIGITS[c]) for c in numeral.rstrip("年"))


def _chinese_dates(text):
    """Dates and years written in Chinese numerals, with their Arabic forms."""
    for match in _CN_DATE.finditer(text):
        year = match.group("year")
        month, day = match.group("m1") or match.group("m2"), match.group("d1") or match.group("d2")
        month_n, day_n = _cn_number(month), _cn_number(day)
        if (month and not 1 <= (month_n or 0) <= 12) or (day and not 1 <= (day_n or 0) <= 31):
            continue
        arabic = (f"{_cn_year(year)}年" if year else "") + (f"{month_n}月" if month else "")
        arabic += f"{day_n}日" if day else ""
        yield match.start(), match.end(), arabic, (month_n, day_n)


def _dates(text):
    found = []
    arabic_years = bool(_ARABIC_YEAR.search(text))
    month_days = {(int(m), int(d)) for m, d in _ARABIC_MONTH_DAY.findall(text)}
    chinese = list(_chinese_dates(text))
    for start, end, arabic, (month, day) in chinese:
        has_year, has_day = "年" in arabic, day is not None
        if (has_day and month_days) or (has_year and arabic_years):
            found.append(_finding(
                text, "number", start, end,
                f"日期写法不一致：文中其他日期用阿拉伯数字，这里写作“{text[start:end]}”",
                arabic,
            ))  # fmt: skip
        if has_day:
            month_days.add((month, day))
    written = arabic_years or bool(month_days)
    for match in _NUMERIC_DATE.finditer(text):
        year, _, month, day = match.groups()
        if written and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            found.append(_finding(
                text, "number", match.start(), match.end(),
                f"日期写法不一致：文中其他日期写作“年月日”，这里写作“{match.group()}”",
                f"{year}年{int(month)}月{int(day)}日",
            ))  # fmt: skip
    for match in _SHORT_DATE.finditer(text):
        month, day = int(match.group(1)), int(match.group(2))
        if (month, day) in month_days:
            found.append(_finding(
                text, "number", match.start(), match.end(),
                f"日期写法不一致：文中写作“{month}月{day}日”，这里写作“{match.group()}”",
                f"{month}月{day}日",
            ))  # fmt: skip
    return found


def _in_wan(digits):
    """30000 as 3万, 250000000 as 2.5亿; "" when that would take more than two decimals."""
    unit, size = ("亿", 10**8) if int(digits) >= 10**8 else ("万", 10**4)
    number = Decimal(digits) / size
    if number != number.quantize(Decimal("0.01")):
        return ""
    return f"{number.normalize():f}{unit}"


def _quantities(text):
    found = []
    if _WAN.search(text):
        for match in _PLAIN_LARGE.finditer(text):
            found.append(_finding(
                text, "number", match.start(), match.end(),
                f"数字写法不一致：文中其他大数用“万”“亿”，这里写作“{match.group()}”",
                _in_wan(match.group()),
            ))  # fmt: skip
    if _PERCENT.search(text):
        for match in _CN_PERCENT.finditer(text):
            whole, decimals = match.groups()
            number = 100 if whole == "百" else _cn_number(whole)
            fraction = "".join(str(_CN_DIGITS[c]) for c in decimals) if decimals else ""
            found.append(_finding(
                text, "number", match.start(), match.end(),
                f"百分数写法不一致：文中其他处用“%”，这里写作“{match.group()}”",
                f"{number}{'.' + fraction if fraction else ''}%" if number is not None else "",
            ))  # fmt: skip
    return found


def number_forms(text):
    """Numbers and dates written in two forms in one text: the less usual form is found."""
    return _dates(text) + _quantities(text)


# -- Words to check -------------------------------------------------------------------------


class Phrasebook:
    """Many known phrases found at once in a text, longest first where they overlap: the
    words to check, or the names of agencies and officers. Indexed by first character, so
    a text is read once whatever the number of phrases."""

    def __init__(self, phrases: Iterable[str]):
        by_first = {}
        for phrase in {p for p in phrases if p}:
            by_first.setdefault(phrase[0], []).append(phrase)
        self._by_first = {c: sorted(ps, key=len, reverse=True) for c, ps in by_first.items()}
        starts = "".join(re.escape(c) for c in sorted(self._by_first))
        self._start = re.compile(f"[{starts}]") if starts else None

    def find(self, text):
        """(start, end, phrase) for each phrase in ``text``, left to right, not overlapping."""
        found, position = [], 0
        if self._start is None:
            return found
        while match := self._start.search(text, position):
            start = match.start()
            phrase = next(
                (p for p in self._by_first[text[start]] if text.startswith(p, start)), None
            )
            if phrase is None:
                position = start + 1
                continue
            found.append((start, start + len(phrase), phrase))
            position = start + len(phrase)
        return found


@lru_cache(maxsize=32)
def _word_book(entries):
    return Phrasebook(word for word, _ in entries), dict(entries)


def parse_word_list(items):
    """Entries of a word list as (word, replacement): "截止=截至" gives one, "嫌犯" none."""
    entries = []
    for item in items:
        word, _, replacement = str(item).partition("=")
        if word.strip():
            entries.append((word.strip(), replacement.strip()))
    return tuple(entries)


def flagged_words(text, words):
    """Each use of a word on the list: ``words`` are strings as parse_word_list reads them
    ("截止=截至") or (word, replacement) pairs."""
    entries = tuple(
        entry
        for word in words
        for entry in ([word] if isinstance(word, tuple) else parse_word_list([word]))
    )
    if not entries:
        return []
    book, replacements = _word_book(entries)
    found = []
    for start, end, word in book.find(text):
        replacement = replacements[word]
        message = f"“{word}”在本报需核对的词语之列"
        message += f"，建议改为“{replacement}”" if replacement else "，请核对用法"
        found.append(_finding(text, "word", start, end, message, replacement))
    return found


# -- Officers as copy names them: unit, title, name ----------------------------------------

# Longest first where one ends another (副所长 before 所长).
OFFICER_TITLES = (
    "社区民警", "户籍民警", "治安民警", "驻村民警", "移民管理警察", "公安民警", "民警", "辅警",
    "交警", "特警", "刑警", "巡警", "警长", "警官", "干警", "侦查员", "副教导员", "教导员",
    "副指导员", "指导员", "副政委", "政委", "副支队长", "支队长", "副大队长", "大队长",
    "副中队长", "中队长", "警务室主任", "副所长", "所长", "副站长", "站长", "副局长", "局长",
    "副厅长", "厅长", "副队长", "队长", "副科长", "科长", "副主任", "主任", "党委书记",
    "副书记", "书记",
)  # fmt: skip
# Titles any police officer bears: they say nothing against a rank (民警 for a 副队长).
GENERIC_TITLES = frozenset({"民警", "警官", "干警", "公安民警", "移民管理警察"})
_TITLE_RE = re.compile("|".join(sorted(OFFICER_TITLES, key=len, reverse=True)))
_NAME_AFTER = re.compile(f"[{HAN}](?:[{HAN}·]){{1,8}}")
_MAX_CANDIDATES = 900
# A unit inside an agency, right before the title: 执勤一队, 一中队, 治安大队, 户政科.
_UNIT_BEFORE = re.compile(
    f"(?:[{HAN}]{{2}})?[一二三四五六七八九十0-9]+[中大支]?队$|(?<!警务)[{HAN}]{{2}}(?:中队|大队|支队|科|组)$"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A known name in copy with what the copy calls them: ``text[claim_start:start]`` is
    the unit and title (执勤一队副队长) before the name at ``start:end``."""

    name: str
    start: int
    end: int
    claim_start: int
    unit: str
    title: str


def name_candidates(text):
    """What might be a name after a title (民警张昊…): every 2 to 9 characters following
    one, for looking the officers up by name in one query."""
    candidates = set()
    for match in _TITLE_RE.finditer(text):
        following = _NAME_AFTER.match(text, match.end())
        if following:
            run = following.group()
            candidates.update(run[:n] for n in range(2, len(run) + 1))
        if len(candidates) >= _MAX_CANDIDATES:
            break
    return candidates


def titled_mentions(text, names):
    """Each use of one of ``names`` right after a title, with the unit before the title;
    a name with no title before it claims nothing and is left out."""
    mentions = []
    for start, end, name in Phrasebook(names).find(text):
        before = text[max(0, start - 6) : start]
        title = next((t for t in OFFICER_TITLES if before.endswith(t)), "")
        if not title:
            continue
        title_start = start - len(title)
        unit = _UNIT_BEFORE.search(text, max(0, title_start - 8), title_start)
        unit_text = unit.group() if unit else ""
        claim_start = unit.start() if unit else title_start
        mentions.append(Mention(name, start, end, claim_start, unit_text, title))
    return mentions


def titles_agree(written, known):
    """Do two titles for one officer agree? The same, or one of them a generic 民警 (but
    an auxiliary, 辅警, is not a police officer)."""
    if not written or not known or written == known:
        return True
    generic = written in GENERIC_TITLES or known in GENERIC_TITLES
    return generic and "辅警" not in (written, known)


# -- Everything -----------------------------------------------------------------------------

CHECKS = (ascii_punctuation, full_width, unbalanced, repeats, number_forms)


def check(text, *, words=()):
    """Every finding in ``text``, in text order. The checks read the text with Markdown's
    marks masked; offsets and excerpts are the text's own."""
    text = text or ""
    plain = mask_markup(text)
    found = [f for check_ in CHECKS for f in check_(plain)]
    found += flagged_words(plain, words)
    return sorted(
        (Finding(f.code, f.message, f.suggestion, f.start, f.end, text[f.start : f.end])
         for f in found),
        key=lambda f: (f.start, f.end),
    )  # fmt: skip
