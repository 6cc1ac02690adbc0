"""Two-step sign-in (NEWSROOM_STAFF_TOTP): the password, then a code from the phone, as a
reporter meets it the first time (enrolment) and every time after; nothing of the desk, and
no private file, for a session that has given only its password; a code taken once, a
wrong one, a flood of wrong ones; the chief's list of devices and ops' reset."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import images
from articles.models import Photo, State

from ..articles import photo_files
from ..factories import ArticleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kx7-tuq4-vb-9931"


@pytest.fixture(autouse=True)
def two_step_on(settings):
    settings.NEWSROOM_STAFF_TOTP = True


@pytest.fixture
def reporter(users):
    user = users["reporter"]
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, user, next_url="/admin/"):
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"])


def code(key_hex):
    """The code an authenticator app shows now for this key (30 s steps, 6 digits)."""
    return f"{totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6):06d}"


def enrol(client, user):
    """The first sign-in: the password, then the QR page, then a code from the new key."""
    page = sign_in(client, user)
    assert page.status_code == 302 and page["Location"].startswith("/admin/two-step/")
    page = client.get(page["Location"])
    secret = client.session["newsroom_two_step_secret"]
    response = client.post(page.request["PATH_INFO"] + "?next=/admin/", {"code": code(secret)})
    return page, response, secret


def test_the_first_sign_in_enrols_a_device_from_a_right_code(reporter):
    client = Client()
    page, response, secret = enrol(client, reporter)
    text = page.content.decode()
    assert "<svg" in text and "qr-code" in text and "绑定并登录" in text
    # The key as a person types it, in groups of four (base32 of the session's secret).
    grouped = re.search(r'class="secret">([A-Z2-7 ]+)<', text).group(1)
    assert len(grouped.replace(" ", "")) == 32
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device = TOTPDevice.objects.get(user=reporter)
    assert device.confirmed and device.key == secret
    assert "newsroom_two_step_secret" not in client.session
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_a_wrong_code_enrols_nothing_and_says_why(reporter):
    client = Client()
    page = client.get(sign_in(client, reporter)["Location"])
    response = client.post(page.request["PATH_INFO"], {"code": "000000"})
    assert response.status_code == 200
    assert "动态验证码不对" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    response = client.post(page.request["PATH_INFO"], {"code": "abc"})
    assert "6 位数字" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_every_desk_page_waits_for_the_code(reporter):
    client = Client()
    sign_in(client, reporter)
    for url in ["/admin/", "/admin/articles/article/", "/admin/articles/article/add/",
                "/admin/password_change/", "/admin/jsi18n/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/two-step/?next="), url
    # The login page itself sends there too; signing out is always possible.
    assert client.get("/admin/login/")["Location"].startswith("/admin/two-step/")
    assert client.post("/admin/logout/").status_code in (200, 302)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_later_sign_ins_ask_for_a_code_once_and_refuse_it_twice(reporter):
    enrol(Client(), reporter)
    device = TOTPDevice.objects.get(user=reporter)
    client = Client()
    page = client.get(sign_in(client, reporter, "/admin/articles/article/")["Location"])
    text = page.content.decode()
    assert "验证并登录" in text and "qr-code" not in text  # no key shown again
    # The code the enrolment used is spent: the one-use rule holds across sessions.
    response = client.post(page.request.get("PATH_INFO") + "?next=/admin/articles/article/",
                           {"code": code(device.key)})  # fmt: skip
    assert response.status_code == 200 and "已用过" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    device.last_t = device.last_t - 1  # as if the enrolment were a step earlier
    device.save()
    response = client.post(page.request["PATH_INFO"] + "?next=/admin/articles/article/",
                           {"code": code(device.key)})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 200


def test_wrong_codes_are_throttled(reporter):
    enrol(Client(), reporter)
    client = Client()
    page = client.get(sign_in(client, reporter)["Location"])
    client.post(page.request["PATH_INFO"], {"code": "000000"})
    response = client.post(page.request["PATH_INFO"], {"code": "000001"})
    assert "请稍候再试" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_session_with_only_its_password_fetches_no_private_file(reporter, users):
    story = ArticleFactory(state=State.DRAFT, publish_at=None, author=reporter)
    image = images.accept(io.BytesIO(photo_files.jpeg_from_camera((800, 600))), alt_text="民警")
    Photo.objects.create(article=story, image=image, alt_text="民警")
    client = Client()
    client.get(sign_in(client, reporter)["Location"])
    assert client.get(image.file.url).status_code == 404
    secret = client.session["newsroom_two_step_secret"]
    client.post("/admin/two-step/", {"code": code(secret)})
    assert client.get(image.file.url).status_code == 200


def test_the_next_address_stays_on_this_site(reporter):
    client = Client()
    page = client.get(sign_in(client, reporter)["Location"])
    secret = client.session["newsroom_two_step_secret"]
    response = client.post(page.request["PATH_INFO"] + "?next=https://evil.example/",
                           {"code": code(secret)})  # fmt: skip
    assert response["Location"] == "/admin/"


def test_the_chief_lists_devices_and_deletes_a_lost_one(reporter, users):
    enrol(Client(), reporter)
    root = users["root"]
    root.set_password(PASSWORD)
    root.save()
    chief = Client()
    enrol(chief, root)
    listing = chief.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "两步验证设备" in text and reporter.last_name in text
    assert chief.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    device = TOTPDevice.objects.get(user=reporter)
    response = chief.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    # The reporter's next sign-in enrols again.
    client = Client()
    page = client.get(sign_in(client, reporter)["Location"])
    assert "绑定并登录" in page.content.decode()


def test_ops_resets_an_account(reporter):
    enrol(Client(), reporter)
    out = io.StringIO()
    call_command("reset_two_step", reporter.username, stdout=out)
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    assert reporter.username in out.getvalue()
    with pytest.raises(Exception, match="nobody"):
        call_command("reset_two_step", "nobody")


def test_off_the_password_is_enough(reporter, settings):
    settings.NEWSROOM_STAFF_TOTP = False
    client = Client()
    assert sign_in(client, reporter).status_code == 200
    assert client.get("/admin/two-step/").status_code == 302


def test_with_two_steps_nobody_is_locked_out_by_someone_elses_guessing(reporter, settings):
    """A password alone opens nothing: guesses from one address lock that address (and the
    account there), not the account everywhere."""
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
    guesser, colleague = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.4")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/admin/login/", {"username": reporter.username, "password": "wrong"})
    refused = guesser.post("/admin/login/", {"username": reporter.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert sign_in(colleague, reporter)["Location"].startswith("/admin/two-step/")
