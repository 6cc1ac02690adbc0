"""Finding the agencies and police officers named in running Chinese text.

No list of this paper's agencies or officers is written here: they are found by their shape,
and placed with the region's administrative divisions (ingest.places).

- An agency name ends in a suffix of its kind (…公安局, …派出所, …人民法院, …司法所,
  …交警大队) and begins where the words before the suffix stop looking like a name: at
  punctuation, a function word, a common dictionary word, or the end of another agency's
  name, which is then its parent (乌拉特前旗公安局白彦花派出所). The divisions in front of it
  say where it is (巴彦淖尔市乌拉特前旗公安局: the banner's bureau, under the city's); a bureau,
  court, procuratorate or 司法局 is named by its division's official name (阿右旗公安局 is
  阿拉善右旗公安局).
- An officer is a title (民警, 副队长, 所长…) followed by a name or a list of names
  (ingest.names), with an optional unit (执勤一队) or agency before the title. A title police
  share with other services (所长, 主任, 局长) makes an officer only when what it is attached
  to is police: 司法所所长, 法院院长, 嘎查达 and 村支书 are not officers, nor are 王某某 and
  reporters.
"""

import logging
import re
from dataclasses import dataclass, field
from functools import cache

from agencies.models import AgencyKind
from ingest.names import STOP_CHARS, dictionary, is_common_word, is_han, read_names
from ingest.places import REGION, REGION_NAMES, Division, places

K = AgencyKind
# Longest first, so that 出入境边防检查站 wins over 检查站 and 中级人民法院 over 人民法院.
AGENCY_SUFFIXES = {
    "出入境边防检查站": K.BORDER_STATION,
    "边防检查站": K.BORDER_STATION,
    "公安检查站": K.CHECKPOINT,
    "检查站": K.CHECKPOINT,
    "公安厅": K.DEPARTMENT,
    "公安分局": K.BRANCH,
    "公安局": K.BUREAU,
    "分局": K.BRANCH,
    "派出所": K.STATION,
    "警务室": K.POST,
    "警务站": K.POST,
    "高级人民法院": K.COURT,
    "中级人民法院": K.COURT,
    "人民法院": K.COURT,
    "人民法庭": K.COURT,
    "人民检察院": K.PROCURATORATE,
    "司法厅": K.JUSTICE,
    "司法局": K.JUSTICE,
    "司法所": K.JUSTICE,
}
# Police units inside a bureau: agencies of their own (交警大队民警…), unlike 执勤一队.
UNIT_WORDS = [
    "交通管理大队", "交通警察大队", "交警大队", "交通管理支队", "交通警察支队", "交警支队",
    "刑事侦查大队", "刑侦大队", "刑警大队", "刑警支队", "治安管理大队", "治安大队", "治安支队",
    "巡特警大队", "特警大队", "特警支队", "禁毒大队", "禁毒支队", "经侦大队", "网安大队",
    "警犬大队", "森林公安局",
]  # fmt: skip
for _unit in UNIT_WORDS:
    AGENCY_SUFFIXES[_unit] = K.UNIT
_AGENCY_RE = re.compile("|".join(sorted(AGENCY_SUFFIXES, key=len, reverse=True)))
# Agencies whose name is a division's (one per division and kind).
DIVISION_BODIES = {
    "公安厅",
    "公安局",
    "高级人民法院",
    "中级人民法院",
    "人民法院",
    "人民检察院",
    "司法厅",
    "司法局",
}

# Words before a suffix that name a kind of agency, not one (各旗县公安局, 基层派出所).
GENERIC_PREFIXES = {
    "旗县", "盟市", "全区", "全市", "全旗", "全盟", "各级", "市级", "县级", "旗级", "基层", "当地",
    "辖区", "属地", "上级", "同级", "本级", "各地", "城区", "农村", "牧区", "边境",
}  # fmt: skip

