"""校对 with what the paper knows: agencies' official names, officers' titles and units as
their record and the published stories give them, and the paper's list of words."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Officer
from articles.models import Article, State
from articles.proofreading import check_story
from articles.roles import EDITOR, REPORTER, ensure_roles

from ..factories import AgencyFactory, ArticleFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def codes(findings):
    return [(f.field, f.finding.code, f.finding.excerpt, f.finding.suggestion) for f in findings]


@pytest.fixture
def wulanchabu():
    return Agency.objects.create(
        name="乌兰察布市公安局", kind=AgencyKind.BUREAU, aliases="乌兰察布公安局\n乌市公安局"
    )


@pytest.fixture
def border_station():
    station = AgencyFactory(name="二连出入境边防检查站", kind=AgencyKind.BORDER_STATION)
    OfficerFactory(name="敖日格勒", agency=station, unit="执勤一队", title="副队长")
    OfficerFactory(name="张昊", agency=station, unit="执勤一队", title="民警")
    return station


# -- Agencies -------------------------------------------------------------------------------


def test_an_agency_written_by_its_alias_gets_its_official_name(wulanchabu):
    (finding,) = check_story(body="图为乌兰察布公安局民警矛盾纠纷排查化解现场。")
    assert codes([finding]) == [("body", "agency", "乌兰察布公安局", "乌兰察布市公安局")]
    assert finding.finding.message == (
        "“乌兰察布公安局”是“乌兰察布市公安局”的别称；本文没有用过全称，"
        "建议首次出现时写作“乌兰察布市公安局”"
    )


def test_a_short_name_is_fine_once_the_story_gives_the_official_name(wulanchabu):
    Agency.objects.create(name="内蒙古自治区公安厅", short_name="自治区公安厅")
    body = "乌兰察布市公安局近日部署。乌兰察布公安局民警走访群众。"
    assert check_story(title="内蒙古自治区公安厅表彰先进", body=body) == []
    (finding,) = check_story(body="自治区公安厅表彰先进。")
    assert codes([finding]) == [("body", "agency", "自治区公安厅", "内蒙古自治区公安厅")]
    assert "的简称" in finding.finding.message


def test_an_alias_that_only_adds_the_parent_is_fine():
    Agency.objects.create(name="乌拉特前旗公安局", aliases="巴彦淖尔市乌拉特前旗公安局")
    assert check_story(body="巴彦淖尔市乌拉特前旗公安局白彦花派出所荣获称号。") == []


def test_an_alias_two_agencies_share_suggests_nothing():
    Agency.objects.create(name="东胜区公安分局", aliases="东胜分局")
    Agency.objects.create(name="东胜区交警分局", aliases="东胜分局")
    assert check_story(body="东胜分局民警走访群众。") == []


def test_an_agency_found_only_in_someone_elses_draft_is_not_shown_to_a_reporter():
    ensure_roles()
    User = get_user_model()
    reporter = User.objects.create_user("reporter", is_staff=True)
    reporter.groups.add(Group.objects.get(name=REPORTER))
    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    hidden = Agency.objects.create(name="某某市公安局", aliases="某某公安局", verified=False)
    draft = ArticleFactory(state=State.DRAFT, publish_at=None, author=editor)
    draft.agencies.add(hidden)
    body = "某某公安局民警走访群众。"
    assert check_story(body=body, user=reporter) == []
    assert check_story(body=body) == []  # readers' names only
    assert codes(check_story(body=body, user=editor)) == [
        ("body", "agency", "某某公安局", "某某市公安局")
    ]


# -- Officers -------------------------------------------------------------------------------


def test_an_officer_given_another_unit_than_their_record_is_found(border_station):
    (finding,) = check_story(body="执勤六队副队长敖日格勒充满信心地说。")
    assert codes([finding]) == [("body", "officer", "执勤六队副队长", "执勤一队副队长")]
    assert finding.finding.message == (
        "据民警资料，敖日格勒的部门是“执勤一队”，此处写作“执勤六队副队长”，请核实"
    )


def test_an_officer_named_as_their_record_says_is_fine(border_station):
    body = (
        "二连出入境边防检查站执勤一队副队长敖日格勒说。民警敖日格勒补充了一句。"
        "执勤一队民警张昊结束了夜班勤务，敖日格勒也来了。"
    )
    assert check_story(body=body) == []


def test_an_auxiliary_is_not_an_officer_and_another_rank_is_another_rank(border_station):
    findings = check_story(body="辅警张昊说。执勤一队队长敖日格勒说。")
    assert codes(findings) == [
        ("body", "officer", "辅警", "民警"),
        ("body", "officer", "执勤一队队长", "执勤一队副队长"),
    ]


def test_an_officer_placed_in_an_unrelated_agency_is_found(border_station):
    station = AgencyFactory(name="白彦花派出所")
    post = AgencyFactory(name="达日盖警务室", parent=station)
    OfficerFactory(name="那顺吉日嘎拉", agency=station, unit="", title="所长")
    assert check_story(body="白彦花派出所所长那顺吉日嘎拉说。") == []
    post.refresh_from_db()
    (finding,) = check_story(body="二连出入境边防检查站所长那顺吉日嘎拉说。")
    assert codes([finding]) == [("body", "officer", "二连出入境边防检查站所长", "白彦花派出所所长")]
    assert "所属机构是“白彦花派出所”" in finding.finding.message


def test_the_latest_published_story_outweighs_the_record(border_station):
    """Promoted since the record was made: the latest published story says 队长."""
    for days, title in [(30, "副队长"), (2, "队长")]:
        story = ArticleFactory(
            title=f"{days}天前的报道",
            body=f"执勤一队{title}敖日格勒说。",
            publish_at=timezone.now() - datetime.timedelta(days=days),
        )
        story.officers.add(Officer.objects.get(name="敖日格勒"))
    assert check_story(body="执勤一队队长敖日格勒说。") == []
    (finding,) = check_story(body="执勤一队副队长敖日格勒说。")
    day = timezone.localdate(timezone.now() - datetime.timedelta(days=2))
    assert finding.finding.message == (
        f"据{day.year}年{day.month}月{day.day}日的报道《2天前的报道》，"
        "敖日格勒的职务是“队长”，此处写作“执勤一队副队长”，请核实"
    )
    assert finding.finding.suggestion == "执勤一队队长"


def test_only_published_stories_other_than_this_one_are_evidence(border_station):
    officer = Officer.objects.get(name="敖日格勒")
    draft = ArticleFactory(body="执勤一队大队长敖日格勒说。", state=State.DRAFT, publish_at=None)
    scheduled = ArticleFactory(
        body="执勤一队政委敖日格勒说。", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    own = ArticleFactory(body="执勤一队教导员敖日格勒说。")
    for story in (draft, scheduled, own):
        story.officers.add(officer)
    # The record says 副队长; none of these stories is a published one besides this one.
    assert check_story(body=own.body, article=own)[0].finding.suggestion == "执勤一队副队长"


def test_two_officers_of_one_name_are_left_alone(border_station):
    OfficerFactory(name="张昊", agency=AgencyFactory(), unit="", title="所长")
    assert check_story(body="执勤二队副队长张昊说。") == []


# -- Words, fields, queries -----------------------------------------------------------------


def test_the_word_list_comes_from_the_setting(settings):
    settings.NEWSROOM_PROOFREAD_WORDS = ["截止=截至", "嫌犯"]
    assert codes(check_story(title="截止目前", body="嫌犯已到案。")) == [
        ("title", "word", "截止", "截至"),
        ("body", "word", "嫌犯", ""),
    ]
    settings.NEWSROOM_PROOFREAD_WORDS = []
    assert check_story(title="截止目前", body="嫌犯已到案。") == []


def test_findings_are_in_the_field_they_are_in_with_its_offsets(wulanchabu):
    findings = check_story(
        title="民警守护,群众安全", subtitle="乌兰察布公安局", body="第一段。\n\n的的确确,是"
    )
    assert [(f.field, f.field_label, f.finding.start, f.finding.excerpt) for f in findings] == [
        ("title", "主题", 4, ","),
        ("subtitle", "副题", 0, "乌兰察布公安局"),
        ("body", "正文", 10, ","),
    ]


NAMES = [
    "巴特尔", "乌力吉", "其木格", "苏和", "阿拉坦", "宝音", "朝鲁", "额尔敦", "孟和", "斯琴",
    "图雅", "那木汗",
]  # fmt: skip


def test_the_queries_are_a_few_whatever_the_story_names(
    border_station, wulanchabu, django_assert_max_num_queries
):
    names = NAMES
    officers = [OfficerFactory(name=name, agency=border_station) for name in names]
    for officer in officers:
        ArticleFactory(body=f"执勤一队民警{officer.name}说。").officers.add(officer)
    body = "。".join(f"执勤二队辅警{o.name}说，乌兰察布公安局" for o in officers) * 20
    with django_assert_max_num_queries(3):
        findings = check_story(body=body)
    assert len([f for f in findings if f.finding.code == "officer"]) == 12 * 20
    with django_assert_max_num_queries(1):
        check_story(body="没有提到任何民警。")


def test_the_seed_stories_give_only_the_repeated_clause(seed):
    found = []
    for article in Article.objects.order_by("pk"):
        for item in check_story(article.title, article.subtitle, article.body, article=article):
            found.append((article.source_position, item.field, item.finding.code))
    assert found == [(4, "body", "repeat")]


def test_a_story_giving_only_the_generic_title_leaves_the_records_rank_standing(border_station):
    story = ArticleFactory(body="民警敖日格勒说。")
    story.officers.add(Officer.objects.get(name="敖日格勒"))
    (finding,) = check_story(body="执勤一队队长敖日格勒说。")
    assert finding.finding.suggestion == "执勤一队副队长"
    assert finding.finding.message.startswith("据民警资料，")
