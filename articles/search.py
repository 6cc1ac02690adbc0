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

Snippets are cut from the story's own text around the first match, with <mark> around the
words, escaped; the query is cut to MAX_QUERY characters so long or hostile input costs
nothing.
"""

import re

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from chinese.segmentation import segmented, words

MAX_QUERY = 64
# Ranking scores every match; a common word matches most of a large archive, so only the
# newest CANDIDATES matches are ranked (and counted).
CANDIDATES = 1000
SNIPPET = 120


def normalise_query(q):
    q = (q or "").strip()[:MAX_QUERY]
    return " ".join(q.split())


def is_postgresql():
    return connection.vendor == "postgresql"


def search_vector(article):
    """The expression for one article's tsvector (PostgreSQL)."""
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    def vector(text, weight):
        return SearchVector(Value(segmented(text)), weight=weight, config="simple")

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
    rows = [
        (a.pk, segmented(a.title), segmented(_lead(a, captions.get(a.pk, []))), segmented(a.body))
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
    q = normalise_query(q)
    terms = words(q)
    if not terms:
        return queryset.none()
    if is_postgresql():
        return _search_postgresql(queryset, q, terms)
    condition = Q()
    for term in q.split():
        condition &= (
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(body__icontains=term)
            | Q(photos__caption__icontains=term)
        )
    matching = queryset.model.objects.filter(condition).values("pk")
    return queryset.filter(pk__in=matching).order_by("-publish_at", "-pk")


def _search_postgresql(queryset, q, terms):
    from functools import reduce
    from operator import or_

    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    every = SearchQuery(" ".join(terms), search_type="plain", config="simple")
    matched = queryset.filter(search_vector=every)
    query = every
    if not matched.exists():
        # A name segmented differently here than in the story: any of its words, and the
        # query itself in the text.
        query = reduce(or_, [SearchQuery(t, search_type="plain", config="simple") for t in terms])
        verbatim = (
            Q(title__contains=q)
            | Q(summary__contains=q)
            | Q(body__contains=q)
            | Q(pk__in=queryset.model.objects.filter(photos__caption__contains=q).values("pk"))
        )
        matched = queryset.filter(verbatim, search_vector=query)
    newest = matched.order_by("-publish_at", "-pk").values("pk")[:CANDIDATES]
    return (
        queryset.filter(pk__in=newest)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-publish_at", "-pk")
    )


def snippet(article, q):
    """A short passage of the story around the query, with the query's words marked."""
    q = normalise_query(q)
    text = " ".join(filter(None, [article.summary, _plain(article.body)]))
    needles = sorted({w for w in [q, *q.split(), *words(q)] if w.strip()}, key=len, reverse=True)
    lowered = text.lower()
    start = min((i for i in (lowered.find(n.lower()) for n in needles) if i >= 0), default=0)
    begin = max(0, start - SNIPPET // 3)
    passage = text[begin : begin + SNIPPET]
    if not needles:
        return escape(passage)
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(passage):
        out.append(escape(passage[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(passage[last:]))
    prefix = "……" if begin > 0 else ""
    suffix = "……" if begin + SNIPPET < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


def _plain(markdown_text):
    return re.sub(r"^#+\s*", "", markdown_text or "", flags=re.MULTILINE).replace("\n", " ")
