"""WCAG 2.2 AA on a phone and on a desktop: every public page type (the 数字报's included),
checked with axe-core in Chromium."""

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
    "/epaper/",
    "/epaper/2022-06-17/",
    "/epaper/2022-06-17/1/",
]


def axe_source():
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture(params=[(375, 812), (1366, 900)], ids=["phone", "desktop"])
def screen(browser, request):
    width, height = request.param
    # bypass_csp: our CSP rightly refuses the injected checker script.
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", bypass_csp=True
    )
    yield context.new_page()
    context.close()


def test_public_pages_meet_wcag_22_aa(screen, live_server):
    call_command("load_seed", verbosity=0)
    from articles.models import Article

    pages = [*PAGES, *(a.get_absolute_url() for a in Article.objects.all())]
    source = axe_source()
    problems = []
    for url in pages:
        screen.goto(live_server.url + url)
        screen.evaluate(source)
        result = screen.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        assert result["passes"], "axe did not run"
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{url}: {violation['id']} {targets}")
        # Mobile first: nothing wider than the screen.
        overflow = screen.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        if overflow:
            problems.append(f"{url}: scrolls sideways")
    assert problems == []
