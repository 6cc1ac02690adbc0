"""The importer's rules one by one: reading names, mending cuts, finding and placing
agencies (each decision a test; the pages in pages/ score them together)."""

import pytest

from ingest.entities import find_mentions
from ingest.names import read_names
from ingest.parse import is_cut, parse_page
from ingest.places import places


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("张昊,结束了夜班", ["张昊"]),
        ("祁霖参与闭环执勤", ["祁霖"]),  # 参与 is a word: the name ends before it
        ("张永俊的妻子", ["张永俊"]),
        ("王刚表示", ["王刚"]),
        ("敖日格勒充满信心", ["敖日格勒"]),
        ("那顺吉日嘎拉正盯着屏幕", ["那顺吉日嘎拉"]),
        ("阿拉坦·巴根介绍", ["阿拉坦·巴根"]),  # not cut at the dot
        ("乌力吉·巴雅尔说", ["乌力吉·巴雅尔"]),
        ("上官云飞说", ["上官云飞"]),  # a compound surname
        ("欧阳晓东正在", ["欧阳晓东"]),
        ("额尔敦毕力格带队", ["额尔敦毕力格"]),  # six characters
        ("那木和在牧民家中", ["那木和"]),  # 和 ends the name here...
        ("孟和介绍", ["孟和"]),
        ("巴特尔和其其格", ["巴特尔", "其其格"]),  # ...and joins two names here
        ("张强、李明和赵鹏一起", ["张强", "李明", "赵鹏"]),
        ("杨勇和李明", ["杨勇", "李明"]),
        ("乌力吉达到现场", ["乌力吉"]),  # 达到 straddles the end: trimmed
        ("高原说", ["高原"]),  # a name that is also a word
        ("宝音巡逻", ["宝音"]),
    ],
)
def test_names_are_read_by_their_shape(text, names):
    assert read_names(text, 0) == names


@pytest.mark.parametrize(
    "text", ["扎根草原", "们深入牧区", "全力以赴", "王某某被抓获", "大队民警", "走访群众"]
)
def test_words_after_a_title_that_are_not_names(text):
    assert read_names(text, 0) == []


def officers(text):
    return [
        (o.name, o.title, o.unit, o.agency and o.agency.name) for o in find_mentions(text).officers
    ]


def test_officers_and_the_agency_they_are_in():
    text = "乌拉特中旗公安局交警大队民警高峰说，白彦花派出所教导员孟和、民警其其格和李明赶到。"
    assert officers(text) == [
        ("高峰", "民警", "", "乌拉特中旗公安局交警大队"),
        ("孟和", "教导员", "", "白彦花派出所"),
        ("其其格", "民警", "", "白彦花派出所"),
        ("李明", "民警", "", "白彦花派出所"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "白彦花镇司法所所长王建华主持调解。",
        "嘎查达巴图说，村党支部书记李强也来了。",
        "乌拉特前旗人民法院院长刘海、法官张敏审理此案，检察官赵磊出庭。",
        "犯罪嫌疑人王某某被抓获。",
        "本报记者张红梅报道。",
        "交警大队全力以赴，民警们扎根草原。",
    ],
)
def test_people_who_are_not_police_officers(text):
    assert officers(text) == []


def agencies(text):
    return [(a.name, a.kind, a.division and a.division.name) for a in find_mentions(text).agencies]


def test_agencies_are_named_by_their_divisions_official_name():
    assert agencies("阿右旗公安局") == [("阿拉善右旗公安局", "county_bureau", "阿拉善右旗")]
    assert agencies("乌兰察布公安局") == [("乌兰察布市公安局", "bureau", "乌兰察布市")]
    assert agencies("自治区公安厅") == [("内蒙古自治区公安厅", "department", None)]
    assert agencies("巴彦淖尔市中级人民法院") == [("巴彦淖尔市中级人民法院", "court", "巴彦淖尔市")]
    assert agencies("乌拉特中旗人民检察院") == [
        ("乌拉特中旗人民检察院", "procuratorate", "乌拉特中旗")
    ]


