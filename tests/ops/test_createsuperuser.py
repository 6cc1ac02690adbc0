"""createsuperuser enforces the password validators: no bypass when asked interactively,
and DJANGO_SUPERUSER_PASSWORD checked with --noinput."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser as django_command
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_noinput_refuses_a_weak_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD is refused"):
        call_command("createsuperuser", interactive=False, username="boss", email="")
    assert not get_user_model().objects.filter(username="boss").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Kx7-tuq4-vb-9931")
    call_command("createsuperuser", interactive=False, username="boss", email="",
                 stdout=io.StringIO())  # fmt: skip
    assert get_user_model().objects.get(username="boss").check_password("Kx7-tuq4-vb-9931")


def test_interactive_asks_again_instead_of_offering_a_bypass(monkeypatch):
    passwords = iter(["12345678", "12345678", "Kx7-tuq4-vb-9931", "Kx7-tuq4-vb-9931"])
    monkeypatch.setattr(django_command.getpass, "getpass", lambda prompt="": next(passwords))
    prompts = []

    def answer(prompt=""):
        prompts.append(prompt)
        if prompt.startswith("Bypass"):
            return "y"
        return "boss" if len(prompts) == 1 else ""  # the username, then the e-mail

    monkeypatch.setattr("builtins.input", answer)
    stderr = io.StringIO()
    call_command("createsuperuser", interactive=True, stdin=TTY(), stdout=io.StringIO(),
                 stderr=stderr)  # fmt: skip
    assert not any(prompt.startswith("Bypass") for prompt in prompts), prompts
    assert "不能跳过密码规则" in stderr.getvalue()
    user = get_user_model().objects.get(username="boss")
    assert user.check_password("Kx7-tuq4-vb-9931") and user.is_superuser
    assert not hasattr(django_command, "input")  # the shim is gone after the command


def test_noinput_compares_the_password_with_the_email_too(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "zongbianji.beijiang")
    with pytest.raises(CommandError, match="refused"):
        call_command("createsuperuser", interactive=False, username="boss",
                     email="zongbianji.beijiang@news.example")  # fmt: skip
