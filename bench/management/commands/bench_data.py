"""A synthetic archive for the load benchmark, built from the page documents' own words.

    manage.py bench_data --articles 100000 [--seed 1] [--force]

Deterministic for a given seed. Bulk inserts throughout; bodies are assembled from the
sentences of fixtures/source/ with ### subheads, 800–3000 characters; about 5% of the stories
are not live (drafts, in review, scheduled, withdrawn). Refuses to touch a database that holds
real articles unless --force.
"""

import datetime
import io
import random
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

from agencies.models import Agency, AgencyKind, Officer
from articles import images
from articles.markup import count_characters
from articles.models import Article, Photo, Section, State, Tag, TaggedArticle
from articles.search import bulk_update_search_vectors
from chinese.pinyin import pinyin_slug
from ingest.names import SURNAMES
from ingest.parse import decode_document, parse_page

SOURCE = "bench"
BATCH = 2000
SECTIONS = [
    "要闻",
    "图片新闻",
    "打击犯罪",
    "基层风采",
    "交通安全",
    "出入境",
    "法治视点",
    "警营文化",
]
PLACE_SYLLABLES = list("乌兰巴彦呼和浩特锡林郭勒阿拉善达尔罕茂明安包头赤峰通辽鄂尔多斯扎赉特满洲里")
GIVEN = list("永明志勇伟霖昊俊华军建国海峰磊静丽娜敏强刚文斌超杰涛辉鹏飞宇晨阳")
MONGOLIAN = ["那顺", "敖日格勒", "巴特尔", "乌力吉", "格日勒图", "苏和", "额尔敦", "宝音", "朝鲁"]
TITLES = ["民警", "辅警", "副队长", "队长", "所长", "副所长", "教导员", "社区民警"]
# Pictures in the benchmark's library (each story with a photo prints one of them).
PICTURES = 12
UNITS = ["执勤一队", "执勤二队", "刑侦大队", "治安大队", "交警大队", "", "", ""]


