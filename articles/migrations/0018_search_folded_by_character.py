"""The search index again, folded one character to one (chinese.variants): a story indexed
with OpenCC's phrase rules could keep a character a query now folds (乾隆). PostgreSQL only
(SQLite searches the copy as stored)."""

from django.db import migrations

BATCH = 500


def reindex(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from articles.search import bulk_update_search_vectors

    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("articles", "Photo")
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(Article.objects.filter(pk__in=ids[start : start + BATCH]))
        captions = {}
        for article_id, caption in Photo.objects.filter(article__in=batch).values_list(
            "article_id", "caption"
        ):
            captions.setdefault(article_id, []).append(caption)
        bulk_update_search_vectors(batch, captions)


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_sessions_kept_permissions_backend")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
