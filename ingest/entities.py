"""Finding police agencies and officers named in running Chinese text.

No list of this paper's agencies or officers is written here: names are found by their shape.

- An agency name ends in a suffix of its kind (…公安局, …派出所, …出入境边防检查站, …警务室)
  and begins where the words before the suffix stop looking like a name: at punctuation, a
  function word (的, 在, 为…), a common dictionary word (距离, 村民…), or the end of another
  agency's name, which is then its parent (乌拉特前旗公安局白彦花派出所).
- An officer is a police title (民警, 副队长, 所长…) followed by a person's name, with an
  optional unit before the title (执勤一队副队长敖日格勒). The name ends where the words stop
  looking like a name, by the same test.

Word boundaries, part-of-speech tags and word frequencies come from jieba's dictionary:
a word is "common" when the dictionary has seen it often and does not tag it as a name.
"""

import logging
import re
from dataclasses import dataclass, field
from functools import cache

from agencies.models import AgencyKind

# Longest first, so that 出入境边防检查站 wins over 边防检查站 and 副队长 over 队长.
AGENCY_SUFFIXES = {
    "出入境边防检查站": AgencyKind.BORDER_STATION,
    "边防检查站": AgencyKind.BORDER_STATION,
    "公安厅": AgencyKind.DEPARTMENT,
    "公安分局": AgencyKind.BRANCH,
    "公安局": AgencyKind.BUREAU,
    "分局": AgencyKind.BRANCH,
    "派出所": AgencyKind.STATION,
    "警务室": AgencyKind.POST,
    "警务站": AgencyKind.POST,
}
_AGENCY_RE = re.compile("|".join(sorted(AGENCY_SUFFIXES, key=len, reverse=True)))

POLICE_TITLES = [
    "社区民警", "民警", "辅警", "交警", "特警", "刑警", "警长", "警官",
    "副所长", "所长", "副教导员", "教导员", "副指导员", "指导员",
    "副站长", "站长", "副政委", "政委", "副局长", "局长", "副厅长", "厅长",
    "副支队长", "支队长", "副大队长", "大队长", "副中队长", "中队长", "副队长", "队长",
    "副科长", "科长", "侦查员",
]  # fmt: skip
_TITLE_RE = re.compile("|".join(sorted(POLICE_TITLES, key=len, reverse=True)))

# Administrative divisions that open an agency's name (巴彦淖尔市乌拉特前旗…).
_DIVISION_RE = re.compile(r".+?(?:自治区|自治州|自治旗|自治县|省|市|盟|旗|县|区)")

# Units inside an agency: 执勤一队, 刑侦大队, 治安科.
HAN_RE = re.compile("[\u4e00-\u9fff]")
_UNIT_RE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:队|科|组)$")

# One-character words that never begin or continue a name in copy.
STOP_CHARS = set(
    "的在为和与及是对向由将被把了从到给等即于以也都就还并且而或该本各全我你他她它其此这每说正又才便却已曾要会能可来去让使像们找称经据同跟请帮"
)
NAME_FLAGS = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
COMMON_WORD_FREQ = 300
MAX_AGENCY_NAME = 14
MAX_PERSON_NAME = 8

# 百家姓: the common single and compound surnames, to tell a Han name (two or three
# characters) from a transliterated one (敖日格勒, 那顺吉日嘎拉), which can be longer.
SURNAMES = set(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝"
    "闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解"
    "应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井"
    "段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶"
    "郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍"
    "郤璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡"
    "步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠"
    "须丰巢关蒯相查后荆红游竺权逯盖益桓公"
)
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "呼延", "轩辕",
}  # fmt: skip


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str
    flag: str


@dataclass
class AgencyMention:
    name: str  # as the copy names it, without the divisions that locate it: 乌拉特前旗公安局
    kind: str
    start: int
    end: int
    region: str = ""  # 巴彦淖尔市
    implied_parent: str = ""  # 巴彦淖尔市公安局, from the divisions before the name
    parent: "AgencyMention | None" = None  # the agency named right before this one


@dataclass
class OfficerMention:
    name: str
    title: str
    unit: str
    start: int
    agency: AgencyMention | None = None


@dataclass
class Mentions:
    agencies: list[AgencyMention] = field(default_factory=list)
    officers: list[OfficerMention] = field(default_factory=list)


@cache
def _jieba():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba.dt.FREQ, jieba.posseg.dt


def tokenize(text):
    _freq, posseg = _jieba()
    tokens, pos = [], 0
    for pair in posseg.cut(text):
        tokens.append(Token(pos, pos + len(pair.word), pair.word, pair.flag))
        pos += len(pair.word)
    return tokens


def _is_common(token):
    freq, _ = _jieba()
    return (
        len(token.word) >= 2
        and token.flag not in NAME_FLAGS
        and freq.get(token.word, 0) >= COMMON_WORD_FREQ
    )


def _is_name_piece(token):
    """Could this token be part of a proper name?"""
    if not all("\u4e00" <= ch <= "\u9fff" for ch in token.word):
        return False
    if len(token.word) == 1:
        return token.word not in STOP_CHARS
    return not _is_common(token)


def _tokens_before(tokens, position):
    """Tokens ending at or before ``position``, nearest first; a token that straddles the
    position is cut there (jieba sometimes glues a name to its suffix)."""
    out = []
    for tok in reversed(tokens):
        if tok.start >= position:
            continue
        if tok.end > position:
            part = tok.word[: position - tok.start]
            tok = Token(tok.start, position, part, "nz")
        out.append(tok)
    return out


