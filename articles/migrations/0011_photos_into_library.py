"""Each stored photo file becomes a picture in the library (articles.Image), and its photos
use it. Files are left where they are: ``manage.py renditions`` re-stores them under random
names, stripped of personal metadata, and makes their renditions."""

from django.db import migrations


def _size(storage, name):
    try:
        from PIL import Image as PILImage

        with storage.open(name) as f, PILImage.open(f) as picture:
            return picture.size, storage.size(name)
    except Exception:  # a missing or unreadable file: the record is kept, sizes unknown
        return (0, 0), 0


def forwards(apps, schema_editor):
    Photo = apps.get_model("articles", "Photo")
    Image = apps.get_model("articles", "Image")
    pictures = {}
    for photo in Photo.objects.exclude(image="").order_by("pk"):
        name = photo.image.name
        if name not in pictures:
            (width, height), size = _size(photo.image.storage, name)
            pictures[name] = Image.objects.create(
                file=name, width=width, height=height, file_size=size,
                caption=photo.caption, credit=photo.credit, alt_text=photo.alt_text,
            )  # fmt: skip
        photo.picture = pictures[name]
        photo.save(update_fields=["picture"])


def backwards(apps, schema_editor):
    Photo = apps.get_model("articles", "Photo")
    for photo in Photo.objects.exclude(picture=None).select_related("picture"):
        photo.image = photo.picture.file.name
        photo.save(update_fields=["image"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_image_library")]

    operations = [migrations.RunPython(forwards, backwards)]