POLICE_TITLES = [
    "社区民警", "户籍民警", "治安民警", "驻村民警", "民警", "辅警", "交警", "特警", "刑警", "巡警",
    "警长", "警官", "侦查员", "副教导员", "教导员", "副指导员", "指导员", "副政委", "政委",
    "副支队长", "支队长", "副大队长", "大队长", "副中队长", "中队长", "警务室主任",
]  # fmt: skip
# Titles police share with other services: an officer only when attached to a police body.
SHARED_TITLES = [
    "副所长", "所长", "副站长", "站长", "副局长", "局长", "副厅长", "厅长", "副队长", "队长",
    "副科长", "科长", "副主任", "主任", "党委书记", "书记",
]  # fmt: skip
# Titles that are never police; read so that the name after them is not taken for another.
OTHER_TITLES = [
    "法官", "审判员", "审判长", "副院长", "院长", "庭长", "检察官", "副检察长", "检察长",
    "嘎查达", "苏木达", "村长", "镇长", "调解员", "网格员", "记者", "通讯员", "律师", "医生",
]  # fmt: skip
TITLES = {**dict.fromkeys(OTHER_TITLES, "other"), **dict.fromkeys(SHARED_TITLES, "shared")}
TITLES.update(dict.fromkeys(POLICE_TITLES, "police"))
_TITLE_RE = re.compile("|".join(sorted(TITLES, key=len, reverse=True)))
# What a shared title may hang on that is not police: 司法所所长, 村党支部书记, 嘎查…主任.
_CIVIL_BEFORE = re.compile(
    "(?:司法所|司法局|法院|检察院|法庭|政府|嘎查|村|社区|村委会|居委会|党支部|支部|医院|学校|"
    "公司|办公室|委员会|中心|协会|苏木|镇|乡)的?$"
)
_COUNTED = re.compile(r"(?:\d+|[一二三四五六七八九十两几数多每])名$")
# Units inside an agency, kept on the officer: 执勤一队, 治安科, 一中队.
_UNIT_RE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:队|科|组|室)$")
NAME_FLAGS = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
MAX_AGENCY_NAME = 16
AGENCY_STOP_WORDS = {
    "更", "多", "很", "最", "较", "更多", "很多", "最多", "许多", "其他", "各个",
    "自", "至", "进", "往", "赴", "离", "去", "塞", "调", "派", "送", "入", "回", "旁", "里",
}  # fmt: skip
# Common nouns inside agency names (呼和诺尔景区警务室, 碧流台镇中心警务室).
AGENCY_INFIXES = {
    "景区", "社区", "中心", "口岸", "车站", "水库", "校园", "学校", "医院",
    "市场", "广场", "火车站", "机场", "矿区", "园区", "嘎查", "牧场", "林场",
    "农场", "工业园", "开发区", "边境", "公路", "铁路", "高速",
}  # fmt: skip
MAX_CHAINED_NAME = 8
MAX_AGENCY_LENGTH = 60
# What stands between two agencies that are not one inside the other (警务室距离派出所…).
BETWEEN_AGENCIES = (
    "距离", "离", "附近", "前往", "来到", "赶到", "赶往", "送往", "联系", "配合", "协助", "通知",
    "联合", "会同", "联手", "协调", "移交", "移送", "邀请", "靠近", "对接", "所在",
)  # fmt: skip


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str
    flag: str

    def without_first(self):
        """The token without its first character."""
        return Token(self.start + 1, self.end, self.word[1:], "nz")


@dataclass
class AgencyMention:
    name: (
        str  # canonical: 阿拉善右旗公安局 for 阿右旗公安局, 白彦花派出所 for 乌拉特前旗白彦花派出所
    )
    kind: str
    start: int
    end: int
    printed: str = ""  # as the copy names it, divisions included
    division: Division | None = None  # where it is: its own division, or the one it is in
    candidates: tuple = ()  # every division a station's place name may be (巴音…)
    parent: "AgencyMention | None" = None  # the agency named right before this one

    @property
    def is_police(self):
        return self.kind in AgencyKind.police()


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
def _segmenter():
    """jieba, taught the region's place names, the titles and the agency words, so that it
    cuts 乌拉特前旗白彦花派出所 at its parts and not across them."""
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    dictionary()
    for name in places().by_name:
        jieba.add_word(name, freq=2000, tag="ns")
    for word in [*TITLES, *AGENCY_SUFFIXES]:
        jieba.add_word(word, freq=5000, tag="n")
    return jieba.posseg.dt