def _tokens_after(tokens, position):
    out = []
    for tok in tokens:
        if tok.end <= position:
            continue
        if tok.start < position:
            tok = Token(position, tok.end, tok.word[position - tok.start :], "nz")
        out.append(tok)
    return out


def find_agencies(text, tokens):
    mentions = []
    for match in _AGENCY_RE.finditer(text):
        start, end, suffix = match.start(), match.end(), match.group()
        previous = mentions[-1] if mentions else None
        if previous and start < previous.end:
            continue
        pieces = []
        parent = None
        for tok in _tokens_before(tokens, start):
            if previous and tok.end == previous.end:
                parent = previous
                break
            if not _is_name_piece(tok) or sum(map(len, pieces)) + len(tok.word) > MAX_AGENCY_NAME:
                break
            pieces.insert(0, tok.word)
            if previous and tok.start == previous.end:
                parent = previous
                break
        proper = "".join(pieces)
        if len(proper) < 2:
            continue  # a bare 派出所 or 找派出所: a common noun, not a name
        divisions = _DIVISION_RE.findall(proper)
        consumed = "".join(divisions)
        own = proper[len(consumed) :]
        region = ""
        implied_parent = ""
        if not own:
            # The name is all divisions: 通辽市 + 公安局, 巴彦淖尔市乌拉特前旗 + 公安局.
            own = divisions.pop()
        if divisions:
            region = divisions[0]
            if AGENCY_SUFFIXES[suffix] in {AgencyKind.BUREAU, AgencyKind.DEPARTMENT}:
                implied_parent = f"{divisions[-1]}公安局"
        name = own + suffix
        kind = AGENCY_SUFFIXES[suffix]
        if kind == AgencyKind.BUREAU and re.search("(?:旗|县)$", own):
            kind = AgencyKind.COUNTY_BUREAU
        if kind == AgencyKind.BUREAU and not region:
            region = own
        mentions.append(
            AgencyMention(
                name=name,
                kind=kind,
                start=start - len(proper),
                end=end,
                region=region,
                implied_parent=implied_parent,
                parent=parent,
            )
        )
    return mentions


def _is_name_token(token):
    """A token that reads as (part of) a name: tagged as one, or unknown to the dictionary
    (jieba's HMM makes words of the syllables of a transliterated name)."""
    freq, _ = _jieba()
    return token.flag in NAME_FLAGS | {"j", "o"} or not freq.get(token.word)


def _person_name(tokens):
    """The person's name at the start of ``tokens``, or "" when they do not start with one."""
    freq, _ = _jieba()
    pieces = []
    for tok in tokens:
        if (
            not _is_name_piece(tok)
            or sum(len(t.word) for t in pieces) + len(tok.word) > MAX_PERSON_NAME
        ):
            break
        pieces.append(tok)
    if not pieces:
        return ""
    first = pieces[0]
    if len(first.word) > 1 and freq.get(first.word) and first.flag not in NAME_FLAGS:
        return ""  # a dictionary word such as 查验 (民警查验入境车辆), not a name
    text = "".join(t.word for t in pieces)
    kept = []
    if text[:2] in COMPOUND_SURNAMES or text[0] in SURNAMES:
        # A Han name is a surname and one or two characters; what follows is the next word,
        # unless it too reads as a name (敖日格勒 and 那顺吉日嘎拉 begin with 敖 and 那).
        limit = 4 if text[:2] in COMPOUND_SURNAMES else 3
        for tok in pieces:
            length = sum(len(t.word) for t in kept) + len(tok.word)
            if length > limit and not (kept and _is_name_token(tok)):
                break
            kept.append(tok)
    else:
        for tok in pieces:
            if not _is_name_token(tok):
                break
            kept.append(tok)
    # A transliterated name may end in a syllable that is also a common word on its own
    # (格日勒 + 图): keep it when the sentence breaks right after it.
    rest = tokens[len(kept) :]
    if (
        kept
        and any(not freq.get(t.word) for t in kept)
        and len(rest) >= 1
        and len(rest[0].word) == 1
        and _is_name_piece(rest[0])
        and (len(rest) == 1 or not HAN_RE.match(rest[1].word))
    ):
        kept.append(rest[0])
    name = "".join(t.word for t in kept)
    return name if 2 <= len(name) <= MAX_PERSON_NAME else ""


def find_officers(text, tokens, agencies):
    officers = []
    for match in _TITLE_RE.finditer(text):
        start, end = match.span()
        if any(a.start <= start < a.end for a in agencies):
            continue
        name = _person_name(_tokens_after(tokens, end))
        if not name:
            continue
        unit = ""
        unit_start = start
        pieces = []
        for tok in _tokens_before(tokens, start)[:3]:
            if not _is_name_piece(tok) and not tok.word.endswith(("队", "科", "组")):
                break
            if any(a.end == tok.end for a in agencies):
                break
            pieces.insert(0, tok.word)
            candidate = "".join(pieces)
            if _UNIT_RE.search(candidate) and not _AGENCY_RE.search(candidate):
                unit, unit_start = candidate, tok.start
        # The officer's agency: the one named right before (…检查站执勤一队民警, …派出所的所长),
        # else the last one named before them in the story.
        agency = None
        for candidate in reversed(agencies):
            if candidate.end <= unit_start:
                agency = candidate
                break
        officers.append(
            OfficerMention(name=name, title=match.group(), unit=unit, start=start, agency=agency)
        )
    return officers


def find_mentions(text):
    """Agencies and officers named in ``text``, in order of first appearance."""
    tokens = tokenize(text)
    agencies = find_agencies(text, tokens)
    officers = find_officers(text, tokens, agencies)
    return Mentions(agencies=agencies, officers=officers)
