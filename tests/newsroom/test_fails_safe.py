"""Fails safe: an outage of Redis or the database, hostile input and operator mistakes
degrade the site (slower, stale) but never break it or lose data."""

import csv
import io
import math
import random
import stat
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client, RequestFactory

from articles.models import Article, Section, State, WorkflowEvent
from articles.roles import CHIEF, ensure_roles
from newsroom import cache as cache_backends
from newsroom.proxy import client_ip

from ..factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    cache_backends.outage.__init__()
    yield
    cache_backends.outage.__init__()


@pytest.fixture
def chief():
    ensure_roles()
    user = get_user_model().objects.create_user("chief", password="x", is_staff=True)
    user.groups.add(ensure_group(CHIEF))
    return user


def ensure_group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


# -- Degrade, don't die ------------------------------------------------------------------------


def test_with_redis_down_every_page_still_answers(redis_down, client, settings):
    settings.DEBUG = False
    section = SectionFactory(name="要闻", slug="yao-wen")
    article = ArticleFactory(section=section, title="Redis 停了也能看")
    client.raise_request_exception = False
    for url in ["/", "/sections/yao-wen/", article.get_absolute_url(), "/feed/",
                "/sitemap.xml", "/search/?q=Redis", "/admin/login/"]:  # fmt: skip
        for _ in range(2):  # the second time the cache is skipped without a try
            response = client.get(url)
            assert response.status_code == 200, url
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"database": "ok", "cache": "degraded"}


