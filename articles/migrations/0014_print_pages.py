"""The printed pages (数字报): a PrintPage for every page stories were imported from, each
story linked to it. A page's name is taken from its file name where that gives one
(20220617_01_要闻.txt); the seed's files name none, and the desk may name them."""

import re

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import articles.models

# As ingest.parse.page_name_from_filename reads a file name on the day of this migration
# (a migration keeps its own copy: it must not change when the importer does).
_FILE_NAME = re.compile(
    r"(?:第\s*\d{1,2}\s*版|(?<!\d)\d{1,2}\s*版?)[\s_\-·.：:]*([\u4e00-\u9fff]{2,8})(?=[\s_\-.]|$)"
)


def _name_from_file(file_name):
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    found = _FILE_NAME.search(stem)
    return found.group(1) if found else ""


def fill_pages(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    PrintPage = apps.get_model("articles", "PrintPage")
    printed = (
        Article.objects.filter(edition__isnull=False, page__isnull=False)
        .order_by("edition", "page", "source_position", "pk")
        .values_list("edition", "page", "source_document")
    )
    names = {}
    for edition, page, source in printed:
        if not names.get((edition, page)):
            names[(edition, page)] = _name_from_file(source or "")
    for (edition, page), name in names.items():
        print_page = PrintPage.objects.create(edition=edition, number=page, name=name)
        Article.objects.filter(edition=edition, page=page).update(print_page=print_page)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_image_changed_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="PrintPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("edition", models.DateField(verbose_name="版面日期")),
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="版次",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        blank=True,
                        help_text="如“要闻”“法治”；导入时从原稿的版头读取。",
                        max_length=20,
                        verbose_name="版名",
                    ),
                ),
                (
                    "pdf",
                    models.FileField(
                        blank=True,
                        help_text="整版的 PDF；读者只在本版有已发布稿件时下载得到。",
                        max_length=200,
                        upload_to=articles.models.pdf_upload_to,
                        verbose_name="版面 PDF",
                    ),
                ),
                (
                    "pdf_size",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="PDF 大小"
                    ),
                ),
                (
                    "image",
                    models.ForeignKey(
                        blank=True,
                        help_text="整版的扫描图，存入图库；读者只在本版有已发布稿件时看得到。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="print_pages",
                        to="articles.image",
                        verbose_name="版面图",
                    ),
                ),
            ],
            options={
                "verbose_name": "版面",
                "verbose_name_plural": "版面",
                "ordering": ["-edition", "number"],
                "get_latest_by": "edition",
            },
        ),
        migrations.AddConstraint(
            model_name="printpage",
            constraint=models.UniqueConstraint(
                fields=("edition", "number"), name="print_page_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="printpage",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1)), name="print_page_number"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="print_page",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.printpage",
                verbose_name="版面",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="print_page",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="articles.printpage",
                verbose_name="版面",
            ),
        ),
        migrations.RunPython(fill_pages, migrations.RunPython.noop),
    ]
