import csv
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from taggit.models import Tag as TaggitTag

from agencies.models import Agency, AgencyKind
from articles import presence, workflow
from articles.diff import article_rows, field_rows, record_at
from articles.markup import count_characters, normalise_body, unrenderable
from articles.models import (
    CONTENT_FIELDS,
    Action,
    Article,
    Correction,
    Photo,
    Section,
    State,
    Tag,
    WorkflowEvent,
    display_name,
)  # fmt: skip
from articles.roles import stage_count, stage_holders, stage_name
from articles.selectors import (
    awaiting_review,
    names_visible_to,
    photo_target_articles,
    stages_of,
    visible_articles,
)  # fmt: skip
from articles.slip import review_slip
from newsroom.text import strip_controls
from public.preview import preview_response, share_url

from . import directory, epaper, twostep  # noqa: F401  (register the directory's and 数字报's admin)
from .editor import preview_body
from .photos import PhotoInline
from .proofing import proofread_view, proofreading_context
from .storylist import story_list

# Our own Tag model (pinyin slugs) replaces taggit's, which stays unused.
admin.site.unregister(TaggitTag)
# Enrolled authenticators, listed to be deleted (a lost phone), never added or edited here.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, twostep.DeviceAdmin)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return names_visible_to(request.user, super().get_queryset(request), "tags")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


class TextareaField(forms.CharField):
    """A textarea's text with the line endings a browser sends (CRLF) made LF: the text
    stored and compared is what was typed, and an untouched field is unchanged."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


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


def parse_publish_at(text):
    """The time typed into the schedule box (``YYYY-MM-DD HH:MM``, local), None when
    empty; a WorkflowError naming the problem otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        at = parse_datetime(text)
    except ValueError:  # well formed, but no such day or hour (2026-02-30)
        raise workflow.WorkflowError(f"发布时间“{text}”不存在，请检查日期。") from None
    if at is None:
        raise workflow.WorkflowError("发布时间格式不对，应为 YYYY-MM-DD HH:MM。")
    if not 2000 <= at.year <= 2999:
        raise workflow.WorkflowError(f"发布时间“{text}”超出范围。")
    return timezone.make_aware(at) if timezone.is_naive(at) else at