def test_redis_failures_are_logged_once_per_interval(redis_down, client, caplog):
    SectionFactory(name="要闻", slug="yao-wen")
    for _ in range(5):
        cache_backends.outage.retry_at = 0  # as if each request came after the retry time
        client.get("/")
    warnings = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(warnings) == 1


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when PostgreSQL cannot be reached."""
    state = {"down": False}
    execute = CursorWrapper.execute

    def failing(self, *args, **kwargs):
        if state["down"]:
            raise OperationalError("could not connect to server: Connection refused")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(CursorWrapper, "execute", failing)
    return state


@pytest.mark.django_db(transaction=True)  # connections in autocommit, as in production
def test_with_the_database_down_kept_pages_are_served_stale_and_others_answer_503(
    client, database_down, settings
):
    settings.DEBUG = False
    # Read the generation on every request (otherwise a page kept under a fresh reading is
    # a plain hit, with the database down or not).
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 0
    section = SectionFactory(name="要闻", slug="yao-wen")
    article = ArticleFactory(section=section)
    assert client.get(article.get_absolute_url()).status_code == 200  # now in the cache
    client.raise_request_exception = False
    database_down["down"] = True
    stale = client.get(article.get_absolute_url())
    assert stale.status_code == 200 and article.title in stale.text
    assert "Age" in stale
    editor = Client(raise_request_exception=False)
    database_down["down"] = False
    editor.force_login(get_user_model().objects.create_user("desk", is_staff=True))
    database_down["down"] = True
    for url in ["/sections/yao-wen/", "/agencies/", "/search/?q=稿件", "/admin/"]:
        response = (editor if url.startswith("/admin/") else client).get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert "服务暂时不可用" in response.text
        for header in ["X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy",
                       "Cross-Origin-Opener-Policy"]:  # fmt: skip
            assert header in response, (url, header)
    assert client.get("/readyz").status_code == 503
    database_down["down"] = False  # it comes back: so does the site
    assert client.get("/sections/yao-wen/").status_code == 200


def test_error_pages_carry_the_security_headers(client, settings):
    settings.DEBUG = False
    for url in ["/articles/999999/x/", "/no-such-page/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Content-Security-Policy" in response and "X-Content-Type-Options" in response


# -- Input hygiene -----------------------------------------------------------------------------

HOSTILE = ["\x00", "\x0b", "标题\x00中间", "\x1f\x7f\x85", "a" * 5000, "%00", "'; DROP TABLE x;--"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_parameters_never_fail(client, value, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    SectionFactory(name="要闻", slug="yao-wen")
    for url in ["/search/", "/sections/yao-wen/", "/", "/feed/", "/sitemap-articles.xml"]:
        response = client.get(url, {"q": value, "page": value, "p": value})
        assert response.status_code < 500, (url, value)


def test_a_control_character_pasted_into_a_headline_never_reaches_readers(chief, client):
    section = SectionFactory(name="要闻", slug="yao-wen")
    admin = Client()
    admin.force_login(chief)
    data = {
        "title": "从Word\x0b粘贴的标题\x00", "section": section.pk, "body": "正文\x0c。",
        "summary": "", "kicker": "", "subtitle": "", "byline": "", "tags": "",
        "slug": "", "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0", "corrections-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert admin.post("/admin/articles/article/add/", data).status_code == 302
    article = Article.objects.get()
    assert article.title == "从Word粘贴的标题" and article.body == "正文。"


def test_feeds_and_sitemaps_are_valid_xml_whatever_is_stored(client):
    section = SectionFactory(name="要闻", slug="yao-wen")
    article = ArticleFactory(section=section)
    # A row written before input was cleaned (or by raw SQL): the output still holds.
    Article.objects.filter(pk=article.pk).update(
        title="旧稿\x0b标题", summary="导语\x08。", byline="记者\x01"
    )
    for url in ["/feed/", "/sections/yao-wen/feed/", "/sitemap-news.xml", "/sitemap.xml",
                "/sitemap-articles.xml"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)  # raises on invalid XML
    assert "旧稿标题" in client.get("/feed/").content.decode()


def test_nul_in_an_admin_autocomplete_or_a_workflow_comment_is_harmless(chief):
    admin = Client(raise_request_exception=False)
    admin.force_login(chief)
    response = admin.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "officers",
         "term": "张\x00"},
    )  # fmt: skip
    assert response.status_code == 200
    article = ArticleFactory(state=State.REVIEW, review_stage=3, publish_at=None)
    response = admin.post(
        f"/admin/articles/article/{article.pk}/workflow/",
        {"action": "return", "comment": "请\x00改"},
    )
    assert response.status_code == 302
    assert WorkflowEvent.objects.get().comment == "请改"


# -- Login -------------------------------------------------------------------------------------


def login(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_failed_logins_lock_the_account_before_any_password_is_hashed(
    client, monkeypatch, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.create_user("bianji", password="right-horse-9", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "bianji", "wrong")
    checked = []
    monkeypatch.setattr(type(user), "check_password", lambda self, raw: checked.append(raw))
    locked = login(client, "bianji", "right-horse-9")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    assert checked == []  # refused before the password was looked at
    assert not locked.wsgi_request.user.is_authenticated


def test_a_lockout_is_listed_for_the_chief_and_lifted_by_deleting_it(client, chief, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "someone", "wrong")
    admin = Client()
    admin.force_login(chief)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "someone" in listing.content.decode()


def test_the_address_is_the_peers_unless_a_trusted_proxy_forwards_it(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.1"]
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoofed) == "203.0.113.9"
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(proxied) == "198.51.100.7"
    # X-Forwarded-Proto is gunicorn's to believe (from FORWARDED_ALLOW_IPS), not Django's.
    assert not factory.get("/", HTTP_X_FORWARDED_PROTO="https").is_secure()


# -- Operator safety ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_restore_into_a_database_with_work_is_refused_and_changes_nothing(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "photos").mkdir(parents=True)
    (tmp_path / "media" / "photos" / "a.jpg").write_bytes(b"jpeg")
    call_command("load_seed", verbosity=0)
    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    archive = tmp_path / "backup.json.media.tar.gz"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    edited = Article.objects.get(source_position=1)
    edited.title = "备份之后写的标题"
    edited.save()
    with pytest.raises(CommandError, match=r"数据库不是空的.*1 篇稿件"):
        call_command("restore", str(path), verbosity=0)
    assert Article.objects.filter(title="备份之后写的标题").exists()
    # Into an empty database, the photos come back with the rows.
    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "photos" / "a.jpg").unlink()
    call_command("restore", str(path), verbosity=0)
    assert (tmp_path / "media" / "photos" / "a.jpg").read_bytes() == b"jpeg"
    assert Article.objects.count() == 4


def test_the_audit_export_neutralises_formula_cells(chief):
    chief.groups.add(ensure_group(CHIEF))
    article = ArticleFactory(title='=HYPERLINK("http://evil")')
    WorkflowEvent.objects.create(
        article=article, actor=chief, action="withdraw", from_state="published",
        to_state="withdrawn", comment="+cmd|' /C calc'!A0",
    )  # fmt: skip
    admin = Client()
    admin.force_login(chief)
    response = admin.get("/admin/articles/workflowevent/export/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def test_parameters_a_page_does_not_read_never_make_cache_entries(client):
    SectionFactory(name="要闻", slug="yao-wen")
    for _ in range(200):
        client.get("/", {"utm_source": random.random(), "_": random.random()})
    pages = [key for key in cache._cache if "newsroom:page:" in key]
    assert len(pages) == 1
    ArticleFactory(section=Section.objects.get())
    client.get("/sections/yao-wen/", {"page": "1", "utm": "x"})
    client.get("/sections/yao-wen/", {"page": "1", "utm": "y"})
    assert len([key for key in cache._cache if "newsroom:page:" in key]) == 2


def test_random_searches_never_fill_the_shared_cache(client):
    """Each query is a page of its own: kept in the worker's bounded memory, not in Redis."""
    from public.cache import local, page_key

    ArticleFactory(title="电信诈骗")
    for _ in range(50):
        client.get("/search/", {"q": f"诈骗 {random.random()}"})
    response = client.get("/search/", {"q": "诈骗"})
    assert response.status_code == 200
    assert not [key for key in cache._cache if "newsroom:page:" in key]
    assert local.get(page_key(response.wsgi_request)) is not None
    again = client.get("/search/", {"q": "诈骗"})
    assert again.content == response.content


