from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data and query commands (development only; not in the image)."""

    name = "bench"
    verbose_name = "基准测试"
