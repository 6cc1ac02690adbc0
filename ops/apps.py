from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: backup, restore, waiting for the database, accounts and roles."""

    name = "ops"
    verbose_name = "运维"
