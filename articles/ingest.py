"""The page importer: a scanned newspaper page, as a Markdown-like text document, into articles.

A page document holds several stories::

    # 主题                      a headline starts a story (# or ##)
    ## 副题                     a ## right under a # headline is that story's subtitle
    正文段落……                  paragraphs, separated by blank lines
    ### 小标题                  ### and #### are subheads; consecutive ones form one subhead
    图为……。 / 沈翠英 摄         a photo: its caption sentence and its credit line
    ……逆行而上。(沈翠英)        a trailing (姓名) is the byline

The scan leaves scars that are mended here: paragraphs cut in two by column breaks, ASCII
punctuation between Chinese characters. Agencies and officers named in the copy are linked
to the records that exist, or created for an editor to verify.

`parse_page` is pure (text in, structures out) and raises `PageImportError` naming the line;
`import_page` writes everything in one transaction, so a bad document writes nothing.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Officer
from newsroom.text import CONTROL_CHARACTERS

from .caching import one_bump
from .models import Article, Photo, Section, State
from .recognise import AgencyMention, find_mentions
from .roles import system_user
from .typography import HAN, normalize_punctuation
from .workflow import (
    WorkflowError,
    article_log_import,
    article_publish_printed,
    article_revise_from_import,
)

HEADING_RE = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
NAME = r"[\u4e00-\u9fff·]{2,8}"
CREDIT_RE = re.compile(rf"^(?:摄影[:：]\s*)?({NAME}(?:[ 、，,]{NAME})*)\s*(?:摄|/摄|摄影)$")
BYLINE_RE = re.compile(rf"\s*[（(]\s*({NAME}(?:[ 、，,]{NAME})*)\s*[）)]\s*$")
CAPTION_RE = re.compile(r"图为([^。！？!?]*)[。！？!?]?")
# A paragraph that ends with one of these is complete; any other is cut (by a column or
# page break) when body text follows it.
SENTENCE_END = set("。！？!?…；;：:”’」』）)》】.—")
SUMMARY_LENGTH = 150


class PageImportError(ValueError):
    """A document that cannot be imported; the message names the line."""

    def __init__(self, message, line=None):
        self.line = line
        super().__init__(f"第 {line} 行：{message}" if line else message)


@dataclass
class ParsedPhoto:
    caption: str
    credit: str
    line: int


@dataclass
class ParsedArticle:
    title: str
    line: int
    subtitle: str = ""
    byline: str = ""
    blocks: list = field(default_factory=list)  # ("p" | "h", text, line)
    photos: list[ParsedPhoto] = field(default_factory=list)

    @property
    def paragraphs(self):
        return [text for kind, text, _ in self.blocks if kind == "p"]

    @property
    def subheads(self):
        return [text for kind, text, _ in self.blocks if kind == "h"]

    @property
    def body(self):
        """The body as Markdown: blank-line paragraphs and ### subheads."""
        parts = [f"### {text}" if kind == "h" else text for kind, text, _ in self.blocks]
        return "\n\n".join(parts)

    @property
    def summary(self):
        """The lead (导语): the first paragraph, cut at a sentence end when long."""
        first = self.paragraphs[0] if self.paragraphs else ""
        if len(first) <= SUMMARY_LENGTH:
            return first
        cut = first[:SUMMARY_LENGTH]
        end = max(cut.rfind(mark) for mark in "。！？")
        return cut[: end + 1] if end > 0 else cut + "……"

    @property
    def text(self):
        """Everything a reader reads, for finding the names in it."""
        captions = [p.caption for p in self.photos]
        return "\n".join([self.title, self.subtitle, *self.paragraphs, *self.subheads, *captions])


# -- Reading -------------------------------------------------------------------------------


