from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The newsroom's desk: the admin for stories, photos, sections and the directory."""

    name = "desk"
    verbose_name = "编辑部"
