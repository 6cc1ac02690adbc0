"""校对 in plain text: each check finds its slip, and leaves correct copy alone."""

import dataclasses
import json
import time
from pathlib import Path

import pytest

from chinese import proofread
from chinese.proofread import Finding, Phrasebook, check
from chinese.typography import normalize_punctuation

ROOT = Path(__file__).resolve().parents[2]


def found(text, code=None, **kwargs):
    return [
        (f.excerpt, f.suggestion) for f in check(text, **kwargs) if code is None or f.code == code
    ]


def test_a_finding_is_a_frozen_record_of_its_place():
    text = "6月16日早晨8时,锡林郭勒盟"
    (finding,) = check(text)
    assert dataclasses.is_dataclass(finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0
    assert text[finding.start : finding.end] == finding.excerpt == ","
    assert finding.message == "中文之间用了英文逗号“,”，应为“，”"
    assert proofread.context(text, finding.start, finding.end, width=3) == ("晨8时", "锡林郭")


# -- ASCII punctuation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("早晨8时,锡林郭勒盟", [(",", "，")]),
        ("明确职责;细化措施", [(";", "；")]),
        ("他说:我们守好国门", [(":", "：")]),
        ("你知道吗?", [("?", "？")]),
        ("嘎查(村)治安巡逻队", [("(", "（"), (")", "）")]),
        ('他说:"我们守好国门。"', [(":", "："), ('"', "“"), ('"', "”")]),
        ("称为'草原110'的他们", [("'", "‘"), ("'", "’")]),
        ("被称为“路况播报员”.", [(".", "。")]),
        ('外号"流动110".', [('"', "“"), ('"', "”"), (".", "。")]),
        ("宣传......群众", [("......", "……")]),
        ("宣传…群众", [("…", "……")]),
        ("无一起升级--这是", [("--", "——")]),
    ],
)
def test_english_punctuation_in_chinese_text_is_found(text, expected):
    assert found(text, "punctuation") == expected


@pytest.mark.parametrize(
    "text",
    [
        "共1,000辆，8:30出发，3.5万元",
        "OK, fine. (Really?) It's done...",
        "1.加强组织领导",
        "宣传……群众",
        "人员流动性大——这考验着派出所",
        "“北疆云·智慧公安”",
        "6月16日早晨8时，锡林郭勒盟（二连浩特市）",
    ],
)
def test_correct_punctuation_is_left_alone(text):
    assert found(text, "punctuation") == []


def test_the_seed_pages_punctuation_is_found_where_the_importer_corrects_it():
    """On the scanned page, the suggestions put right exactly what the importer's
    typography (GB/T 15834) puts right."""
    page = (ROOT / "fixtures/source/000_18634d81e59b4d2f.txt").read_text(encoding="utf-8")
    findings = proofread.ascii_punctuation(proofread.mask_markup(page))
    corrected = list(page)
    for finding in reversed(findings):
        corrected[finding.start : finding.end] = [finding.suggestion]
    expected = "\n".join(normalize_punctuation(line) for line in page.split("\n"))
    assert "".join(corrected) == expected
    assert len(findings) > 150


# -- Full width -----------------------------------------------------------------------------


def test_full_width_digits_and_letters_are_found_with_their_half_width_form():
    assert found("２０２２年６月", "width") == [("２０２２", "2022"), ("６", "6")]
    assert found("ＡＢＣ公司", "width") == [("ＡＢＣ", "ABC")]
    (mixed,) = check("２０２２年，即2022年", words=())[:1]
    assert mixed.message == "全角数字“２０２２”，应为半角“2022”（文中别处写作“2022”）"


def test_half_width_numbers_and_chinese_full_width_marks_are_fine():
    assert found("2022年6月，ABC公司，增长15%。（完）", "width") == []


