import subprocess
import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import NotEmpty, restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库和图片文件（应恢复到空数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库中已有内容时仍然恢复（备份之后写入的一切都会丢失）",
        )

    def handle(self, *args, path, force, **options):
        if not Path(path).is_file():
            raise CommandError(f"no backup file at {path}")
        try:
            restore(path, force=force)
        except NotEmpty as exc:
            raise CommandError(
                f"数据库不是空的（{exc}），恢复会覆盖并丢失备份之后写入的一切。"
                "请恢复到空数据库；确需覆盖时加 --force。"
            ) from exc
        except (OSError, subprocess.CalledProcessError, tarfile.TarError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复"))
