from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class OpsConfig(AppConfig):
    """Running the site: backup, restore, waiting for the database, accounts and roles."""

    default = True  # this module holds other apps' configs too
    name = "ops"
    verbose_name = "运维"


class LoginProtectionConfig(AxesConfig):
    """django-axes (login lockouts) under a Chinese name in the desk's menu."""

    verbose_name = "登录保护"


class TwoStepConfig(TOTPConfig):
    """django-otp's TOTP devices (desk/twostep.py) under Chinese names in the desk's menu."""

    verbose_name = "两步验证"

    def ready(self):
        # django-otp names its model in English only (no translation to hook into).
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = meta.verbose_name_plural = "两步验证设备"
