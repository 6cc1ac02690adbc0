"""Writing a parsed page: articles, photos, agencies and officers, in one transaction (see
ingest.parse for the document and what is mended)."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Officer
from agencies.models import AgencyKind as K
from articles.generation import one_bump
from articles.models import Article, Photo, PrintPage, Section, State
from articles.roles import system_user
from articles.workflow import (
    WorkflowError,
    article_log_import,
    article_publish_printed,
    article_revise_from_import,
)
from ingest.entities import DIVISION_BODIES, find_mentions
from ingest.parse import PageImportError, page_name_from_filename, parse_document
from ingest.places import REGION, places

# -- Writing -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    unchanged: list[Article] = field(default_factory=list)
    revised: list[Article] = field(default_factory=list)  # pending revisions of live stories
    print_page: PrintPage | None = None
    # What the operator should know: a folio overridden by an option, a name kept.
    warnings: list[str] = field(default_factory=list)
    new_agencies: list[Agency] = field(default_factory=list)
    new_officers: list[Officer] = field(default_factory=list)


# The police bodies a unit (交警大队) belongs to.
BUREAU_KINDS = {K.DEPARTMENT, K.BUREAU, K.COUNTY_BUREAU, K.BRANCH}


def _family(mention):
    if mention.kind in AgencyKind.police():
        return "police"
    return {K.COURT: "court", K.PROCURATORATE: "procuratorate"}.get(mention.kind, "justice")


def _body(division, family):
    """(name, kind) of the agency of ``family`` for ``division`` (None: the region)."""
    if division is None:
        return {
            "police": (f"{REGION}公安厅", K.DEPARTMENT),
            "court": (f"{REGION}高级人民法院", K.COURT),
            "procuratorate": (f"{REGION}人民检察院", K.PROCURATORATE),
            "justice": (f"{REGION}司法厅", K.JUSTICE),
        }[family]
    if family == "court":
        suffix = "中级人民法院" if division.level == "league" else "人民法院"
        return division.name + suffix, K.COURT
    if family == "procuratorate":
        return f"{division.name}人民检察院", K.PROCURATORATE
    if family == "justice":
        return f"{division.name}司法局", K.JUSTICE
    if division.level == "league":
        return f"{division.name}公安局", K.BUREAU
    if division.name.endswith("区"):
        return f"{division.name}分局", K.BRANCH  # a city district has a 分局 of the city's bureau
    return f"{division.name}公安局", K.COUNTY_BUREAU


def _county(division):
    """The banner, county or district ``division`` is in (itself when it is one)."""
    while division is not None and division.level == "town":
        division = places().parent(division)
    return division


class _Directory:
    """The agencies and officers known so far, looked up by every name they go by."""

    def __init__(self, report):
        self.report = report
        self.agencies = {}
        for agency in Agency.objects.all():
            for name in agency.names:
                self.agencies.setdefault(name, []).append(agency)
        self.officers = {}
        for officer in Officer.objects.select_related("agency"):
            self.officers.setdefault(officer.name, []).append(officer)
        self.new_officers = set()

    def agency(self, name, parent=None):
        found = self.agencies.get(name, [])
        if parent is not None:
            return next((a for a in found if a.parent_id == parent.pk), None)
        return found[0] if found else None

    def body(self, division, family):
        """The agency of ``family`` for ``division``, found or created (unverified) with the
        ones above it: 乌拉特前旗公安局 under 巴彦淖尔市公安局 under the region's 公安厅."""
        name, kind = _body(division, family)
        if found := self.agency(name):
            return found
        if division is None:
            parent = None
        else:
            above = places().parent(division)
            parent = self.body(above, family)
        region = places().league_of(division).name if division is not None else ""
        return self._create(name, kind, parent=parent, region=region)

    def resolve_agency(self, mention, previous, resolved, named=frozenset()):
        """The agency for a mention; created (unverified) when unknown. ``previous``: the
        agencies this story named before it; ``named``: the names of all it names."""
        parent = resolved.get(id(mention.parent)) if mention.parent is not None else None
        family = _family(mention)
        name = mention.name
        if mention.kind == K.UNIT and parent is None:
            for agency in reversed(previous):
                if agency.kind == K.UNIT and agency.name.endswith(mention.name):
                    return agency  # the 刑警支队 this story named before
            parent = self._nearest(previous, BUREAU_KINDS)
            if parent is not None:
                name = parent.name + name  # 交警大队 of the bureau the story is about
        if parent is not None:
            # 东乌珠穆沁旗公安局巴音派出所: the 巴音派出所 under that bureau, not another one.
            found = (
                self.agency(name, parent)
                or self.agency(mention.printed, parent)
                or next((a for a in self.agencies.get(name, []) if a.parent_id is None), None)
            )
        elif mention.kind == K.UNIT:
            found = None
        else:
            found = self.agency(name) or self.agency(mention.printed)
        if found:
            return found
        if parent is None:
            parent = self._parent(mention, family, previous, named)
            if parent is not None and parent.name == name:
                return parent  # the division's own body, made while finding its parent
        region = ""
        if mention.division is not None:
            region = places().league_of(mention.division).name
        elif parent is not None:
            region = parent.region
        aliases = [mention.printed] if mention.printed not in {name, mention.name} else []
        return self._create(name, mention.kind, parent=parent, region=region, aliases=aliases)

    def _parent(self, mention, family, previous, named):
        division = mention.division
        if mention.name.endswith(tuple(DIVISION_BODIES)) and mention.kind != K.UNIT:
            # A division's own bureau, court, procuratorate or 司法局: the one above it.
            if division is None:
                return None
            return self.body(places().parent(division), family)
        if mention.kind == K.BORDER_STATION:
            return None  # the national immigration service's, not the local bureau's
        if mention.kind == K.POST and (station := self._nearest(previous, {K.STATION})):
            return station  # a 警务室 belongs to the 派出所 named before it
        if mention.candidates:
            # 巴音派出所: the 巴音 of a banner the story names.
            named = {a.region for a in previous} | {a.name for a in previous} | set(named)
            for candidate in mention.candidates:
                county = _county(candidate)
                if _body(county, family)[0] in named:
                    return self.body(county, family)
        if division is not None and division.level != "league":
            return self.body(_county(division), family)
        if division is not None and mention.kind in {K.BRANCH, K.UNIT, K.CHECKPOINT}:
            return self.body(division, family)
        above = {
            K.POST: {K.STATION},
            K.STATION: {K.BUREAU, K.COUNTY_BUREAU, K.BRANCH},
            K.BRANCH: {K.BUREAU},
            K.UNIT: {K.BUREAU, K.COUNTY_BUREAU, K.BRANCH},
            K.CHECKPOINT: {K.BUREAU, K.COUNTY_BUREAU},
        }.get(mention.kind)
        return self._nearest(previous, above) if above else None

    @staticmethod
    def _nearest(previous, kinds):
        return next((a for a in reversed(previous) if a.kind in kinds), None)

    def _create(self, name, kind, *, parent, region="", aliases=()):
        if re.search("[市盟]公安局$", name):
            aliases = [*aliases, re.sub("[市盟](公安局)$", r"\1", name)]
        agency = Agency(
            name=name,
            aliases="\n".join(a for a in dict.fromkeys(aliases) if a != name),
            kind=kind,
            parent=parent,
            region=region or (parent.region if parent else ""),
            verified=False,
        )
        _clean(agency, f"机构“{name}”", exclude=["slug", "path"])
        agency.save()
        for known in agency.names:
            self.agencies.setdefault(known, []).append(agency)
        self.report.new_agencies.append(agency)
        return agency

    def resolve_officer(self, mention, agency, *, fill_in=True):
        """The officer a mention names, found or created (unverified). One officer, one
        record: a known officer of the same name in the same agency subtree (a station and
        its 警务室) is the same person, and the more specific agency is kept. ``fill_in``:
        the copy is being published, so a known officer's missing unit, title or agency may
        be taken from it (copy that is not published must not change what the officer's
        public page says); an officer this import made from unpublished copy may be filled
        in from more of it."""
        for officer in self.officers.get(mention.name, []):
            if not _same_subtree(officer.agency, agency):
                continue
            if not (fill_in or officer.pk in self.new_officers):
                return officer
            changed = False
            for attr, value in (("unit", mention.unit), ("title", mention.title)):
                if value and not getattr(officer, attr):
                    setattr(officer, attr, value)
                    changed = True
            if (
                agency is not None
                and (officer.agency is None or agency.path.startswith(officer.agency.path))
                and officer.agency != agency
            ):
                officer.agency = agency  # the 警务室 is more specific than its 派出所
                changed = True
            if changed:
                officer.save()
            return officer
        officer = Officer(
            name=mention.name, title=mention.title, unit=mention.unit, agency=agency, verified=False
        )
        _clean(officer, f"民警“{mention.name}”", exclude=["slug"])
        officer.save()
        self.officers.setdefault(officer.name, []).append(officer)
        if not fill_in:
            self.new_officers.add(officer.pk)  # made from unpublished copy: still private
        self.report.new_officers.append(officer)
        return officer


