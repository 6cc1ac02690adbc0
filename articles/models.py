import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from agencies.models import Agency, Officer
from chinese.pinyin import pinyin_slug, unique_slug
from newsroom.text import strip_controls

from .markup import count_characters, normalise_body, render_markdown
from .search import update_search_vector


class SearchIndexField(SearchVectorField):
    """A tsvector on PostgreSQL; on SQLite (development) an unused text column, so that one
    set of migrations serves both."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class Section(models.Model):
    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.SlugField("网址名", max_length=50, unique=True, blank=True)
    description = models.TextField("简介", blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0, help_text="数字小的排在前面。")

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=50)
        super().save(*args, **kwargs)


class Tag(TagBase):
    """A tag with an ASCII (pinyin) slug, like every other slug on the site."""

    class Meta:
        verbose_name = "标签"
        verbose_name_plural = "标签"
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        slug = pinyin_slug(tag, max_length=90) or "tag"
        return f"{slug}-{i}" if i is not None else slug


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = "稿件标签"
        verbose_name_plural = "稿件标签"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "审核中"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤稿"
    # A pending revision (修改稿) whose text has been published into its live story.
    MERGED = "merged", "已签发并入原稿"


# A revision of a live story is open (being written or reviewed) in these states.
OPEN_STATES = [State.DRAFT, State.REVIEW]

# What a reader reads and an editor writes: what revert brings back, compare shows first and
# publishing a revision copies into its live story.
CONTENT_FIELDS = [
    "kicker", "title", "subtitle", "summary", "body", "byline", "source", "section_id",
    "featured",
]  # fmt: skip


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=State.PUBLISHED)

    def live(self):
        """What readers may see: published, and its publication time has come."""
        return self.published().filter(publish_at__lte=timezone.now())

    def scheduled(self):
        return self.published().filter(publish_at__gt=timezone.now())

    def with_last_action(self):
        """Each story with ``last_action``, the action of its latest workflow event (a draft
        whose last event is a return needs changes: 需修改)."""
        latest = WorkflowEvent.objects.filter(article=models.OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return self.annotate(last_action=models.Subquery(latest.values("action")[:1]))

    def naming_agency_or_below(self, path):
        """Stories naming the agency at ``path`` or one below it. EXISTS per story: a list,
        newest first, stops at its page instead of collecting a large subtree's links."""
        links = Article.agencies.through.objects.filter(
            article_id=models.OuterRef("pk"), agency__path__startswith=path
        )
        return self.filter(models.Exists(links))

    def for_listing(self):
        """Live articles with what a list of them shows: no bodies (a list never prints
        them, and at 100 000 stories fetching them dominated list pages)."""
        return (
            self.live()
            .select_related("section")
            .defer("body", "body_html")
            .order_by("-publish_at", "-pk")
        )

    def with_pictures(self):
        """With ``pictures``: the photos that have a picture, with its renditions (a list
        shows the first as a thumbnail). Three queries, whatever the number of stories."""
        pictures = (
            Photo.objects.filter(image__isnull=False)
            .select_related("image")
            .prefetch_related("image__renditions")
        )
        return self.prefetch_related(
            models.Prefetch("photos", queryset=pictures, to_attr="pictures")
        )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search index is large and only ever read inside SQL: never fetch it.
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    kicker = models.CharField("引题", max_length=200, blank=True)
    title = models.CharField("主题", max_length=200)
    subtitle = models.CharField("副题", max_length=200, blank=True)
    slug = models.SlugField(
        "网址名",
        max_length=100,
        blank=True,
        help_text="留空则由标题的拼音生成。网址中含稿件编号，改标题不会使旧链接失效。",
    )
    summary = models.TextField("导语", blank=True)
    body = models.TextField(
        "正文",
        help_text="每行一段（粘贴的报纸稿件原样可用，段首空格自动去掉）；### 开头为小标题；"
        "Markdown 格式。",
    )
    body_html = models.TextField(editable=False, default="")
    # 字数, counted from the body at save (articles.markup.count_characters): the desk's list
    # prints it for every row and must not read the bodies to do so.
    characters = models.PositiveIntegerField("字数", default=0, editable=False)
    byline = models.CharField("作者", max_length=100, blank=True)
    # Blank for the paper's own copy (most of it): the page then names the paper, and the
    # edition and page an imported story was printed on (source_label).
    source = models.CharField(
        "来源",
        max_length=100,
        blank=True,
        help_text="留空即为本报稿件（见报稿件另注见报日期和版次）；转载的稿件填写原发媒体或单位。",
    )
    section = models.ForeignKey(
        Section, verbose_name="栏目", on_delete=models.PROTECT, related_name="articles"
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name="相关机构", blank=True, related_name="articles"
    )
    officers = models.ManyToManyField(
        Officer, verbose_name="相关民警", blank=True, related_name="articles"
    )
    tags = TaggableManager(
        "标签", through=TaggedArticle, blank=True, help_text="用逗号（，或 ,）、顿号或分号分隔。"
    )
    state = models.CharField(
        "状态", max_length=20, choices=State, default=State.DRAFT, db_index=True, editable=False
    )
    review_stage = models.PositiveSmallIntegerField(
        "审核阶段",
        default=0,
        editable=False,
        help_text="0 表示未送审；1、2、3 为初审、复审、终审。",
    )
    publish_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        help_text="已发布的稿件在此时间之后才对读者可见。",
    )
    first_published_at = models.DateTimeField("首次发布时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", default=timezone.now, editable=False)
    featured = models.BooleanField("头条推荐", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撰稿人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    # A pending revision (修改稿) of a published story: its own row, written and reviewed like
    # any draft while readers keep the live text; publishing it copies its text into the
    # live story (articles.workflow). None for every story readers can see.
    revision_of = models.ForeignKey(
        "self",
        verbose_name="修改稿的原稿",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    # Where an imported story was printed: the edition (date), page and position on the page
    # are its identity; the file name is only a record of where it came from.
    source_document = models.CharField(
        "来源版面", max_length=200, blank=True, editable=False, help_text="导入时的版面文件名。"
    )
    edition = models.DateField("版面日期", null=True, blank=True, editable=False)
    page = models.PositiveSmallIntegerField("版次", null=True, blank=True, editable=False)
    # The page itself (数字报), written by the importer with ``edition`` and ``page``: see
    # PrintPage for why a key and not a join on the two.
    print_page = models.ForeignKey(
        "PrintPage",
        verbose_name="版面",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    source_position = models.PositiveSmallIntegerField(
        "版面序号", null=True, blank=True, editable=False
    )
    # The version the importer left the story at: any other version means someone touched
    # it since, and a re-import must not overwrite it.
    source_version = models.PositiveIntegerField("导入时版本", null=True, editable=False)
    # Derived from the text at save (articles.search); never serialised: fixtures and
    # backups rebuild it.
    search_vector = SearchIndexField(null=True, editable=False, serialize=False)
    version = models.PositiveIntegerField(
        "版本", default=1, editable=False, help_text="每次保存加一；用于发现并拒绝相互覆盖的修改。"
    )

    objects = ArticleManager()
    # Every saved version (content and workflow fields); body_html is derived from body.
    history = HistoricalRecords(
        excluded_fields=["body_html", "characters", "search_vector"], verbose_name="稿件历史版本"
    )

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-publish_at", "-pk"]
        get_latest_by = "publish_at"
        indexes = [
            # The default order, read from the top: the admin's list (drafts, which have no
            # time yet, first) reads 50 entries instead of sorting thousands.
            models.Index(fields=["-publish_at", "-id"], name="article_order_idx"),
            models.Index(fields=["state", "publish_at"], name="article_live_idx"),
            # A section's live stories, newest first: section pages and the home page.
            models.Index(
                fields=["section", "state", "-publish_at"], name="article_section_live_idx"
            ),
            # The latest change to a published story: the sitemap's lastmod, read backwards.
            models.Index(
                fields=["-updated_at"],
                condition=models.Q(state="published"),
                name="article_published_updated_idx",
            ),
        ]
        permissions = [
            ("submit_article", "提交送审"),
            ("edit_any_article", "编辑任何人的稿件"),
            ("review_first", "初审"),
            ("review_second", "复审"),
            ("review_final", "终审"),
            ("publish_article", "签发、定时发布"),
            ("withdraw_article", "撤稿与恢复"),
            ("correct_article", "发布更正"),
            ("view_audit", "查看和导出审计记录"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "page", "source_position"],
                condition=models.Q(edition__isnull=False, revision_of__isnull=True),
                name="article_unique_printed_position",
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=models.Q(revision_of__isnull=False, state__in=OPEN_STATES),
                name="article_one_open_revision",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_live(self):
        """Same rule as ArticleQuerySet.live()."""
        return (
            self.state == State.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.state == State.PUBLISHED and not self.is_live

    @property
    def is_returned(self):
        """A draft sent back by a reviewer: it needs changes (需修改). Read from
        ``last_action`` when the queryset has it (ArticleQuerySet.with_last_action)."""
        if self.state != State.DRAFT or self.pk is None:
            return False
        if hasattr(self, "last_action"):
            return self.last_action == Action.RETURN
        last = self.events.order_by("-created_at", "-pk").values_list("action", flat=True)
        return last.first() == Action.RETURN

    @property
    def description(self):
        """What a page says of the story in one breath (meta description, cards): its lead,
        else its subtitle, else the first paragraph of its body."""
        if self.summary or self.subtitle:
            return self.summary or self.subtitle
        for paragraph in self.body.split("\n"):
            paragraph = paragraph.strip()
            if paragraph and not paragraph.startswith("#"):
                return paragraph
        return self.title

    @property
    def source_name(self):
        """Who published the story first: the source the desk typed, else the paper."""
        return self.source or settings.NEWSROOM_SITE_NAME

    @property
    def source_label(self):
        """来源 as the page prints it: the source the desk typed, else the paper itself,
        with the edition and page a printed story appeared on (北疆法治报 2022年6月17日 第1版)."""
        if self.source:
            return self.source
        name = settings.NEWSROOM_SITE_NAME
        if self.edition and self.page:
            edition = self.edition
            return f"{name} {edition.year}年{edition.month}月{edition.day}日 第{self.page}版"
        return name

    @property
    def status_label(self):
        if self.is_scheduled:
            return "定时发布"
        if self.is_returned:
            return "需修改"
        if self.revision_of_id and self.state == State.WITHDRAWN:
            return "已放弃"
        return self.get_state_display()

    @property
    def is_revision(self):
        return self.revision_of_id is not None

    def open_revision(self):
        """The pending revision of this live story being written or reviewed, if any."""
        return self.revisions.filter(state__in=OPEN_STATES).first()

    def clean(self):
        if self.state == State.PUBLISHED and not self.publish_at:
            raise ValidationError({"publish_at": "已发布的稿件必须有发布时间。"})

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        article._saved_text = article._text()
        return article

    def _text(self):
        """What the rendered body and the search index are made of, as loaded (a deferred
        field counts as unknown)."""
        return tuple(self.__dict__.get(field) for field in TEXT_FIELDS)

    def save(self, *args, keep_timestamps=False, **kwargs):
        """Render the body once here so pages only print it; count the version; refresh
        ``updated_at`` unless the caller supplies historical timestamps (the importer does).
        The body is rendered and the search index written again only when the text changed
        (a workflow step changes the state, not the text)."""
        for field in TEXT_FIELDS:  # whatever wrote them (form, import, shell): valid XML
            setattr(self, field, strip_controls(getattr(self, field)))
        self.body = normalise_body(self.body)  # pasted copy: one paragraph a line
        if not self.slug:
            self.slug = unique_slug(self, self.title, max_length=100)
        text = self._text()
        text_changed = getattr(self, "_saved_text", None) != text or None in text
        if text_changed or not self.body_html:
            self.body_html = render_markdown(self.body)
            self.characters = count_characters(self.body)
        if not keep_timestamps:
            self.updated_at = timezone.now()
        if not self._state.adding:
            self.version += 1  # what the admin's stale-edit check compares against
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields, "body_html", "characters", "updated_at", "slug", "version"
            }  # fmt: skip
        super().save(*args, **kwargs)
        if text_changed:
            update_search_vector(self)
        self._saved_text = text


TEXT_FIELDS = ["kicker", "title", "subtitle", "summary", "body", "byline"]


def photo_upload_to(instance, filename):  # named by migration 0001; no longer used
    return f"photos/{timezone.now():%Y/%m}/{filename}"


def image_upload_to(instance, filename):
    """Stored names are random (``photos/2026/12/<token>.jpg``): never the uploader's file
    name, which may name a source or a place. ``filename`` only brings the extension, which
    articles.images chose from the file's content."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"photos/{timezone.now():%Y/%m}/{secrets.token_urlsafe(12)}.{extension}"


class Image(models.Model):
    """A picture in the photo library (图库): the stored file, stripped of personal metadata,
    its renditions, and what the photo desk knows of it. Stories use it through Photo, so
    one picture may appear in several stories. Made only by ``articles.images``."""

    # A FileField, not an ImageField: articles.images checks the content itself (and records
    # the size), and no file is opened when a row is loaded.
    file = models.FileField("图片文件", upload_to=image_upload_to, max_length=200)
    width = models.PositiveIntegerField("宽度", default=0, editable=False)
    height = models.PositiveIntegerField("高度", default=0, editable=False)
    file_size = models.PositiveIntegerField("文件大小", default=0, editable=False)
    # The uploaded bytes' SHA-256: the same file uploaded twice is one picture.
    digest = models.CharField("校验值", max_length=64, blank=True, db_index=True, editable=False)
    caption = models.TextField("图片说明", blank=True)
    credit = models.CharField("摄影", max_length=100, blank=True)
    alt_text = models.CharField("替代文字", max_length=250, blank=True)
    focal_x = models.FloatField(
        "焦点（横向）", default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="裁切时保留的中心：0 为最左，1 为最右。",
    )  # fmt: skip
    focal_y = models.FloatField(
        "焦点（纵向）", default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 为最上，1 为最下。",
    )  # fmt: skip
    camera = models.CharField("相机型号", max_length=100, blank=True, editable=False)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )  # fmt: skip
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)
    # When its crops or description last changed: a page printing it is as new as this.
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "图库图片"
        verbose_name_plural = "图库图片"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        label = self.caption[:30] or self.alt_text[:30] or f"图片 {self.pk}"
        return f"{label}（{self.credit} 摄）" if self.credit else label

    def save(self, *args, **kwargs):
        for field in ("caption", "credit", "alt_text"):
            setattr(self, field, strip_controls(getattr(self, field)))
        super().save(*args, **kwargs)

    @property
    def orientation(self):
        return "portrait" if self.height > self.width else "landscape"


class Rendition(models.Model):
    """One size and format of an Image (articles.images.SPECS), made once and kept."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=20)
    format = models.CharField(max_length=5)
    file = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = "图片规格"
        verbose_name_plural = "图片规格"
        constraints = [
            models.UniqueConstraint(
                fields=["image", "spec", "format"], name="rendition_unique_spec_format"
            )
        ]

    def __str__(self):
        return f"{self.spec}.{self.format}"


class Photo(models.Model):
    """A picture as a story prints it: which picture (none for an archive record whose file
    is lost), its caption and credit as printed there, and its place in the story."""

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ForeignKey(
        Image, verbose_name="图片", null=True, blank=True, on_delete=models.PROTECT,
        related_name="uses",
        help_text="可留空：存档稿件的原图缺失时，只保留图片说明和摄影者。",
    )  # fmt: skip
    caption = models.TextField("图片说明", blank=True)
    credit = models.CharField("摄影", max_length=100, blank=True)
    alt_text = models.CharField(
        "替代文字", max_length=250, blank=True, help_text="为视障读者描述图片内容；有图片时必填。"
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片"
        ordering = ["article", "position", "pk"]

    def __str__(self):
        return self.caption[:30] or self.credit or f"图片 {self.pk}"

    def save(self, *args, **kwargs):
        for field in ("caption", "credit", "alt_text"):
            setattr(self, field, strip_controls(getattr(self, field)))
        super().save(*args, **kwargs)

    def clean(self):
        if self.image_id and not self.alt_text.strip():
            raise ValidationError({"alt_text": "有图片时必须填写替代文字。"})


def pdf_upload_to(instance, filename):
    """Like pictures: a random name (``epaper/2026/12/<token>.pdf``), never the uploader's."""
    return f"epaper/{timezone.now():%Y/%m}/{secrets.token_urlsafe(12)}.pdf"


class PrintPageQuerySet(models.QuerySet):
    def live(self):
        """The pages readers may see: those with a live story on them. An edition appears
        only as its stories go live, and a page goes with its last withdrawn story."""
        return self.filter(
            models.Exists(Article.objects.live().filter(print_page=models.OuterRef("pk")))
        )

    def with_files_public(self):
        """Each page with ``files_public``: whether readers may have its scan and PDF. A
        scan shows every story printed on the page, so only while every one of them is
        live: a story withdrawn (for legal reasons, say) or not yet due hides them."""
        not_live = Article.objects.filter(
            print_page=models.OuterRef("pk"), revision_of__isnull=True
        ).exclude(state=State.PUBLISHED, publish_at__lte=timezone.now())
        return self.annotate(files_public=~models.Exists(not_live))

    def files_public(self):
        """The pages whose scan and PDF readers may have (see with_files_public)."""
        return self.live().with_files_public().filter(files_public=True)


class PrintPage(models.Model):
    """A page of the printed paper (版面): the edition's date, its number (版次) and its name
    (版名), and, when the desk has one, its scan (a picture in the photo library) or PDF.

    A story points at its page (``Article.print_page``) instead of being joined to it on
    (edition, page): the page then comes with the story in the story's own query
    (select_related: the article page's "见 2022年6月17日 第1版" costs no query), a page's
    stories are one indexed lookup and an edition's one prefetch, whatever their number.
    The story keeps ``edition`` and ``page`` as the importer's identity for a re-import;
    the importer writes them with the key, and neither can be changed in the desk.
    """

    edition = models.DateField("版面日期")
    number = models.PositiveSmallIntegerField("版次", validators=[MinValueValidator(1)])
    name = models.CharField(
        "版名", max_length=20, blank=True, help_text="如“要闻”“法治”；导入时从原稿的版头读取。"
    )
    image = models.ForeignKey(
        Image, verbose_name="版面图", null=True, blank=True, on_delete=models.PROTECT,
        related_name="print_pages",
        help_text="整版的扫描图，存入图库；读者只在本版有已发布稿件时看得到。",
    )  # fmt: skip
    pdf = models.FileField(
        "版面 PDF", upload_to=pdf_upload_to, max_length=200, blank=True,
        help_text="整版的 PDF；读者只在本版有已发布稿件时下载得到。",
    )  # fmt: skip
    pdf_size = models.PositiveIntegerField("PDF 大小", default=0, editable=False)

    objects = PrintPageQuerySet.as_manager()

    class Meta:
        verbose_name = "版面"
        verbose_name_plural = "版面"
        ordering = ["-edition", "number"]
        get_latest_by = "edition"
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="print_page_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="print_page_number"),
        ]

    def __str__(self):
        return self.label

    @property
    def number_label(self):
        return f"第{self.number}版"

    @property
    def pdf_size_label(self):
        size = self.pdf_size
        if size >= 1 << 20:
            return f"{size / (1 << 20):.1f} MB"
        return f"{max(1, round(size / 1024))} KB"

    @property
    def label(self):
        """How the paper names the page: 2022年6月17日 第1版（要闻）."""
        day = f"{self.edition.year}年{self.edition.month}月{self.edition.day}日"
        return f"{day} {self.number_label}" + (f"（{self.name}）" if self.name else "")

    def get_absolute_url(self):
        return reverse("epaper:page", kwargs={"date": self.edition, "number": self.number})

    def save(self, *args, **kwargs):
        self.name = strip_controls(self.name).strip()
        super().save(*args, **kwargs)


class Correction(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField("更正内容")
    created_at = models.DateTimeField("更正时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "更正"
        verbose_name_plural = "更正"
        ordering = ["created_at", "pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.article}：{self.text[:30]}"


class Action(models.TextChoices):
    CREATE = "create", "创建"
    SUBMIT = "submit", "送审"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"
    PUBLISH = "publish", "签发"
    SCHEDULE = "schedule", "定时发布"
    WITHDRAW = "withdraw", "撤稿"
    RESTORE = "restore", "恢复"
    CORRECT = "correct", "更正"
    REVERT = "revert", "恢复历史版本"
    IMPORT = "import", "版面导入"
    REVISE = "revise", "建立修改稿"
    PUBLISH_REVISION = "publish_revision", "签发修改稿"
    DISCARD = "discard", "放弃修改稿"


class WorkflowEvent(models.Model):
    """One step of an article's way through the newsroom; written only by articles.workflow."""

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=20, choices=Action)
    from_state = models.CharField("原状态", max_length=20, choices=State)
    to_state = models.CharField("新状态", max_length=20, choices=State)
    stage = models.PositiveSmallIntegerField("审核阶段", default=0)
    comment = models.TextField("意见", blank=True)
    publish_at = models.DateTimeField("发布时间", null=True, blank=True)
    # The article's version once the step was taken: what a reviewer approved, and where
    # the next reviewer's "changed since" starts.
    version = models.PositiveIntegerField("稿件版本", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["created_at", "pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.article}：{self.get_action_display()}"

    @property
    def actor_name(self):
        return display_name(self.actor)

    @property
    def stage_label(self):
        from .roles import stage_name

        return stage_name(self.stage) if self.stage else ""


def display_name(user):
    """A person as the newsroom writes them: 李哲, not "哲 李"; the system for no one."""
    if user is None:
        return "系统"
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


class EditSession(models.Model):
    """Who has an article open in the admin: a soft lock that warns but never blocks."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edit_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "编辑中"
        verbose_name_plural = "编辑中"
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_edit_session_per_user")
        ]

    def __str__(self):
        return f"{self.user} 正在编辑 {self.article}"


class ContentGeneration(models.Model):
    """A single row whose number moves on whenever anything readers can see changes.

    Cached pages and fragments are keyed by it, so a change outdates them all at once. It
    lives in the database, bumped inside the transaction that makes the change: no worker
    sees the new number before the change commits, whatever the cache backend (a
    per-process memory cache included). Each worker reads it again every quarter of a
    second (articles.generation).
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "内容版本"
        verbose_name_plural = "内容版本"

    def __str__(self):
        return str(self.value)
