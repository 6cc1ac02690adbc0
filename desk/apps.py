from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DeskConfig(AppConfig):
    """The newsroom's desk: the admin for stories, photos, sections and the directory."""

    name = "desk"
    verbose_name = "编辑部"


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk's site (desk.home.DeskSite) as ``admin.site``."""

    default = False  # named in INSTALLED_APPS; "desk" itself is DeskConfig

    default_site = "desk.home.DeskSite"
