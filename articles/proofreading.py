"""校对 of a story: the text checks (chinese.proofread) and those that need what the paper
knows. An agency written by an alias or short name in a story that never gives its official
name (the paper names an agency in full); an officer given a title, unit or agency that
contradicts the latest published story naming them, or failing that their record; the
words on the paper's list (``NEWSROOM_PROOFREAD_WORDS``).

Findings are hints, never a refusal: the desk shows them beside the text at every stage.
Three queries at most, whatever the story names: the agencies, the officers the copy may
name (looked up by every name that follows a title), and the latest published stories
naming those officers. Only names the user may see are used (selectors.names_visible_to),
and only published stories are cited: a hint never shows what the user could not read.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone

from agencies.models import Agency, Officer
from chinese import proofread
from chinese.proofread import Finding, Phrasebook

from .models import Article
from .selectors import names_visible_to, public_agencies, public_officers

FIELDS = {"title": "主题", "subtitle": "副题", "body": "正文"}
_SEPARATOR = "\n\n"  # between fields: a paragraph break, so no check reads across two
# The published stories read for what they call an officer (the latest first).
EARLIER_STORIES = 20


@dataclass(frozen=True, slots=True)
class StoryFinding:
    """A finding in one field of a story (``finding``'s offsets are the field's)."""

    field: str
    finding: Finding

    @property
    def field_label(self):
        return FIELDS[self.field]


def word_list():
    """The paper's words to check, from the setting ("截止=截至" suggests 截至)."""
    return proofread.parse_word_list(getattr(settings, "NEWSROOM_PROOFREAD_WORDS", ()))


def check_story(title="", subtitle="", body="", *, user=None, article=None):
    """Every finding in a story's title, subtitle and body, in text order. ``user``: whose
    names to use (None: only those readers may see); ``article``: the story itself, whose
    own published text is not evidence against it."""
    texts = {"title": title, "subtitle": subtitle, "body": body}
    texts = {name: _lines(text) for name, text in texts.items()}
    story = _SEPARATOR.join(texts.values())
    plain = proofread.mask_markup(story)
    found = proofread.check(story, words=word_list())
    book = _agency_book(_agencies(user))
    named = book.find(plain)
    found += _alias_findings(story, named, book)
    found += _officer_findings(story, plain, named, book, user, article)
    return _by_field(texts, sorted(found, key=lambda f: (f.start, f.end)))


