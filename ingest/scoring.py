"""Scoring the importer against pages with a ground truth (``NAME.txt`` beside ``NAME.json``,
the format described in tests/ingest/pages/README.md): precision and recall for officers and
agencies, and exactness for parents, cuts, bylines and punctuation.

Used by the test suite (tests/ingest/test_unseen_pages.py) and by ``manage.py score_pages``,
which prints the table the README quotes.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from chinese.bylines import people
from ingest.parse import parse_page

HAN = re.compile("[\u4e00-\u9fff]")
# ASCII punctuation (or an OCR space, or a Western ellipsis) touching a Chinese character.
ASCII_BETWEEN_HAN = re.compile(
    r"(?<=[\u4e00-\u9fff])(?:[,.;:?!\"'()]|\.\.\.| (?=[\u4e00-\u9fff]))"
    r"|[,;:?!\"'()](?=[\u4e00-\u9fff])"
)


def _first_han(text, count=6):
    return "".join(HAN.findall(text))[:count]


@dataclass
class Tally:
    found: int = 0
    expected: int = 0
    correct: int = 0
    errors: list = field(default_factory=list)

    @property
    def precision(self):
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self):
        return self.correct / self.expected if self.expected else 1.0

    def add(self, found, expected, where):
        found, expected = set(found), set(expected)
        self.found += len(found)
        self.expected += len(expected)
        self.correct += len(found & expected)
        self.errors += [f"{where}: 多出 {x}" for x in sorted(found - expected)]
        self.errors += [f"{where}: 漏掉 {x}" for x in sorted(expected - found)]

    def __iadd__(self, other):
        self.found += other.found
        self.expected += other.expected
        self.correct += other.correct
        self.errors += other.errors
        return self


CLASSES = [
    ("officers", "民警"),
    ("officer_agencies", "民警所属机构"),
    ("agencies", "机构"),
    ("parents", "上级机构"),
    ("paragraphs", "段落（断段修复）"),
    ("bylines", "署名"),
    ("punctuation", "中文间的半角标点"),
]


@dataclass
class Score:
    tallies: dict = field(default_factory=lambda: {key: Tally() for key, _ in CLASSES})
    pages: int = 0

    def __iadd__(self, other):
        for key in self.tallies:
            self.tallies[key] += other.tallies[key]
        self.pages += other.pages
        return self

    def table(self):
        lines = ["| 类别 | 查准率 | 查全率 | 正确 / 识别 / 应有 |", "| --- | --- | --- | --- |"]
        for key, label in CLASSES:
            t = self.tallies[key]
            lines.append(
                f"| {label} | {t.precision:.2f} | {t.recall:.2f} | "
                f"{t.correct} / {t.found} / {t.expected} |"
            )
        return "\n".join(lines)


def _agency_label(agency):
    """The agency's own name, without its parent's in front (昆都仑区分局刑侦大队 -> 刑侦大队)."""
    if agency is None:
        return None
    if agency.parent is not None and agency.name.startswith(agency.parent.name):
        return agency.name[len(agency.parent.name) :]
    return agency.name


def score_page(path, *, section):
    """Import the page at ``path`` (rolled back afterwards) and compare with its truth."""
    from agencies.models import Agency
    from articles.models import Article
    from ingest.store import import_page

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    score = Score(pages=1)
    t = score.tallies
    parsed = parse_page(text)
    stories = truth["stories"]
    if len(parsed) != len(stories):
        raise ValueError(f"{path.name}: 识别出 {len(parsed)} 篇稿件，应有 {len(stories)} 篇")

    for number, (story, expected) in enumerate(zip(parsed, stories, strict=True), start=1):
        where = f"{path.stem} 第{number}篇"
        ours = [_first_han(p) for p in story.paragraphs]
        # A caption (图为……) goes to its photo, not the body.
        theirs = [_first_han(p) for p in expected["paragraphs"] if not p.startswith("图为")]
        t["paragraphs"].add(ours, theirs, where)
        got = [(p.role, p.name) for p in people(story.byline)]
        want = [(b["role"], b["name"]) for b in expected["byline"]]
        t["bylines"].add([repr(got)], [repr(want)], where)
        # Headlines space their phrases on purpose: only marks count there.
        headings = [story.title, story.subtitle, *story.subheads]
        texts = [story.summary, *story.paragraphs]
        bad = [m.group() for s in texts for m in ASCII_BETWEEN_HAN.finditer(s)]
        bad += [
            m.group() for s in headings for m in ASCII_BETWEEN_HAN.finditer(s) if m.group() != " "
        ]
        t["punctuation"].expected += 1
        t["punctuation"].found += 1
        if bad:
            t["punctuation"].errors.append(f"{where}: {Counter(bad).most_common()}")
        else:
            t["punctuation"].correct += 1

    with transaction.atomic():
        import_page(text, source=path.name, section=section.slug)
        articles = list(
            Article.objects.filter(source_document=path.name)
            .order_by("source_position")
            .prefetch_related("officers__agency__parent", "agencies__parent")
        )
        for number, (article, expected) in enumerate(zip(articles, stories, strict=True), 1):
            where = f"{path.stem} 第{number}篇"
            officers = list(article.officers.all())
            t["officers"].add(
                [o.name for o in officers], [o["name"] for o in expected["officers"]], where
            )
            placed = {o.name: _agency_label(o.agency) for o in officers}
            for officer in expected["officers"]:
                if officer["agency"] and officer["name"] in placed:
                    t["officer_agencies"].add(
                        [f"{officer['name']}@{placed[officer['name']]}"],
                        [f"{officer['name']}@{officer['agency']}"],
                        where,
                    )
            t["agencies"].add(
                [_agency_label(a) for a in article.agencies.all()], expected["agencies"], where
            )
        by_label = {}
        for agency in Agency.objects.select_related("parent"):
            by_label.setdefault(_agency_label(agency), agency)
        for agency in truth["agencies"]:
            if agency["parent"] and agency["name"] in by_label:
                ours = by_label[agency["name"]]
                t["parents"].add(
                    [f"{agency['name']}<{_agency_label(ours.parent)}"],
                    [f"{agency['name']}<{agency['parent']}"],
                    path.stem,
                )
        transaction.set_rollback(True)
    return score


def score_pages(paths, *, section):
    total = Score(pages=0)
    for path in paths:
        total += score_page(path, section=section)
    return total
