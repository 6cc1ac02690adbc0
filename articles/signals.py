"""What readers see stays fresh: a change to any model they can see moves the content key on
(articles.generation). Every model of the content core is listed here as one readers see or
one they never do, and ``manage.py check`` fails on a model that is neither: a new model
cannot be forgotten."""

from django.apps import apps
from django.core import checks
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .generation import bump_generation
from .search import update_search_vector

# Models whose rows readers can see (directly, or through a page that shows them).
PUBLIC_MODELS = [
    "articles.Article", "articles.Section", "articles.Photo", "articles.Image",
    "articles.Rendition", "articles.Correction", "articles.PrintPage",
    "articles.Tag", "articles.TaggedArticle", "agencies.Agency", "agencies.Officer",
]  # fmt: skip
# Models that only the newsroom sees, and the generation itself.
PRIVATE_MODELS = ["articles.WorkflowEvent", "articles.EditSession", "articles.ContentGeneration"]
CORE_APPS = ["articles", "agencies"]


def reindex_article(sender, instance, **kwargs):
    """A photo's caption is searched with its story."""
    from .models import Article

    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:  # None when the story itself is being deleted
        update_search_vector(article)


def delete_image_files(sender, instance, **kwargs):
    """A picture deleted from the library takes its files with it, once that commits."""
    from . import images

    names = [instance.file.name, *(r.file.name for r in instance.renditions.all())]
    transaction.on_commit(lambda: images._delete_files(names))


def connect():
    image = apps.get_model("articles.Image")
    pre_delete.connect(delete_image_files, sender=image, dispatch_uid="image-files")
    photo = apps.get_model("articles.Photo")
    post_save.connect(reindex_article, sender=photo, dispatch_uid="search-photo-save")
    post_delete.connect(reindex_article, sender=photo, dispatch_uid="search-photo-delete")
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"cache-save-{label}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"cache-del-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:  # links written with .add() and .set()
                uid = f"cache-m2m-{through._meta.label}"
                m2m_changed.connect(bump_generation, sender=through, dispatch_uid=uid)
    connect_permissions()


def connect_permissions():
    """Permissions are kept under the content key (articles.permissions): any change to who
    may do what moves it on. Saving an account does not (its superuser flag is in the key,
    and a login saves it)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        uid = f"permissions-m2m-{through._meta.label}"
        m2m_changed.connect(bump_generation, sender=through, dispatch_uid=uid)
    for model in (Group, Permission):
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"permissions-del-{model}")


@checks.register()
def every_model_is_public_or_private(app_configs, **kwargs):
    listed = {label.lower() for label in PUBLIC_MODELS + PRIVATE_MODELS}
    errors = []
    for app in CORE_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label_lower in listed or hasattr(model, "instance_type"):
                continue  # listed, or an edit's history record (simple_history): desk only
            errors.append(
                checks.Error(
                    f"{model._meta.label} is neither in PUBLIC_MODELS nor in PRIVATE_MODELS.",
                    hint="List it in articles/signals.py: readers' caches follow the public ones.",
                    obj=model,
                    id="articles.E001",
                )
            )
    return errors
