"""Readers' pages skip the middleware only staff need (StaffOnlyMiddleware): no session is
read or written for them, even for a signed-in editor, while the desk and staff's media keep
sessions, accounts, messages and the login throttle."""

from django.core import checks
from django.test import override_settings

from articles.models import Article

STAFF_ONLY = "newsroom.middleware.StaffOnlyMiddleware"


def test_a_readers_page_reads_no_session_even_for_an_editor(admin_client, seed):
    story = Article.objects.live().first()
    for path in ("/", story.get_absolute_url(), "/search/?q=诈骗", "/feed/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert not hasattr(response.wsgi_request, "user"), path
        assert not hasattr(response.wsgi_request, "session"), path
        assert "cookie" not in response.get("Vary", "").lower(), path
        assert not response.cookies, path


def test_the_desk_keeps_sessions_accounts_and_messages(admin_client, db):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_superuser
    assert hasattr(response.wsgi_request, "_messages")
    assert "cookie" in response.get("Vary", "").lower()


def test_staff_fetch_media_as_themselves(client, admin_client, db):
    # /media/ is staff's too: a private file is answered by who asks (a 404 for a reader).
    assert client.get("/media/photos/nothing.jpg").status_code == 404
    response = admin_client.get("/media/photos/nothing.jpg")
    assert response.wsgi_request.user.is_superuser


def test_the_desk_without_its_middleware_fails_the_checks(settings):
    staff = [m for m in settings.NEWSROOM_STAFF_MIDDLEWARE if "messages" not in m]
    with override_settings(NEWSROOM_STAFF_MIDDLEWARE=staff):
        errors = [e for e in checks.run_checks() if e.id == "desk.E001"]
    assert [e.msg.split()[0] for e in errors] == [
        "django.contrib.messages.middleware.MessageMiddleware"
    ]
    middleware = [m for m in settings.MIDDLEWARE if m != STAFF_ONLY]
    with override_settings(MIDDLEWARE=middleware):
        assert len([e for e in checks.run_checks() if e.id == "desk.E001"]) == 4
    assert not [e for e in checks.run_checks() if e.id == "desk.E001"]


def test_a_staff_middleware_with_a_view_hook_fails_the_checks(settings):
    # Django calls process_view only for MIDDLEWARE's own: CSRF's check would be skipped.
    staff = [*settings.NEWSROOM_STAFF_MIDDLEWARE, "django.middleware.csrf.CsrfViewMiddleware"]
    with override_settings(NEWSROOM_STAFF_MIDDLEWARE=staff):
        errors = [e for e in checks.run_checks() if e.id == "desk.E002"]
    assert len(errors) == 1 and "process_view" in errors[0].msg
