from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: backup, restore, waiting for the database, accounts and roles."""

    name = "ops"
    verbose_name = "运维"


class LoginProtectionConfig(AxesConfig):
    """django-axes (login lockouts) under a Chinese name in the desk's menu."""

    verbose_name = "登录保护"