def decode_document(data):
    """Bytes of a page document -> text, refusing what is not UTF-8 text."""
    if not data.strip():
        raise PageImportError("文件为空。", line=1)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PageImportError("文件含有二进制数据，不是文本文件。", line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PageImportError(
            "文件不是 UTF-8 编码（可能是 GBK/GB18030），请转换为 UTF-8 后再导入。", line=line
        ) from exc
    if control := CONTROL_CHARACTERS.search(text):
        line = text[: control.start()].count("\n") + 1
        raise PageImportError("文件含有控制字符，不是文本文件。", line=line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- Parsing -------------------------------------------------------------------------------


def _lines(text):
    """(kind, level, text, line number) for each heading and paragraph of the document.
    Lines not separated by a blank line belong to one paragraph."""
    items = []
    paragraph, paragraph_line = [], None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().strip("\u3000").strip()
        heading = HEADING_RE.match(line)
        if (not line or heading) and paragraph:
            items.append(("p", 0, "".join(paragraph), paragraph_line))
            paragraph = []
        if heading:
            level, title = len(heading.group(1)), (heading.group(2) or "").strip()
            if not title:
                raise PageImportError("标题行没有文字。", line=number)
            items.append(("h", level, title, number))
        elif line:
            if not paragraph:
                paragraph_line = number
            paragraph.append(line)
    if paragraph:
        items.append(("p", 0, "".join(paragraph), paragraph_line))
    return items


def _is_complete(paragraph):
    return paragraph[-1] in SENTENCE_END


def _join(left, right):
    """Mend a paragraph cut in two: Chinese joins without a space, Latin words with one."""
    if HAN.match(left[-1]) or HAN.match(right[0]):
        return left + right
    return f"{left} {right}"


def _finish(article):
    """Mend cuts, take out byline and photos, normalise punctuation."""
    # Credit lines first: "沈翠英 摄" has no sentence end and must not swallow what follows.
    blocks = []
    for kind, text, line in article.blocks:
        credit = CREDIT_RE.match(text) if kind == "p" else None
        blocks.append(["c", credit.group(1), line] if credit else [kind, text, line])

    mended = []
    for block in blocks:
        previous = mended[-1] if mended else None
        if previous and previous[0] == block[0] == "p" and not _is_complete(previous[1]):
            previous[1] = _join(previous[1], block[1])
        else:
            mended.append(block)

    last_paragraph = next((b for b in reversed(mended) if b[0] == "p"), None)
    if last_paragraph and (byline := BYLINE_RE.search(last_paragraph[1])):
        article.byline = re.sub(r"[ 、，,]+", "、", byline.group(1))
        last_paragraph[1] = last_paragraph[1][: byline.start()].rstrip()

    for block in mended:
        if block[0] != "c":
            block[1] = normalize_punctuation(block[1])
    article.title = normalize_punctuation(article.title)
    article.subtitle = normalize_punctuation(article.subtitle)

    for index, (kind, credit, line) in enumerate(mended):
        if kind != "c":
            continue
        caption = ""
        # The caption sentence is usually just above the credit line, sometimes just below.
        nearby = [*reversed(mended[:index]), *mended[index + 1 :]]
        for block in nearby:
            if block[0] == "p" and (found := CAPTION_RE.search(block[1])):
                caption = found.group(1).strip()
                block[1] = (block[1][: found.start()] + block[1][found.end() :]).strip()
                break
        article.photos.append(ParsedPhoto(caption=caption, credit=credit, line=line))
        if not article.byline:
            article.byline = credit  # a photo story's author is its photographer

    article.blocks = [tuple(b) for b in mended if b[0] != "c" and b[1]]
    if not article.paragraphs and not article.photos:
        raise PageImportError(f"稿件《{article.title}》没有正文。", line=article.line)
    return article


def parse_page(text):
    """The stories of a page document, mended and normalised. Touches no database."""
    articles = []
    current = None
    previous_kind = None
    for kind, level, content, line in _lines(text):
        if kind == "h" and level <= 2:
            if (
                level == 2
                and current is not None
                and previous_kind == ("h", 1)
                and not current.subtitle
            ):
                current.subtitle = content
            else:
                current = ParsedArticle(title=content, line=line)
                articles.append(current)
        elif current is None:
            raise PageImportError("正文或小标题之前没有稿件标题（# 或 ## 开头的行）。", line=line)
        elif kind == "h":
            if previous_kind == ("h", 3) and current.blocks and current.blocks[-1][0] == "h":
                _, heading, heading_line = current.blocks[-1]
                current.blocks[-1] = ("h", f"{heading} {content}", heading_line)
            else:
                current.blocks.append(("h", content, line))
        else:
            current.blocks.append(("p", content, line))
        previous_kind = (kind, min(level, 3)) if kind == "h" else (kind, 0)
    if not articles:
        raise PageImportError("文件中没有任何稿件标题（# 或 ## 开头的行）。", line=1)
    return [_finish(article) for article in articles]


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
