from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse

from chinese.pinyin import unique_slug


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", "公安厅"
    BUREAU = "bureau", "公安局"
    COUNTY_BUREAU = "county_bureau", "旗县公安局"
    BRANCH = "branch", "公安分局"
    STATION = "station", "派出所"
    BORDER_STATION = "border_station", "出入境边防检查站"
    POST = "post", "警务室"
    CHECKPOINT = "checkpoint", "公安检查站"
    UNIT = "unit", "警种大队（支队）"
    COURT = "court", "人民法院"
    PROCURATORATE = "procuratorate", "人民检察院"
    JUSTICE = "justice", "司法行政机关"
    OTHER = "other", "其他"

    @classmethod
    def police(cls):
        """The kinds whose staff are police officers (not courts, procuratorates or 司法所)."""
        return {
            cls.DEPARTMENT, cls.BUREAU, cls.COUNTY_BUREAU, cls.BRANCH, cls.STATION,
            cls.BORDER_STATION, cls.POST, cls.CHECKPOINT, cls.UNIT,
        }  # fmt: skip


class AgencyQuerySet(models.QuerySet):
    def descendants_of(self, agency, *, include_self=True):
        """The agency's subtree, found by its materialised path in one query."""
        qs = self.filter(path__startswith=agency.path)
        return qs if include_self else qs.exclude(pk=agency.pk)


class Agency(models.Model):
    name = models.CharField("全称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    aliases = models.TextField(
        "别称",
        blank=True,
        help_text="稿件中使用的其他名称，每行一个，例如“乌兰察布公安局”。",
    )
    slug = models.SlugField("网址名", max_length=100, unique=True, blank=True, allow_unicode=False)
    kind = models.CharField("类型", max_length=20, choices=AgencyKind, default=AgencyKind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys ("/3/17/"): an agency's subtree is one
    # `path__startswith` query. Maintained by save(); never edited by hand.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    region = models.CharField("所在地区", max_length=50, blank=True)
    description = models.TextField("简介", blank=True)
    verified = models.BooleanField(
        "已核实",
        default=True,
        help_text="导入稿件时自动识别并新建的机构未经核实，需编辑确认名称与上级机构。",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agencies:detail", kwargs={"slug": self.slug})

    @property
    def names(self):
        """Every name this agency goes by in copy."""
        names = [self.name, self.short_name, *self.aliases.splitlines()]
        return {n.strip() for n in names if n.strip()}

    @property
    def depth(self):
        return self.path.count("/") - 2

    def path_ids(self):
        """The ids from the root down to this agency."""
        return [int(pk) for pk in self.path.strip("/").split("/") if pk]

    def ancestors(self):
        ids = self.path_ids()[:-1]
        by_id = Agency.objects.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def clean(self):
        if self.parent_id and self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": "上级机构不能是本机构或其下级机构。"})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.short_name or self.name, max_length=100)
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                self.path = self._computed_path()
                super().save(update_fields=["path"])
                return
            old_path = self.path
            self.path = self._computed_path()
            if kwargs.get("update_fields") is not None and old_path != self.path:
                kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_subtree(old_path)

    def _computed_path(self):
        parent_path = Agency.objects.get(pk=self.parent_id).path if self.parent_id else "/"
        return f"{parent_path}{self.pk}/"

    def _move_subtree(self, old_path):
        moved = list(Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
        for agency in moved:
            agency.path = self.path + agency.path[len(old_path) :]
        Agency.objects.bulk_update(moved, ["path"])


class Officer(models.Model):
    name = models.CharField("姓名", max_length=50)
    slug = models.SlugField("网址名", max_length=80, unique=True, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officers",
    )
    unit = models.CharField("部门", max_length=50, blank=True, help_text="例如“执勤一队”。")
    title = models.CharField(
        "职务", max_length=30, blank=True, help_text="例如“民警”“副队长”“所长”。"
    )
    bio = models.TextField("简介", blank=True)
    verified = models.BooleanField(
        "已核实",
        default=True,
        help_text="导入稿件时自动识别并新建的民警未经核实，需编辑确认。",
    )

    class Meta:
        verbose_name = "民警"
        verbose_name_plural = "民警"
        ordering = ["name"]

    def __str__(self):
        parts = [self.unit, self.title, self.name]
        return "".join(p for p in parts if p)

    def get_absolute_url(self):
        return reverse("agencies:officer", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, person=True)
        super().save(*args, **kwargs)
