"""Reading a person's name where copy puts one (after a title: 民警张昊, 所长那顺吉日嘎拉).

A name is read by its shape, never looked up in a list of this paper's people:

- a Han name is a surname (百家姓, compound ones included: 上官, 欧阳) and one or two more
  characters; the second is kept unless it begins a common word (祁霖|参与, 王刚|表示) or is a
  function character (魏伟|给);
- a Mongolian (or other transliterated) name is a run of the characters transliteration uses
  (敖日格勒, 那顺吉日嘎拉, 其其格), up to seven, trimmed where a common word straddles its end
  (乌力吉|达到); parts joined by a middle dot are one name (阿拉坦·巴根);
- a list after one title gives every name in it (民警张强、李明和赵鹏), and 和 that ends a
  Mongolian name (那木和, 孟和) is told from the conjunction by what follows it.

Word frequencies and parts of speech come from jieba's dictionary.
"""

import logging
import re
from functools import cache

# 百家姓 and the surnames common in the region's copy.
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
    "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "呼延", "轩辕", "澹台", "百里",
}  # fmt: skip

# The characters Mongolian (and Daur, Evenki, Manchu) names are transliterated with.
TRANSLITERATION = set(
    "阿爱安敖奥巴白拜班包宝保鲍贝毕必宾波伯勃博布查朝辰楚春达旦道德登迪丁东都杜多朵额鄂恩尔"
    "噶嘎干刚戈格根庚功古固广贵桂哈海罕汗杭浩好合和赫黑亨红洪呼胡虎花华晖辉吉济嘉杰金锦晶久"
    "卡凯康柯可克库拉来赖兰朗劳勒雷楞力丽莲亮林琳玲龙隆鲁禄伦罗玛满曼芒毛梅美门蒙孟米敏明莫"
    "木穆那纳娜乃嫩尼妮宁诺其奇琪齐钦青庆琼仁日荣如若萨赛塞桑色森沙山善尚申生胜师诗史寿舒双"
    "顺斯松苏素索塔台太泰坦唐陶特腾提天铁通图吐托瓦旺威温乌吾西希锡喜仙香祥协辛新兴秀旭雅亚"
    "岩彦燕扬耀业伊依仪义音银英颖永勇优尤友玉元月云允扎札占章召照哲珍真志忠珠卓宗儿敦琴娃策僧赉娅高信"
)
# Characters that never continue a name: particles, prepositions, pronouns, common verbs.
STOP_CHARS = set(
    "的在为和与及是对向由将被把了从到给等即于以也都就还并且而或该本各全我你他她它其此这每说正又"
    "才便却已曾要会能可来去让使们找称经据同跟请帮着过等向"
)
# Words a title is followed by that are not people: units, plurals, roles.
NOT_NAMES = {
    "大队", "支队", "中队", "小队", "分队", "队伍", "们", "同志", "干警", "队员", "群众", "家属",
    "工作", "服务", "执法", "巡逻", "走访", "值班", "执勤", "队长", "所长", "教导员", "辅警",
    # Nouns that read as a surname and a name but say how the police act (交警全力保障).
    "全力", "全员", "全体", "全部", "全程", "合力", "现场", "依法", "连续", "齐心",
}  # fmt: skip
COMMON_WORD_FREQ = 300
# A word this common right after a name's second character ends the name before it
# (孟和|带队, 王刚|赶赴).
BOUNDARY_WORD_FREQ = 100
# A word of these parts of speech is not a name, however rare (扎根, 走访).
NOT_NAME_FLAGS = {"v", "vn", "vd", "d", "p", "c", "u", "r", "m", "q", "a", "ad", "f", "t", "l", "i"}
MAX_TRANSLITERATED = 7
VERY_COMMON_NOUN = 5000
# Titles that may follow 和 in a list of people (其其格和辅警苏和).
FOLLOWING_TITLES = ("民警", "辅警", "交警", "社区民警", "特警", "刑警", "队员", "同事", "战友")
HAN = re.compile("[\u4e00-\u9fff]")
# A name of two or three parts: 阿拉坦·巴根, 乌力吉·巴雅尔·图.
_DOTTED = re.compile(r"[\u4e00-\u9fff]{1,6}(?:[·・•][\u4e00-\u9fff]{1,6}){1,2}")
ANONYMISED = re.compile("某")


