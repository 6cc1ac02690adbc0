"""Chinese typography for text that came from a scan or an ASCII keyboard (GB/T 15834).

The scan of a page gives ASCII ``,`` ``;`` ``:`` ``(`` ``)`` ``?`` ``!`` between Chinese
characters; Chinese text wants the full-width marks. Numbers (``1,000``, ``8:30``, ``3.5``)
and Latin text keep their ASCII punctuation.
"""

import re

# Han ideographs, CJK symbols and punctuation, full-width forms, and the curly quotes,
# ellipsis and dash that Chinese text shares with Western text.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’…—"
CJK_CHAR = re.compile(f"[{_CJK}]")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}

# A mark with optional spaces around it; the neighbours are inspected in _replace_mark.
_MARK = re.compile(r" *([,;:?!]) *")
_PAREN_PAIR = re.compile(r"\(([^()\n]*)\)")
_STRAY_PAREN = re.compile(r"[()]")
_QUOTE_PAIR = re.compile(r'"([^"\n]*)"')
_STRAY_QUOTE = re.compile(r'"')
_PERIOD = re.compile(r"(?<=[\u4e00-\u9fff”’）》」』])\.(?=$|[\s\u4e00-\u9fff“”])")
_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|…+|(?:\.\s){2,}\.")
_DASH = re.compile(r"(?<=[\u4e00-\u9fff，。”’）])\s*(?:--+|—|－－|──)\s*(?=[\u4e00-\u9fff“‘（])")
_INTERPUNCT = re.compile(r"(?<=[\u4e00-\u9fff])\s*[•・‧∙·]\s*(?=[\u4e00-\u9fff])")
# An OCR space between two Chinese characters (派出 所); body text only: headlines space
# their phrases on purpose (用忠诚守护群众安全 用担当践行入警初心).
_HAN_OR_MARK = "[\u4e00-\u9fff，。、；：！？“”（）《》]"
_HAN_SPACE = re.compile(f"(?<={_HAN_OR_MARK})[ \u3000]+(?={_HAN_OR_MARK})")


def _is_cjk(char):
    return bool(char) and bool(CJK_CHAR.match(char))


def _replace_mark(match):
    text = match.string
    before = text[: match.start()].rstrip(" ")[-1:]
    after = text[match.end() :].lstrip(" ")[:1]
    if _is_cjk(before) or _is_cjk(after):
        return FULL_WIDTH[match.group(1)]
    return match.group(0)


def _replace_paren_pair(match):
    text = match.string
    before = text[: match.start()][-1:]
    after = text[match.end() :][:1]
    inner = match.group(1)
    if CJK_CHAR.search(inner) or _is_cjk(before) or _is_cjk(after):
        return f"（{inner.strip()}）"
    return match.group(0)


def _replace_stray_paren(match):
    text = match.string
    before = text[: match.start()][-1:]
    after = text[match.end() :][:1]
    if _is_cjk(before) or _is_cjk(after):
        return FULL_WIDTH[match.group(0)]
    return match.group(0)


def _replace_quote_pair(match):
    text = match.string
    before = text[: match.start()][-1:]
    after = text[match.end() :][:1]
    if CJK_CHAR.search(match.group(1)) or _is_cjk(before) or _is_cjk(after):
        return f"“{match.group(1)}”"  # "5·20" and "110" between Chinese words too
    return match.group(0)


def _replace_ellipsis(match):
    text = match.string
    before = text[: match.start()][-1:]
    after = text[match.end() :][:1]
    if "…" in match.group() or _is_cjk(before) or _is_cjk(after):
        return "……"
    return match.group(0)


def _replace_stray_quote(match):
    """A quote left without its pair (its paragraph was cut): opening before Chinese text,
    closing after it."""
    text = match.string
    before = text[: match.start()][-1:]
    after = text[match.end() :][:1]
    if _is_cjk(after) and not _is_cjk(before):
        return "“"
    if _is_cjk(before):
        return "”"
    return match.group(0)


def normalize_punctuation(text):
    """Full-width Chinese punctuation wherever an ASCII mark touches Chinese text.

    >>> normalize_punctuation("6月16日早晨8时,锡林郭勒盟(二连浩特市)1,000辆")
    '6月16日早晨8时，锡林郭勒盟（二连浩特市）1,000辆'
    """
    text = _ELLIPSIS.sub(_replace_ellipsis, text)
    text = _QUOTE_PAIR.sub(_replace_quote_pair, text)
    text = _STRAY_QUOTE.sub(_replace_stray_quote, text)
    text = _PAREN_PAIR.sub(_replace_paren_pair, text)
    text = _STRAY_PAREN.sub(_replace_stray_paren, text)
    text = _MARK.sub(_replace_mark, text)
    text = _DASH.sub("——", text)
    text = _INTERPUNCT.sub("·", text)
    return _PERIOD.sub("。", text)


def normalize_body_text(text):
    """`normalize_punctuation`, and OCR spaces between Chinese characters taken out: for a
    paragraph of running text (not a headline, whose spaces part its phrases)."""
    return _HAN_SPACE.sub("", normalize_punctuation(text))


def truncate(text, length):
    """``text`` cut to ``length`` characters, ending in the Chinese ellipsis (……) when cut."""
    text = text or ""
    if len(text) <= length:
        return text
    if length <= 2:
        return text[:length]
    return text[: length - 2].rstrip("，、；：,;: ") + "……"
