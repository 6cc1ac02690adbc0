import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_photo_image_from_library")]

    operations = [
        migrations.AddField(
            model_name="image",
            name="changed_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="修改时间"
            ),
            preserve_default=False,
        ),
    ]
