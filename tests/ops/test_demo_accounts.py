"""Demo accounts for `make run`: one per role, never outside development."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_accounts")
    assert not get_user_model().objects.filter(username="chief").exists()


def test_each_run_prints_fresh_passwords_that_log_in(settings, capsys):
    settings.DEBUG = True
    passwords = []
    for _ in range(2):
        call_command("demo_accounts")
        lines = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
        passwords.append({fields[-2]: fields[-1] for fields in lines})
    assert set(passwords[0]) == {"reporter", "editor", "director", "chief"}
    users = {user.username: user for user in get_user_model().objects.all()}
    for username, password in passwords[1].items():
        assert passwords[0][username] != password
        user = users[username]
        assert user.check_password(password) and not user.check_password(passwords[0][username])
        assert user.is_staff and user.groups.count() == 1
    assert users["chief"].has_perm("articles.publish_article")
    assert not users["reporter"].has_perm("articles.publish_article")