@cache
def dictionary():
    """jieba's word frequencies and part-of-speech tags."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


def is_common_word(word, *, threshold=COMMON_WORD_FREQ):
    """A word of the language the dictionary has seen often, not tagged as a name."""
    freq, tags = dictionary()
    return (
        len(word) >= 2
        and freq.get(word, 0) >= threshold
        and tags.get(word, "n") not in {"nr", "nrt", "nrfg"}
    )


def _word_starts_at(text, position, *, reach=0):
    """Is there a word of the language starting at ``position`` that ends at or beyond
    ``reach``? A character followed by 着, 了 or 过 is a verb (带着, 笑了)."""
    if text[position + 1 : position + 2] in {"着", "了", "过", "住"}:
        return True
    for length in (4, 3, 2):
        end = position + length
        if (
            end >= reach
            and end <= len(text)
            and is_common_word(text[position:end], threshold=BOUNDARY_WORD_FREQ)
        ):
            return True
    return False


def _begins_other_word(text, position):
    """Does a common word that is not a noun or name start at ``position``?"""
    freq, tags = dictionary()
    for length in (4, 3, 2):
        word = text[position : position + length]
        if len(word) < length or not is_common_word(word, threshold=50):
            continue
        tag = tags.get(word, "")
        if tag in NOT_NAME_FLAGS:
            return True
        if tag == "n" and freq[word] >= VERY_COMMON_NOUN:
            return True  # 民警|利用农闲: a noun this common is not a name
    return False


def is_han(char):
    return bool(char) and bool(HAN.match(char))


def _not_a_name(name):
    freq, tags = dictionary()
    if name in NOT_NAMES or ANONYMISED.search(name):
        return True
    tag = tags.get(name)
    return tag in NOT_NAME_FLAGS and freq.get(name, 0) >= 20


def _han_name(text, position):
    """A surname and one or two given characters at ``position``, or ""."""
    for surname_length in (2, 1):
        surname = text[position : position + surname_length]
        if surname_length == 2 and surname not in COMPOUND_SURNAMES:
            continue
        if surname_length == 1 and surname not in SURNAMES:
            continue
        start = position + surname_length
        first = text[start : start + 1]
        if not is_han(first) or first in STOP_CHARS - {"和", "其", "文", "正", "会"}:
            return ""
        if _begins_other_word(text, position):
            return ""  # 民警|全力以赴: the "surname" begins a word of the sentence
        freq, tags = dictionary()
        if (
            tags.get(text[position : start + 1]) == "ns"
            and freq.get(text[position : start + 1], 0) >= 1000
        ):
            return text[position : start + 1]  # 高原|设卡: a name that is a place word
        second = text[start + 1 : start + 2]
        if not is_han(second) or second in STOP_CHARS or _word_starts_at(text, start + 1):
            return text[position : start + 1]
        return text[position : start + 2]
    return ""


def _run_end(text, position):
    """Where the run of transliteration characters starting at ``position`` ends."""
    end = position
    while end < len(text) and end - position < MAX_TRANSLITERATED and text[end] in TRANSLITERATION:
        end += 1
    return end


def _transliterated_name(text, position):
    """A run of transliteration characters at ``position``, trimmed where a common word
    straddles its end, or ""."""
    end = _run_end(text, position)
    # 和 inside the run followed by another name (or a title) is the conjunction
    # (巴特尔和其其格, 其其格和辅警苏和).
    for index in range(position + 2, end):
        if text[index] == "和" and (
            _reads_as_name(text, index + 1) or text.startswith(FOLLOWING_TITLES, index + 1)
        ):
            end = index
            break
    for index in range(position + 2, end):
        if _word_starts_at(text, index, reach=end + 1):
            end = index
            break
    return text[position:end] if end - position >= 2 else ""


def _noun_at(text, position):
    _freq, tags = dictionary()
    for length in (3, 2):
        word = text[position : position + length]
        if is_common_word(word, threshold=BOUNDARY_WORD_FREQ) and tags.get(word, "")[:1] == "n":
            return True
    return False


def _reads_as_name(text, position):
    """Does a name start at ``position``? (The untrimmed run: this only decides whether 和
    before it is a conjunction.)"""
    if _han_name(text, position):
        return True
    end = _run_end(text, position)
    return end - position >= 2 and not is_common_word(text[position:end])


def read_name(text, position):
    """The person's name at ``position`` in ``text``, or "" when none starts there."""
    if text[position : position + 1] in STOP_CHARS - {"其"}:
        return ""  # 民警和辅警: a name does not begin with a function character
    if dotted := _DOTTED.match(text, position):
        parts = re.split("[·・•]", dotted.group())
        last_start = dotted.end() - len(parts[-1])
        last = _transliterated_name(text, last_start) or _han_name(text, last_start) or parts[-1]
        if all(len(p) >= 1 for p in parts[:-1]):
            return "·".join([*parts[:-1], last])
    han = _han_name(text, position)
    transliterated = _transliterated_name(text, position)
    after = position + len(transliterated)
    if transliterated.endswith("和") and (
        _reads_as_name(text, after)
        or text.startswith(FOLLOWING_TITLES, after)
        or (text[after : after + 1] not in STOP_CHARS and _noun_at(text, after))
    ):
        transliterated = transliterated[:-1]
    if transliterated and is_common_word(transliterated, threshold=50) and not han:
        transliterated = ""  # 民警扎根草原: a word of the language, not a name
    name = transliterated if len(transliterated) > len(han) else han
    if len(name) < 2 or _not_a_name(name):
        return ""
    return name


_LIST_SEPARATORS = ("、", "和", "与", "及", "以及", "，")


def read_names(text, position):
    """The names of a list at ``position``: 张强、李明和赵鹏 -> [张强, 李明, 赵鹏]. The list
    ends at the first item that is not a name; a comma continues it only when a name of the
    same shape follows and is itself followed by another separator or the sentence's end."""
    names = []
    while name := read_name(text, position):
        names.append(name)
        position += len(name)
        for separator in _LIST_SEPARATORS:
            if text.startswith(separator, position) and not is_common_word(
                text[position : position + 2], threshold=BOUNDARY_WORD_FREQ
            ):
                following = read_name(text, position + len(separator))
                if following and (
                    separator != "，"
                    or _ends_list(text, position + len(separator) + len(following))
                ):
                    position += len(separator)
                    break
        else:
            break
    return names


def _ends_list(text, position):
    return text[position : position + 1] in {"、", "和", "等"}