class ArticleAdminForm(forms.ModelForm):
    """The article form, with the version it was loaded at: a save against a newer version
    is refused, and the editor's text stays on screen to copy. A workflow button pressed
    on the form (``_workflow``) is checked here, before anything is saved: refused, it
    saves nothing and the edits stay on screen; allowed, the edits are saved and the step
    taken in one transaction (ArticleAdmin.response_change)."""

    loaded_version = forms.IntegerField(
        label="打开时的版本", widget=forms.HiddenInput, required=False
    )
    request = None  # set by ArticleAdmin.get_form

    class Meta:
        model = Article
        # The admin passes the fields of its fieldsets; these are the editable ones.
        fields = [
            "kicker", "title", "subtitle", "byline", "source", "section", "summary", "body",
            "agencies", "officers", "tags", "featured", "slug",
        ]  # fmt: skip
        field_classes = {"summary": TextareaField, "body": TextareaField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        # Checked as it will be rendered (a control character between marks is dropped).
        problem = unrenderable(normalise_body(strip_controls(body)))
        if problem:
            raise ValidationError(problem)
        return body

    def _edited(self):
        return any(name != "loaded_version" for name in self.changed_data)

    def _photos_edited(self):
        # The admin binds the inlines before it validates this form (ModelAdmin's
        # _changeform_view), so their edits are known here.
        formsets = getattr(self.request, "newsroom_formsets", []) if self.request else []
        return any(form.has_changed() for formset in formsets for form in formset.forms)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        loaded = cleaned.get("loaded_version")
        try:
            current = workflow.lock_for_edit(
                self.instance,
                seen_version=loaded,
                edits=self._edited() or self._photos_edited(),
            )
        except workflow.StaleVersion as exc:
            current = exc.article
            last = current.history.select_related("history_user").first()
            who = display_name(last.history_user) if last else "他人"
            when = timezone.localtime(current.updated_at)
            compare = compare_link(current, loaded)
            if self.data.get("_workflow") and not self._edited():
                message = "您打开稿件后，{} 于 {} 修改了它，您的操作没有执行。请先查看改动：{}"
            else:
                message = (
                    "此稿件已被 {} 于 {} 修改，您的修改没有保存（流程操作也没有执行）。"
                    "请复制您改动的内容，重新打开稿件后再改。{}"
                )
            raise ValidationError(
                format_html(message, who, f"{when:%Y-%m-%d %H:%M:%S}", compare), code="stale"
            ) from None
        except workflow.RevisionOpen as exc:
            url = reverse("admin:articles_article_change", args=[exc.revision.pk])
            raise ValidationError(
                format_html(
                    "此稿件已有一份未签发的修改稿（{}，{}），您的修改没有保存。"
                    '请在<a href="{}">修改稿</a>中继续修改。',
                    revision_starter(exc.revision),
                    workflow.state_label(exc.revision),
                    url,
                ),
                code="revision-open",
            ) from None
        action = self.data.get("_workflow")
        if action and self.request is not None:
            try:
                at = parse_publish_at(self.data.get("_workflow_publish_at"))
                workflow.check(
                    action, article=current, by=self.request.user,
                    comment=self.data.get("_workflow_comment", ""), at=at,
                )  # fmt: skip
            except workflow.WorkflowError as exc:
                label = Action(action).label if action in Action.values else "操作"
                raise ValidationError(
                    f"{label}没有执行：{exc} 您的修改也没有保存，仍在下方。", code="workflow"
                ) from None
        return cleaned


def revision_starter(revision):
    """Who began ``revision`` (its first saved version), by name."""
    first = revision.history.select_related("history_user").last()
    return display_name(first.history_user if first else None)


def compare_link(article, version):
    """A link to what changed in ``article`` since its saved version ``version``."""
    record = record_at(article, version)
    if record is None:
        return ""
    url = reverse("admin:articles_article_compare", args=[article.pk])
    return format_html('<a href="{}?a={}&amp;b=current">查看改动</a>', url, record.history_id)


class QueueFilter(admin.SimpleListFilter):
    title = "工作队列"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", "我的稿件"), ("review", "待我审核"), ("scheduled", "定时发布")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(author=request.user)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "review":
            return awaiting_review(request.user, queryset)
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
        agencies = names_visible_to(
            request.user, Agency.objects.filter(kind__in=self.KINDS), "agencies"
        ).only("pk", "name", "path")
        return [(str(agency.pk), agency.name) for agency in agencies]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        agency = Agency.objects.filter(pk=self.value()).only("path").first()
        if agency is None:
            return queryset.none()
        return queryset.naming_agency_or_below(agency.path)


class PersonFilter(admin.SimpleListFilter):
    """People by the names the newsroom writes (李哲), not by login: the newsroom's active
    accounts, as Django's own filter lists them (finding who appears in the list would read
    the whole archive on every page of it)."""

    field = None

    def lookups(self, request, model_admin):
        people = get_user_model().objects.filter(is_active=True)
        return sorted(((u.pk, display_name(u)) for u in people), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class AuthorFilter(PersonFilter):
    title = "撰稿人"
    parameter_name = "author"
    field = "author"


class ActorFilter(PersonFilter):
    title = "操作人"
    parameter_name = "actor"
    field = "actor"


def spreadsheet_safe(value):
    """A CSV cell that Excel and WPS read as text: a cell starting with = + - @ (or a tab
    or carriage return) would be taken as a formula, so it gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _few(titles, shown=5):
    """《甲》、《乙》… and how many more: a message about fifty stories stays a line."""
    named = "、".join(f"《{title}》" for title in titles[:shown])
    return named + (f"等 {len(titles)} 篇" if len(titles) > shown else "")


def _article_change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline", "section", "status", "stage", "writer", "byline", "publish_at", "updated_at",
    ]  # fmt: skip
    list_display_links = ["headline"]
    list_filter = [
        QueueFilter, "state", ReviewStageFilter, "section", AgencyTreeFilter, AuthorFilter,
        ("publish_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    list_per_page = 50
    # Drafts (no publication time yet) first on every database (SQLite sorts NULLs last).
    ordering = [F("publish_at").desc(nulls_first=True), "-pk"]
    search_fields = ["title", "subtitle", "kicker", "byline", "summary"]
    # No date_hierarchy: its year and month links read every story's date (a full scan of
    # the archive on each page); the publish-date filter offers fixed periods instead.
    autocomplete_fields = ["agencies", "officers"]
    list_select_related = ["section", "author"]
    readonly_fields = [
        "status", "stage", "publish_at", "first_published_at", "updated_at", "writer",
        "version", "printed_on", "character_count",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["kicker", "title", "subtitle", "byline", "source", "section",
                           "summary", "body", "character_count", "loaded_version"]}),
        ("关联", {"fields": ["agencies", "officers", "tags"]}),
        ("状态", {"fields": ["status", "stage", "publish_at", "featured", "slug",
                             "first_published_at", "updated_at", "writer", "version",
                             "printed_on"]}),
    ]  # fmt: skip
    inlines = [PhotoInline, CorrectionInline]
    show_full_result_count = False
    actions = ["bulk_submit", "bulk_approve", "bulk_publish"]

    class Media:
        # The story list reads like a budget; the form's body has a toolbar and a preview.
        css = {"all": ["admin/css/desk.css", "admin/css/body_editor.css"]}
        js = ["admin/js/character_count.js", "admin/js/body_editor.js", "admin/js/proofread.js"]

    def view_on_site(self, obj):
        # Only a live story has a public page: a draft, a revision or a scheduled story opens
        # the staff preview instead (its public address would be a 404). So does a form
        # redisplayed with its slug emptied (the address is made again on saving).
        if obj.is_live and obj.slug:
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    @admin.display(description="撰稿人账号", ordering="author__last_name")
    def writer(self, obj):
        return display_name(obj.author) if obj.author_id else "—"

    def get_readonly_fields(self, request, obj=None):
        # 头条推荐 is an editor's choice: a reporter cannot feature their own story.
        fields = super().get_readonly_fields(request, obj)
        if not request.user.has_perm("articles.edit_any_article"):
            fields = [*fields, "featured"]
        return fields

    # Bulk actions only for those who may take them (ModelAdmin asks has_<name>_permission).
    def has_submit_permission(self, request):
        return request.user.has_perm("articles.submit_article")

    def has_review_permission(self, request):
        return bool(stages_of(request.user))

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    @admin.display(description="字数")
    def character_count(self, obj):
        # Counted as newsrooms count (articles.markup); the form's script keeps it current.
        return count_characters(obj.body) if obj else 0

    @admin.display(description="标题", ordering="title")
    def headline(self, obj):
        # One line in the list, the whole headline on hover (and for screen readers).
        return format_html('<span class="headline" title="{}">{}</span>', obj.title, obj.title)

    @admin.display(description="状态", ordering="state")
    def status(self, obj):
        label = f"修改稿·{obj.status_label}" if obj.is_revision else obj.status_label
        kind = "scheduled" if obj.is_scheduled else "returned" if obj.is_returned else obj.state
        return format_html('<span class="badge badge-{}">{}</span>', kind, label)

    @admin.display(description="审核阶段", ordering="review_stage")
    def stage(self, obj):
        if obj.state != State.REVIEW:
            return "—"
        return format_html(
            '<span class="badge badge-stage">{}</span>', stage_name(obj.review_stage)
        )

    @admin.display(description="来源版面")
    def printed_on(self, obj):
        if obj.edition is None:
            return obj.source_document or "—"
        where = f"{obj.edition:%Y-%m-%d} 第 {obj.page} 版第 {obj.source_position} 篇"
        return f"{where}（{obj.source_document}）"

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
        return visible_articles(request.user, super().get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        """The story list (desk.storylist), and the bulk actions posted from it. Django's
        changelist answers only a related-object lookup (a popup)."""
        if IS_POPUP_VAR in request.GET or TO_FIELD_VAR in request.GET:
            return super().changelist_view(request, extra_context)
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            # Django's own dispatch: the action's permission and the ticked stories among
            # those this user may open; the desk's words when nothing was chosen.
            back = HttpResponseRedirect(request.get_full_path())
            if request.POST.get("action") not in self.get_actions(request):
                messages.warning(request, "请先选择要执行的批量操作。")
                return back
            if not request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                messages.warning(request, "请先勾选要操作的稿件。")
                return back
            # Only the ticked stories, even when a forged post asks for "all" (select_across).
            ticked = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            queryset = self.get_queryset(request).filter(pk__in=ticked)
            return self.response_action(request, queryset=queryset) or back
        actions = self.get_action_choices(request, default_choices=[])
        prefix = reverse("admin:articles_article_changelist")

        def frame(body, csrf_token):
            context = {
                **self.admin_site.each_context(request),
                "title": "稿件",
                "opts": self.model._meta,
                "body": body,
                "may_add": self.has_add_permission(request),
                # The list takes the page's width; the desk's home and the breadcrumbs lead on.
                "is_nav_sidebar_enabled": False,
                "csrf_token": csrf_token,
                **(extra_context or {}),
            }
            return render_to_string("admin/articles/article/story_list.html", context, request)

        return HttpResponse(story_list(request, Article.objects.all(), prefix, actions, frame))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "photo" and request.GET.get("field_name") == "article":
            # Choosing a story for a photo: only those whose photos this user may change.
            queryset = photo_target_articles(request.user, queryset)
        return queryset, may_have_duplicates

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        return workflow.may_change(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        # Stories are withdrawn, not deleted: the record and its history stay.
        return request.user.is_superuser

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("agencies", "officers"):
            # The choices are also what a posted id is checked against: a reporter cannot
            # link (and so read) a name found only in copy they may not see.
            model = db_field.remote_field.model
            kwargs["queryset"] = names_visible_to(request.user, model.objects.all(), db_field.name)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a class made for this request: checks the workflow button
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
            super().save_model(request, obj, form, change)
        elif obj.state == State.PUBLISHED:
            # Live copy changes only by publishing: the edits go into a pending revision,
            # with the photos and links (save_related, once the inlines are valid).
            request.newsroom_edits = {
                name: getattr(obj, name) for name in [*CONTENT_FIELDS, "slug"]
            }
            obj.refresh_from_db()  # ``obj`` carried the form's edits: the live story is kept
        elif form.has_changed():
            super().save_model(request, obj, form, change)
        presence.report_closed(obj, request.user)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request.newsroom_formsets = [f for f in formsets if f.model is Photo]
        return formsets, inline_instances

    def save_related(self, request, form, formsets, change):
        live = form.instance
        if not change or live.state != State.PUBLISHED:
            super().save_related(request, form, formsets, change)
            photos_changed = any(
                formset.new_objects or formset.changed_objects or formset.deleted_objects
                for formset in formsets
                if formset.model is Photo
            )
            if change and photos_changed and not form.has_changed():
                # A photo is part of its story: its change is a new version of the story
                # (history, and what a re-import compares against).
                live._change_reason = "修改图片"
                live.save()
            return
        if form.has_changed() or form._photos_edited():
            links = {name: form.cleaned_data[name] for name in ("agencies", "officers", "tags")}
            edits = [
                edit
                for formset in formsets
                if formset.model is Photo
                for edit in self._photo_edits(formset)
            ]
            try:
                revision = workflow.article_save_as_revision(
                    article=live, by=request.user, content=request.newsroom_edits,
                    links=links, photo_edits=edits,
                )  # fmt: skip
            except workflow.WorkflowError as exc:
                raise PermissionDenied(str(exc)) from None
            request.newsroom_revision = revision
        for formset in formsets:
            # Nothing of the live story was saved (the change message reads these).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @staticmethod
    def _photo_edits(formset):
        """The photo inline's changes, as the workflow takes them."""
        for form in formset.forms:
            existing = form.instance.pk is not None
            if not existing and not form.has_changed():
                continue  # an empty extra form
            values = {
                name: form.cleaned_data[name]
                for name in ("caption", "credit", "alt_text", "position")
                if name in form.cleaned_data
            }
            if "image" in form.changed_data or form.cleaned_data.get("upload"):
                values["image"] = form.cleaned_data.get("image")  # a library picture, or None
            yield workflow.PhotoEdit(
                photo=form.instance.pk if existing else None,
                delete=formset._should_delete_form(form),
                values=values,
            )

    def log_change(self, request, obj, message):
        revision = getattr(request, "newsroom_revision", None)
        return super().log_change(request, revision or obj, message)

    def response_change(self, request, obj):
        revision = getattr(request, "newsroom_revision", None)
        action = request.POST.get("_workflow")
        if action:
            self._workflow_from_form(request, obj, action)
        if revision:
            messages.success(
                request,
                f"您的修改已存为修改稿 #{revision.pk}。读者仍看到已发布的版本；"
                "修改稿送审并签发后才会替换它。",
            )
            return HttpResponseRedirect(_article_change_url(revision))
        if action:
            return HttpResponseRedirect(_article_change_url(obj))
        return super().response_change(request, obj)

    def _workflow_from_form(self, request, obj, action):
        """The step of a workflow button pressed on the form, after its edits were saved in
        this same transaction (the form checked the step first: ArticleAdminForm.clean)."""
        obj.refresh_from_db()
        label = workflow.action_label(action, obj) if action in Action.values else action
        try:
            self._run(
                request, obj, action, request.POST.get("_workflow_comment", ""),
                request.POST.get("_workflow_publish_at", ""), seen_version=obj.version,
            )  # fmt: skip
        except workflow.WorkflowError as exc:
            # Checked before saving, so only a race gets here: the edits are kept (saved).
            messages.error(request, f"《{obj.title}》：您的修改已保存，但{exc}")
        else:
            self._step_taken(request, obj, label)

    # -- The change form: workflow, timeline, who else is editing ----------------------------

    def history_view(self, request, object_id, extra_context=None):
        # One history: the versions, with the workflow's timeline on the story's page
        # (Django's own list of admin saves said "没有字段被修改" for every workflow step).
        return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[object_id]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if article is not None:
            extra_context.update(self._workflow_context(request, article))
        return super().change_view(request, object_id, form_url, extra_context)

    def _workflow_context(self, request, article):
        actions = workflow.available_actions(article, request.user)
        # A draft whose latest event is a return needs changes: its reason goes on top.
        last = article.events.select_related("actor").order_by("-created_at", "-pk").first()
        returned = (
            article.state == State.DRAFT and last is not None and last.action == Action.RETURN
        )
        if Action.PUBLISH in actions and article.review_stage == stage_count():
            # Passing the last stage publishes: the desk offers one move, 签发 (which may
            # also schedule), not two buttons that do the same.
            actions = [action for action in actions if action != Action.APPROVE]
        context = {
            "workflow_actions": [
                (action, workflow.action_label(action, article)) for action in actions
            ],
            "workflow_on_form": self.has_change_permission(request, article),
            "schedule_allowed": request.user.has_perm("articles.publish_article")
            and not article.is_revision
            and (Action.PUBLISH in actions or (
                Action.APPROVE in actions and article.review_stage == stage_count()
            )),
            "events": article.events.select_related("actor"),
            "slip": review_slip(article),
            "next_people": [
                display_name(user) for user in stage_holders(article.review_stage)
                if user.pk != article.author_id
            ] if article.state == State.REVIEW else [],
            "returned_by": last if returned else None,
            "other_editors": presence.others_editing(article, request.user),
            "stage_label": stage_name(article.review_stage)
            if article.state == State.REVIEW
            else "",
            "heartbeat_seconds": max(settings.NEWSROOM_EDIT_SESSION_SECONDS // 3, 5),
            # A refused step shows the form again: with the time the chief typed.
            "schedule_value": request.POST.get("_workflow_publish_at", ""),
        }  # fmt: skip
        context.update(proofreading_context(request, article))  # 校对, never a refusal
        if article.is_revision:
            live = article.revision_of
            context["live"] = live
            if article.state != State.MERGED:
                context["revision_rows"] = article_rows(live, article)
        elif article.state == State.PUBLISHED:
            revision = article.open_revision()
            if revision is not None:
                context["revision"] = revision
                context["revision_author"] = revision_starter(revision)
                context["revision_state"] = workflow.state_label(revision)
                context["revision_rows"] = article_rows(article, revision)
        if article.state == State.REVIEW:
            context.update(self._since_last_approval(article))
        return context

    @staticmethod
    def _since_last_approval(article):
        """What changed since the story entered its current stage (the previous stage's
        approval, or its submission): the next reviewer sees it before approving."""
        entered = (
            article.events.filter(action__in=[Action.SUBMIT, Action.APPROVE], version__isnull=False)
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        if entered is None or entered.version == article.version:
            return {}
        record = record_at(article, entered.version)
        if record is None:
            return {}
        return {"since_event": entered, "since_rows": field_rows(record, article)}

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("preview-body/", wrap(preview_body), name="articles_article_preview_body"),
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
            path(
                "<int:pk>/proofread/",
                wrap(partial(proofread_view, self)),
                name="articles_article_proofread",
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
        """A workflow step without the form's edits (the form's own buttons post the edits
        with the step: see response_change)."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        article = self._article_for(request, pk)
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        seen = request.POST.get("loaded_version", "")
        label = workflow.action_label(action, article) if action in Action.values else action
        try:
            self._run(
                request, article, action, comment, request.POST.get("publish_at", ""),
                seen_version=int(seen) if seen.isascii() and seen.isdigit() else None,
            )  # fmt: skip
        except workflow.StaleVersion as exc:
            messages.error(
                request,
                format_html("《{}》：{}{}", article.title, str(exc),
                            compare_link(exc.article, exc.seen)),
            )  # fmt: skip
        except workflow.WorkflowError as exc:
            messages.error(request, f"《{article.title}》：{exc}")
        else:
            self._step_taken(request, article, label)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    @staticmethod
    def _step_taken(request, article, label):
        """The message after a step: what was done, and where the story is now."""
        article.refresh_from_db()
        messages.success(
            request, f"《{article.title}》：{label}，现为“{workflow.state_label(article)}”。"
        )

    @staticmethod
    def _run(request, article, action, comment, publish_at="", seen_version=None):
        user = request.user
        at = parse_publish_at(publish_at)
        seen = {"seen_version": seen_version}
        match action:
            case Action.SUBMIT:
                workflow.article_submit(article=article, by=user, comment=comment, **seen)
            case Action.APPROVE:
                workflow.article_approve(article=article, by=user, comment=comment, at=at, **seen)
            case Action.RETURN:
                workflow.article_return(article=article, by=user, comment=comment, **seen)
            case Action.PUBLISH:
                workflow.article_publish(article=article, by=user, at=at, comment=comment, **seen)
            case Action.WITHDRAW:
                workflow.article_withdraw(article=article, by=user, reason=comment, **seen)
            case Action.RESTORE:
                workflow.article_restore(article=article, by=user, comment=comment, **seen)
            case Action.CORRECT:
                workflow.article_correct(article=article, by=user, text=comment, **seen)
            case Action.DISCARD:
                workflow.article_discard_revision(article=article, by=user, comment=comment, **seen)
            case _:
                raise workflow.WorkflowError("未知的操作。")

    def _bulk(self, request, queryset, action):
        """Each ticked story through the workflow; one message for those done, with where
        they are now (a 终审 passed is published), and one per reason for those refused."""
        done, refused = {}, {}
        for article in queryset:
            try:
                self._run(request, article, action, "")
            except workflow.WorkflowError as exc:
                refused.setdefault(str(exc), []).append(article.title)
            else:
                article.refresh_from_db()
                done.setdefault(workflow.state_label(article), []).append(article.title)
        for now, titles in done.items():
            label = Action(action).label
            messages.success(request, f"{label} {len(titles)} 篇，现为“{now}”：{_few(titles)}")
        for reason, titles in refused.items():
            messages.error(
                request, f"{len(titles)} 篇未能{Action(action).label}：{reason}（{_few(titles)}）"
            )

    @admin.action(description="送审所选稿件", permissions=["submit"])
    def bulk_submit(self, request, queryset):
        self._bulk(request, queryset, Action.SUBMIT)

    @admin.action(description="审核通过所选稿件", permissions=["review"])
    def bulk_approve(self, request, queryset):
        self._bulk(request, queryset, Action.APPROVE)

    @admin.action(description="立即签发所选稿件", permissions=["publish"])
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
        if article.state == State.WITHDRAWN:  # its link would answer 410 at once
            messages.error(request, "已撤稿的稿件不能生成预览链接。")
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        url = request.build_absolute_uri(share_url(article))
        hours = settings.NEWSROOM_PREVIEW_HOURS
        messages.success(
            request,
            f"预览链接（{hours} 小时内有效，随稿件审核显示最新内容，发布或撤稿后失效）：{url}",
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    def heartbeat_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article_for(request, pk)
        if request.POST.get("closed"):  # the form's page was closed or left
            presence.report_closed(article, request.user)
            return HttpResponse(status=204)
        return JsonResponse({"others": presence.report_open(article, request.user)})

    # -- History: versions, compare, revert --------------------------------------------------

    def versions_view(self, request, pk):
        article = self._article_for(request, pk)
        records = article.history.select_related("history_user")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"历史版本：{article.title}",
            "article": article,
            "records": [(record, display_name(record.history_user)) for record in records],
            "can_revert": self.has_change_permission(request, article),
            "reverts_to_revision": article.state == State.PUBLISHED,
        }  # fmt: skip
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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"比较版本：{article.title}",
            "article": article,
            "old": old,
            "new": new,
            "old_user": display_name(old.history_user),
            "new_user": display_name(new.history_user),
            "rows": field_rows(old, new, [*CONTENT_FIELDS, "state", "review_stage",
                                          "publish_at", "slug"]),
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revert_view(self, request, pk, history_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[pk]))
        article = self._article_for(request, pk, change=True)
        record = get_object_or_404(article.history, history_id=history_id)
        try:
            event = workflow.article_revert(article=article, by=request.user, record=record)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(_article_change_url(article))
        when = timezone.localtime(record.history_date)
        if event.article_id != article.pk:
            messages.success(
                request,
                f"{when:%Y-%m-%d %H:%M:%S} 的版本已放入修改稿 #{event.article_id}；"
                "读者仍看到已发布的版本，修改稿签发后才会替换它。",
            )
        else:
            messages.success(request, f"已恢复到 {when:%Y-%m-%d %H:%M:%S} 的版本。")
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[event.article_id])
        )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Read-only: a correction is added by the workflow, which logs who and when."""

    list_display = ["article", "text", "created_at", "created_by"]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "text", "created_at", "created_by"]

    def get_queryset(self, request):
        stories = visible_articles(request.user).values("pk")
        return super().get_queryset(request).filter(article__in=stories)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    """The audit trail: who did what to which story, and when. Export as CSV."""

    list_display = [
        "created_at", "who", "step", "article", "from_state", "to_state", "stage_after",
        "comment",
    ]  # fmt: skip
    list_filter = ["action", ActorFilter, "created_at"]
    ordering = ["-created_at", "-pk"]  # newest first
    fields = [
        "created_at", "who", "action", "article", "from_state", "to_state", "stage_after",
        "publish_at", "version", "comment",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="操作", ordering="action")
    def step(self, obj):
        return workflow.step_label(obj)

    @admin.display(description="进入阶段")
    def stage_after(self, obj):
        # A return records the stage it left (see workflow.step_label), and enters none.
        entered = obj.stage and obj.action != Action.RETURN
        return stage_name(obj.stage) if entered else "—"

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

    @admin.display(description="操作人", ordering="actor")
    def who(self, obj):
        return display_name(obj.actor)

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
            writer.writerow([spreadsheet_safe(cell) for cell in [
                timezone.localtime(event.created_at).isoformat(timespec="seconds"),
                display_name(event.actor),
                workflow.step_label(event),
                event.article_id,
                event.article.title,
                event.get_from_state_display(),
                event.get_to_state_display(),
                event.comment,
            ]])  # fmt: skip
        return response
