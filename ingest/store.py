"""Writing a parsed page: articles, photos, agencies and officers, in one transaction (see
ingest.parse for the document and what is mended)."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Officer
from articles.generation import one_bump
from articles.models import Article, Photo, Section, State
from articles.roles import system_user
from articles.workflow import (
    WorkflowError,
    article_log_import,
    article_publish_printed,
    article_revise_from_import,
)
from ingest.entities import AgencyMention, find_mentions
from ingest.parse import PageImportError, parse_page

# -- Writing -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    unchanged: list[Article] = field(default_factory=list)
    revised: list[Article] = field(default_factory=list)  # pending revisions of live stories
    new_agencies: list[Agency] = field(default_factory=list)
    new_officers: list[Officer] = field(default_factory=list)


def _alias_candidates(name):
    """Other spellings of an agency name in copy: 乌兰察布公安局 for 乌兰察布市公安局."""
    names = {name}
    match = re.match(r"^(.+?)(市|盟)(公安局)$", name)
    if match:
        names.add(match.group(1) + match.group(3))
    match = re.match(r"^([^市盟旗县区]+)(公安局)$", name)
    if match:
        names.update({f"{match.group(1)}市公安局", f"{match.group(1)}盟公安局"})
    return names


class _Directory:
    """The agencies and officers known so far, looked up by every name they go by."""

    def __init__(self, report):
        self.report = report
        self.agencies = {}
        for agency in Agency.objects.all():
            for name in agency.names:
                self.agencies.setdefault(name, agency)
        self.officers = {}
        for officer in Officer.objects.all():
            self.officers.setdefault(officer.name, []).append(officer)

    def agency(self, name):
        for candidate in _alias_candidates(name):
            if candidate in self.agencies:
                return self.agencies[candidate]
        return None

    def resolve_agency(self, mention, previous, resolved):
        """The agency for a mention; created (unverified) when unknown."""
        if found := self.agency(mention.name):
            return found
        parent = None
        if mention.parent is not None:
            parent = resolved.get(id(mention.parent))
        elif mention.implied_parent:
            parent = self.agency(mention.implied_parent) or self._create(
                AgencyMention(
                    name=mention.implied_parent,
                    kind=AgencyKind.BUREAU,
                    start=mention.start,
                    end=mention.start,
                    region=mention.region,
                ),
                parent=None,
            )
        elif mention.kind in {AgencyKind.POST, AgencyKind.STATION, AgencyKind.BRANCH}:
            # A 警务室 belongs to a 派出所, a 派出所 to a 公安局: the nearest named before it.
            above = {
                AgencyKind.POST: {AgencyKind.STATION},
                AgencyKind.STATION: {
                    AgencyKind.BUREAU,
                    AgencyKind.COUNTY_BUREAU,
                    AgencyKind.BRANCH,
                },
                AgencyKind.BRANCH: {AgencyKind.BUREAU},
            }[mention.kind]
            parent = next((a for a in reversed(previous) if a.kind in above), None)
        return self._create(mention, parent=parent)

    def _create(self, mention, *, parent):
        aliases = []
        if re.search("[市盟]公安局$", mention.name):
            aliases = sorted(_alias_candidates(mention.name) - {mention.name})
        agency = Agency(
            name=mention.name,
            aliases="\n".join(aliases),
            kind=mention.kind,
            parent=parent,
            region=mention.region or (parent.region if parent else ""),
            verified=False,
        )
        agency.full_clean(exclude=["slug", "path"])
        agency.save()
        for name in agency.names:
            self.agencies.setdefault(name, agency)
        self.report.new_agencies.append(agency)
        return agency

    def resolve_officer(self, mention, agency, *, fill_in=True):
        """The officer a mention names, found or created (unverified). ``fill_in``: the copy
        is being published, so a known officer's missing unit, title or agency may be taken
        from it (copy that is not published must not change what the officer's public page
        says)."""
        same_name = self.officers.get(mention.name, [])
        for officer in same_name:
            if agency is None or officer.agency_id in (None, agency.pk):
                if not fill_in:
                    return officer
                changed = False
                for attr, value in (("unit", mention.unit), ("title", mention.title)):
                    if value and not getattr(officer, attr):
                        setattr(officer, attr, value)
                        changed = True
                if officer.agency_id is None and agency is not None:
                    officer.agency = agency
                    changed = True
                if changed:
                    officer.save()
                return officer
        officer = Officer(
            name=mention.name, title=mention.title, unit=mention.unit, agency=agency, verified=False
        )
        officer.full_clean(exclude=["slug"])
        officer.save()
        self.officers.setdefault(officer.name, []).append(officer)
        self.report.new_officers.append(officer)
        return officer


def _page_time(date, hour):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(date, datetime.time(hour), tzinfo=tz)


def _names_in(story, directory, *, fill_in):
    """The agencies and officers ``story`` names, found or created (unverified)."""
    mentions = find_mentions(story.text)
    resolved, agencies = {}, []
    for mention in mentions.agencies:
        agency = directory.resolve_agency(mention, agencies, resolved)
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


@transaction.atomic
@one_bump()  # the generation is bumped once, last (see caching.one_bump)
def import_page(
    text,
    *,
    source,
    section,
    date=None,
    page=1,
    publish=False,
    sections_by_position=None,
    by=None,
    as_pending=False,
):
    """Import (or re-import) a page document; returns an `ImportReport`.

    A page is the edition ``date`` (today when not given) and its number ``page``; each
    story is its position on the page. ``source`` (the file name) is only recorded.
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
    parsed = parse_page(text)
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
    if not isinstance(page, int) or page < 1:
        raise PageImportError("版次必须是正整数。")

    by = by or system_user()
    now = _page_time(date, 6) if date else timezone.now()
    edition = date or timezone.localdate()
    where = f"{edition:%Y-%m-%d} 第 {page} 版（{source}）"
    report = ImportReport()
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
