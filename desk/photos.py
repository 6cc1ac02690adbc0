"""The photo desk: the library of pictures (图库), and photos as a story prints them.

A picture enters the library once (articles.images checks and cleans it) and may be printed
in several stories, each with its own caption and credit. In a story's form a photo takes a
new upload or a picture chosen from the library; a valid upload goes into the library at
once, so an error elsewhere on the form never loses it (the form comes back with the
picture chosen).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from agencies.models import Agency
from articles import images
from articles.models import Article, Image, Photo
from articles.selectors import (
    photo_target_articles,
    public_images,
    sees_every_story,
    visible_images,
    visible_photos,
)  # fmt: skip

ACCEPT = "image/jpeg,image/png,image/webp"


def rendition(image, spec):
    """The picture's JPEG of ``spec`` (renditions prefetched), else the picture itself."""
    found = (r for r in image.renditions.all() if r.spec == spec and r.format == "jpeg")
    return next(found, image)


def thumbnail(image, size=120):
    """The picture's thumbnail as an <img>, or a dash."""
    if image is None:
        return "（无图片文件）"
    url = rendition(image, "thumb").file.url
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="newsroom-thumb" loading="lazy">',
        url, image.alt_text or image.caption[:40], size, size * 3 // 4,
    )  # fmt: skip


class UploadField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})


