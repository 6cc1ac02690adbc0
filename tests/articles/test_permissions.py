"""Permissions are kept per process (articles.permissions), and every change to who may do
what is seen on the very next request: a right taken away is gone at once."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.permissions import PATH, KeptPermissionsBackend
from articles.roles import EDITOR, REPORTER, ensure_roles

pytestmark = pytest.mark.django_db
LIST = "/admin/articles/article/"


@pytest.fixture
def editor():
    ensure_roles()
    user = get_user_model().objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def fresh(user):
    """The account as the next request loads it (no permissions read yet)."""
    return get_user_model().objects.get(pk=user.pk)


def test_the_same_set_as_djangos_read_once(editor):
    from django.contrib.auth.backends import ModelBackend

    djangos = ModelBackend().get_all_permissions(fresh(editor))
    assert KeptPermissionsBackend().get_all_permissions(fresh(editor)) == djangos
    with CaptureQueriesContext(connection) as queries:
        assert fresh(editor).has_perm("articles.review_first")
    # The account itself, and the content key the set is kept under.
    read = ["auth_user" if "auth_user" in query["sql"] else "generation" for query in queries]
    assert read == ["auth_user", "generation"]


def test_every_change_of_rights_is_seen_at_once(editor):
    review = Permission.objects.get(codename="review_first")
    assert fresh(editor).has_perm("articles.review_first")
    editor.groups.clear()
    assert not fresh(editor).has_perm("articles.review_first")
    editor.user_permissions.add(review)
    assert fresh(editor).has_perm("articles.review_first")
    editor.user_permissions.remove(review)
    editor.groups.add(Group.objects.get(name=REPORTER))
    assert not fresh(editor).has_perm("articles.review_first")
    reporters = Group.objects.get(name=REPORTER)
    reporters.permissions.add(review)
    assert fresh(editor).has_perm("articles.review_first")
    reporters.delete()
    assert not fresh(editor).has_perm("articles.review_first")
    editor.is_superuser = True
    editor.save()
    assert fresh(editor).has_perm("articles.review_first")
    editor.is_superuser, editor.is_active = False, False
    editor.save()
    assert not fresh(editor).get_all_permissions()


def test_a_desk_page_refuses_as_soon_as_the_right_is_gone(editor):
    client = Client()
    client.force_login(editor)
    assert client.session[BACKEND_SESSION_KEY] == PATH
    assert client.get(LIST).status_code == 200
    editor.groups.clear()
    assert client.get(LIST).status_code == 403


def test_sessions_signed_in_before_keep_working(editor):
    """The migration moves sessions signed in with Django's ModelBackend to this one."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore

    client = Client()
    client.force_login(editor)
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store.save()
    assert client.get(LIST).status_code == 302  # signed out: the backend is not listed
    store = SessionStore(key)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store.save()
    migration = import_module("articles.migrations.0017_sessions_kept_permissions_backend")
    migration.rename(migration.OLD, migration.NEW)(apps, SimpleNamespace(connection=connection))
    assert client.get(LIST).status_code == 200
