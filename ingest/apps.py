from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Page documents in: parsing (pure), names in copy, writing, import commands."""

    name = "ingest"
    verbose_name = "版面导入"
