import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.servers.basehttp import WSGIServer

from articles.roles import CHIEF, DIRECTOR, EDITOR, REPORTER, ensure_roles
from tests.factories import SectionFactory

from .helpers import PASSWORD

CHROMIUM = shutil.which("chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _OneRequestAtATime(WSGIServer):
    """Django's development server without threads: with the in-memory SQLite database the
    live server shares the test's one connection, and two requests running at once on it
    (a page and its deferred script) fail with SQLite's "bad parameter or other API
    misuse". Unthreaded, the server closes each connection after its answer, so the
    browser's parallel requests simply queue."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, serving one request at a time on SQLite."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(request.config.getvalue("liveserver") or "localhost", start=False)
    if server.thread.connections_override:
        server.thread.server_class = _OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed: run scripts/install-browser.sh")
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_page(browser):
    """Pages in their own browser contexts (one per user), closed when the test ends so that
    no request is still in flight when the live server stops."""
    contexts = []

    def make():
        context = browser.new_context(locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    # Leaving a story's form reports it closed (a beacon): let those land before the live
    # server's database is flushed, or the flush meets a request still writing.
    pages = [page for context in contexts for page in context.pages]
    for page in pages:
        page.goto("about:blank")
    if pages:
        pages[0].wait_for_timeout(300)
    for context in contexts:
        context.close()


@pytest.fixture
def newsroom(staff):
    return SectionFactory(name="要闻", slug="yao-wen")


@pytest.fixture
def staff(fast_passwords):
    ensure_roles()
    User = get_user_model()
    for name, group in [("jizhe", REPORTER), ("bianji", EDITOR), ("zhuren", DIRECTOR),
                        ("zongbian", CHIEF)]:  # fmt: skip
        user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
