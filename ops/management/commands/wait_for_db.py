import time

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = "等待数据库可用（容器启动时使用），超时则报错退出。"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60, help="最长等待秒数")

    def handle(self, *args, timeout, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except OperationalError as exc:
                connection.close()
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"database not reachable after {timeout:g}s: {str(exc).strip()}"
                    ) from exc
                time.sleep(1)
            else:
                self.stdout.write("database is up")
                return