@pytest.fixture
def kept_story(client, settings):
    """A live story whose page a worker has kept (the generation read on every request)."""
    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 0
    article = ArticleFactory(section=SectionFactory(name="要闻", slug="yao-wen"))
    assert client.get(article.get_absolute_url()).status_code == 200
    return article


@pytest.fixture
def outage(client, database_down):
    """Take the database away, and answer as the server would: the story's page then."""

    def start(article):
        client.raise_request_exception = False
        database_down["down"] = True
        return client.get(article.get_absolute_url())

    return start


def served_stale(response, article):
    return response.status_code == 200 and article.title in response.text and "Age" in response


def refused(response, article):
    return response.status_code == 503 and article.title not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_served_nothing_yet_serves_stale_under_the_newest_key(kept_story, outage):
    from articles import generation

    generation.newest = None  # another worker, started since: it has read no key
    caches["fragments"].clear()  # nor kept a copy of its own
    assert served_stale(outage(kept_story), kept_story)


@pytest.mark.django_db(transaction=True)
def test_a_worker_behind_the_others_serves_stale_under_the_newest_key(kept_story, outage):
    from articles import generation

    newest = generation.newest  # another worker, last busy before a change:
    generation.newest = newest._replace(generation=newest.generation - 1)
    caches["fragments"].clear()
    assert served_stale(outage(kept_story), kept_story)


@pytest.mark.django_db(transaction=True)
def test_a_worker_holding_an_older_copy_serves_the_one_another_worker_kept(
    client, kept_story, outage
):
    """Worker B kept the page before a change; worker A kept it after: in an outage B
    serves A's copy (the newest key's), not a 503 because its own copy is older."""
    from articles.generation import bump_generation
    from public.cache import local, page_key

    response = client.get(kept_story.get_absolute_url())  # "worker B"
    key = page_key(response.wsgi_request)
    older = local.get(key)
    bump_generation()
    assert client.get(kept_story.get_absolute_url()).status_code == 200  # "worker A"
    local.set(key, older)  # B's own copy, of the older key
    assert served_stale(outage(kept_story), kept_story)


def test_shared_keys_only_move_forward():
    from articles.generation import Key

    keys = [Key(9, 1.7e9), Key(9, 1.8e9), Key(9, math.inf), Key(10, 1.6e9), Key(10, math.inf)]
    assert sorted(reversed(keys)) == keys


@pytest.mark.django_db(transaction=True)
def test_a_page_withdrawn_since_it_was_kept_is_not_served_stale(client, kept_story, outage):
    kept_story.state = State.WITHDRAWN
    kept_story.save()
    assert client.get(kept_story.get_absolute_url()).status_code == 404  # the key moved
    assert refused(outage(kept_story), kept_story)


@pytest.mark.django_db(transaction=True)
def test_a_story_withdrawn_on_a_quiet_site_is_not_served_stale_by_a_worker_behind(
    kept_story, outage, settings, chief
):
    """Worker B kept a story's page; worker A withdrew it, and no reader asked for a page
    since; then the database went away. B never read the new generation, but A shared it
    as its withdrawal committed: B answers 503, never the withdrawn story."""
    from articles import generation, workflow

    settings.NEWSROOM_GENERATION_RECHECK_SECONDS = 60
    behind = generation.newest  # worker B's
    workflow.article_withdraw(article=kept_story, by=chief, reason="涉及未成年人隐私")  # by A
    generation.newest, generation._known = behind, None  # worker B, which read nothing since
    assert refused(outage(kept_story), kept_story)


def test_trusted_proxies_may_be_networks(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.2.3.4", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.9.9.9"
    )
    assert client_ip(request) == "198.51.100.7"


def test_a_freshly_seeded_deployment_is_not_work_a_restore_would_lose(db):
    from ops.backup import work_at_risk

    call_command("load_seed", verbosity=0)
    assert work_at_risk() == ""
    story = Article.objects.first()
    story.title = "编辑改过"
    story.save()
    assert "1 篇稿件" in work_at_risk()


def test_page_numbers_are_keyed_as_the_view_reads_them(client):
    section = SectionFactory(name="要闻", slug="yao-wen")
    ArticleFactory(section=section)
    for query in ["page=1", "page=01", "page=5&page=1", "page=1&utm=x"]:
        assert client.get(f"/sections/yao-wen/?{query}").status_code == 200, query
    assert len([key for key in cache._cache if "newsroom:page:" in key]) == 1
