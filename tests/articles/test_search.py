"""Search in Chinese, on SQLite and on PostgreSQL (the same tests run on both)."""

import html
import re

import pytest

from agencies.models import Officer
from articles.models import Article, State
from chinese.segmentation import words

from ..factories import ArticleFactory

pytestmark = pytest.mark.django_db


def results(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    found = re.findall(r'<h2 class="story-title">\s*<a href="[^"]*">([^<]*)</a>', response.text)
    return response, [html.unescape(title) for title in found]


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("诈骗", 3),
        ("养老诈骗", 3),
        ("白彦花", 4),
        ("中欧班列", 1),
        ("敖日格勒", 1),
        ("那顺吉日嘎拉", 4),
        ("张昊", 1),
        ("乌兰察布", 2),
    ],
)
def test_chinese_queries_find_the_right_stories(client, seed, query, position):
    _, titles = results(client, query)
    assert titles and titles[0] == seed[position].title

    def text(article):
        captions = "".join(p.caption for p in article.photos.all())
        return article.title + article.summary + article.body + captions

    others = {a.title for a in seed.values() if query not in text(a)}
    assert not others & set(titles)


def test_results_show_a_highlighted_snippet(client, seed):
    response, _ = results(client, "养老诈骗")
    html = response.text
    assert "<mark>养老诈骗</mark>" in html or "<mark>养老</mark>" in html


def test_segmenter_splits_chinese_into_words():
    assert "诈骗" in words("通辽市公安局打击养老诈骗违法犯罪")
    assert "通辽市" in words("通辽市公安局打击养老诈骗违法犯罪")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "' OR 1=1--",
        "%",
        "\\",
        "_",
        "&|!():*",
        "<script>alert(1)</script>",
        "警" * 10_000,
    ],
)
def test_empty_long_or_hostile_queries_answer_200(client, seed, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_search_finds_only_live_stories(client, seed):
    seed[3].state = State.WITHDRAWN
    seed[3].save()
    ArticleFactory(title="养老诈骗草稿", body="养老诈骗", state=State.DRAFT)
    _, titles = results(client, "养老诈骗")
    assert titles == []
    assert "没有找到相关稿件" in client.get("/search/", {"q": "养老诈骗"}).text


def test_search_index_follows_edits(client, seed):
    article = Article.objects.get(pk=seed[2].pk)
    article.body = "本报讯 草原那达慕大会安保工作顺利完成。"
    article.save()
    _, titles = results(client, "那达慕")
    assert titles == [article.title]


def test_search_results_follow_the_clock_and_the_workflow(client, seed, settings):
    import time_machine
    from django.utils import timezone

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    soon = timezone.now() + timezone.timedelta(minutes=5)
    ArticleFactory(title="定时的诈骗案稿件", body="一起诈骗案。", publish_at=soon)
    assert "定时的诈骗案稿件" not in results(client, "诈骗")[1]
    with time_machine.travel(soon + timezone.timedelta(seconds=1)):
        assert "定时的诈骗案稿件" in results(client, "诈骗")[1]
    withdrawn = seed[3]
    assert withdrawn.title in results(client, "诈骗")[1]
    withdrawn.state = State.WITHDRAWN
    withdrawn.save()
    assert withdrawn.title not in results(client, "诈骗")[1]


def test_queries_in_traditional_characters_find_simplified_copy(client, seed):
    _, titles = results(client, "養老詐騙")
    assert titles and titles[0] == seed[3].title
    _, titles = results(client, "警務室")
    assert seed[4].title in titles


def test_a_quoted_phrase_must_appear_as_written(client, seed):
    ArticleFactory(title="两所与共建", body="派出所与司法所携手，共建平安。", state=State.PUBLISHED)
    _, titles = results(client, '"两所共建"')
    assert titles == [seed[4].title]  # 两所共建 as written, not 两所 … 共建
    _, titles = results(client, "“两所共建”")
    assert titles == [seed[4].title]


def test_snippets_mark_whole_terms_never_single_characters(client, seed):
    response, _ = results(client, "那顺吉日嘎拉")
    marks = re.findall(r"<mark>([^<]*)</mark>", response.text)
    assert marks and set(marks) == {"那顺吉日嘎拉"}


def test_the_lead_is_not_repeated_in_a_snippet(seed):
    from articles.search import snippet

    article = seed[3]
    text = html.unescape(re.sub("<[^>]+>", "", snippet(article, "通辽市公安局")))
    assert text.count(article.summary[:20]) == 1


def test_officers_and_agencies_are_found_by_name_above_the_stories(client, seed):
    response = client.get("/search/", {"q": "那顺吉日嘎拉"})
    names = response.text.split('class="search-names"')[1].split("</section>")[0]
    officer = Officer.objects.get(name="那顺吉日嘎拉")
    assert f'href="{officer.get_absolute_url()}"' in names
    response = client.get("/search/", {"q": "白彦花"})
    names = response.text.split('class="search-names"')[1].split("</section>")[0]
    assert "白彦花派出所" in names


def test_names_from_unpublished_copy_are_not_found(client, seed):
    from ..factories import OfficerFactory

    draft = ArticleFactory(title="草稿", body="民警巴图孟和", state=State.DRAFT)
    draft.officers.add(OfficerFactory(name="巴图孟和"))
    response = client.get("/search/", {"q": "巴图孟和"})
    assert "search-names" not in response.text


def test_an_officers_agency_is_shown_only_once_it_is_public(client, seed):
    from ..factories import AgencyFactory, OfficerFactory

    hidden = AgencyFactory(name="草稿里的派出所", verified=False)
    draft = ArticleFactory(title="草稿", body="草稿里的派出所民警巴图孟和", state=State.DRAFT)
    draft.agencies.add(hidden)
    officer = OfficerFactory(name="巴图孟和", agency=hidden)
    seed[1].officers.add(officer)  # a live story names the officer, not the station
    names = client.get("/search/", {"q": "巴图孟和"}).text.split('class="search-names"')[1]
    names = names.split("</section>")[0]
    assert "巴图孟和" in names and "草稿里的派出所" not in names


def test_a_name_typed_with_a_wrong_character_is_still_found_on_postgresql(client, seed):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity is PostgreSQL's")
    response = client.get("/search/", {"q": "那顺吉日格拉"})  # 嘎 typed as 格
    names = response.text.split('class="search-names"')[1].split("</section>")[0]
    assert "那顺吉日嘎拉" in names
    response = client.get("/search/", {"q": "完全无关的名字"})
    assert "search-names" not in response.text
