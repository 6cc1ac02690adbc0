"""SQL queries and response size of public pages, counted in-process (for the benchmark
report; the load itself is measured over HTTP)."""

import json

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "统计公开页面的 SQL 查询数和响应大小（JSON 输出）。"

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+")

    def handle(self, *args, urls, **options):
        results = {}
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["*"]):
            client = Client()
            for url in urls:
                cache.clear()
                client.get(url)  # warm: first-request work (e.g. the sections list) aside
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                results[url] = {
                    "status": response.status_code,
                    "queries": len(queries),
                    "bytes": len(response.content),
                }
        self.stdout.write(json.dumps(results, ensure_ascii=False))