class PhotoForm(forms.ModelForm):
    """A photo of a story: a new file (``upload``) or a picture from the library (``image``),
    and its caption, credit and alt text (taken from the library when left empty)."""

    upload = UploadField(
        label="上传新图片", required=False,
        help_text="JPEG、PNG 或 WebP。上传后存入图库，可在其他稿件中再用。",
    )  # fmt: skip

    class Meta:
        model = Photo
        fields = ["image", "upload", "caption", "credit", "alt_text", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "caption" in self.fields:
            self.fields["caption"].widget = forms.Textarea(attrs={"rows": 2})

    def clean_caption(self):
        value = self.cleaned_data.get("caption") or ""
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                image = images.accept(
                    upload, by=getattr(self, "user", None), caption=cleaned.get("caption", ""),
                    credit=cleaned.get("credit", ""), alt_text=cleaned.get("alt_text", ""),
                )  # fmt: skip
            except images.Refused as refused:
                self.add_error("upload", refused)
                return cleaned
            cleaned["image"] = image
            # Kept if the form comes back (an error here or elsewhere): it shows the
            # picture chosen, and saving again uses it.
            self.data = self.data.copy()
            self.data[self.add_prefix("image")] = str(image.pk)
            self.instance.image = image
        image = cleaned.get("image")
        if image is not None:
            for field in ("caption", "credit", "alt_text"):
                if field in self.fields and not cleaned.get(field):
                    cleaned[field] = getattr(image, field)
        return cleaned


class PhotoInline(admin.StackedInline):
    model = Photo
    form = PhotoForm
    fields = ["preview", "image", "upload", "caption", "credit", "alt_text", "position"]
    readonly_fields = ["preview"]
    autocomplete_fields = ["image"]
    extra = 0

    @admin.display(description="预览")
    def preview(self, obj):
        return thumbnail(obj.image if obj and obj.image_id else None)

    class Media:
        # A picture chosen from the library shows at once, and fills what was left empty.
        js = ["admin/js/photo_inline.js"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user  # who uploads: the library records it
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "image":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["queryset"] = visible_images(request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Where photo_inline.js asks for a chosen picture's card (ImageAdmin.card_view).
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper?
        widget.attrs["data-card-url"] = reverse("admin:articles_image_changelist")
        return field

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("image")
            .prefetch_related("image__renditions")
        )


class AgencyFilter(admin.SimpleListFilter):
    """Pictures printed in stories of an agency."""

    title = "机构"
    parameter_name = "agency"

    def lookups(self, request, model_admin):
        return [(a.pk, a.name) for a in Agency.objects.filter(articles__photos__isnull=False)
                .distinct().order_by("name")[:200]]  # fmt: skip

    def queryset(self, request, queryset):
        value = str(self.value() or "")
        if value.isdigit():
            return queryset.filter(uses__article__agencies=value).distinct()
        return queryset


class UsedFilter(admin.SimpleListFilter):
    title = "使用情况"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("live", "已见报"), ("yes", "已用于稿件"), ("no", "未使用")]

    def queryset(self, request, queryset):
        used = Exists(Photo.objects.filter(image=OuterRef("pk")))
        if self.value() == "live":
            return queryset.filter(pk__in=public_images().values("pk"))
        if self.value() == "yes":
            return queryset.filter(used)
        if self.value() == "no":
            return queryset.filter(~used)
        return queryset


class ImageChangeForm(forms.ModelForm):
    """A library picture's description and focal point. Moving the focal point of a picture
    readers see changes their pages' crops: only those who may publish may do it."""

    class Meta:
        model = Image
        fields = ["caption", "credit", "alt_text", "focal_x", "focal_y"]

    def clean(self):
        cleaned = super().clean()
        moved = {"focal_x", "focal_y"} & set(self.changed_data)
        may_publish = self.user.has_perm("articles.publish_article")
        if moved and not may_publish and public_images().filter(pk=self.instance.pk).exists():
            for name in moved:
                self.add_error(
                    name, "这张图片已见报：改变焦点会改变读者看到的裁切，需由签发人修改。"
                )
        return cleaned


class ImageAddForm(forms.ModelForm):
    upload = UploadField(label="图片文件", help_text="JPEG、PNG 或 WebP。")

    class Meta:
        model = Image
        fields = ["upload", "caption", "credit", "alt_text"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                cleaned["image"] = images.accept(
                    upload, by=self.user, caption=cleaned.get("caption", ""),
                    credit=cleaned.get("credit", ""), alt_text=cleaned.get("alt_text", ""),
                )  # fmt: skip
            except images.Refused as refused:
                self.add_error("upload", refused)
        if not cleaned.get("alt_text", "").strip():
            self.add_error("alt_text", "请填写替代文字：为视障读者描述图片内容。")
        return cleaned


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The photo library: every picture once, with where it is printed."""

    list_display = ["preview", "__str__", "credit", "dimensions", "use_count", "uploaded_at"]
    list_display_links = ["preview", "__str__"]
    search_fields = [
        "caption", "credit", "alt_text", "uses__caption", "uses__credit",
        "uses__article__title", "uses__article__agencies__name",
    ]  # fmt: skip
    list_filter = [UsedFilter, AgencyFilter]
    date_hierarchy = "uploaded_at"
    list_per_page = 40
    fields = [
        "preview_large", "caption", "credit", "alt_text", "focal_x", "focal_y",
        "dimensions", "camera", "taken_at", "uploaded_by", "uploaded_at", "printed_in",
    ]  # fmt: skip
    readonly_fields = [
        "preview_large", "dimensions", "camera", "taken_at", "uploaded_by", "uploaded_at",
        "printed_in",
    ]  # fmt: skip

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("renditions")
        counted = visible_images(request.user, queryset).annotate(
            _uses=Count("uses", distinct=True)
        )
        return counted.order_by("-uploaded_at", "-pk")  # Meta.ordering is dropped by GROUP BY

    def get_urls(self):
        card = path("<int:pk>/card/", self.admin_site.admin_view(self.card_view),
                    name="articles_image_card")  # fmt: skip
        return [card, *super().get_urls()]

    def card_view(self, request, pk):
        """What a story's form shows of a picture chosen from the library: its thumbnail and
        the library's caption, credit and alt text (for the fields left empty)."""
        image = get_object_or_404(self.get_queryset(request), pk=pk)
        return JsonResponse({
            "thumb": rendition(image, "thumb").file.url,
            "caption": image.caption, "credit": image.credit, "alt_text": image.alt_text,
        })  # fmt: skip

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, duplicates or bool(search_term)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageAddForm if obj is None else ImageChangeForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_fields(self, request, obj=None):
        return ["upload", "caption", "credit", "alt_text"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def _may_change(self, request, obj):
        if obj is None:
            return True
        return sees_every_story(request.user) or obj.uploaded_by_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            image = form.cleaned_data["image"]  # stored by the form's clean()
            obj.__dict__.update({k: v for k, v in image.__dict__.items() if k != "_state"})
            obj._state.adding = False
            return
        if {"focal_x", "focal_y"} & set(form.changed_data):  # allowed: ImageChangeForm
            images.move_focus(obj, obj.focal_x, obj.focal_y)
            messages.info(request, "已按新的焦点重新生成各尺寸图片。")
        obj.save()

    @admin.display(description="预览")
    def preview(self, obj):
        return thumbnail(obj)

    @admin.display(description="图片")
    def preview_large(self, obj):
        if not obj.file:
            return "—"
        # The article column's size, not the original (which may be 20 MB).
        shown = rendition(obj, "w800")
        return format_html(
            '<div class="newsroom-focal" data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" alt="{}" width="{}" height="{}"></div>'
            '<p class="help">点击图片设定焦点（裁切时保留的中心）。</p>',
            obj.focal_x, obj.focal_y, shown.file.url, obj.alt_text, shown.width, shown.height,
        )  # fmt: skip

    @admin.display(description="尺寸")
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}，{obj.file_size / (1 << 20):.1f} MB"

    @admin.display(description="用于稿件", ordering="_uses")
    def use_count(self, obj):
        return getattr(obj, "_uses", 0)

    @admin.display(description="刊用于")
    def printed_in(self, obj):
        stories = Article.objects.filter(photos__image=obj).distinct().order_by("-pk")
        items = format_html_join(
            "", '<li><a href="{}">{}</a>（{}）</li>',
            ((reverse("admin:articles_article_change", args=[a.pk]), a.title, a.status_label)
             for a in stories[:50]),
        )  # fmt: skip
        return format_html("<ul>{}</ul>", items) if items else "（尚未使用）"

    class Media:
        css = {"all": ["admin/css/desk.css"]}
        js = ["admin/js/focal.js"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Photos are part of their story: a user sees the photos of the stories they may see,
    and changes them only where they may change the story directly. A published story's
    photos are changed in its revision (修改稿), from the story's own page."""

    form = PhotoForm
    list_display = ["preview", "__str__", "article", "credit", "position"]
    search_fields = ["caption", "credit", "article__title"]
    autocomplete_fields = ["article", "image"]
    list_select_related = ["article", "image"]
    fields = ["article", "image", "upload", "caption", "credit", "alt_text", "position"]

    @admin.display(description="预览")
    def preview(self, obj):
        return thumbnail(obj.image)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("image__renditions")
        return visible_photos(request.user, queryset)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def _may_change(self, request, obj):
        if obj is None:
            return True
        return photo_target_articles(request.user).filter(pk=obj.article_id).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def _touch_story(self, photo, reason):
        article = Article.objects.filter(pk=photo.article_id).first()
        if article is not None:
            article._change_reason = reason
            article.save()  # a new version of the story: see ArticleAdmin.save_related

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._touch_story(obj, "修改图片" if change else "添加图片")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._touch_story(obj, "删除图片")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            # The choices are also what a posted id is checked against.
            kwargs["queryset"] = photo_target_articles(request.user)
        if db_field.name == "image":
            kwargs["queryset"] = visible_images(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