def tokenize(text):
    tokens, pos = [], 0
    for pair in _segmenter().cut(text):
        tokens.append(Token(pos, pos + len(pair.word), pair.word, pair.flag))
        pos += len(pair.word)
    return tokens


def _is_name_piece(token):
    """Could this token be part of an agency's proper name?"""
    if not all("\u4e00" <= ch <= "\u9fff" for ch in token.word):
        return False
    if len(token.word) == 1:
        return token.word not in STOP_CHARS
    if token.word in REGION_NAMES or places().named(token.word) or token.word in AGENCY_INFIXES:
        return True  # 自治区, 乌拉特前旗, 景区: common words to the dictionary, names here
    if token.word[0] in STOP_CHARS or token.word in AGENCY_STOP_WORDS:
        return False  # 该局, 更多
    freq, _tags = dictionary()
    if (
        token.flag[:1] in {"v", "d", "r", "m", "p", "c", "u", "q", "f"}
        and freq.get(token.word, 0) >= 20
    ):
        return False  # 移送, 组织, 更多: verbs and adverbs before an agency are not its name
    return token.flag in NAME_FLAGS or not is_common_word(token.word)


def _is_verb(word):
    freq, tags = dictionary()
    return tags.get(word, "")[:1] in {"v", "d"} and freq.get(word, 0) >= 20


def _tokens_before(tokens, position):
    """Tokens ending at or before ``position``, nearest first; a token that straddles the
    position is cut there (jieba sometimes glues a name to its suffix)."""
    out = []
    for tok in reversed(tokens):
        if tok.start >= position:
            continue
        if tok.end > position:
            tok = Token(tok.start, position, tok.word[: position - tok.start], "nz")
        out.append(tok)
    return out


def _name(proper, suffix):
    """(canonical name, division, candidate divisions) for an agency printed as ``proper`` +
    ``suffix``."""
    printed = proper + suffix
    for region in REGION_NAMES:
        if proper == region:
            return f"{REGION}{suffix}", None, ()
    for region in REGION_NAMES[:2]:
        proper = proper.removeprefix(region)
    pieces, rest = places().split(proper)
    if not pieces:
        return printed, None, ()
    # A town's name is the agency's own (巴音 + 查干派出所 is 巴音查干派出所): only the
    # leagues and counties in front are stripped.
    towns = [index for index, (division, _) in enumerate(pieces) if division.level == "town"]
    if towns:
        own = "".join(text for _, text in pieces[towns[0] :]) + rest
        pieces = pieces[: towns[0] + 1]
    else:
        own = rest
    last, last_printed = pieces[-1]
    above = pieces[-2][0] if len(pieces) > 1 else None
    if not own and suffix in DIVISION_BODIES:
        if suffix == "中级人民法院" or (suffix == "人民法院" and last.level == "league"):
            return f"{places().league_of(last).name}中级人民法院", last, ()
        return last.name + suffix, last, ()
    if not own and suffix in {"分局", "公安分局"} and last.name.endswith("区"):
        # 海拉尔分局, 海拉尔区公安分局: the district's branch of the city bureau, one name.
        return f"{last.name}分局", last, ()
    if not own:
        # 二连 + 出入境边防检查站: the division is the name.
        return last_printed + suffix, last, ()
    if own != last_printed or last.level != "town":
        # 乌拉特前旗 + 白彦花派出所 or 巴音查干派出所: placed by the divisions before it.
        return own + suffix, above if last.level == "town" and own != last_printed else last, ()
    # (乌拉特前旗 +) 白彦花 + 派出所: a station named after its town.
    candidates = tuple(places().named(last_printed))
    if above is not None:
        candidates = tuple(c for c in candidates if places().contains(above, c)) or candidates
    if len(candidates) > 1:
        return own + suffix, above, candidates
    return own + suffix, last, candidates


