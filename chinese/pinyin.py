"""ASCII slugs from Chinese names.

A polyphonic character is read as the word it is in says: the text is cut into words first
(在|行动 is zai-xing-dong, not the phrase 在行 zai-hang), and pypinyin's phrase dictionary reads
each word (银行行长 yin-hang-hang-zhang). A few readings the dictionary gets wrong in this
region's names are set here: 勒 and 都 in transliterated names and places (格日勒图 ge-ri-le-tu,
商都 shang-du), and a surname at the start of a person's name (单 shan, 曾 zeng).
Digits are kept, and a decimal point is read as 点 (3.5万元 -> 3dian5-wan-yuan).
"""

import re
from functools import cache

from django.utils.text import slugify

# Words of the region pypinyin's dictionary reads wrongly.
REGIONAL_PHRASES = {
    "商都": "shāng dū",
    "都贵玛": "dū guì mǎ",
    "满都拉": "mǎn dū lā",
    "都仁": "dū rén",
    "都兰": "dū lán",
    "巴图都": "bā tú dū",
}
# 勒 is le in every transliterated name and place (敖日格勒, 锡林郭勒); lei only in 勒紧.
REGIONAL_CHARACTERS = {"勒": "lè"}
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "区": "ou", "朴": "piao",
    "查": "zha", "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai",
    "尉迟": "yu-chi", "万俟": "mo-qi", "长孙": "zhang-sun", "单于": "chan-yu",
}  # fmt: skip
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")


@cache
def _pinyin():
    # Imported here: its dictionary costs some 50 MB, which web workers that only serve
    # readers (who never make a slug) need not carry.
    from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict

    load_phrases_dict({w: [[s] for s in r.split()] for w, r in REGIONAL_PHRASES.items()})
    load_single_dict({ord(c): r for c, r in REGIONAL_CHARACTERS.items()})

    def read(word):
        return lazy_pinyin(word, style=Style.NORMAL, errors="default")

    return read


def _syllables(text, *, person):
    from chinese.segmentation import cut

    read = _pinyin()
    syllables = []
    if person:
        for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
            if text.startswith(surname) and len(text) > len(surname):
                syllables.append(SURNAME_READINGS[surname])
                text = text[len(surname) :]
                break
    for word in cut(_DECIMAL.sub("dian", text)):
        syllables += read(word)
    return syllables


def pinyin_slug(text, max_length=80, *, person=False):
    """An ASCII slug for a Chinese (or mixed) text: 白彦花派出所 -> bai-yan-hua-pai-chu-suo.

    Each Chinese character becomes its toneless pinyin syllable, read in its word; Latin
    letters and digits are kept. ``person``: the text is a person's name, whose first
    character is read as a surname. The result is cut at a word boundary so it never ends
    in a dash.
    """
    slug = slugify(" ".join(_syllables(text, person=person)))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def unique_slug(instance, text, *, field="slug", max_length=80, person=False):
    """A slug for ``instance`` built from ``text``, suffixed -2, -3... until unused."""
    base = pinyin_slug(text, max_length=max_length - 4, person=person) or instance._meta.model_name
    manager = type(instance)._default_manager
    others = manager.exclude(pk=instance.pk) if instance.pk else manager.all()
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
