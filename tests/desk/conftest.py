"""The desk's people: one account for each role (two of some), and a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.roles import CHIEF, DIRECTOR, EDITOR, REPORTER, ensure_roles

ROLES = {"reporter": REPORTER, "reporter2": REPORTER, "editor": EDITOR, "editor2": EDITOR,
         "director": DIRECTOR, "chief": CHIEF, "chief2": CHIEF}  # fmt: skip


@pytest.fixture
def users():
    ensure_roles()
    User = get_user_model()
    made = {}
    for name, group in ROLES.items():
        user = User.objects.create_user(
            name, email=f"{name}@newsroom.test", is_staff=True, first_name=name[-1],
            last_name=name[:-1],
        )  # fmt: skip
        user.groups.add(Group.objects.get(name=group))
        made[name] = user
    made["root"] = User.objects.create_superuser("root", "root@newsroom.test", "x")
    return made