def _from_first_division(proper):
    """``proper`` from the first region, league or county name in it: 认真落实内蒙古自治区,
    自赤峰市 and 调派科右前旗 are read from the division on."""
    for index in range(len(proper) - 1):
        rest = proper[index:]
        if rest.startswith(REGION_NAMES[:2]):
            return rest
        pieces, _ = places().split(rest)
        if pieces and pieces[0][0].level != "town" and len(pieces[0][1]) >= 3:
            return rest
    return proper


def find_agencies(text, tokens):
    mentions = []
    for match in _AGENCY_RE.finditer(text):
        start, end, suffix = match.start(), match.end(), match.group()
        kind = AGENCY_SUFFIXES[suffix]
        previous = mentions[-1] if mentions else None
        if previous and start < previous.end:
            continue
        pieces, parent = [], None
        gap = text[previous.end : start] if previous else ""
        if (
            previous
            and 2 <= len(gap) <= MAX_CHAINED_NAME
            and all(is_han(ch) and ch not in STOP_CHARS for ch in gap)
            and not _TITLE_RE.search(gap)
            and not gap.startswith(BETWEEN_AGENCIES)
            and not _is_verb(gap)
        ):
            # 包头市公安局青山分局富强路派出所: between two agencies, the whole gap is the
            # name, however common its words (富强, 阳光).
            pieces, parent = [gap], previous
        for tok in [] if pieces else _tokens_before(tokens, start):
            if previous and tok.end == previous.end:
                parent = previous
                break
            if (
                len(tok.word) > 1
                and tok.word[0] in STOP_CHARS
                and _is_name_piece(tok.without_first())
            ):
                pieces.insert(0, tok.word[1:])  # 了|珠恩嘎达布其: jieba glued a particle on
                break
            if not _is_name_piece(tok) or sum(map(len, pieces)) + len(tok.word) > MAX_AGENCY_NAME:
                break
            pieces.insert(0, tok.word)
            if previous and tok.start == previous.end:
                parent = previous
                break
        proper = "".join(pieces)
        proper = _from_first_division(proper)
        while proper and proper[:2] in GENERIC_PREFIXES:
            proper = proper[2:]  # 各旗县公安局, 全市派出所: kinds of agency, not one
        if (len(proper) < 2 and kind != K.UNIT) or proper in GENERIC_PREFIXES:
            continue  # a bare 派出所 or 找派出所: a common noun, not a name
        if kind == K.UNIT and parent is None and not places().split(proper)[0]:
            proper = ""  # 该局刑侦大队, 组织刑侦大队: the unit of the bureau the story is about
        name, division, candidates = _name(proper, suffix)
        if kind == K.UNIT and parent is not None and len(parent.name + name) > MAX_AGENCY_LENGTH:
            parent = None  # a chain of units longer than any real name: keep the unit alone
        if kind == K.BUREAU and division is not None and division.level == "county":
            kind = K.COUNTY_BUREAU
        if kind == K.UNIT and parent is not None:
            # 乌拉特中旗公安局交警大队: one 交警大队 per bureau, named with it.
            name = parent.name + name
        mentions.append(
            AgencyMention(
                name=name,
                kind=kind,
                start=start - len(proper),
                end=end,
                printed=proper + suffix,
                division=division,
                candidates=candidates,
                parent=parent,
            )
        )
    return mentions


def _attached_agency(agencies, position, text):
    """The agency named right before ``position`` (…派出所所长, …派出所的教导员)."""
    for agency in reversed(agencies):
        if agency.end == position or (agency.end == position - 1 and text[agency.end] == "的"):
            return agency
        if agency.end < position - 1:
            break
    return None


