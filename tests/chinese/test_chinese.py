"""Chinese text rules: typography (GB/T 15834), bylines, slugs, traditional characters."""

import pytest

from chinese.bylines import Person, format_byline, people
from chinese.pinyin import pinyin_slug
from chinese.typography import normalize_body_text, normalize_punctuation, truncate
from chinese.variants import simplified


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('开展"5·20"宣传', "开展“5·20”宣传"),
        ('拨打"110"报警', "拨打“110”报警"),
        ("宣传......群众", "宣传……群众"),
        ("宣传…群众", "宣传……群众"),
        ("宣传。。。群众", "宣传……群众"),
        ("称为“草原110”.下一步", "称为“草原110”。下一步"),
        ("民警--守护者", "民警——守护者"),
        ("阿拉坦•巴根", "阿拉坦·巴根"),
        ("8时,锡林郭勒盟(二连浩特市)1,000辆", "8时，锡林郭勒盟（二连浩特市）1,000辆"),
        ('他说:"我们一定守好国门。"', "他说：“我们一定守好国门。”"),
        ("OK, fine...", "OK, fine..."),  # Latin text keeps its own marks
        ("3.5万元，8:30", "3.5万元，8:30"),
    ],
)
def test_punctuation_between_chinese_is_full_width(text, expected):
    assert normalize_punctuation(text) == expected


def test_ocr_spaces_between_chinese_go_in_body_text_only():
    assert normalize_body_text("白彦花派出 所民警 在巡逻") == "白彦花派出所民警在巡逻"
    assert normalize_body_text("G7 峰会 2022 年") == "G7 峰会 2022 年"
    assert normalize_punctuation("平安夜巡 守护群众") == "平安夜巡 守护群众"  # a headline's


def test_summaries_end_in_the_chinese_ellipsis():
    assert truncate("一二三四五六七八九十", 6) == "一二三四……"
    assert truncate("一二三", 6) == "一二三"


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("本报记者 张红梅 通讯员 李建国", [("张红梅", "本报记者"), ("李建国", "通讯员")]),
        ("本报记者张红梅 通讯员李建国", [("张红梅", "本报记者"), ("李建国", "通讯员")]),
        ("记者 张三 李四", [("张三", "记者"), ("李四", "记者")]),
        ("王晓东、李想", [("王晓东", ""), ("李想", "")]),
        ("沈翠英 摄", [("沈翠英", "摄影")]),
        ("实习生 阿拉坦·巴根", [("阿拉坦·巴根", "实习生")]),
    ],
)
def test_bylines_are_people_with_roles(byline, expected):
    found = people(byline)
    assert [(p.name, p.role) for p in found] == expected
    assert people(format_byline(found)) == found


def test_a_byline_is_printed_back_with_each_role_once():
    found = [Person("张红梅", "本报记者"), Person("李建国", "通讯员"), Person("王强", "通讯员")]
    assert format_byline(found) == "本报记者 张红梅 通讯员 李建国 王强"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("民警在行动", "min-jing-zai-xing-dong"),  # 在|行动, not the phrase 在行
        ("银行行长", "yin-hang-hang-zhang"),
        ("3.5万元", "3dian5-wan-yuan"),
        ("格日勒图", "ge-ri-le-tu"),
        ("锡林郭勒盟", "xi-lin-guo-le-meng"),
        ("商都县", "shang-du-xian"),
        ("白彦花派出所", "bai-yan-hua-pai-chu-suo"),
    ],
)
def test_slugs_read_characters_as_their_words_do(text, slug):
    assert pinyin_slug(text) == slug


def test_a_persons_slug_reads_the_surname_as_a_surname():
    assert pinyin_slug("单志刚", person=True) == "shan-zhi-gang"
    assert pinyin_slug("曾强", person=True) == "zeng-qiang"
    assert pinyin_slug("单志刚") == "dan-zhi-gang"


def test_traditional_characters_fold_to_simplified():
    assert simplified("詐騙案件 警務室") == "诈骗案件 警务室"
    assert simplified("ASCII only") == "ASCII only"


def test_folding_is_one_character_to_one_in_queries_and_copy_alike():
    # OpenCC's phrase rules keep 乾 in 乾隆 yet fold a lone 乾 to 干: a query for 乾 would then
    # miss copy indexed as 乾隆. One character to one, both fold the same way.
    assert simplified("乾隆") == "干隆"
    assert simplified("乾") == "干"
    assert simplified("頭髮 發現 後來 一隻") == "头发 发现 后来 一只"
    assert simplified("已是简体：诈骗") == "已是简体：诈骗"
    assert simplified("") == "" and simplified(None) == ""
