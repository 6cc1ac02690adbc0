"""Build fixtures/seed.json from the seed page document. The recipe is written down here,
and fixtures/README.md gives the reason for each decision the page itself does not make."""

import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from articles.models import Article, Section
from ingest.parse import decode_document
from ingest.store import import_page

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

SEED_RECIPE = {
    # Reference data: the paper's sections and Inner Mongolia's police bureaus.
    "reference": FIXTURES / "reference.json",
    "document": FIXTURES / "source" / "000_18634d81e59b4d2f.txt",
    # The page gives 6月16日 and no year; the Erenhot outbreak and the national
    # 养老诈骗 campaign place it in 2022, and the page went to press the next morning.
    "date": datetime.date(2022, 6, 17),
    # The page has no folio: its lead story is news of the day, so page 1 is 要闻.
    "page_name": "要闻",
    "section": "yao-wen",
    "sections_by_position": {2: "tu-pian-xin-wen", 3: "da-ji-fan-zui", 4: "ji-ceng-feng-cai"},
    "publish": True,
}

SEED_MODELS = [
    "articles.section",
    "articles.printpage",
    "agencies.agency",
    "agencies.officer",
    "articles.article",
    "articles.photo",
    "articles.correction",
    "articles.workflowevent",
    "articles.tag",
    "articles.taggedarticle",
]


def build_seed():
    """Load the reference data, import the seed page, and return the fixture as text.
    Needs an empty database."""
    if Article.objects.exists() or Agency.objects.exists() or Section.objects.exists():
        raise CommandError("build_seed 需要一个空数据库（例如临时的 SQLite 文件）。")
    call_command("loaddata", SEED_RECIPE["reference"], verbosity=0)
    document = SEED_RECIPE["document"]
    import_page(
        decode_document(document.read_bytes()),
        source=document.name,
        section=SEED_RECIPE["section"],
        date=SEED_RECIPE["date"],
        page_name=SEED_RECIPE["page_name"],
        publish=SEED_RECIPE["publish"],
        sections_by_position=SEED_RECIPE["sections_by_position"],
    )
    out = io.StringIO()
    call_command("dumpdata", *SEED_MODELS, indent=2, natural_foreign=True, stdout=out, verbosity=0)
    return out.getvalue()


class Command(BaseCommand):
    help = "从版面原稿重建 fixtures/seed.json（需要空数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(FIXTURES / "seed.json"))

    def handle(self, *args, output, **options):
        Path(output).write_text(build_seed(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}"))
