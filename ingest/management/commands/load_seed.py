from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article
from articles.roles import system_user
from articles.search import update_search_vector
from ingest.management.commands.build_seed import FIXTURES


class Command(BaseCommand):
    help = "数据库中没有稿件时载入示例版面（fixtures/seed.json）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="即使已有稿件也重新载入")

    def handle(self, *args, force, **options):
        if Article.objects.exists() and not force:
            self.stdout.write("数据库中已有稿件，未载入示例版面。")
            return
        importer = system_user()  # the seed's events name it (as their actor)
        call_command("loaddata", FIXTURES / "seed.json", verbosity=0)
        # loaddata writes rows as they are, without history: record each story's first version.
        for article in Article.objects.all():
            update_search_vector(article)  # loaddata does not run save()
        for article in Article.objects.exclude(pk__in=Article.history.values("id")):
            Article.history.bulk_history_create(
                [article],
                default_change_reason="载入示例版面",
                default_date=article.updated_at,
                default_user=importer,
            )
        self.stdout.write(self.style.SUCCESS("已载入示例版面。"))
