from django.contrib import admin

from .models import Article, Correction, Photo, Section

admin.site.site_header = "新闻编辑系统"
admin.site.site_title = "新闻编辑系统"
admin.site.index_title = "编辑部"


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


class PhotoInline(admin.StackedInline):
    model = Photo
    fields = ["image", "caption", "credit", "alt_text", "position"]
    extra = 0


class CorrectionInline(admin.TabularInline):
    model = Correction
    fields = ["text", "created_at", "created_by"]
    readonly_fields = ["created_by"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "status", "byline", "publish_at", "updated_at", "featured"]
    list_filter = ["state", "section", "featured", "agencies"]
    search_fields = ["title", "subtitle", "kicker", "byline", "summary"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["agencies", "officers", "section"]
    list_select_related = ["section"]
    readonly_fields = ["status", "source_document", "first_published_at", "updated_at", "version"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "subtitle", "byline", "section", "summary", "body"]}),
        ("关联", {"fields": ["agencies", "officers", "tags"]}),
        (
            "发布",
            {"fields": ["status", "publish_at", "featured", "slug", "first_published_at",
                        "updated_at", "version", "source_document"]},
        ),
    ]  # fmt: skip
    inlines = [PhotoInline, CorrectionInline]
    show_full_result_count = False

    @admin.display(description="状态", ordering="state")
    def status(self, obj):
        return obj.status_label

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Correction) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "credit", "position"]
    search_fields = ["caption", "credit", "article__title"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "text", "created_at", "created_by"]
    search_fields = ["text", "article__title"]
    autocomplete_fields = ["article"]
    list_select_related = ["article", "created_by"]
