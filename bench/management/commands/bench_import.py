"""How long the importer takes on a page: the first import in a fresh process (the
segmenter's dictionary and the region's divisions loaded) and warm ones after it, each in a
transaction rolled back. ``manage.py bench_import PAGE... [--runs N]``."""

import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Section
from ingest.parse import parse_page
from ingest.store import import_page


class Command(BaseCommand):
    help = "导入版面的耗时（首次与预热后），不保存。"

    def add_arguments(self, parser):
        parser.add_argument("pages", nargs="+")
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, pages, runs, **options):
        texts = [Path(p).read_text(encoding="utf-8") for p in pages]
        timings = []
        for run in range(runs + 1):
            for text in texts:
                with transaction.atomic():
                    section, _ = Section.objects.get_or_create(slug="bench-import", name="测速")
                    start = time.perf_counter()
                    import_page(text, source="bench.txt", section=section.slug)
                    timings.append((run, time.perf_counter() - start, len(parse_page(text))))
                    transaction.set_rollback(True)
        cold = timings[0]
        warm = [seconds for run, seconds, _ in timings if run > 0]
        self.stdout.write(f"首次导入（冷启动，{cold[2]} 篇）：{cold[1]:.2f} 秒")
        self.stdout.write(
            f"预热后 {len(warm)} 次：中位数 {statistics.median(warm):.3f} 秒，"
            f"最慢 {max(warm):.3f} 秒（每版 {statistics.mean(t[2] for t in timings):.1f} 篇）"
        )
