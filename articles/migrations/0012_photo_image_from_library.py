from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_photos_into_library")]

    operations = [
        migrations.RemoveField(model_name="photo", name="image"),
        migrations.RenameField(model_name="photo", old_name="picture", new_name="image"),
    ]
