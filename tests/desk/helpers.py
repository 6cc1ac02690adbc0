"""Driving the admin as a person does: fetch a page, fill its form as rendered (CSRF token
included), press one of its buttons."""

import re
from html import unescape
from html.parser import HTMLParser

from django.test import Client

PASSWORD = "desk-password-7Qv"


class _Form(HTMLParser):
    """The fields of the form ``form_id`` as the browser would send them: its own inputs,
    textareas and selects, and those elsewhere that name it (``form="…"``)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.textarea = self.select = None
        self.options = []

    def _belongs(self, attrs):
        return attrs.get("form") == self.form_id or (self.inside and "form" not in attrs)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if tag == "input" and attrs.get("name") and self._belongs(attrs):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append(
                [attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")]
            )
        elif tag == "textarea" and attrs.get("name") and self._belongs(attrs):
            self.textarea = [attrs["name"], ""]
            self.fields.append(self.textarea)
        elif tag == "select" and attrs.get("name") and self._belongs(attrs):
            self.select = attrs["name"]
            self.options = []
        elif tag == "option" and self.select is not None and "selected" in attrs:
            self.fields.append([self.select, attrs.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            if self.textarea is not None and self.textarea[1].startswith("\n"):
                self.textarea[1] = self.textarea[1][1:]  # HTML drops the first newline
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def form_fields(html, form_id="article_form"):
    parser = _Form(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def submit(client, url, changes=None, *, button=None, form_id="article_form"):
    """GET ``url``, change some fields of its form, POST it back as a browser would (with
    the pressed ``button`` as ``(name, value)``). Returns the response to the POST."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = form_fields(page.text, form_id)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data["csrfmiddlewaretoken"] = [token]
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    if button:
        data[button[0]] = [button[1]]
    return client.post(url, data)


def post_with_token(client, page_url, url, data):
    """POST ``data`` to ``url`` with the CSRF token of the page at ``page_url``."""
    page = client.get(page_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def links(html):
    return [unescape(href) for href in re.findall(r'href="([^"#]+)', html)]


def diff_lines(html):
    """The lines of the differences shown on a page, as ``(kind, text)``: kind is
    "removed", "added" or "same", text without its marks."""
    found = []
    for kind, inner in re.findall(r'<p class="(removed|added|same)">(.*?)</p>', html, re.S):
        inner = re.sub(r'<span class="(sign|visually-hidden)"[^>]*>.*?</span>', "", inner)
        found.append((kind, unescape(re.sub(r"<[^>]+>", "", inner))))
    return found
