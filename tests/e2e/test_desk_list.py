"""The story list reads like a budget in a real browser: one line a story at 1366 px and on a
375 px phone, the headline cut with its whole text on hover, state and stage as badges."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.roles import CHIEF, ensure_roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-password-Quk7"


@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_one_line_a_story_on_the_desk_and_on_a_phone(new_page, live_server, fast_passwords,
                                                     width, height):  # fmt: skip
    call_command("load_seed", verbosity=0)  # the stories as the importer makes them
    ensure_roles()
    chief = get_user_model().objects.create_user("zongbian", password=PASSWORD, is_staff=True)
    chief.groups.add(Group.objects.get(name=CHIEF))
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zongbian")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/")
    rows = page.eval_on_selector_all(
        "#result_list tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert len(rows) == 4 and max(rows) < 48, rows  # one line each: nothing wraps
    headline = page.locator("#result_list .headline").first
    assert headline.get_attribute("title") == headline.inner_text()  # whole, on hover
    assert page.locator("#result_list .badge-published").count() == 4
    table, screen = page.eval_on_selector(
        "#result_list", "t => [t.getBoundingClientRect().width, window.innerWidth]"
    )
    if width < 768:
        assert table <= screen, (table, screen)  # the phone's columns fit its screen
