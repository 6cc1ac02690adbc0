import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.ingest import PageImportError, decode_document, import_page


def story_section(value):
    position, _, slug = value.partition("=")
    if not position.isdigit() or not slug:
        raise ValueError(value)
    return int(position), slug


class Command(BaseCommand):
    help = "导入一个版面文件（Markdown 风格的文本），生成或更新其中的稿件。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="版面文件路径（UTF-8 文本）")
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="版面日期 YYYY-MM-DD")
        parser.add_argument("--section", default="yao-wen", help="稿件所属栏目的网址名")
        parser.add_argument(
            "--section-of",
            type=story_section,
            action="append",
            default=[],
            metavar="N=SLUG",
            help="第 N 篇稿件（从 1 起）归入另一栏目；可重复",
        )
        parser.add_argument("--publish", action="store_true", help="导入后直接发布")

    def handle(self, *args, path, date, section, section_of, publish, **options):
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror}") from exc
        try:
            report = import_page(
                decode_document(data),
                source=file.name,
                section=section,
                date=date,
                publish=publish,
                sections_by_position=dict(section_of),
            )
        except PageImportError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        for article in report.created:
            self.stdout.write(f"新建 {article.pk}: {article.title}")
        for article in report.updated:
            self.stdout.write(f"更新 {article.pk}: {article.title}")
        for agency in report.new_agencies:
            self.stdout.write(f"待核实机构: {agency.name}")
        for officer in report.new_officers:
            self.stdout.write(f"待核实民警: {officer}")
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：新建 {len(report.created)} 篇，更新 {len(report.updated)} 篇。"
            )
        )
