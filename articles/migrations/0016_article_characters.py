from django.db import migrations, models

from articles.markup import count_characters


def count_existing(apps, schema_editor):
    """Every story's 字数 from its body, a thousand at a time (bodies are read once here so
    the desk's list never reads them)."""
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.only("pk", "body").order_by("pk")
    last = 0
    while batch := list(stories.filter(pk__gt=last)[:1000]):
        for story in batch:
            story.characters = count_characters(story.body)
        Article.objects.bulk_update(batch, ["characters"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_article_source")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="characters",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="字数"),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop, elidable=True),
    ]