# -- Pairs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“我们守好国门。", [("“", "")]),
        ("我们守好国门。”他说", [("”", "")]),
        ("他说：“好的“，就走了", [("“", "”")]),
        ("”你好”，他说", [("”", "“")]),
        ("研究制定《通辽市公安局工作方案，明确职责", [("《", "")]),
        ("嘎查（村治安巡逻队", [("（", "")]),
        ("【通报】】", [("】", "")]),
        ("「甲『乙」丙』", [("『", ""), ("』", "")]),
    ],
)
def test_quotes_and_brackets_that_do_not_pair_up_are_found(text, expected):
    assert found(text, "unbalanced") == expected


@pytest.mark.parametrize(
    "text",
    [
        "“近年来，各级公安机关推进‘北疆云·智慧公安’警务应用。”那顺吉日嘎拉介绍说。",
        "研究制定《通辽市公安局打击整治养老诈骗专项行动工作方案》，明确职责。",
        "他说：“第一段，话没说完。\n\n“第二段还在引语里。\n\n“第三段结束。”",
        "1）强化组织领导；2）细化工作措施。",
        "嘎查（村）治安巡逻队",
    ],
)
def test_paired_marks_and_quotations_over_paragraphs_are_fine(text):
    assert found(text, "unbalanced") == []


def test_a_quotation_left_open_at_the_end_of_its_story_is_found():
    assert found("他说：“第一段。\n\n第二段没有引号。", "unbalanced") == [("“", "")]


# -- Text printed twice ---------------------------------------------------------------------


def test_the_clause_the_seed_page_prints_twice_is_found():
    text = "6个嘎查（村）两年内未发生刑事案件，两年内未发生一起刑事案件，各类案件发案率大幅下降。"
    (finding,) = check(text)
    assert (finding.code, finding.excerpt) == ("repeat", "两年内未发生一起刑事案件")
    assert "6个嘎查（村）两年内未发生刑事案件" in finding.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("白彦花派出所派出所民警", [("派出所派出所", "派出所")]),
        ("我们的的工作", [("的的", "的")]),
        ("深挖彻查每一条线索，深挖彻查每一条线索。", [("深挖彻查每一条线索", "")]),
        ("民警赶到现场，群众围了上来，民警赶到现场。", [("民警赶到现场", "")]),
    ],
)
def test_text_printed_twice_is_found(text, expected):
    assert found(text, "repeat") == expected


@pytest.mark.parametrize(
    "text",
    [
        "的的确确",
        "不了了之",
        "一步一步地",
        "用铁锹一锹一锹地铲雪",
        "天天巡逻，常常走访",
        "由该局刑侦大队大队长牵头侦办",
        "事故中队中队长宝音德力格尔",
        "全市涉养老诈骗案件清零，全市涉养老诈骗在逃人员全部归案。",
        "第一中队民警巡逻，第二中队民警巡逻。",
        "2022年6月17日，2022年6月18日，分别召开会议。",
        "高站位部署。通辽市公安局党委高度重视。高规格组织。通辽市公安局成立领导小组。",
        "通辽市公安局研究制定《通辽市公安局工作方案》。",
        "乌宝力格警务室、良种场警务室、达日盖警务室、呼和警务室距离派出所较远。",
        "深挖彻查每一条线索。\n\n工作中，深挖彻查每一条线索。",
        "用忠诚守护群众安全 用担当践行入警初心",
    ],
)
def test_reduplication_parallel_clauses_and_repeated_names_are_fine(text):
    assert found(text, "repeat") == []


# -- Numbers and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年6月17日，二〇二二年", [("二〇二二年", "2022年")]),
        ("6月16日上午，六月十七日下午", [("六月十七日", "6月17日")]),
        ("二〇二二年六月十七日，6月18日", [("二〇二二年六月十七日", "2022年6月17日")]),
        ("6月17日晚，“6.17”专案", [("6.17", "6月17日")]),
        ("2022年6月17日，2022-06-18晚", [("2022-06-18", "2022年6月18日")]),
        ("2022年6月17日，2022.6.18晚", [("2022.6.18", "2022年6月18日")]),
        ("共3万人次，其中30000人次来自外地", [("30000", "3万")]),
        ("挽损2.5亿元，另有125000000元", [("125000000", "1.25亿")]),
        ("下降15.7%，百分之十二点一", [("百分之十二点一", "12.1%")]),
    ],
)
def test_numbers_and_dates_in_two_forms_are_found(text, expected):
    assert found(text, "number") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2022年6月17日，6月18日，2019年4月",
        "二〇二二年六月十七日",
        "“6·17”专案告破",
        "6月17日，增长6.17%",
        "共3万人次，7000余人",
        "拨打12345热线，共3万人",
        "百分之十五的群众",
        "第二天，第23天，2岁多的孩子",
    ],
)
def test_one_form_used_throughout_is_fine(text):
    assert found(text, "number") == []