def test_an_agency_below_a_bureau_keeps_its_own_name_and_is_placed_by_its_town():
    [(name, kind, division)] = agencies("白彦花派出所")
    assert (name, kind, division) == ("白彦花派出所", "station", "白彦花镇")
    assert places().parent(places().named("白彦花")[0]).name == "乌拉特前旗"
    [(name, _, division)] = agencies("乌拉特前旗白彦花镇司法所")
    assert (name, division) == ("白彦花镇司法所", "白彦花镇")


def test_a_station_named_at_the_start_of_a_sentence():
    text = "近日，雪很大。白彦花派出所教导员孟和带队出发。"
    assert [a.name for a in find_mentions(text).agencies] == ["白彦花派出所"]
    assert officers(text) == [("孟和", "教导员", "", "白彦花派出所")]


@pytest.mark.parametrize(
    ("left", "right", "cut"),
    [
        ("民警们心往一处想，劲往一处", "使，帮助企业。", True),
        ("同比增长1", "5.2%。", True),
        ("被群众称为“草原110”", "的他们从不叫苦。", True),  # a cut right after a closing quote
        ("他说：“我们一定守好国门。”", "第二天，雪停了。", False),
        ('他说:"我们一定守好国门。"', "第二天，雪停了。", False),  # ASCII quote after 。
        ("……逆行而上。（沈翠英）", "下一篇。", False),
        ("全部告破。", "，共计3起。", True),  # what cannot begin a paragraph
        ("行动取得成效。", "同比增长15%。", False),
    ],
)
def test_a_paragraph_is_mended_only_where_it_was_cut(left, right, cut):
    assert is_cut(left, right) is cut


def test_mending_puts_nothing_inside_a_number():
    [story] = parse_page("# 标题\n\n案值同比增长1\n\n5.2%，涉案2\n\n3.4万元。\n")
    assert story.paragraphs == ["案值同比增长15.2%，涉案23.4万元。"]


def test_bylines_before_and_after_the_story():
    [first, second] = parse_page(
        "# 一\n\n本报讯（记者 张红梅 通讯员 李建国）近日，民警巡逻。\n\n"
        "# 二\n\n民警巡逻。(本报记者 王强 实习生 其其格)\n"
    )
    assert first.byline == "记者 张红梅 通讯员 李建国"
    assert first.paragraphs == ["近日，民警巡逻。"]
    assert second.byline == "本报记者 王强 实习生 其其格"
    assert second.paragraphs == ["民警巡逻。"]


def test_a_station_of_the_same_name_under_another_bureau_is_another_station(db):
    from agencies.models import Agency
    from articles.models import Section
    from ingest.store import import_page

    Section.objects.create(name="要闻", slug="yao-wen")
    import_page(
        "# 一\n\n阿拉善左旗公安局巴音派出所民警张三巡逻。\n\n"
        "# 二\n\n东乌珠穆沁旗公安局巴音派出所民警李四巡逻。\n",
        source="p.txt",
        section="yao-wen",
    )
    parents = sorted(a.parent.name for a in Agency.objects.filter(name="巴音派出所"))
    assert parents == ["东乌珠穆沁旗公安局", "阿拉善左旗公安局"]


def test_names_keep_to_what_a_record_can_hold(db):
    from agencies.models import Officer
    from articles.models import Section
    from ingest.store import import_page

    Section.objects.create(name="要闻", slug="yao-wen")
    import_page("# 一\n\n民警" + "阿拉坦·" * 20 + "巴根巡逻。\n", source="p.txt", section="yao-wen")
    assert [o.name for o in Officer.objects.all()] == ["阿拉坦·阿拉坦·阿拉坦"]


def test_a_record_that_cannot_be_made_is_a_clear_error_of_the_page(db):
    from agencies.models import Agency
    from ingest.parse import PageImportError
    from ingest.store import _clean

    with pytest.raises(PageImportError, match="无法建立机构"):
        _clean(Agency(name="站" * 200, kind="station"), "机构“站…”", exclude=["slug", "path"])


def test_a_dateline_and_a_trailing_byline_name_each_person_once():
    [story] = parse_page("# 一\n\n本报讯（记者 张红梅）民警巡逻。（张红梅）\n")
    assert story.byline == "记者 张红梅"
