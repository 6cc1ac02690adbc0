from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs):
    from .generation import bump_generation
    from .roles import ensure_roles

    ensure_roles()
    # Kept permission sets (articles.permissions) hold codenames: a migration that renamed
    # one changed no group's permissions, so move the key on whatever it did (unless the
    # migration went back before the generation's table).
    from .models import ContentGeneration

    if (
        ContentGeneration._meta.db_table
        in connections[kwargs.get("using", "default")].introspection.table_names()
    ):
        bump_generation(using=kwargs.get("using", "default"))


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "稿件"

    def ready(self):
        # The groups and their permissions follow the code after every migrate.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="articles.ensure_roles")
        import newsroom.lookups  # noqa: F401  (registers the overflow-safe ``in``)

        from . import signals

        signals.connect()
