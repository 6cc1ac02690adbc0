"""Keep what readers see fresh: any change to public content outdates the page cache."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from agencies.models import Agency, Officer

from .caching import bump_generation
from .models import Article, Correction, Photo, Section, Tag, TaggedArticle
from .search import update_search_vector

PUBLIC_MODELS = [Article, Section, Agency, Officer, Photo, Correction, Tag, TaggedArticle]


def reindex_article(sender, instance, **kwargs):
    """A photo's caption is searched with its story."""
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:  # None when the story itself is being deleted
        update_search_vector(article)


def connect():
    post_save.connect(reindex_article, sender=Photo, dispatch_uid="search-photo-save")
    post_delete.connect(reindex_article, sender=Photo, dispatch_uid="search-photo-delete")
    for model in PUBLIC_MODELS:
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"cache-save-{model}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"cache-del-{model}")
    for through in (Article.agencies.through, Article.officers.through):
        m2m_changed.connect(bump_generation, sender=through, dispatch_uid=f"cache-m2m-{through}")