class Command(BaseCommand):
    help = "生成用于压力测试的合成稿件库（确定性、批量写入）。"

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="数据库中已有真实稿件时仍然执行")

    def handle(self, *args, articles, seed, force, **options):
        real = Article.objects.exclude(source_document=SOURCE).exists()
        if real and not force:
            raise CommandError(
                "数据库中已有非合成的稿件；压力测试数据应写入单独的数据库。确需执行请加 --force。"
            )
        started = time.monotonic()
        rng = random.Random(seed)
        vocabulary = Vocabulary.from_sources()
        with transaction.atomic():
            Article.objects.filter(source_document=SOURCE).delete()
            sections = self.sections()
            agencies = self.agencies(rng)
            officers = self.officers(rng, agencies)
            tags = self.tags(vocabulary)
            self.pictures = self.picture_pool()
            self.articles(rng, vocabulary, articles, sections, agencies, officers, tags)
        if connection.vendor == "postgresql":
            # Fresh statistics (the planner otherwise plans for the empty tables it last saw)
            # and a visibility map, as autovacuum keeps them on a live database: without it
            # every count reads the whole table instead of an index.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(f"bench_data: {articles} articles in {elapsed:.1f}s")

    def sections(self):
        existing = {s.name: s for s in Section.objects.all()}
        for position, name in enumerate(SECTIONS):
            if name not in existing:
                existing[name] = Section.objects.create(
                    name=name, slug=pinyin_slug(name), position=position * 10
                )
        return list(existing.values())

    def agencies(self, rng):
        if Agency.objects.filter(name__startswith="合成").count() >= 300:
            return list(Agency.objects.filter(name__startswith="合成"))
        root = Agency.objects.create(name="合成公安厅", kind=AgencyKind.DEPARTMENT)
        made = [root]
        for b in range(12):
            bureau = Agency.objects.create(
                name=f"合成{self.place(rng)}市公安局{b}", kind=AgencyKind.BUREAU, parent=root
            )
            made.append(bureau)
            for c in range(6):
                county = Agency.objects.create(
                    name=f"合成{self.place(rng)}旗公安局{b}-{c}",
                    kind=AgencyKind.COUNTY_BUREAU,
                    parent=bureau,
                )
                made.append(county)
                for s in range(3):
                    made.append(
                        Agency.objects.create(
                            name=f"合成{self.place(rng)}派出所{b}-{c}-{s}",
                            kind=AgencyKind.STATION,
                            parent=county,
                        )
                    )
        return made

    def officers(self, rng, agencies):
        if Officer.objects.filter(bio=SOURCE).count() >= 3000:
            return list(Officer.objects.filter(bio=SOURCE))
        surnames = sorted(SURNAMES)
        batch = []
        for n in range(3000):
            if rng.random() < 0.2:
                name = rng.choice(MONGOLIAN) + rng.choice(["", "图", "巴雅尔"])
            else:
                name = rng.choice(surnames) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
            batch.append(
                Officer(
                    name=name,
                    slug=f"{pinyin_slug(name, max_length=60)}-b{n}",
                    agency=rng.choice(agencies),
                    unit=rng.choice(UNITS),
                    title=rng.choice(TITLES),
                    bio=SOURCE,
                )
            )
        return Officer.objects.bulk_create(batch, batch_size=BATCH)

    def picture_pool(self, size=PICTURES):
        """Drawn pictures (each a little different), made as uploads are: a newsroom's
        library, reused across stories as a real one is."""
        from ingest.seed_picture import draw

        return [
            images.accept(io.BytesIO(draw(1600 + 8 * n, 1066 + 4 * n)), alt_text=f"示意图 {n}")
            for n in range(size)
        ]

    def tags(self, vocabulary):
        names = vocabulary.words[:200]
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
        for name in names:
            if name not in existing:
                tag = Tag(name=name)
                tag.save()
                existing[name] = tag
        return list(existing.values())

    def articles(self, rng, vocabulary, count, sections, agencies, officers, tags):
        now = timezone.now()
        postgres = connection.vendor == "postgresql"  # search vectors are PostgreSQL's
        Through = Article.agencies.through
        OfficerThrough = Article.officers.through
        for start in range(0, count, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, count)):
                title = vocabulary.title(rng)
                paragraphs, body = vocabulary.body(rng)
                state, publish_at = self.state(rng, now, n, count)
                html = "".join(
                    f"<h3>{escape(p[4:])}</h3>" if p.startswith("### ") else f"<p>{escape(p)}</p>"
                    for p in paragraphs
                )
                batch.append(
                    Article(
                        title=title,
                        slug=f"bench-{n}",
                        summary=paragraphs[0][:150],
                        body=body,
                        body_html=html,
                        characters=count_characters(body),
                        byline=rng.choice(vocabulary.bylines),
                        section=rng.choice(sections),
                        state=state,
                        publish_at=publish_at,
                        first_published_at=publish_at,
                        created_at=publish_at or now,
                        updated_at=publish_at or now,
                        featured=rng.random() < 0.01,
                        source_document=SOURCE,
                        source_position=None,
                    )
                )
            created = Article.objects.bulk_create(batch)
            links, officer_links, tag_links, photos = [], [], [], []
            for article in created:
                for agency in rng.sample(agencies, rng.randint(1, 3)):
                    links.append(Through(article_id=article.pk, agency_id=agency.pk))
                for officer in rng.sample(officers, rng.randint(0, 3)):
                    officer_links.append(
                        OfficerThrough(article_id=article.pk, officer_id=officer.pk)
                    )
                for tag in rng.sample(tags, rng.randint(0, 3)):
                    tag_links.append(TaggedArticle(content_object_id=article.pk, tag_id=tag.pk))
                if rng.random() < 0.3:
                    # Most with a picture from the library; some archive captions without.
                    picture = rng.choice(self.pictures) if rng.random() < 0.8 else None
                    photos.append(
                        Photo(
                            article_id=article.pk,
                            image=picture,
                            caption=vocabulary.sentence(rng)[:80],
                            credit=rng.choice(vocabulary.bylines),
                            alt_text=picture.alt_text if picture else "",
                        )
                    )
            Through.objects.bulk_create(links, batch_size=BATCH)
            OfficerThrough.objects.bulk_create(officer_links, batch_size=BATCH)
            TaggedArticle.objects.bulk_create(tag_links, batch_size=BATCH)
            Photo.objects.bulk_create(photos, batch_size=BATCH)
            if postgres:
                captions = {}
                for photo in photos:
                    captions.setdefault(photo.article_id, []).append(photo.caption)
                for chunk in range(0, len(created), 500):
                    bulk_update_search_vectors(created[chunk : chunk + 500], captions)
            self.stdout.write(f"  {min(start + BATCH, count)}/{count}", ending="\r")
        self.stdout.write("")

    @staticmethod
    def state(rng, now, n, count):
        roll = rng.random()
        # Spread over the last three years, newest last.
        published = now - datetime.timedelta(minutes=(count - n) * 15 + 1)
        if roll < 0.95:
            return State.PUBLISHED, published
        if roll < 0.965:
            return State.DRAFT, None
        if roll < 0.98:
            return State.REVIEW, None
        if roll < 0.99:
            return State.PUBLISHED, now + datetime.timedelta(days=rng.randint(1, 30))
        return State.WITHDRAWN, published

    @staticmethod
    def place(rng):
        return "".join(rng.choices(PLACE_SYLLABLES, k=rng.choice([2, 3, 4])))


class Vocabulary:
    """Sentences, subheads, titles and words from the page documents."""

    def __init__(self, sentences, subheads, titles, bylines, words):
        self.sentences, self.subheads, self.titles = sentences, subheads, titles
        self.bylines, self.words = bylines, words

    @classmethod
    def from_sources(cls):
        sentences, subheads, titles, bylines = [], [], [], []
        for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "source").glob("*.txt")):
            for story in parse_page(decode_document(path.read_bytes())):
                titles.append(story.title)
                subheads.extend(story.subheads)
                bylines.append(story.byline)
                for paragraph in story.paragraphs:
                    sentences.extend(s for s in re.findall(r"[^。！？]+[。！？]”?", paragraph))
        from chinese.segmentation import words as segment

        counts = {}
        for sentence in sentences:
            for word in segment(sentence):
                if len(word) >= 2 and not word.isdigit():
                    counts[word] = counts.get(word, 0) + 1
        ranked = sorted(counts, key=lambda w: (-counts[w], w))
        return cls(sentences, subheads, titles, sorted(set(bylines)), ranked)

    def sentence(self, rng):
        return rng.choice(self.sentences)

    def title(self, rng):
        return "".join(rng.sample(self.words[:400], 3))[:30] + rng.choice(["", "成效显著", "纪实"])

    def body(self, rng):
        target = rng.randint(800, 3000)
        paragraphs, length = [], 0
        while length < target:
            if paragraphs and rng.random() < 0.12:
                paragraphs.append("### " + rng.choice(self.subheads))
                continue
            paragraph = "".join(rng.choice(self.sentences) for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            length += len(paragraph)
        return paragraphs, "\n\n".join(paragraphs)