# -- Words to check -------------------------------------------------------------------------


def test_words_on_the_list_are_found_with_their_replacement():
    words = ["截止=截至", "嫌犯"]
    assert found("截止目前，嫌犯已到案", words=words) == [("截止", "截至"), ("嫌犯", "")]
    (finding,) = check("截止目前", words=[("截止", "截至")])
    assert finding.message == "“截止”在本报需核对的词语之列，建议改为“截至”"
    assert found("截止目前", words=[]) == []


def test_phrases_are_found_longest_first_without_overlapping():
    book = Phrasebook(["公安局", "乌兰察布市公安局", "市公安局"])
    assert book.find("乌兰察布市公安局和包头市公安局") == [
        (0, 8, "乌兰察布市公安局"), (11, 15, "市公安局"),
    ]  # fmt: skip


# -- Markdown, the seed, speed --------------------------------------------------------------


def test_markdown_marks_are_not_copy():
    text = (
        "## 打好政治仗 高位统筹高效推进\n\n**高站位部署**。通辽市公安局[工作方案](https://"
        'example.cn/a,b;c.html "方案")已印发，`code, (x)`。\n\n> 引用的话。\n\n- 列表一\n'
        "1. 列表二\n\n| 表头 | 表头 |\n\n联系 news@example.cn。"
    )
    assert check(text) == []


def seed_stories():
    rows = json.loads((ROOT / "fixtures/seed.json").read_text(encoding="utf-8"))
    return [row["fields"] for row in rows if row["model"] == "articles.article"]


def test_the_seed_stories_give_exactly_the_repeated_clause():
    findings = [
        (story["title"], f.code, f.excerpt)
        for story in seed_stories()
        for field in ("title", "subtitle", "summary", "body")
        for f in check(story[field])
    ]
    assert findings == [
        ("从草原深处走出的“全国公安机关爱民模范集体”", "repeat", "两年内未发生一起刑事案件")
    ]


def test_a_long_body_is_read_in_milliseconds():
    body = "\n\n".join(story["body"] for story in seed_stories())
    body = (body * 3)[:10_000]
    check(body)
    started = time.perf_counter()
    for _ in range(5):
        findings = check(body, words=["截止=截至"])
    assert (time.perf_counter() - started) / 5 < 0.05  # a few ms; generous for a busy machine
    assert all(isinstance(f, Finding) for f in findings)


# -- Officers as copy names them ------------------------------------------------------------


def test_an_officers_unit_and_title_are_read_before_their_name():
    text = "二连出入境边防检查站执勤一队副队长敖日格勒说，所长那顺吉日嘎拉介绍，张昊说"
    assert {"敖日格勒", "那顺吉日嘎拉"} <= proofread.name_candidates(text)
    mentions = proofread.titled_mentions(text, ["敖日格勒", "那顺吉日嘎拉", "张昊"])
    assert [(m.name, m.unit, m.title, text[m.claim_start : m.start]) for m in mentions] == [
        ("敖日格勒", "执勤一队", "副队长", "执勤一队副队长"),
        ("那顺吉日嘎拉", "", "所长", "所长"),
    ]


def test_a_generic_title_agrees_with_any_rank_but_an_auxiliary_is_not_an_officer():
    assert proofread.titles_agree("民警", "副队长")
    assert proofread.titles_agree("副队长", "副队长")
    assert not proofread.titles_agree("队长", "副队长")
    assert not proofread.titles_agree("辅警", "民警")
