"""WCAG 2.2 AA on a phone: every public page type, checked with axe-core in Chromium."""

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/sections/yao-wen/",
    "/agencies/",
    "/agencies/ba-yan-nao-er-gong-an-ju/",
    "/officers/na-shun-ji-ri-ga-la/",
    "/search/?q=养老诈骗",
    "/articles/999999/missing/",
]


def axe_source():
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def phone(browser):
    # bypass_csp: our CSP rightly refuses the injected checker script.
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", bypass_csp=True
    )
    yield context.new_page()
    context.close()


def test_public_pages_meet_wcag_22_aa_on_a_phone(phone, live_server):
    call_command("load_seed", verbosity=0)
    from articles.models import Article

    pages = [*PAGES, *(a.get_absolute_url() for a in Article.objects.all())]
    source = axe_source()
    problems = []
    for url in pages:
        phone.goto(live_server.url + url)
        phone.evaluate(source)
        result = phone.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        assert result["passes"], "axe did not run"
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{url}: {violation['id']} {targets}")
        # Mobile first: nothing wider than the screen.
        overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        if overflow:
            problems.append(f"{url}: scrolls sideways on a 375 px screen")
    assert problems == []