def _clean(record, label, *, exclude):
    """full_clean, a failure reported as the page's (the import then writes nothing)."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise PageImportError(f"无法建立{label}：{'；'.join(exc.messages)}") from exc


def _same_subtree(a, b):
    """Is one of the agencies ``a`` and ``b`` within the other (or either unknown)?"""
    if a is None or b is None:
        return True
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def _page_time(date, hour):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(date, datetime.time(hour), tzinfo=tz)


def _names_in(story, directory, *, fill_in):
    """The agencies and officers ``story`` names, found or created (unverified)."""
    mentions = find_mentions(story.text)
    resolved, agencies = {}, []
    named = frozenset(m.name for m in mentions.agencies)
    for mention in mentions.agencies:
        agency = directory.resolve_agency(mention, agencies, resolved, named)
        resolved[id(mention)] = agency
        if agency not in agencies:
            agencies.append(agency)
    officers = []
    for mention in mentions.officers:
        agency = resolved.get(id(mention.agency)) if mention.agency else None
        officer = directory.resolve_officer(mention, agency, fill_in=fill_in)
        if officer not in officers:
            officers.append(officer)
    return agencies, officers


def _write_names_and_photos(article, story, directory):
    agencies, officers = _names_in(story, directory, fill_in=article.is_live)
    article.agencies.set(agencies)
    article.officers.set(officers)
    existing = list(article.photos.order_by("position", "pk"))
    for index, photo in enumerate(story.photos):
        record = existing[index] if index < len(existing) else Photo(article=article)
        record.caption = photo.caption
        record.credit = photo.credit
        record.position = index
        record.full_clean()
        record.save()
    for extra in existing[len(story.photos) :]:
        if not extra.image:
            extra.delete()


def _label(article):
    return f"#{article.pk}《{article.title}》（{article.status_label}）"


def _agree(what, given, printed, report, shown=str):
    """``given`` (an option), else what the folio printed: an option wins over a folio
    it contradicts (a misread scan), and the report says so."""
    if given is None:
        return printed
    if printed not in (None, "") and printed != given:
        report.warnings.append(f"版头的{what}是{shown(printed)}，按指定的{shown(given)}导入。")
    return given


def _print_page(edition, number, *, given_name, printed_name, report):
    """The page (版面) the stories are printed on, made when new. A name given as an option
    is recorded; one read from the folio or the file name names a page that has none (the
    desk may have corrected it since)."""
    page = PrintPage.objects.filter(edition=edition, number=number).first()
    if page is None:
        page = PrintPage(edition=edition, number=number, name=given_name or printed_name)
    elif given_name and page.name != given_name:
        page.name = given_name
    elif printed_name and not page.name:
        page.name = printed_name
    elif printed_name and page.name != printed_name:
        report.warnings.append(f"版名保留为“{page.name}”（原稿为“{printed_name}”）。")
        return page
    else:
        return page
    _clean(page, f"版面“{page}”", exclude=[])
    page.save()
    return page


@transaction.atomic
@one_bump()  # the generation is bumped once, last (see caching.one_bump)
def import_page(
    text,
    *,
    source,
    section,
    date=None,
    page=None,
    page_name=None,
    publish=False,
    sections_by_position=None,
    by=None,
    as_pending=False,
):
    """Import (or re-import) a page document; returns an `ImportReport`.

    A page is the edition ``date`` and its number ``page``, taken from the document's folio
    (版头) when not given (then today and 1); each story is its position on the page, and
    the page (PrintPage) is recorded with its name (版名): ``page_name``, else the folio's,
    else one the file name gives. ``source`` (the file name) is only recorded.
    Importing a page again:

    - a story whose text is the same is left alone (a re-import of an unchanged page
      writes nothing);
    - a draft nobody has touched since it was imported takes the new text;
    - a story an editor has changed, moved through review or published, or that is
      published, is never overwritten: the import is refused and lists them, or, with
      ``as_pending``, the new text of each published one becomes a revision (修改稿) in
      review at NEWSROOM_REVISION_STAGE, and the live text stays until it is published.

    ``by`` is the importing user (the system account, roles.system_user, when None): the
    history and events carry it. The stories are dated 06:00 on ``date`` (now without
    it), and published then with ``publish``. ``sections_by_position`` maps a story's
    position on the page (1-based) to a section slug.
    """
    header, parsed = parse_document(text)
    sections = {}
    wanted = {section, *(sections_by_position or {}).values()}
    for slug in wanted:
        try:
            sections[slug] = Section.objects.get(slug=slug)
        except Section.DoesNotExist:
            raise PageImportError(f"栏目“{slug}”不存在。") from None
    for position in sections_by_position or {}:
        if not 1 <= position <= len(parsed):
            raise PageImportError(f"版面上没有第 {position} 篇稿件（共 {len(parsed)} 篇）。")
    if page is not None and (not isinstance(page, int) or page < 1):
        raise PageImportError("版次必须是正整数。")

    report = ImportReport()
    by = by or system_user()
    date = _agree("日期", date, header and header.date, report, shown=lambda d: f"{d:%Y-%m-%d}")
    page = _agree("版次", page, header and header.number, report, shown=lambda n: f"第 {n} 版")
    page = page or 1
    now = _page_time(date, 6) if date else timezone.now()
    edition = date or timezone.localdate()
    where = f"{edition:%Y-%m-%d} 第 {page} 版（{source}）"
    report.print_page = print_page = _print_page(
        edition, page, given_name=(page_name or "").strip(),
        printed_name=(header.name if header else "") or page_name_from_filename(source),
        report=report,
    )  # fmt: skip
    directory = _Directory(report)
    refused = []
    for position, story in enumerate(parsed, start=1):
        content = {
            "title": story.title,
            "subtitle": story.subtitle,
            "byline": story.byline,
            "body": story.body,
            "summary": story.summary,
            "section": sections[(sections_by_position or {}).get(position, section)],
        }
        article = Article.objects.filter(
            edition=edition, page=page, source_position=position, revision_of__isnull=True
        ).first()
        if article is not None:
            if all(getattr(article, name) == value for name, value in content.items()):
                report.unchanged.append(article)
                continue
            touched = article.source_version != article.version
            if touched or article.state != State.DRAFT:
                if as_pending and article.state == State.PUBLISHED:
                    fields = {**content, "section_id": content.pop("section").pk}
                    try:
                        revision = article_revise_from_import(
                            article=article, by=by, content=fields, comment=f"版面重新导入：{where}"
                        )
                    except WorkflowError as exc:
                        refused.append(f"{_label(article)}：{exc}")
                        continue
                    _write_names_and_photos(revision, story, directory)
                    report.revised.append(revision)
                else:
                    refused.append(_label(article))
                continue
        created = article is None
        if created:
            article = Article(
                edition=edition,
                page=page,
                source_position=position,
                created_at=now,
                updated_at=now,
                featured=position == 1,  # the page's lead story (头条)
            )
        article.source_document = source
        article.print_page = print_page
        for name, value in content.items():
            setattr(article, name, value)
        article.full_clean(exclude=["slug", "tags"])
        article._history_user = by
        article._change_reason = f"版面导入：{where}" if created else f"版面重新导入：{where}"
        article.save(keep_timestamps=created or date is not None)
        article_log_import(
            article=article, by=by, comment=where if created else f"重新导入 {where}"
        )
        if publish and article.state == State.DRAFT:
            article_publish_printed(article=article, at=now, by=by)
        _write_names_and_photos(article, story, directory)
        # What "untouched since the import" is compared against (no save: no new version).
        Article.objects.filter(pk=article.pk).update(source_version=article.version)
        article.source_version = article.version
        (report.created if created else report.updated).append(article)
    if refused:
        raise PageImportError(
            f"{where} 的以下稿件导入后已被编辑修改或已经发布，重新导入会覆盖它们，"
            "因此没有导入任何内容："
            + "；".join(refused)
            + "。如需把新文字作为待签发的修改稿送审，请加 --pending。"
        )
    return report
