"""The readers' site's tests: the chief editor who withdraws what readers must stop seeing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.roles import CHIEF, ensure_roles


@pytest.fixture
def chief():
    ensure_roles()
    user = get_user_model().objects.create_user("chief", is_staff=True)
    user.groups.add(Group.objects.get(name=CHIEF))
    return user
