"""Search that works for Chinese.

Chinese has no spaces, so text is segmented into words first, once when an article is saved
(rjieba: jieba's dictionary in Rust, 0.1 s and 35 MB to load instead of 1.6 s and 80 MB per
web worker), and again for the query, with the same segmenter.

- PostgreSQL: the segmented title (weight A), subtitle, kicker, lead and photo captions (B)
  and body (C) go into a tsvector with the `simple` configuration (no stemming: the words
  are already words), under a GIN index. A query matches when all its words do (ranked by
  ts_rank). A name the segmenter cuts differently in the story than in the query (那顺吉日嘎拉说 /
  那顺吉日嘎拉) is still found: when no story has all the words, stories with any of them
  that contain the query verbatim match.
- SQLite (development): every query word must appear in the title, lead, body or a caption.

Queries are folded to simplified characters (詐騙 finds 诈骗), and so is the PostgreSQL
index; the verbatim checks compare with the copy as stored (simplified in this paper).
A quoted part of the query ("两所共建" or “两所共建”) is a phrase: it must appear as written.
Snippets are cut from the story's own text around the first whole term of the query,
with <mark> around whole terms only (a name's single characters are never marked),
escaped; the query is cut to MAX_QUERY characters so long or hostile input costs nothing.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from chinese.segmentation import segmented, words
from chinese.variants import simplified

MAX_QUERY = 64
# Ranking scores every match; a common word matches most of a large archive, so only the
# newest CANDIDATES matches are ranked (and counted).
CANDIDATES = 1000
SNIPPET = 120


_PHRASE = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」')


def normalise_query(q):
    q = (q or "").strip()[:MAX_QUERY]
    return " ".join(q.split())


def terms(q):
    """The query's terms, folded to simplified characters: each quoted phrase whole, and
    the words between them as typed (separated by spaces)."""
    q = simplified(normalise_query(q))
    found = []
    for match in _PHRASE.finditer(q):
        phrase = next(g for g in match.groups() if g).strip()
        if phrase:
            found.append(Term(phrase, phrase=True))
    rest = _PHRASE.sub(" ", q).replace('"', " ").replace("“", " ").replace("”", " ")
    found += [Term(word) for word in rest.split()]
    return found


class Term(str):
    """A term of a query; ``phrase`` when it was quoted."""

    def __new__(cls, text, phrase=False):
        term = super().__new__(cls, text)
        term.phrase = phrase
        return term


def is_postgresql():
    return connection.vendor == "postgresql"


def search_vector(article):
    """The expression for one article's tsvector (PostgreSQL)."""
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    def vector(text, weight):
        return SearchVector(Value(segmented(simplified(text))), weight=weight, config="simple")

    captions = [p.caption for p in article.photos.all()] if article.pk else []
    lead = _lead(article, captions)
    return vector(article.title, "A") + vector(lead, "B") + vector(article.body, "C")


def _lead(article, captions):
    return " ".join([article.kicker, article.subtitle, article.summary, article.byline, *captions])


def bulk_update_search_vectors(articles, captions=None):
    """Recompute many articles' tsvectors in one statement (PostgreSQL only). ``captions``
    maps an article's id to its photo captions."""
    if not is_postgresql() or not articles:
        return
    captions = captions or {}

    def folded(text):
        return segmented(simplified(text))

    rows = [
        (a.pk, folded(a.title), folded(_lead(a, captions.get(a.pk, []))), folded(a.body))
        for a in articles
    ]
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        "UPDATE articles_article AS a SET search_vector = "
        "setweight(to_tsvector('simple', v.t), 'A') || "
        "setweight(to_tsvector('simple', v.l), 'B') || "
        "setweight(to_tsvector('simple', v.b), 'C') "
        f"FROM (VALUES {values}) AS v(id, t, l, b) WHERE a.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def update_search_vector(article):
    """Recompute one article's tsvector (PostgreSQL only); called after each save."""
    if is_postgresql():
        type(article).objects.filter(pk=article.pk).update(search_vector=search_vector(article))


def search(queryset, q):
    """``queryset`` (live articles) narrowed to ``q`` and ordered by relevance."""
    parts = terms(q)
    if not any(words(t) for t in parts):
        return queryset.none()
    if is_postgresql():
        return _search_postgresql(queryset, parts)
    matching = queryset.model.objects.filter(_verbatim(queryset, parts, lookup="icontains"))
    return queryset.filter(pk__in=matching.values("pk")).order_by("-publish_at", "-pk")


def _verbatim(queryset, parts, *, lookup="contains"):
    """Every term appears as written in the title, lead, body or a caption."""
    condition = Q()
    for term in parts:
        captions = queryset.model.objects.filter(**{f"photos__caption__{lookup}": term})
        condition &= (
            Q(**{f"title__{lookup}": term})
            | Q(**{f"summary__{lookup}": term})
            | Q(**{f"body__{lookup}": term})
            | Q(pk__in=captions.values("pk"))
        )
    return condition


