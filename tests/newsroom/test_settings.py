"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "Vq3-" + "".join(chr(ord("a") + i % 26) + str(i % 10) for i in range(30))  # 64, varied


def django_check(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": KEY}, "DJANGO_ALLOWED_HOSTS is not set"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "short-key"}, "too short"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}, "too short or too simple"),
        (
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "change-me-in-dot-env-this-is-only-for-a-local-try",
            },
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "change-me-" + KEY}, "placeholder"),
    ],
)
def test_production_without_its_settings_refuses_to_start(env, message):
    result = django_check(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_with_its_settings_starts():
    result = django_check(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="news.example"
    )
    assert result.returncode == 0, result.stderr


def test_deploy_checks_are_clean_in_production():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": KEY,
        "DJANGO_ALLOWED_HOSTS": "news.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_development_needs_nothing_set():
    assert django_check(DJANGO_DEBUG="1").returncode == 0


def test_language_and_time_zone():
    from django.conf import settings

    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "zh-hans",
        "Asia/Shanghai",
        True,
    )
