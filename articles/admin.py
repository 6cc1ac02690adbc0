import csv
import difflib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext
from taggit.models import Tag as TaggitTag

from agencies.models import Agency, AgencyKind

from . import workflow
from .models import (
    Action,
    Article,
    Correction,
    EditSession,
    Photo,
    Section,
    State,
    Tag,
    WorkflowEvent,
)  # fmt: skip
from .preview import preview_response, share_url
from .roles import stage_count, stage_name, stage_permission

admin.site.site_header = "新闻编辑系统"
admin.site.site_title = "新闻编辑系统"
admin.site.index_title = "编辑部"


def display_name(user):
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


# Our own Tag model (pinyin slugs) replaces taggit's, which stays unused.
admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]


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
    """Corrections are added through the workflow (a logged transition); here they are shown."""

    model = Correction
    fields = ["text", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    """The article form, with the version it was loaded at: a save against a newer version
    is refused, and the editor's text stays on screen to copy."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        # The admin passes the fields of its fieldsets; these are the editable ones.
        fields = [
            "kicker", "title", "subtitle", "byline", "section", "summary", "body",
            "agencies", "officers", "tags", "featured", "slug",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locked until this request's transaction ends: a concurrent save waits, then sees
            # the new version.
            current = Article.objects.select_for_update().get(pk=self.instance.pk)
            loaded = cleaned.get("loaded_version")
            if loaded != current.version:
                last = current.history.select_related("history_user").first()
                who = display_name(last.history_user) if last else "他人"
                when = timezone.localtime(current.updated_at)
                raise ValidationError(
                    f"此稿件已被 {who} 于 {when:%Y-%m-%d %H:%M:%S} 修改，您的修改没有保存。"
                    "请复制您改动的内容，重新打开稿件后再改。",
                    code="stale",
                )
        return cleaned


class QueueFilter(admin.SimpleListFilter):
    title = "工作队列"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", "我的稿件"), ("review", "待我审核")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(author=request.user)
        if self.value() == "review":
            stages = [
                stage
                for stage in range(1, stage_count() + 1)
                if request.user.has_perm(stage_permission(stage))
            ]
            return queryset.filter(state=State.REVIEW, review_stage__in=stages).exclude(
                author=request.user
            )
        return queryset


class ReviewStageFilter(admin.SimpleListFilter):
    """The review stages as configured (Django's filter for the field would read every
    story to find which values exist)."""

    title = "审核阶段"
    parameter_name = "review_stage"

    def lookups(self, request, model_admin):
        return [(str(stage), stage_name(stage)) for stage in range(1, stage_count() + 1)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(state=State.REVIEW, review_stage=self.value())
        return queryset


class AgencyTreeFilter(admin.SimpleListFilter):
    """Stories of a department or city bureau and of every agency under it. Listing every
    agency (hundreds of stations and posts) made the filter panel longer than the list;
    a single agency is found with the search box of its own admin."""

    title = "机构（含下级）"
    parameter_name = "agency"
    KINDS = [AgencyKind.DEPARTMENT, AgencyKind.BUREAU]

    def lookups(self, request, model_admin):
        agencies = Agency.objects.filter(kind__in=self.KINDS).only("pk", "name", "path")
        return [(str(agency.pk), agency.name) for agency in agencies]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        agency = Agency.objects.filter(pk=self.value()).only("path").first()
        if agency is None:
            return queryset.none()
        links = Article.agencies.through.objects.filter(
            article_id=OuterRef("pk"), agency__path__startswith=agency.path
        )
        return queryset.filter(Exists(links))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "title", "section", "status", "stage", "author", "byline", "publish_at", "updated_at",
    ]  # fmt: skip
    list_filter = [
        QueueFilter, "state", ReviewStageFilter, "section", AgencyTreeFilter, "author",
        ("publish_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    list_per_page = 50
    search_fields = ["title", "subtitle", "kicker", "byline", "summary"]
    # No date_hierarchy: its year and month links read every story's date (a full scan of
    # the archive on each page); the publish-date filter offers fixed periods instead.
    autocomplete_fields = ["agencies", "officers"]
    list_select_related = ["section", "author"]
    readonly_fields = [
        "status", "stage", "publish_at", "first_published_at", "updated_at", "author",
        "version", "source_document",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["kicker", "title", "subtitle", "byline", "section", "summary", "body",
                           "loaded_version"]}),
        ("关联", {"fields": ["agencies", "officers", "tags"]}),
        ("状态", {"fields": ["status", "stage", "publish_at", "featured", "slug",
                             "first_published_at", "updated_at", "author", "version",
                             "source_document"]}),
    ]  # fmt: skip
    inlines = [PhotoInline, CorrectionInline]
    show_full_result_count = False
    actions = ["bulk_submit", "bulk_approve", "bulk_publish"]

    @admin.display(description="状态", ordering="state")
    def status(self, obj):
        return obj.status_label

    @admin.display(description="审核阶段", ordering="review_stage")
    def stage(self, obj):
        return stage_name(obj.review_stage) if obj.state == State.REVIEW else "—"

    # -- Who sees and edits what --------------------------------------------------------------

    def action_checkbox(self, obj):
        # The same markup as Django's, without a form widget's template per row (rendering
        # a hundred of them was a third of the list's time).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "articles_article_changelist":
            qs = qs.defer("body", "body_html")  # the list never shows them
        if request.user.has_perm("articles.edit_any_article"):
            return qs
        return qs.filter(author=request.user)  # reporters see their own stories

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm("articles.edit_any_article"):
            return True
        # A reporter edits their own story while it is a draft; in review it is the editors'.
        return obj.author_id == request.user.pk and obj.state == State.DRAFT

    def has_delete_permission(self, request, obj=None):
        # Stories are withdrawn, not deleted: the record and its history stay.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        EditSession.objects.filter(article=obj, user=request.user).delete()

    # -- The change form: workflow, timeline, who else is editing ----------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if article is not None:
            extra_context.update(self._workflow_context(request, article))
        return super().change_view(request, object_id, form_url, extra_context)

    def _workflow_context(self, request, article):
        now = timezone.now()
        expires = now + timezone.timedelta(seconds=settings.NEWSROOM_EDIT_SESSION_SECONDS)
        EditSession.objects.update_or_create(
            article=article, user=request.user, defaults={"expires_at": expires}
        )
        others = (
            EditSession.objects.filter(article=article, expires_at__gt=now)
            .exclude(user=request.user)
            .select_related("user")
        )
        return {
            "workflow_actions": [
                (action, Action(action).label)
                for action in workflow.available_actions(article, request.user)
            ],
            "events": article.events.select_related("actor"),
            "other_editors": [display_name(s.user) for s in others],
            "stage_label": stage_name(article.review_stage)
            if article.state == State.REVIEW
            else "",
            "heartbeat_seconds": max(settings.NEWSROOM_EDIT_SESSION_SECONDS // 3, 5),
        }

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/workflow/", wrap(self.workflow_view), name="articles_article_workflow"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path("<int:pk>/share/", wrap(self.share_view), name="articles_article_share"),
            path("<int:pk>/versions/", wrap(self.versions_view), name="articles_article_versions"),
            path(
                "<int:pk>/versions/compare/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:pk>/versions/<int:history_id>/revert/",
                wrap(self.revert_view),
                name="articles_article_revert",
            ),
            path(
                "<int:pk>/heartbeat/", wrap(self.heartbeat_view), name="articles_article_heartbeat"
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, pk, *, change=False):
        """The article, if this user may see it (and change it); 404 or 403 otherwise."""
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if change and not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def workflow_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        article = self._article_for(request, pk)
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        try:
            self._run(request, article, action, comment, request.POST.get("publish_at", ""))
        except workflow.WorkflowError as exc:
            messages.error(request, f"《{article.title}》：{exc}")
        else:
            article.refresh_from_db()
            label = Action(action).label
            messages.success(
                request, f"《{article.title}》：{label}，现为“{article.status_label}”。"
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    @staticmethod
    def _run(request, article, action, comment, publish_at=""):
        user = request.user
        match action:
            case Action.SUBMIT:
                workflow.article_submit(article=article, by=user, comment=comment)
            case Action.APPROVE:
                workflow.article_approve(article=article, by=user, comment=comment)
            case Action.RETURN:
                workflow.article_return(article=article, by=user, comment=comment)
            case Action.PUBLISH:
                at = None
                if publish_at:
                    at = parse_datetime(publish_at)
                    if at is None:
                        raise workflow.WorkflowError("发布时间格式不对，应为 YYYY-MM-DD HH:MM。")
                    if timezone.is_naive(at):
                        at = timezone.make_aware(at)
                workflow.article_publish(article=article, by=user, at=at, comment=comment)
            case Action.WITHDRAW:
                workflow.article_withdraw(article=article, by=user, reason=comment)
            case Action.RESTORE:
                workflow.article_restore(article=article, by=user, comment=comment)
            case Action.CORRECT:
                workflow.article_correct(article=article, by=user, text=comment)
            case _:
                raise workflow.WorkflowError("未知的操作。")

    def _bulk(self, request, queryset, action):
        done, refused = [], []
        for article in queryset:
            try:
                self._run(request, article, action, "")
            except workflow.WorkflowError as exc:
                refused.append(f"《{article.title}》：{exc}")
            else:
                done.append(f"《{article.title}》")
        if done:
            messages.success(request, f"{Action(action).label}：{'、'.join(done)}")
        for line in refused:
            messages.error(request, line)

    @admin.action(description="送审所选稿件")
    def bulk_submit(self, request, queryset):
        self._bulk(request, queryset, Action.SUBMIT)

    @admin.action(description="审核通过所选稿件")
    def bulk_approve(self, request, queryset):
        self._bulk(request, queryset, Action.APPROVE)

    @admin.action(description="立即签发所选稿件")
    def bulk_publish(self, request, queryset):
        self._bulk(request, queryset, Action.PUBLISH)

    # -- Preview ------------------------------------------------------------------------------

    def preview_view(self, request, pk):
        article = self._article_for(request, pk)
        return preview_response(request, article, banner="预览（读者看不到此页）")

    def share_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        article = self._article_for(request, pk)
        url = request.build_absolute_uri(share_url(article))
        hours = settings.NEWSROOM_PREVIEW_HOURS
        messages.success(request, f"预览链接（{hours} 小时内有效，稿件修改或撤稿后失效）：{url}")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    def heartbeat_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article_for(request, pk)
        context = self._workflow_context(request, article)
        return JsonResponse({"others": context["other_editors"]})

    # -- History: versions, compare, revert --------------------------------------------------

    def versions_view(self, request, pk):
        article = self._article_for(request, pk)
        records = article.history.select_related("history_user")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"历史版本：{article.title}",
            "article": article,
            "records": records,
            "can_revert": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/versions.html", context)

    def compare_view(self, request, pk):
        article = self._article_for(request, pk)
        history = article.history.select_related("history_user")
        try:
            old = history.get(history_id=int(request.GET.get("a", "")))
            new_id = request.GET.get("b", "current")
            new = history.first() if new_id == "current" else history.get(history_id=int(new_id))
        except (ValueError, article.history.model.DoesNotExist):
            messages.error(request, "请选择两个要比较的版本。")
            return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[pk]))
        if old.history_date > new.history_date:
            old, new = new, old
        rows = []
        for field in [*workflow.CONTENT_FIELDS, "state", "review_stage", "publish_at", "slug"]:
            name = field.removesuffix("_id")
            before, after = getattr(old, field), getattr(new, field)
            if before == after:
                continue
            label = Article._meta.get_field(name).verbose_name
            if field == "body":
                lines = difflib.ndiff(str(before).splitlines(), str(after).splitlines())
                diff = [line for line in lines if not line.startswith("?")]
            else:
                diff = [f"- {before}", f"+ {after}"]
            rows.append((label, diff))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"比较版本：{article.title}",
            "article": article,
            "old": old,
            "new": new,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revert_view(self, request, pk, history_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[pk]))
        article = self._article_for(request, pk, change=True)
        record = get_object_or_404(article.history, history_id=history_id)
        try:
            workflow.article_revert(article=article, by=request.user, record=record)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            when = timezone.localtime(record.history_date)
            messages.success(request, f"已恢复到 {when:%Y-%m-%d %H:%M:%S} 的版本。")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "credit", "position"]
    search_fields = ["caption", "credit", "article__title"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Read-only: a correction is added by the workflow, which logs who and when."""

    list_display = ["article", "text", "created_at", "created_by"]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "text", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    """The audit trail: who did what to which story, and when. Export as CSV."""

    list_display = ["created_at", "actor", "action", "article", "from_state", "to_state", "comment"]
    list_filter = ["action", "actor", "created_at"]
    search_fields = ["article__title", "comment"]
    list_select_related = ["actor", "article"]
    date_hierarchy = "created_at"
    actions = None
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_audit")

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/", export, name="articles_workflowevent_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not request.user.has_perm("articles.view_audit"):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request).order_by("created_at", "pk")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
        writer = csv.writer(response)
        writer.writerow(["时间", "操作人", "操作", "稿件编号", "稿件", "原状态", "新状态", "意见"])
        for event in events.iterator():
            writer.writerow([
                timezone.localtime(event.created_at).isoformat(timespec="seconds"),
                display_name(event.actor),
                event.get_action_display(),
                event.article_id,
                event.article.title,
                event.get_from_state_display(),
                event.get_to_state_display(),
                event.comment,
            ])  # fmt: skip
        return response
