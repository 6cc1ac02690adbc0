import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ingest.parse import PageImportError, decode_document
from ingest.store import import_page


def story_section(value):
    position, _, slug = value.partition("=")
    if not position.isdigit() or not slug:
        raise ValueError(value)
    return int(position), slug


class Command(BaseCommand):
    help = "导入一个版面文件（Markdown 风格的文本），生成或更新其中的稿件。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="版面文件路径（UTF-8 文本）")
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="版面日期 YYYY-MM-DD（默认读版头）"
        )
        parser.add_argument("--section", default="yao-wen", help="稿件所属栏目的网址名")
        parser.add_argument(
            "--section-of",
            type=story_section,
            action="append",
            default=[],
            metavar="N=SLUG",
            help="第 N 篇稿件（从 1 起）归入另一栏目；可重复",
        )
        parser.add_argument("--page", type=int, help="版次（第几版）；默认读版头，没有则为 1")
        parser.add_argument("--page-name", help="版名（如“要闻”）；默认读版头或文件名")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="重新导入时，已发布稿件的新文字作为修改稿送审（默认拒绝覆盖）",
        )
        parser.add_argument(
            "--user", help="以此用户名记录导入（默认为系统账号“导入程序”）", metavar="USERNAME"
        )

    def handle(self, *args, path, date, section, section_of, page, page_name, publish, pending,
               user, **options):  # fmt: skip
        by = None
        if user:
            try:
                by = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"没有用户“{user}”。") from None
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
                page=page,
                page_name=page_name,
                publish=publish,
                sections_by_position=dict(section_of),
                by=by,
                as_pending=pending,
            )
        except PageImportError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        for article in report.created:
            self.stdout.write(f"新建 {article.pk}: {article.title}")
        for article in report.updated:
            self.stdout.write(f"更新 {article.pk}: {article.title}")
        for article in report.unchanged:
            self.stdout.write(f"未变 {article.pk}: {article.title}")
        for article in report.revised:
            self.stdout.write(
                f"修改稿 {article.pk}（原稿 {article.revision_of_id}）送审: {article.title}"
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        for agency in report.new_agencies:
            self.stdout.write(f"待核实机构: {agency.name}")
        for officer in report.new_officers:
            self.stdout.write(f"待核实民警: {officer}")
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：新建 {len(report.created)} 篇，更新 {len(report.updated)} 篇，"
                f"未变 {len(report.unchanged)} 篇，修改稿 {len(report.revised)} 篇"
                f"（{report.print_page}）。"
            )
        )
