"""The whole desk in Chinese: every page an editor can reach from the desk's home, crawled
as the chief editor on the seed as the importer makes it, shows no stock English."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from articles import workflow
from articles.models import Article
from articles.roles import CHIEF, ensure_roles

pytestmark = pytest.mark.django_db

# Words that are Chinese newsrooms' own, or names: not stock English.
ALLOWED = {"RSS", "CSV", "URL", "ICP", "JPEG", "PNG", "WebP", "AVIF", "Markdown", "SVG", "GIF",
           "HEIC", "PDF", "Ctrl", "Cmd", "WeChat", "OpenGraph"}  # fmt: skip
# Addresses that change things, or leave the desk, however they are reached.
SKIPPED = re.compile(r"/(logout|delete|heartbeat|export|revert|share|r)/|/password_change/")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Page(HTMLParser):
    """What a reader of the page sees or hears: text outside scripts and styles, the
    attributes shown or read out, buttons' labels; and the links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name, value in attrs.items():
            if value and (name in SHOWN_ATTRIBUTES or (name == "value" and tag == "input"
                          and attrs.get("type") in ("submit", "button"))):  # fmt: skip
                self.text.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


# Data, not the desk's words: a page document's file name, a pinyin slug (da-ji-fan-zui).
DATA = re.compile(r"\S+\.(?:txt|jpe?g|png|webp|pdf)\b|\b[a-z]+(?:-[a-z]+)+\b")


def english(text):
    words = re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", DATA.sub(" ", text))
    return sorted({word for word in words if word not in ALLOWED})


@pytest.fixture
def chief():
    ensure_roles()
    user = get_user_model().objects.create_user(
        "zhouqiang", password="x", is_staff=True, first_name="强", last_name="周"
    )
    user.groups.add(Group.objects.get(name=CHIEF))
    return user


def test_no_page_of_the_desk_speaks_stock_english(chief):
    call_command("load_seed", verbosity=0)
    story = Article.objects.order_by("pk").first()
    workflow.article_withdraw(article=story, by=chief, reason="核实中")
    client = Client()
    client.force_login(chief)
    seen, queue, found = set(), deque(["/admin/"]), {}
    while queue and len(seen) < 120:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        words = english(" ".join(page.text))
        if words:
            found[path] = words
        for href in page.links:
            address = urlsplit(urljoin(path, href))
            if address.netloc or not address.path.startswith("/admin/"):
                continue
            if SKIPPED.search(address.path):
                continue
            # One of each list's filters and pages is enough: not every combination.
            link = address.path + ("?" + address.query if address.query else "")
            if address.query and any(p.startswith(address.path + "?") for p in seen):
                continue
            queue.append(link)
    assert len(seen) > 40  # the crawl reached the desk's pages, not just its home
    words = {}
    for path, ws in found.items():
        for w in ws:
            words.setdefault(w, path)
    assert not words, "\n".join(f"{w}: {p}" for w, p in sorted(words.items()))