def _search_postgresql(queryset, parts):
    from functools import reduce
    from operator import or_

    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    loose = [t for t in parts if not t.phrase]
    phrases = [t for t in parts if t.phrase]
    every = None
    for term in loose:
        query = SearchQuery(" ".join(words(term)), search_type="plain", config="simple")
        every = query if every is None else every & query
    for phrase in phrases:
        query = SearchQuery(" ".join(words(phrase)), search_type="phrase", config="simple")
        every = query if every is None else every & query
    matched = queryset.filter(search_vector=every)
    if phrases:
        # The phrase as written (the segmenter may cut it differently in the story).
        matched = matched.filter(_verbatim(queryset, phrases))
    query = every
    if not matched.exists():
        # A name segmented differently here than in the story: any of its words, and the
        # query itself in the text.
        every_word = [w for t in parts for w in words(t)]
        query = reduce(
            or_, [SearchQuery(w, search_type="plain", config="simple") for w in every_word]
        )
        matched = queryset.filter(_verbatim(queryset, parts), search_vector=query)
    newest = matched.order_by("-publish_at", "-pk").values("pk")[:CANDIDATES]
    return (
        queryset.filter(pk__in=newest)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-publish_at", "-pk")
    )


NAMES = 5


def matching_names(q):
    """(officers, agencies) readers may see whose name contains a term of the query: shown
    above the stories, so that 白彦花 or 那顺吉日嘎拉 finds the page of the station or officer
    itself."""
    from .models import Article
    from .selectors import public_agencies, public_officers

    parts = [t for t in terms(q) if len(t) >= 2]
    if not parts:
        return [], []
    officers = Q()
    agencies = Q()
    for term in parts:
        officers |= Q(name__contains=term)
        agencies |= Q(name__contains=term) | Q(short_name__contains=term)
    # An officer's agency is shown only when it is public itself (verified, or named by a
    # live story): an officer made public by one story may have been placed by a draft.
    public_agency = Q(agency__verified=True) | Exists(
        Article.objects.live().filter(agencies=OuterRef("agency_id"))
    )
    readable = (
        public_officers()
        .select_related("agency")
        .annotate(agency_public=ExpressionWrapper(public_agency, output_field=BooleanField()))
    )
    found = readable.filter(officers)
    officers = list(found[:NAMES])
    agencies = list(public_agencies().filter(agencies).order_by("path")[:NAMES])
    if not officers and not agencies and is_postgresql():
        officers, agencies = _similar_names(readable, parts)
    return officers, agencies


SIMILAR = 0.3  # 那顺吉日格拉 for 那顺吉日嘎拉 scores 0.4; unrelated names under 0.1


def _similar_names(officers, parts):
    """Officers and agencies whose name is like a term of the query (one character typed
    wrong in a longer name), by trigram similarity (PostgreSQL's pg_trgm)."""
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models.functions import Greatest

    from .selectors import public_agencies

    terms = [t for t in parts if len(t) >= 3]
    if not terms:
        return [], []

    def likeness(field):
        scores = [TrigramSimilarity(field, t) for t in terms]
        return scores[0] if len(scores) == 1 else Greatest(*scores)

    return (
        list(
            officers.annotate(likeness=likeness("name"))
            .filter(likeness__gte=SIMILAR)
            .order_by("-likeness")[:NAMES]
        ),
        list(
            public_agencies()
            .annotate(likeness=likeness("name"))
            .filter(likeness__gte=SIMILAR)
            .order_by("-likeness")[:NAMES]
        ),
    )


def snippet(article, q):
    """A short passage of the story around the first whole term of the query, with the
    query's whole terms marked (its words of two or more characters when no whole term is
    in the text: a single character of a name is never marked)."""
    body = _plain(article.body)
    lead = simplified(article.summary)
    # The lead is usually the body's first paragraph: it is not shown twice.
    text = body if not lead or lead in simplified(body) else f"{article.summary} {body}"
    folded = simplified(text).lower()
    if len(folded) != len(text):
        folded = text.lower()
    parts = [t.lower() for t in terms(q)]
    needles = [t for t in parts if t in folded]
    if not needles:
        needles = [w for t in parts for w in words(t) if len(w) >= 2 and w in folded]
    needles = sorted(set(needles), key=len, reverse=True)
    start = min((folded.find(n) for n in needles), default=0)
    begin = max(0, start - SNIPPET // 3)
    passage = text[begin : begin + SNIPPET]
    if not needles:
        return escape(passage)
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    out, last = [], 0
    # Matched in the folded passage (same length: t2s maps character to character here).
    folded_passage = simplified(passage)
    if len(folded_passage) != len(passage):
        folded_passage = passage
    for match in pattern.finditer(folded_passage):
        out.append(escape(passage[last : match.start()]))
        out.append(f"<mark>{escape(passage[match.start() : match.end()])}</mark>")
        last = match.end()
    out.append(escape(passage[last:]))
    prefix = "……" if begin > 0 else ""
    suffix = "……" if begin + SNIPPET < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


def _plain(markdown_text):
    text = re.sub(r"^#+\s*", "", markdown_text or "", flags=re.MULTILINE)
    # Paragraphs of Chinese run on without a space between them; Latin ones keep one.
    text = re.sub(r"(?<=[\u4e00-\u9fff，。！？；：”’）])\n+(?=[\u4e00-\u9fff“‘（])", "", text)
    return re.sub(r"\s*\n+\s*", " ", text)
