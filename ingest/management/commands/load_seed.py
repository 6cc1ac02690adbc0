import io

from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles import images
from articles.models import Article, Photo
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
        self.give_the_photo_story_its_picture()
        self.stdout.write(self.style.SUCCESS("已载入示例版面。"))

    def give_the_photo_story_its_picture(self):
        """The seed's photo records have no file (lost in the scan): the first gets the
        drawn stand-in (ingest.seed_picture), so the demo shows a picture story."""
        from ingest.seed_picture import ALT_TEXT, draw

        photo = Photo.objects.filter(image=None).order_by("article_id", "position").first()
        if photo is None:
            return
        photo.image = images.accept(
            io.BytesIO(draw()), by=system_user(), caption=photo.caption,
            credit="示意图", alt_text=ALT_TEXT,
        )  # fmt: skip
        # The page's credit was for the lost photograph, not for this drawing: it stays in
        # the caption, and the credit says what the picture is.
        photo.caption = f"{photo.caption}（示意图：版面原图缺失，原图{photo.credit} 摄）"
        photo.credit = "系统示意图"
        photo.alt_text = ALT_TEXT
        photo.save(update_fields=["image", "caption", "credit", "alt_text"])
