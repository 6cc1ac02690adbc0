import datetime
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import backup, is_postgresql


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump，SQLite 用 dumpdata）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="备份文件路径；默认 backups/newsroom-<时间>.dump|json")

    def handle(self, *args, output, **options):
        if not output:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            suffix = "dump" if is_postgresql() else "json"
            output = f"backups/newsroom-{stamp}.{suffix}"
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        try:
            backup(output)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已备份到 {output}"))
