"""Make what the library's pictures lack: the renditions of every size (after a new size is
added to articles.images.SPECS, or a restore without them), and, for a picture stored before
the library (migration 0011: its file kept under the uploader's name, with its metadata),
a clean copy under a random name."""

from django.core.management.base import BaseCommand

from articles import images
from articles.models import Image


class Command(BaseCommand):
    help = "为图库图片补齐各尺寸（--replace：全部重新生成），并把旧文件清理后改用随机文件名。"

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="重新生成全部尺寸")

    def handle(self, *args, replace, **options):
        made = cleaned = failed = 0
        for image in Image.objects.order_by("pk").iterator():
            try:
                if not image.digest:  # from before the library
                    images.store_again(image)
                    cleaned, made = cleaned + 1, made + len(image._made)
                made += len(images.make_renditions(image, replace=replace))
            except (OSError, images.Refused) as exc:
                failed += 1
                self.stderr.write(f"图库图片 #{image.pk}（{image.file.name}）：{exc}")
        self.stdout.write(f"生成 {made} 个尺寸；清理旧文件 {cleaned} 张；失败 {failed} 张。")