def _lines(text):
    """Line breaks as a textarea's value gives them (LF), so offsets match the browser's."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _by_field(texts, found):
    """The story's findings, each in the field it is in, with that field's offsets."""
    starts, position = {}, 0
    for name, text in texts.items():
        starts[name] = (position, position + len(text))
        position += len(text) + len(_SEPARATOR)
    located = []
    for finding in found:
        for name, (start, end) in starts.items():
            if start <= finding.start < end:
                moved = replace(finding, start=finding.start - start, end=finding.end - start)
                located.append(StoryFinding(name, moved))
                break
    return located


# -- Agencies: the official name --------------------------------------------------------------


def _agencies(user):
    """Every agency ``user`` may see (None: those readers may see), as plain rows."""
    if user is None:
        agencies = public_agencies()
    else:
        agencies = names_visible_to(user, Agency.objects.all(), "agencies")
    rows = agencies.order_by("pk").values_list("pk", "name", "short_name", "aliases", "path")
    return tuple(rows)


@dataclass(frozen=True)
class _AgencyBook:
    """The agencies' names, to find in copy: each official name, and each other name
    (short name, alias) that belongs to one agency only and is not itself a qualified
    form of the official one (巴彦淖尔市乌拉特前旗公安局 for 乌拉特前旗公安局)."""

    phrases: Phrasebook
    official: dict  # name -> pk
    other: dict  # name -> (pk, "简称" or "别称")
    names: dict  # pk -> official name
    paths: dict  # pk -> materialised path

    def find(self, text):
        return self.phrases.find(text)


@lru_cache(maxsize=4)
def _agency_book(rows):
    official = {name: pk for pk, name, *_ in rows}
    other, taken = {}, set()
    for pk, name, short_name, aliases, _path in rows:
        for alias, kind in [(short_name, "简称"), *((a, "别称") for a in aliases.splitlines())]:
            alias = alias.strip()
            if not alias or name in alias or alias in official:
                continue
            if alias in other and other[alias][0] != pk:
                taken.add(alias)  # two agencies go by it: no suggestion can be made
            other.setdefault(alias, (pk, kind))
    for alias in taken:
        del other[alias]
    return _AgencyBook(
        phrases=Phrasebook([*official, *other]),
        official=official,
        other=other,
        names={pk: name for pk, name, *_ in rows},
        paths={pk: path for pk, *_, path in rows},
    )


def _alias_findings(story, named, book):
    """An agency written by another name in a story that never gives its official one:
    the first use of each such name."""
    in_full = {book.official[phrase] for _, _, phrase in named if phrase in book.official}
    found, seen = [], set()
    for start, end, phrase in named:
        if phrase not in book.other or phrase in seen:
            continue
        pk, kind = book.other[phrase]
        if pk in in_full:
            continue
        seen.add(phrase)
        name = book.names[pk]
        message = f"“{phrase}”是“{name}”的{kind}；本文没有用过全称，建议首次出现时写作“{name}”"
        found.append(Finding("agency", message, name, start, end, story[start:end]))
    return found


# -- Officers: title, unit and agency ---------------------------------------------------------


def _officers(candidates, user):
    """The officers whose name is among ``candidates``, each name once (two officers of
    one name are told apart by nothing in a hint: both are left out)."""
    if not candidates:
        return {}
    visible = (
        public_officers() | Officer.objects.filter(verified=True)
        if user is None
        else names_visible_to(user, Officer.objects.all(), "officers")
    )
    rows = visible.filter(name__in=sorted(candidates)).values(
        "pk", "name", "title", "unit", "agency_id"
    )
    by_name = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
    return {name: found[0] for name, found in by_name.items() if len(found) == 1}


def _earlier_stories(officers, article):
    """The latest published stories naming any of ``officers``, not this story (nor the
    live story it revises)."""
    links = Article.officers.through.objects.filter(
        officer_id__in=[o["pk"] for o in officers.values()]
    ).values("article_id")
    stories = Article.objects.live().filter(pk__in=Subquery(links))
    if article is not None:
        stories = stories.exclude(pk__in=[pk for pk in (article.pk, article.revision_of_id) if pk])
    stories = stories.order_by("-publish_at", "-pk").only("pk", "title", "body", "publish_at")
    return list(stories[:EARLIER_STORIES])


def _agency_at(book, named, position):
    """The agency whose name ends right at ``position`` (白彦花派出所|所长): (name, pk)."""
    phrase = next((phrase for _, end, phrase in named if end == position), None)
    if phrase in book.official:
        return phrase, book.official[phrase]
    if phrase in book.other:
        return phrase, book.other[phrase][0]
    return None, None


def _claims_in(text, names, book):
    """What ``text`` calls each of ``names`` where it first gives them a title:
    {name: {"agency": pk, "unit": …, "title": …}}, leaving out what it does not say."""
    plain = proofread.mask_markup(text)
    named = book.find(plain)
    claims = {}
    for mention in proofread.titled_mentions(plain, names):
        _, agency = _agency_at(book, named, mention.claim_start)
        said = {"agency": agency, "unit": mention.unit, "title": mention.title}
        claims.setdefault(mention.name, {k: v for k, v in said.items() if v})
    return claims


def _known(officers, stories, book):
    """For each officer and each of agency, unit and title: the latest published story's
    word on it, else the record's, with where it was said: {name: {part: (value, source)}}."""
    known = {}
    for name, row in officers.items():
        record = {"agency": row["agency_id"], "unit": row["unit"], "title": row["title"]}
        known[name] = {part: (value, "民警资料") for part, value in record.items() if value}
    for story in reversed(stories):  # the latest last: its word is the one kept
        day = timezone.localdate(story.publish_at)
        source = f"{day.year}年{day.month}月{day.day}日的报道《{story.title}》"
        for name, claim in _claims_in(story.body, officers, book).items():
            if claim.get("title") in proofread.GENERIC_TITLES and "title" in known[name]:
                del claim["title"]  # 民警 in a story says less than the record's 副队长
            known[name].update({part: (value, source) for part, value in claim.items()})
    return known


def _related(book, first, second):
    """Is one agency the other, or above or below it in the tree?"""
    a, b = book.paths.get(first, ""), book.paths.get(second, "")
    return first == second or bool(a and b and (a.startswith(b) or b.startswith(a)))


_PARTS = {"agency": "所属机构", "unit": "部门", "title": "职务"}


def _explain(name, book, wrong):
    """据民警资料，敖日格勒的部门是“执勤一队”: grouped by where each part was said."""
    by_source = {}
    for part, (value, source) in wrong.items():
        value = book.names.get(value, "") if part == "agency" else value
        by_source.setdefault(source, []).append(f"{_PARTS[part]}是“{value}”")
    return "；".join(f"据{source}，{name}的{'、'.join(says)}" for source, says in by_source.items())


def _officer_findings(story, plain, named, book, user, article):
    officers = _officers(proofread.name_candidates(plain), user)
    if not officers:
        return []
    known = _known(officers, _earlier_stories(officers, article), book)
    found = []
    for mention in proofread.titled_mentions(plain, officers):
        expected = known[mention.name]
        phrase, agency = _agency_at(book, named, mention.claim_start)
        wrong = {}
        # Only an agency this user may see is evidence (one they may not is no name here).
        knows_agency = "agency" in expected and expected["agency"][0] in book.names
        if agency and knows_agency and not _related(book, agency, expected["agency"][0]):
            wrong["agency"] = expected["agency"]
        if mention.unit and "unit" in expected and mention.unit != expected["unit"][0]:
            wrong["unit"] = expected["unit"]
        if "title" in expected and not proofread.titles_agree(mention.title, expected["title"][0]):
            wrong["title"] = expected["title"]
        if not wrong:
            continue
        start = mention.claim_start - (len(phrase) if "agency" in wrong else 0)
        written = story[start : mention.start]
        suggestion = "".join([
            book.names.get(wrong["agency"][0], "") if "agency" in wrong else "",
            wrong["unit"][0] if "unit" in wrong else mention.unit,
            wrong["title"][0] if "title" in wrong else mention.title,
        ])  # fmt: skip
        message = f"{_explain(mention.name, book, wrong)}，此处写作“{written}”，请核实"
        found.append(Finding("officer", message, suggestion, start, mention.start, written))
    return found
