"""The desk's printed pages (数字报): each page of each edition as the importer recorded it,
its name (版名), and a scan or PDF to show beside its stories online.

Pages are made by the importer, with their stories, so none is added or deleted here;
editors and above (articles.change_printpage) name them and give them their files. What
an upload must be, and how it is kept, is articles.epaper's: a scan goes into the photo
library through articles.images, a PDF is checked by its content and size. Readers get
either only while the page has a live story.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import epaper
from articles.images import Refused
from articles.models import Article, PrintPage

from .photos import rendition

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _mb(size):
    return f"{size / (1 << 20):.1f} MB"


class PrintPageForm(forms.ModelForm):
    upload = forms.FileField(
        label="上传版面图或 PDF",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="整版扫描图（JPEG、PNG 或 WebP，存入图库）或整版 PDF（不超过 "
        f"{_mb(epaper.pdf_max_bytes())}）。按文件内容识别，与文件名无关；"
        "读者只在本版有已发布稿件时看得到。",
    )
    remove_image = forms.BooleanField(label="去掉版面图", required=False)
    remove_pdf = forms.BooleanField(label="去掉 PDF", required=False)

    class Meta:
        model = PrintPage
        fields = ["name"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.image_id:
            del self.fields["remove_image"]
        if not self.instance.pdf:
            del self.fields["remove_pdf"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            # Described by the page's name as the form gives it.
            self.instance.name = cleaned.get("name", self.instance.name)
            try:
                # A valid picture enters the library at once (as in a story's form), so
                # an error elsewhere on the form never loses it.
                cleaned["upload"] = epaper.read_scan(upload, page=self.instance, by=self.user)
            except Refused as exc:
                self.add_error("upload", exc.messages)
        return cleaned


@admin.register(PrintPage)
class PrintPageAdmin(admin.ModelAdmin):
    form = PrintPageForm
    list_display = ["edition", "number_display", "name", "files", "live_count", "story_count"]
    list_display_links = ["edition", "number_display"]
    list_filter = ["edition"]
    date_hierarchy = "edition"
    search_fields = ["name"]
    ordering = ["-edition", "number"]
    readonly_fields = ["edition", "number", "scan", "stories"]
    fieldsets = [
        (None, {"fields": ["edition", "number", "name"]}),
        ("版面图与 PDF", {"fields": ["scan", "upload", "remove_image", "remove_pdf"]}),
        ("本版稿件", {"fields": ["stories"]}),
    ]
    list_per_page = 50

    def get_queryset(self, request):
        # Counted per page in two subqueries: the list costs the same whatever it shows.
        def count(stories):
            counted = (
                stories.filter(print_page=OuterRef("pk"))
                .order_by()
                .values("print_page")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

        return (
            super()
            .get_queryset(request)
            .select_related("image")
            .prefetch_related("image__renditions")
            .annotate(
                live_stories=count(Article.objects.live()),
                all_stories=count(Article.objects.filter(revision_of__isnull=True)),
            )
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def get_fieldsets(self, request, obj=None):
        # The upload and the boxes that remove a file, only where there is one to remove
        # and for those who may change the page.
        may_change = self.has_change_permission(request, obj)
        present = {
            "upload": may_change,
            "remove_image": may_change and obj is not None and obj.image_id,
            "remove_pdf": may_change and obj is not None and bool(obj.pdf),
        }
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (title, {**options, "fields": [f for f in options["fields"] if present.get(f, True)]})
            for title, options in fieldsets
        ]

    def has_add_permission(self, request):
        return False  # the importer makes pages, with their stories

    def has_delete_permission(self, request, obj=None):
        return False  # a page goes only with its stories

    def save_model(self, request, obj, form, change):
        epaper.print_page_update(
            page=obj,
            scan=form.cleaned_data.get("upload"),
            remove_image=form.cleaned_data.get("remove_image", False),
            remove_pdf=form.cleaned_data.get("remove_pdf", False),
        )

    @admin.display(description="版次", ordering="number")
    def number_display(self, obj):
        return obj.number_label

    @admin.display(description="版面图 / PDF")
    def files(self, obj):
        parts = []
        if obj.image_id:
            parts.append("版面图")
        if obj.pdf:
            parts.append(f"PDF（{obj.pdf_size_label}）")
        return "、".join(parts) or "—"

    @admin.display(description="已发布稿件", ordering="live_stories")
    def live_count(self, obj):
        return obj.live_stories

    @admin.display(description="稿件", ordering="all_stories")
    def story_count(self, obj):
        return obj.all_stories

    @admin.display(description="当前版面图与 PDF")
    def scan(self, obj):
        parts = []
        if obj.image_id:
            # The page whole (a thumbnail would crop it), 240 pixels wide.
            picture = rendition(obj.image, "w480")
            height = round(240 * picture.height / picture.width) if picture.width else 320
            link = reverse("admin:articles_image_change", args=[obj.image_id])
            parts.append(
                format_html(
                    '<a href="{}"><img src="{}" alt="{}" width="240" height="{}"></a>',
                    link, picture.file.url, obj.image.alt_text, height,
                )
            )  # fmt: skip
        if obj.pdf:
            parts.append(
                format_html(
                    '<a href="{}" type="application/pdf">PDF（{}）</a>',
                    obj.pdf.url,
                    obj.pdf_size_label,
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts)) or "（无）"

    @admin.display(description="稿件（按版面顺序）")
    def stories(self, obj):
        rows = (
            obj.articles.filter(revision_of__isnull=True)
            .with_last_action()  # 需修改 without a query per story
            .order_by("source_position", "pk")
            .only("pk", "title", "state", "publish_at", "revision_of", "source_position")
        )
        items = [
            (
                article.source_position or "",
                reverse("admin:articles_article_change", args=[article.pk]),
                article.title,
                article.status_label,
            )
            for article in rows
        ]
        if not items:
            return "（无）"
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", '<li value="{}"><a href="{}">{}</a>（{}）</li>', items),
        )
