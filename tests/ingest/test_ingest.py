"""The page importer: parsing a page document, recognising names, writing articles."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from agencies.models import Agency, Officer
from articles.models import Article, Photo, Section, State
from ingest.parse import PageImportError, decode_document, parse_page
from ingest.store import import_page

CUTS = [
    ("经济社会", "发展"),
    ("劲往一处", "使"),
    ("做好", "各项工作"),
    ("3公里", "外"),
    ("看家", "本领"),
]

SEED_OFFICERS = {
    # name: (unit, title, agency)
    "张昊": ("执勤一队", "民警", "二连出入境边防检查站"),
    "敖日格勒": ("执勤一队", "副队长", "二连出入境边防检查站"),
    "祁霖": ("执勤一队", "民警", "二连出入境边防检查站"),
    "孙永明": ("执勤六队", "副队长", "二连出入境边防检查站"),
    "包志勇": ("执勤六队", "副队长", "二连出入境边防检查站"),
    "张永俊": ("", "民警", "二连出入境边防检查站"),
    "魏伟": ("执勤五队", "副队长", "二连出入境边防检查站"),
    "那顺吉日嘎拉": ("", "所长", "白彦花派出所"),
}


@pytest.fixture
def sections(db):
    return {
        slug: Section.objects.create(name=name, slug=slug)
        for name, slug in [("要闻", "yao-wen"), ("基层", "ji-ceng")]
    }


@pytest.fixture
def parsed(seed_text):
    return parse_page(seed_text)


def test_seed_page_has_four_stories_with_their_titles(parsed):
    assert [a.title for a in parsed] == [
        "用忠诚守护群众安全 用担当践行入警初心",
        "尽锐出击 惠泽平安",
        "通辽市公安局打击养老诈骗违法犯罪成效显著",
        "从草原深处走出的“全国公安机关爱民模范集体”",
    ]


def test_a_second_level_headline_under_a_first_is_its_subtitle(parsed):
    assert parsed[0].subtitle == "二连出入境边防检查站全力以赴确保口岸通关顺畅"
    assert [a.subtitle for a in parsed[1:]] == ["", "", ""]


def test_trailing_name_in_parentheses_is_the_byline_and_leaves_the_body(parsed):
    assert [a.byline for a in parsed] == ["沈翠英", "沈翠英 摄", "张佳良", "张佳良"]
    for article in parsed:
        assert "(沈翠英)" not in article.body and "（沈翠英）" not in article.body
        assert "（张佳良）" not in article.body
    assert parsed[0].paragraphs[-1].endswith("逆行而上。")


def test_photo_credit_and_caption_make_a_photo(parsed):
    photo_story = parsed[1]
    assert len(photo_story.photos) == 1
    photo = photo_story.photos[0]
    assert photo.credit == "沈翠英"
    assert photo.caption == "乌兰察布公安局民警矛盾纠纷排查化解现场"
    assert "图为" not in photo_story.body
    assert "摄" not in photo_story.body
    assert photo_story.paragraphs[0].startswith("近日，我区各级公安机关")


def test_consecutive_subheads_form_one_subhead(parsed):
    assert parsed[2].subheads == ["打好政治仗 高位统筹高效推进", "打好突破仗 深挖彻查每一条线索"]
    assert "### 打好突破仗 深挖彻查每一条线索" in parsed[2].body
    assert parsed[3].subheads == ["调解上“云端” 矛盾不出村", "撑起“保护伞” 唱响“平安曲”"]


@pytest.mark.parametrize(("left", "right"), CUTS)
def test_paragraphs_cut_by_column_breaks_are_mended(parsed, left, right):
    paragraphs = [p for a in parsed for p in a.paragraphs]
    assert any(left + right in p for p in paragraphs)
    assert not any(p.endswith(left) for p in paragraphs)


def test_intact_paragraphs_are_not_merged(parsed, seed_text):
    # The document has 37 body paragraphs (and a credit line); five are cut in two.
    paragraphs = [p for a in parsed for p in a.paragraphs]
    assert len(paragraphs) == 32
    for paragraph in paragraphs:
        assert paragraph[-1] in "。！？”"


def test_ascii_punctuation_between_chinese_becomes_full_width(parsed, seed_text):
    assert seed_text.count(",") == 188
    text = "\n".join(a.body + a.title + a.subtitle for a in parsed)
    for mark in ",;:()?!":
        assert mark not in text
    # 188 commas, less none: every one of them sat between Chinese characters.
    assert text.count("，") - seed_text.count("，") == 188
    assert "嘎查（村）" in text
    assert "82%" in text and "15.7%、12.1%，" in text


def test_summary_is_the_lead_paragraph(parsed):
    assert parsed[2].summary.startswith("自全国打击整治养老诈骗专项行动开展以来")
    assert all(len(a.summary) <= 152 for a in parsed)


# -- Writing to the database ---------------------------------------------------------------


def seed_import(seed_text, **kwargs):
    options = {"source": "page.txt", "section": "yao-wen", "date": datetime.date(2022, 6, 17)}
    return import_page(seed_text, **(options | kwargs))


def test_import_creates_articles_agencies_and_officers(sections, seed_text):
    report = seed_import(seed_text, publish=True)
    assert len(report.created) == 4
    assert Article.objects.live().count() == 4
    first = Article.objects.get(source_position=1)
    assert timezone.localtime(first.publish_at).isoformat() == "2022-06-17T06:00:00+08:00"
    assert first.state == State.PUBLISHED
    assert [a.featured for a in Article.objects.order_by("source_position")] == [
        True,
        False,
        False,
        False,
    ]
    for name, (unit, title, agency) in SEED_OFFICERS.items():
        officer = Officer.objects.get(name=name)
        assert (officer.unit, officer.title, officer.agency.name) == (unit, title, agency)
        assert officer.verified is False
    assert Officer.objects.count() == 8


def test_each_story_links_the_agencies_and_officers_it_names(sections, seed_text):
    seed_import(seed_text)
    by_position = {a.source_position: a for a in Article.objects.all()}

    def names(article, relation):
        return {o.name for o in getattr(article, relation).all()}

    assert names(by_position[1], "agencies") == {"二连出入境边防检查站"}
    assert names(by_position[1], "officers") == set(SEED_OFFICERS) - {"那顺吉日嘎拉"}
    assert names(by_position[2], "agencies") == {"乌兰察布市公安局"}  # 乌兰察布公安局 in copy
    assert names(by_position[2], "officers") == set()
    assert names(by_position[3], "agencies") == {"通辽市公安局"}
    assert names(by_position[4], "agencies") == {
        "乌拉特前旗公安局",
        "白彦花派出所",
        "达日盖警务室",
        "乌宝力格警务室",
        "良种场警务室",
        "呼和警务室",
    }
    assert names(by_position[4], "officers") == {"那顺吉日嘎拉"}


def test_reporters_and_non_police_are_not_officers(sections, seed_text):
    seed_import(seed_text)
    names = set(Officer.objects.values_list("name", flat=True))
    assert not names & {"沈翠英", "张佳良", "干嘎"}


def test_implied_parent_agencies_make_a_tree(sections, seed_text):
    seed_import(seed_text)
    station = Agency.objects.get(name="白彦花派出所")
    assert [a.name for a in station.ancestors()] == [
        "内蒙古自治区公安厅",
        "巴彦淖尔市公安局",
        "乌拉特前旗公安局",
    ]
    post = Agency.objects.get(name="达日盖警务室")
    assert post.parent == station
    assert Agency.objects.get(name="乌拉特前旗公安局").region == "巴彦淖尔市"


def test_known_agencies_are_linked_by_alias(sections, seed_text):
    bureau = Agency.objects.create(
        name="乌兰察布市公安局", aliases="乌兰察布公安局", kind="bureau", verified=True
    )
    seed_import(seed_text)
    photo_story = Article.objects.get(source_position=2)
    assert list(photo_story.agencies.all()) == [bureau]
    assert not Agency.objects.filter(name="乌兰察布公安局").exists()


def test_known_officers_are_linked_not_duplicated(sections, seed_text):
    border = Agency.objects.create(name="二连出入境边防检查站", kind="border_station")
    known = Officer.objects.create(name="张昊", agency=border, unit="执勤一队", title="民警")
    report = seed_import(seed_text)
    assert known not in report.new_officers
    assert Officer.objects.filter(name="张昊").count() == 1
    assert known.articles.count() == 1


def test_reimport_of_an_unchanged_page_writes_nothing(sections, seed_text):
    seed_import(seed_text, publish=True)
    versions = dict(Article.objects.values_list("pk", "version"))
    history = Article.history.count()
    report = seed_import(seed_text, publish=True)
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 4)
    assert dict(Article.objects.values_list("pk", "version")) == versions
    assert Article.history.count() == history
    assert (Agency.objects.count(), Officer.objects.count(), Photo.objects.count()) == (11, 8, 1)


def test_reimport_updates_drafts_nobody_touched(sections, seed_text):
    seed_import(seed_text)
    article = Article.objects.get(source_position=1)
    report = seed_import(seed_text.replace("6月16日早晨8时", "6月16日早晨9时"))
    assert [a.pk for a in report.updated] == [article.pk]
    article.refresh_from_db()
    assert "早晨9时" in article.body
    assert article.history.first().history_user.username == "importer"
    assert article.events.last().action == "import"


def test_reimport_refuses_to_overwrite_an_editors_correction(sections, seed_text):
    seed_import(seed_text, publish=True)
    article = Article.objects.get(source_position=1)
    article.body = "编辑改过的正文。"
    article.save()
    with pytest.raises(PageImportError, match="已被编辑修改或已经发布") as refused:
        seed_import(seed_text.replace("6月16日早晨8时", "6月16日早晨9时"), publish=True)
    assert f"#{article.pk}《" in str(refused.value)
    article.refresh_from_db()
    assert article.body == "编辑改过的正文。"  # and nothing else of the page was written
    assert Article.objects.count() == 4


def test_reimport_refuses_to_change_a_live_story_silently(sections, seed_text):
    seed_import(seed_text, publish=True)
    with pytest.raises(PageImportError, match="--pending"):
        seed_import(seed_text.replace("6月16日早晨8时", "6月16日早晨9时"), publish=True)
    assert "早晨8时" in Article.objects.get(source_position=1).body


def test_reimport_with_pending_brings_the_new_text_as_a_revision_in_review(sections, seed_text):
    seed_import(seed_text, publish=True)
    live = Article.objects.get(source_position=1)
    report = seed_import(
        seed_text.replace("6月16日早晨8时", "6月16日早晨9时"), publish=True, as_pending=True
    )
    [revision] = report.revised
    live.refresh_from_db()
    assert "早晨8时" in live.body and live.is_live  # readers keep the printed text
    assert revision.revision_of == live and "早晨9时" in revision.body
    assert (revision.state, revision.review_stage) == (State.REVIEW, 3)
    assert Article.objects.filter(revision_of__isnull=True).count() == 4


def test_another_days_page_under_the_same_file_name_makes_new_stories(sections, seed_text):
    seed_import(seed_text, publish=True)
    first_day = set(Article.objects.values_list("pk", "publish_at"))
    report = seed_import(seed_text, date=datetime.date(2022, 6, 18), publish=True)
    assert len(report.created) == 4
    assert first_day <= set(Article.objects.values_list("pk", "publish_at"))
    assert Article.objects.count() == 8
    # Another page of the same day is another page too.
    assert len(seed_import(seed_text, page=2).created) == 4


def test_an_import_is_recorded_under_the_importing_user(sections, seed_text, django_user_model):
    editor = django_user_model.objects.create_user("desk", first_name="编辑")
    seed_import(seed_text, by=editor, publish=True)
    article = Article.objects.get(source_position=1)
    assert {e.actor for e in article.events.all()} == {editor}
    assert {r.history_user for r in article.history.all()} == {editor}


def test_sections_by_position(sections, seed_text):
    seed_import(seed_text, sections_by_position={4: "ji-ceng"})
    assert Article.objects.get(source_position=4).section.slug == "ji-ceng"
    assert Article.objects.get(source_position=1).section.slug == "yao-wen"


def test_unknown_section_is_refused_before_anything_is_written(sections, seed_text):
    with pytest.raises(PageImportError, match="栏目“nope”不存在"):
        seed_import(seed_text, section="nope")
    assert not Article.objects.exists() and not Agency.objects.exists()


# -- Malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "第 1 行：文件为空"),
        (b"   \n\n  \n", "第 1 行：文件为空"),
        ("正文没有标题。\n".encode(), "第 1 行：正文或小标题之前没有稿件标题"),
        ("\n\n### 小标题\n\n正文。".encode(), "第 3 行：正文或小标题之前没有稿件标题"),
        ("# 标题\n\n正文。\n\x00\x01\x02".encode(), "第 4 行：文件含有二进制数据"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "第 3 行：文件含有二进制数据"),
        ("# 标题\n\n第一段。\n\n第二段，编码错了。".encode("gbk"), "第 1 行：文件不是 UTF-8 编码"),
        ("# 标题\n\n第一段。\n\n".encode() + "第二段。".encode("gbk"), "第 5 行：文件不是 UTF-8"),
        (
            "# 标题一\n\n正文。\n\n# 标题二\n\n(张佳良)\n".encode(),
            "第 5 行：稿件《标题二》没有正文",
        ),
        ("# 标题\n\n#\n\n正文。".encode(), "第 3 行：标题行没有文字"),
        ("# 标题\n\n正文\x07。".encode(), "第 3 行：文件含有控制字符"),
    ],
)
def test_malformed_documents_fail_naming_the_line(data, message):
    with pytest.raises(PageImportError, match=message):
        parse_page(decode_document(data))


def test_a_failed_import_writes_nothing(sections, seed_text):
    bad = seed_text + "\n\n# 最后一篇\n\n(张佳良)\n"
    with pytest.raises(PageImportError, match="没有正文"):
        seed_import(bad)
    assert not Article.objects.exists()
    assert not Agency.objects.exists()
    assert not Officer.objects.exists()


def test_a_failure_after_writing_began_rolls_everything_back(sections, seed_text, monkeypatch):
    from ingest import store as ingest

    calls = []
    original = ingest.find_mentions

    def failing_find_mentions(text):
        calls.append(text)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return original(text)

    monkeypatch.setattr(ingest, "find_mentions", failing_find_mentions)
    with pytest.raises(RuntimeError):
        ingest.import_page(seed_text, source="page.txt", section="yao-wen")
    assert len(calls) == 3
    assert not Article.objects.exists()
    assert not Agency.objects.exists()
    assert not Officer.objects.exists()


def test_command_reports_errors_clearly(sections, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("# 标题\n\n正文。".encode("utf-16"))
    with pytest.raises(CommandError, match=r"bad.txt: 第 1 行：文件"):
        call_command("import_page", str(path))
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_page", str(tmp_path / "missing.txt"))


def test_command_imports_and_publishes(sections, tmp_path, seed_text, capsys):
    path = tmp_path / "page.txt"
    path.write_text(seed_text, encoding="utf-8")
    call_command("import_page", str(path), "--date", "2022-06-17", "--publish")
    out = capsys.readouterr().out
    assert "新建 4 篇" in out
    assert "待核实民警: 执勤一队副队长敖日格勒" in out
    assert Article.objects.live().count() == 4


# -- A page the importer has never seen ------------------------------------------------------

UNSEEN_PAGE = """
# 守护万家灯火
## 包头市公安局昆都仑区分局民警夜巡记

