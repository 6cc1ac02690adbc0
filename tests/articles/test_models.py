"""Models: slugs, the agency tree, the live rule, the rendered body."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency
from articles.models import Article, Image, Photo, State
from chinese.pinyin import pinyin_slug

from ..factories import AgencyFactory, ArticleFactory, OfficerFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_pinyin_slugs_are_ascii():
    assert pinyin_slug("白彦花派出所") == "bai-yan-hua-pai-chu-suo"
    assert pinyin_slug("2022年G7峰会") == "2022-nian-g7-feng-hui"
    assert pinyin_slug("那顺吉日嘎拉" * 20, max_length=30).isascii()
    assert len(pinyin_slug("那顺吉日嘎拉" * 20, max_length=30)) <= 30


def test_slugs_are_unique_and_stable():
    first = OfficerFactory(name="张昊")
    second = OfficerFactory(name="张昊")
    assert (first.slug, second.slug) == ("zhang-hao", "zhang-hao-2")
    first.name = "张浩"
    first.save()
    assert first.slug == "zhang-hao"


def test_article_url_carries_id_and_slug():
    article = ArticleFactory(title="通辽市公安局打击养老诈骗")
    assert (
        article.get_absolute_url()
        == f"/articles/{article.pk}/tong-liao-shi-gong-an-ju-da-ji-yang-lao-zha-pian/"
    )


def test_agency_tree_paths_follow_moves():
    city = AgencyFactory(name="巴彦淖尔市公安局")
    county = AgencyFactory(name="乌拉特前旗公安局", parent=city)
    station = AgencyFactory(name="白彦花派出所", parent=county)
    post = AgencyFactory(name="达日盖警务室", parent=station)
    assert post.path == f"/{city.pk}/{county.pk}/{station.pk}/{post.pk}/"
    assert [a.name for a in post.ancestors()] == [
        "巴彦淖尔市公安局",
        "乌拉特前旗公安局",
        "白彦花派出所",
    ]
    assert set(Agency.objects.descendants_of(county)) == {county, station, post}

    other = AgencyFactory(name="包头市公安局")
    county.parent = other
    county.save()
    post.refresh_from_db()
    assert post.path == f"/{other.pk}/{county.pk}/{station.pk}/{post.pk}/"
    assert set(Agency.objects.descendants_of(city)) == {city}


def test_agency_cannot_be_its_own_ancestor():
    city = AgencyFactory()
    station = AgencyFactory(parent=city)
    city.parent = station
    with pytest.raises(ValidationError, match="上级机构"):
        city.full_clean()


def test_agency_names_include_aliases():
    agency = AgencyFactory(
        name="乌兰察布市公安局", short_name="乌兰察布局", aliases="乌兰察布公安局\n\n"
    )
    assert agency.names == {"乌兰察布市公安局", "乌兰察布局", "乌兰察布公安局"}


def test_live_means_published_and_due():
    now = timezone.now()
    live = ArticleFactory(publish_at=now - datetime.timedelta(minutes=1))
    scheduled = ArticleFactory(publish_at=now + datetime.timedelta(hours=1))
    ArticleFactory(state=State.DRAFT)
    ArticleFactory(state=State.REVIEW)
    ArticleFactory(state=State.WITHDRAWN)
    assert list(Article.objects.live()) == [live]
    assert live.is_live and not scheduled.is_live
    assert scheduled.status_label == "定时发布"
    with time_machine.travel(now + datetime.timedelta(hours=2)):
        assert set(Article.objects.live()) == {live, scheduled}
        assert scheduled.is_live


def test_published_article_needs_a_publish_time():
    article = ArticleFactory.build(section=SectionFactory(), publish_at=None)
    with pytest.raises(ValidationError, match="发布时间"):
        article.full_clean()


def test_body_is_rendered_and_sanitised_at_save():
    article = ArticleFactory(
        body="第一段。\n\n### 小标题\n\n<script>alert(1)</script>[链接](javascript:alert(1))"
        '<img src=x onerror="alert(1)">'
    )
    assert "<h3>小标题</h3>" in article.body_html
    assert "<p>第一段。</p>" in article.body_html
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "onerror" not in article.body_html


def test_updated_at_moves_on_save_unless_kept():
    article = ArticleFactory()
    stamp = article.updated_at
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        article.save()
    assert article.updated_at > stamp


def test_photo_with_an_image_needs_alt_text(tmp_path):
    image = Image.objects.create(file="photos/x.jpg", width=10, height=10)
    photo = Photo(article=ArticleFactory(), image=image, caption="说明")
    with pytest.raises(ValidationError, match="替代文字"):
        photo.full_clean()
    Photo(article=photo.article, caption="存档图片，原图缺失", credit="沈翠英").full_clean()


def test_only_a_change_of_text_renders_and_indexes_again(db, monkeypatch):
    from articles import models as article_models

    calls = []
    monkeypatch.setattr(article_models, "update_search_vector", lambda a: calls.append("index"))
    render = article_models.render_markdown
    monkeypatch.setattr(
        article_models, "render_markdown", lambda text: calls.append("render") or render(text)
    )
    article = ArticleFactory(state=State.DRAFT, publish_at=None)
    assert calls == ["render", "index"]
    calls.clear()
    article = Article.objects.get(pk=article.pk)
    article.state = State.REVIEW  # a workflow step: the text is the same
    article.save()
    assert calls == []
    article.title = "改过的标题"
    article.save()
    assert calls == ["render", "index"]
    calls.clear()
    listed = Article.objects.defer("body").get(pk=article.pk)  # unknown text: done again
    listed.save()
    assert calls == ["render", "index"]
