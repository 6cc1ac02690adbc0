"""Two-step sign-in for the desk (两步验证): a password, then a code from the phone.

Behind ``NEWSROOM_STAFF_TOTP``. With it on, an account that has signed in with its password
reaches no page of the desk until it gives the six-digit code of its authenticator app
(TOTP, RFC 6238: 微信/企业微信's 身份验证器, Google Authenticator, FreeOTP…). The first
time, the page shows the QR code to scan, and the account's device is saved only once a
code from it is right. django-otp does the cryptography, the throttling of wrong codes and
the one-use rule (a code taken once is refused after); its middleware marks the session
verified.

Whoever has lost their phone asks the chief (who deletes their device in 两步验证设备) or
ops (``manage.py reset_two_step USERNAME``); their next sign-in enrols a new one. The
password is still needed to enrol, so a stolen password alone reaches the desk only for an
account that has never enrolled: switch the setting on and ask everyone to enrol.
"""

import base64
import logging

import segno
from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from articles.models import display_name
from articles.permissions import awaits_second_step

logger = logging.getLogger(__name__)

SECRET_SESSION_KEY = "newsroom_two_step_secret"


def pending(request):
    """Signed in with a password, but not yet with a code (while the setting asks for one)."""
    return awaits_second_step(request.user)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "size": 8,
            }
        ),
        error_messages={"required": "请输入验证器应用显示的 6 位动态验证码。"},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("动态验证码是 6 位数字。")
        return code


def _refusal(device):
    """Why ``device`` may not take a code now, or None when it may."""
    allowed, extra = device.verify_is_allowed()
    if allowed:
        return None
    if (extra or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        failures = extra["failure_count"]
        return f"动态验证码已连续错误 {failures} 次，请稍候再试（每错一次，等待时间加倍）。"
    return "暂时不能验证动态验证码，请稍候再试。"


def _next_url(request):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _grouped(secret):
    """The key as a person types it into an app that cannot scan: base32, in fours."""
    text = base64.b32encode(bytes.fromhex(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def view(site, request):
    """The second step: a code from the enrolled device, or the enrolment itself."""
    if not pending(request):
        return redirect(_next_url(request) if request.user.is_authenticated else "admin:login")
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    secret = None
    if device is None:
        secret = request.session.get(SECRET_SESSION_KEY)
        if not secret:
            secret = request.session[SECRET_SESSION_KEY] = random_hex(20)
    if form.is_bound and form.is_valid():
        verified = (
            _verify(form, device) if device is not None else _enrol(form, user, secret)
        )  # fmt: skip
        if verified is not None:
            request.session.pop(SECRET_SESSION_KEY, None)
            otp_login(request, verified)
            logger.info(
                "two-step sign-in: %s %s",
                user.get_username(),
                "verified" if device is not None else "enrolled a device",
            )
            return redirect(_next_url(request))
    context = {
        **site.each_context(request),
        "title": "两步验证",
        "form": form,
        "enrolling": device is None,
        "next": _next_url(request),
    }
    if device is None:
        unsaved = TOTPDevice(user=user, key=secret, name="身份验证器")
        context["qr_code"] = segno.make_qr(unsaved.config_url).svg_inline(
            scale=4,
            border=4,
            dark="#000",
            light="#fff",
            omitsize=True,
            svgclass="qr-code",
            title="用验证器应用扫描此二维码",
        )
        context["secret"] = _grouped(secret)
    return TemplateResponse(request, "admin/two_step.html", context)


def _verify(form, device):
    refusal = _refusal(device)
    if refusal:
        form.add_error("code", refusal)
        return None
    if device.verify_token(form.cleaned_data["code"]):
        return device
    form.add_error("code", "动态验证码不对（或已用过），请输入应用上当前显示的验证码。")
    return None


def _enrol(form, user, secret):
    """Save the device only once a code from it is right; one confirmed device an account."""
    with transaction.atomic():
        if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
            form.add_error(None, "此账号已在别处绑定了验证器，请用它的动态验证码。")
            return None
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(
            user=user, key=secret, name="身份验证器", confirmed=False
        )
        if not device.verify_token(form.cleaned_data["code"]):
            transaction.set_rollback(True)
            form.add_error(
                "code", "动态验证码不对：请确认已扫描上面的二维码，并输入应用上当前显示的验证码。"
            )
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


class DeviceAdmin(admin.ModelAdmin):
    """两步验证设备: who has enrolled, and when each was last used; deleting one (a lost
    phone) makes its owner enrol again at the next sign-in. Nothing is added or edited
    here: a device is made only by its owner, from a code it gave."""

    list_display = ["owner", "enrolled", "confirmed_mark", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_help_text = "按用户名或姓名搜索"
    ordering = ["user__username"]
    actions = ["delete_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="账号", ordering="user__username")
    def owner(self, device):
        return display_name(device.user)

    @admin.display(description="绑定时间", ordering="created_at")
    def enrolled(self, device):
        return device.created_at

    @admin.display(description="已确认", boolean=True)
    def confirmed_mark(self, device):
        return device.confirmed

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at