11月3日晚10时,包头市公安局昆都仑区分局少先路派出所社区民警李娜和辅警一起走上街头。"冬天夜长,我们多走一步,群众就多一分安心。"李娜说。

少先路派出所教导员乌力吉巴特尔带领巡逻组检查了辖区12家网吧和3个建筑工

地,发现并整改隐患5处。当晚,刑侦大队副大队长欧阳明辉接到报警后迅速出警,1小时内抓获一名盗窃嫌疑人。

### 平安夜巡
### 守护群众

村民王大爷说:"有他们在,晚上睡得踏实。"(王晓东 李想)

# 满洲里出入境边防检查站查获走私案件

满洲里出入境边防检查站执勤三队民警陈思远在查验中发现异常,随即报告副站长格日勒图。经查,该车夹藏物品价值1,000余元。

赵刚 摄

图为民警查验入境车辆。
"""


def test_an_unseen_page_of_the_same_kind_imports_without_code_changes(sections):
    parsed = parse_page(UNSEEN_PAGE)
    assert [a.title for a in parsed] == ["守护万家灯火", "满洲里出入境边防检查站查获走私案件"]
    night, border = parsed
    assert night.subtitle == "包头市公安局昆都仑区分局民警夜巡记"
    assert night.byline == "王晓东、李想"
    assert night.subheads == ["平安夜巡 守护群众"]
    assert any("建筑工地，发现" in p for p in night.paragraphs)
    assert "“冬天夜长，我们多走一步，群众就多一分安心。”" in night.body
    assert "价值1,000余元" in border.body

    import_page(UNSEEN_PAGE, source="unseen.txt", section="yao-wen")
    officers = {o.name: o for o in Officer.objects.select_related("agency")}
    assert set(officers) == {"李娜", "乌力吉巴特尔", "欧阳明辉", "陈思远", "格日勒图"}
    assert officers["李娜"].title == "社区民警"
    assert officers["李娜"].agency.name == "少先路派出所"
    assert officers["乌力吉巴特尔"].title == "教导员"
    # A police unit of its own (刑侦大队) is an agency, under the bureau the story is about.
    assert (officers["欧阳明辉"].agency.name, officers["欧阳明辉"].title) == (
        "昆都仑区分局刑侦大队",
        "副大队长",
    )
    assert officers["欧阳明辉"].agency.parent.name == "昆都仑区分局"
    assert (officers["陈思远"].unit, officers["陈思远"].agency.name) == (
        "执勤三队",
        "满洲里出入境边防检查站",
    )
    assert officers["格日勒图"].title == "副站长"

    station = Agency.objects.get(name="少先路派出所")
    assert [a.name for a in station.ancestors()] == [
        "内蒙古自治区公安厅",
        "包头市公安局",
        "昆都仑区分局",
    ]
    assert not Officer.objects.filter(name__in=["王晓东", "李想", "王大爷", "赵刚"]).exists()

    photo = Photo.objects.get()
    assert (photo.caption, photo.credit) == ("民警查验入境车辆", "赵刚")
