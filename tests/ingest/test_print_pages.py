"""The importer records the printed page (版面) its stories come from: the edition, the
page's number and its name, from the page's folio (版头), the options or the file name."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, PrintPage, Section
from ingest.parse import PageImportError, page_name_from_filename, parse_document, parse_page
from ingest.store import import_page

DAY = datetime.date(2022, 6, 17)


@pytest.fixture
def section(db):
    return Section.objects.create(name="要闻", slug="yao-wen")


def with_folio(folio, seed_text):
    return f"{folio}\n\n{seed_text}"


# -- The folio -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folio", "day", "number", "name"),
    [
        ("2022年6月17日 星期五 第1版 要闻", DAY, 1, "要闻"),
        ("内蒙古法制报 · 2022年6月17日 · 第０１版：要闻 · 责任编辑：王丽萍", DAY, 1, "要闻"),
        ("第1版\u3000要闻", None, 1, "要闻"),
        ("第三版要闻责任编辑：张红梅", None, 3, "要闻"),  # printed without spaces
        ("第十二版 法治·社会", None, 12, "法治·社会"),
        ("2022-06-17 第3版 星期五", DAY, 3, ""),
        ("版名：基层风采 第4版", None, 4, "基层风采"),
        ("2022年6月17日 星期五\n第2版 政法", DAY, 2, "政法"),  # over two lines
    ],
)
def test_the_folio_gives_the_date_the_page_and_its_name(folio, day, number, name, seed_text):
    header, stories = parse_document(with_folio(folio, seed_text))
    assert (header.date, header.number, header.name, header.line) == (day, number, name, 1)
    # The stories are those of the page without it.
    assert [(a.title, a.body) for a in stories] == [
        (a.title, a.body) for a in parse_page(seed_text)
    ]


def test_a_page_without_a_folio_has_no_header(seed_text):
    header, stories = parse_document(seed_text)
    assert header is None and len(stories) == 4


@pytest.mark.parametrize(
    ("folio", "message"),
    [
        ("2022年6月16日 星期五 第1版", "是星期四，版头却写星期五"),
        ("2022年2月30日 第1版 要闻", "“2022年2月30日”不存在"),
        ("本报今日要闻导读", "正文或小标题之前没有稿件标题"),  # text, not a folio
    ],
)
def test_a_folio_that_cannot_be_right_is_refused_naming_its_line(folio, message, seed_text):
    with pytest.raises(PageImportError, match=message) as error:
        parse_document(with_folio(folio, seed_text))
    assert error.value.line == 1


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("20220617_01_要闻.txt", "要闻"),
        ("第1版要闻.txt", "要闻"),
        ("内蒙古法制报_20220617_03版-法治.txt", "法治"),
        ("2022-06-17-第01版-基层风采.txt", "基层风采"),
        ("000_18634d81e59b4d2f.txt", ""),
        ("page.txt", ""),
    ],
)
def test_a_file_name_may_name_the_page(file_name, name):
    assert page_name_from_filename(file_name) == name


# -- Writing ---------------------------------------------------------------------------------


def test_the_import_records_the_page_from_the_folio(section, seed_text):
    text = with_folio("2022年6月17日 星期五 第3版 法治", seed_text)
    report = import_page(text, source="page.txt", section="yao-wen", publish=True)
    page = PrintPage.objects.get()
    assert (page.edition, page.number, page.name) == (DAY, 3, "法治")
    assert report.print_page == page and report.warnings == []
    stories = Article.objects.order_by("source_position")
    assert {(a.edition, a.page, a.print_page_id) for a in stories} == {(DAY, 3, page.pk)}
    # Dated by the folio, as by --date: the morning of the edition.
    assert {timezone.localtime(a.publish_at).date() for a in stories} == {DAY}
    assert list(page.articles.order_by("source_position")) == list(stories)
    assert str(page) == "2022年6月17日 第3版（法治）"


def test_an_option_wins_over_a_folio_it_contradicts_and_the_report_says_so(section, seed_text):
    text = with_folio("2022年6月17日 星期五 第3版 法治", seed_text)
    report = import_page(text, source="page.txt", section="yao-wen", page=2)
    assert PrintPage.objects.get().number == 2
    assert report.warnings == ["版头的版次是第 3 版，按指定的第 2 版导入。"]


def test_a_name_the_desk_gave_is_kept_by_a_reimport_and_an_option_sets_it(section, seed_text):
    import_page(seed_text, source="20220617_01_要闻.txt", section="yao-wen", date=DAY)
    page = PrintPage.objects.get()
    assert page.name == "要闻"  # from the file name
    page.name = "要闻·综合"
    page.save()
    report = import_page(seed_text, source="20220617_01_要闻.txt", section="yao-wen", date=DAY)
    assert PrintPage.objects.get().name == "要闻·综合"
    assert report.warnings == ["版名保留为“要闻·综合”（原稿为“要闻”）。"]
    import_page(seed_text, source="x.txt", section="yao-wen", date=DAY, page_name="头版")
    assert PrintPage.objects.get().name == "头版"
    assert len(report.unchanged) == 4 and PrintPage.objects.count() == 1


def test_another_page_of_the_edition_is_another_print_page(section, seed_text):
    import_page(seed_text, source="a.txt", section="yao-wen", date=DAY)
    import_page(seed_text, source="b.txt", section="yao-wen", date=DAY, page=2)
    assert list(PrintPage.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert {p.articles.count() for p in PrintPage.objects.all()} == {4}


def test_a_refused_import_leaves_no_page(section, seed_text):
    with pytest.raises(PageImportError):
        import_page(seed_text, source="a.txt", section="no-such-section", date=DAY)
    assert not PrintPage.objects.exists()


def test_the_command_takes_a_page_name_and_reports_the_page(section, seed_text, tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(with_folio("2022年6月17日 星期五 第1版 要闻", seed_text), encoding="utf-8")
    out = io.StringIO()
    call_command("import_page", str(path), "--page-name", "头版", "--page", "2", stdout=out)
    output = out.getvalue()
    assert "版头的版次是第 1 版，按指定的第 2 版导入。" in output
    assert "（2022年6月17日 第2版（头版））" in output
    assert PrintPage.objects.get().name == "头版"


def test_the_seed_is_page_one_of_its_edition_named_yao_wen(seed):
    page = PrintPage.objects.get()
    assert (page.edition, page.number, page.name) == (DAY, 1, "要闻")
    assert [a.pk for a in page.articles.order_by("source_position")] == [
        seed[n].pk for n in range(1, 5)
    ]


def test_the_migration_fills_pages_for_stories_imported_before_it(section, seed_text):
    import_page(seed_text, source="20220617_02_法治.txt", section="yao-wen", date=DAY, page=2)
    import_page(seed_text, source="000_18634d81e59b4d2f.txt", section="yao-wen", date=DAY)
    Article.objects.update(print_page=None)
    PrintPage.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0014_print_pages")
    migration.fill_pages(apps, None)
    pages = {p.number: p for p in PrintPage.objects.all()}
    assert {n: p.name for n, p in pages.items()} == {1: "", 2: "法治"}
    for article in Article.objects.all():
        assert article.print_page == pages[article.page]
