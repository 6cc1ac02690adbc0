"""What readers see stays fresh: a save or a deletion of any model of the content core moves
the content key on (articles.generation), but for the few that only the newsroom sees: a new
model cannot be forgotten."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .generation import bump_generation
from .search import update_search_vector

CORE_APPS = ["articles", "agencies"]
# Models only the newsroom sees, and the generation itself (edits' history records, made by
# simple_history, are desk only too).
PRIVATE_MODELS = {"articles.workflowevent", "articles.editsession", "articles.contentgeneration"}


def public_models():
    for app in CORE_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label_lower not in PRIVATE_MODELS and not hasattr(
                model, "instance_type"
            ):
                yield model


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
    for model in public_models():
        label = model._meta.label
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
