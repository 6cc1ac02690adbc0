"""The seed fixture: built from the page document by `make fixtures`, and kept fresh."""

import json

import pytest

from agencies.models import Agency, Officer
from articles.models import Article, Photo
from ingest.management.commands.build_seed import FIXTURES, build_seed


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_seed_fixture_is_what_the_recipe_builds_today():
    """If this fails, run `make fixtures` and commit fixtures/seed.json."""
    assert build_seed() == (FIXTURES / "seed.json").read_text(encoding="utf-8")


def test_seed_fixture_loads_the_four_live_stories(seed):
    assert Article.objects.live().count() == 4
    assert seed[1].title == "用忠诚守护群众安全 用担当践行入警初心"
    assert seed[1].subtitle == "二连出入境边防检查站全力以赴确保口岸通关顺畅"
    assert [seed[n].byline for n in range(1, 5)] == ["沈翠英", "沈翠英 摄", "张佳良", "张佳良"]
    # The page's caption and credit, as the fixture holds them...
    fixture = json.loads((FIXTURES / "seed.json").read_text(encoding="utf-8"))
    [printed] = [o["fields"] for o in fixture if o["model"] == "articles.photo"]
    assert (printed["caption"], printed["credit"], printed["image"]) == (
        "乌兰察布公安局民警矛盾纠纷排查化解现场", "沈翠英", None
    )  # fmt: skip
    # ...and the scan lost the picture: load_seed gives it a drawn stand-in that says what
    # it is, and never credits the drawing to the photographer.
    photo = Photo.objects.get()
    assert photo.article == seed[2] and photo.image is not None
    assert photo.alt_text.startswith("示意图（非新闻照片）") and photo.credit == "系统示意图"
    assert (
        photo.caption
        == "乌兰察布公安局民警矛盾纠纷排查化解现场（示意图：版面原图缺失，原图沈翠英 摄）"
    )
    assert Officer.objects.count() == 8
    # The reference bureau is linked through its alias; nothing new was made for it.
    assert list(seed[2].agencies.values_list("name", flat=True)) == ["乌兰察布市公安局"]
    assert Agency.objects.get(name="白彦花派出所").parent.name == "乌拉特前旗公安局"
    assert {a.section.slug for a in seed.values()} == {
        "yao-wen",
        "tu-pian-xin-wen",
        "da-ji-fan-zui",
        "ji-ceng-feng-cai",
    }


def test_load_seed_does_not_overwrite_existing_articles(seed, capsys):
    from django.core.management import call_command

    article = seed[1]
    article.title = "编辑改过的标题"
    article.save()
    call_command("load_seed")
    assert "已有稿件" in capsys.readouterr().out
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
