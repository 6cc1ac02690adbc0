"""Score the importer on pages with a ground truth: ``manage.py score_pages tests/ingest/pages``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Section
from ingest.scoring import score_pages


class Command(BaseCommand):
    help = "导入带标准答案的版面（不保存），按类别报告识别的查准率与查全率。"

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="版面文件或其所在目录（同名 .json 为标准答案）"
        )
        parser.add_argument("--errors", action="store_true", help="列出每一处错误")

    def handle(self, *args, paths, errors, **options):
        files = []
        for path in map(Path, paths):
            files += sorted(path.glob("*.txt")) if path.is_dir() else [path]
        files = [f for f in files if f.with_suffix(".json").exists()]
        if not files:
            raise CommandError("没有找到带标准答案（同名 .json）的版面文件。")
        with transaction.atomic():
            section = Section.objects.create(name="评分", slug="score-pages-tmp")
            score = score_pages(files, section=section)
            transaction.set_rollback(True)
        self.stdout.write(f"{score.pages} 个版面：{', '.join(f.name for f in files)}\n")
        self.stdout.write(score.table())
        if errors:
            for key, tally in score.tallies.items():
                for error in tally.errors:
                    self.stdout.write(f"[{key}] {error}")
