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
    secret = pending_key(user)
    response = client.post(page.request["PATH_INFO"] + "?next=/admin/", {"code": code(secret)})
    return page, response, secret


def key_groups(response):
    return re.findall(r"<span>([A-Z2-7]{4})</span>", response.content.decode())


def pending_key(user):
    """The key of the authenticator being enrolled (what its QR code carries)."""
    return TOTPDevice.objects.get(user=user, confirmed=False).key


def test_the_first_sign_in_enrols_a_device_from_a_right_code(reporter):
    client = Client()
    page, response, secret = enrol(client, reporter)
    text = page.content.decode()
    assert "<svg" in text and "qr-code" in text and "绑定并登录" in text
    # The key as a person types it, in groups of four (base32 of the device's key).
    assert len(key_groups(page)) == 8 and "otpauth://totp/" in text
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device = TOTPDevice.objects.get(user=reporter)
    assert device.confirmed and device.key == secret
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_a_wrong_code_enrols_nothing_and_says_why(reporter):
    client = Client()
    page = client.get(sign_in(client, reporter)["Location"])
    response = client.post(page.request["PATH_INFO"], {"code": "000000"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "动态验证码不对" in text and 'value="000000"' not in text  # emptied for the next
    assert not TOTPDevice.objects.filter(user=reporter, confirmed=True).exists()
    for wrong in ["abc", "12345", "1234567"]:
        response = client.post(page.request["PATH_INFO"], {"code": wrong})
        text = response.content.decode()
        assert "应为 6 位数字" in text and f'value="{wrong}"' not in text, wrong
    assert client.get("/admin/").status_code == 302


def test_the_key_stays_the_same_until_enrolment_is_done(reporter):
    """Scanned, then signed out before giving the code: the app's entry still works."""
    first = Client()
    page = first.get(sign_in(first, reporter)["Location"])
    key = pending_key(reporter)
    first.post("/admin/logout/")
    second = Client()
    again = second.get(sign_in(second, reporter)["Location"])
    assert pending_key(reporter) == key
    assert key_groups(again) == key_groups(page)
    # Typed with a Chinese input method: full-width digits, a space between the halves.
    wide = "".join(chr(ord(digit) + 0xFEE0) for digit in code(key))
    response = second.post("/admin/two-step/", {"code": f"{wide[:3]} {wide[3:]}"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=reporter).confirmed


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
    assert "秒后再试" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_session_with_only_its_password_fetches_no_private_file(reporter, users):
    story = ArticleFactory(state=State.DRAFT, publish_at=None, author=reporter)
    image = images.accept(io.BytesIO(photo_files.jpeg_from_camera((800, 600))), alt_text="民警")
    Photo.objects.create(article=story, image=image, alt_text="民警")
    client = Client()
    client.get(sign_in(client, reporter)["Location"])
    assert client.get(image.file.url).status_code == 404
    client.post("/admin/two-step/", {"code": code(pending_key(reporter))})
    assert client.get(image.file.url).status_code == 200


def test_the_next_address_stays_on_this_site(reporter):
    client = Client()
    page = client.get(sign_in(client, reporter)["Location"])
    response = client.post(page.request["PATH_INFO"] + "?next=https://evil.example/",
                           {"code": code(pending_key(reporter))})  # fmt: skip
    assert response["Location"] == "/admin/"


def test_the_chief_lists_devices_and_deletes_a_lost_one(reporter, users):
    enrol(Client(), reporter)
    chief_user = users["chief"]
    chief_user.set_password(PASSWORD)
    chief_user.save()
    chief = Client()
    enrol(chief, chief_user)
    assert "两步验证设备" in chief.get("/admin/").content.decode()  # in the chief's menu
    listing = chief.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert reporter.username in text and "已绑定" in text
    device = TOTPDevice.objects.get(user=reporter)
    # No page of its own (it would show the key), nothing added or changed here.
    assert f"/admin/otp_totp/totpdevice/{device.pk}/change/" not in text
    assert chief.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 403
    assert chief.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    confirm = chief.get(f"/admin/otp_totp/totpdevice/{device.pk}/delete/")
    assert "下次登录时须重新扫描二维码" in confirm.content.decode()
    response = chief.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    # The reporter's next sign-in enrols again; an editor may not see the list.
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


def test_a_pending_key_is_drawn_anew_after_a_quarter_of_an_hour(reporter):
    """Someone else with the password who copied the key shown before enrolment: it goes
    stale before its owner is likely to enrol with it."""
    import datetime

    import time_machine
    from django.utils import timezone

    client = Client()
    client.get(sign_in(client, reporter)["Location"])
    key = pending_key(reporter)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        client.get("/admin/two-step/")
        assert pending_key(reporter) != key
        assert TOTPDevice.objects.filter(user=reporter).count() == 1


def test_enrolling_drops_every_other_pending_key(reporter):
    TOTPDevice.objects.create(user=reporter, name="旧的", confirmed=False)
    enrol(Client(), reporter)
    assert list(TOTPDevice.objects.filter(user=reporter).values_list("confirmed", flat=True)) == [
        True
    ]


def test_only_a_superuser_sees_or_deletes_a_superusers_device(reporter, users):
    root, chief_user = users["root"], users["chief"]
    for user in (root, chief_user):
        user.set_password(PASSWORD)
        user.save()
    enrol(Client(), root)
    chief = Client()
    enrol(chief, chief_user)
    device = TOTPDevice.objects.get(user=root)
    assert "root" not in chief.get("/admin/otp_totp/totpdevice/").content.decode()
    chief.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