# A kind of agency named without its name (检查站政委…, 该所民警…): the last one of the kind.
_REFERENCES = {
    "检查站": {K.BORDER_STATION, K.CHECKPOINT},
    "站里": {K.BORDER_STATION, K.CHECKPOINT},
    "派出所": {K.STATION},
    "所里": {K.STATION},
    "该所": {K.STATION},
    "警务室": {K.POST},
    "分局": {K.BRANCH},
    "该局": {K.BUREAU, K.COUNTY_BUREAU, K.BRANCH},
    "大队": {K.UNIT},
    "支队": {K.UNIT},
}


def _referred_agency(agencies, position, text):
    before = text[max(0, position - 4) : position].removesuffix("的")
    for word, kinds in _REFERENCES.items():
        if before.endswith(word):
            for agency in reversed(agencies):
                if agency.end <= position and agency.kind in kinds:
                    return agency
    return None


def find_officers(text, tokens, agencies):
    officers, seen = [], {}
    for match in _TITLE_RE.finditer(text):
        start, end, title = match.start(), match.end(), match.group()
        if any(a.start <= start < a.end for a in agencies):
            continue  # 交警 in 交警大队
        if TITLES[title] == "other":
            continue
        names = read_names(text, end)
        if not names or _COUNTED.search(text[max(0, start - 4) : start]):
            continue  # 1名民警和1名辅警包联: a number of officers, not one by name
        unit, unit_start = _unit_before(text, tokens, start, agencies)
        attached = _attached_agency(agencies, unit_start, text) or _referred_agency(
            agencies, unit_start, text
        )
        if TITLES[title] == "shared":
            if attached is not None and not attached.is_police:
                continue  # 司法所所长, 法院的副院长
            if attached is None and _CIVIL_BEFORE.search(text[max(0, unit_start - 6) : unit_start]):
                continue  # 村党支部书记, 嘎查…主任
            if (
                attached is None
                and not unit
                and _nearest(agencies, start, police=False)
                not in (
                    None,
                    _nearest(agencies, start, police=True),
                )
            ):
                continue  # a 所长 after a court or 司法所 is named: theirs, not a police one
        if attached is not None and not attached.is_police:
            continue
        nearest = _nearest(agencies, unit_start, police=True)
        position = end
        for name in names:
            # Named again without an agency of its own: the same officer, where first placed.
            agency = attached or seen.get(name) or nearest
            seen.setdefault(name, agency)
            position = text.index(name.split("·")[0], position)
            officers.append(
                OfficerMention(name=name, title=title, unit=unit, start=position, agency=agency)
            )
    return officers


def _is_unit_piece(token):
    """Could this token be part of a unit's name (执勤|一队, 刑侦|大队)?"""
    if not all(map(is_han, token.word)) or token.word in AGENCY_STOP_WORDS:
        return False
    return token.word[0] not in STOP_CHARS or token.word.endswith(("队", "科", "组", "室"))


def _unit_before(text, tokens, position, agencies):
    """A unit such as 执勤一队 right before the title, and where it starts."""
    unit, unit_start, pieces = "", position, []
    for tok in _tokens_before(tokens, position)[:3]:
        if not _is_unit_piece(tok):
            break
        if any(a.end == tok.end for a in agencies):
            break
        pieces.insert(0, tok.word)
        candidate = "".join(pieces)
        if _UNIT_RE.search(candidate) and not _AGENCY_RE.search(candidate):
            unit, unit_start = candidate, tok.start
    return unit, unit_start


def _nearest(agencies, position, *, police):
    """The agency named last before ``position`` (a police one with ``police``)."""
    for agency in reversed(agencies):
        if agency.end <= position and (agency.is_police or not police):
            return agency
    return None


def find_mentions(text):
    """Agencies and officers named in ``text``, in order of first appearance."""
    tokens = tokenize(text)
    agencies = find_agencies(text, tokens)
    officers = find_officers(text, tokens, agencies)
    return Mentions(agencies=agencies, officers=officers)
