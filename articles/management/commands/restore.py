import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库（应恢复到空数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        if not Path(path).is_file():
            raise CommandError(f"no backup file at {path}")
        try:
            restore(path)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复"))
