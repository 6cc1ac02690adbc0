"""Two-step sign-in for the desk (两步验证): a password, then a code from the phone.

Behind ``NEWSROOM_STAFF_TOTP``. With it on, an account that has signed in with its password
reaches no page of the desk until it gives the six-digit code of its authenticator app
(TOTP, RFC 6238: 微信/企业微信's 身份验证器, Google Authenticator, FreeOTP…). The first
time, the page shows the QR code to scan (and the key, for an app that cannot); the new
device is kept unconfirmed, under the same key however often the page is opened, and signs
in only once a code from it has been right. django-otp does the cryptography, the
throttling of wrong codes and the one-use rule (a code taken once is refused after); its
middleware marks the session verified.

Whoever has lost their phone asks the chief (who deletes their device in 两步验证设备) or
ops (``manage.py reset_two_step USERNAME``); their next sign-in enrols a new one. The
password is still needed to enrol, so a stolen password alone reaches the desk only for an
account that has never enrolled: switch the setting on and ask everyone to enrol.
"""

import base64
import datetime
import logging
import math
import unicodedata

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import display_name
from articles.permissions import awaits_second_step

logger = logging.getLogger(__name__)


def pending(request):
    """Signed in with a password, but not yet with a code (while the setting asks for one)."""
    return awaits_second_step(request.user)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
        error_messages={"required": "请输入验证器应用显示的 6 位动态验证码。"},
    )

    def clean_code(self):
        # Full-width digits (a Chinese input method's) and spaces between groups are fine.
        code = unicodedata.normalize("NFKC", self.cleaned_data["code"]).replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == DIGITS):
            raise forms.ValidationError("动态验证码应为 6 位数字，请只输入数字。")
        return code

    def refuse(self, message):
        """The code is wrong: say why (and the field is shown empty for the next one)."""
        self.add_error("code", message)

    def emptied(self):
        """The form to show again: a refused code is not left in the field."""
        if self.is_bound and "code" in self.errors:
            self.data = self.data.copy()
            self.data["code"] = ""
        return self


DIGITS = 6


def _refusal(device):
    """Why ``device`` may not take a code now, or None when it may."""
    allowed, extra = device.verify_is_allowed()
    if allowed:
        return None
    extra = extra or {}
    if extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        wait = max(1, math.ceil((extra["locked_until"] - timezone.now()).total_seconds()))
        return f"尝试过于频繁：已连续输错 {extra['failure_count']} 次，请 {wait} 秒后再试。"
    return "暂时不能验证动态验证码，请稍候再试。"


def _next_url(request):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def key_groups(device):
    """The key as a person types it into an app that cannot scan: base32, in fours."""
    text = base64.b32encode(device.bin_key).decode()
    return [text[i : i + 4] for i in range(0, len(text), 4)]


def pending_device(user):
    """The authenticator being enrolled: kept unconfirmed for PENDING_MINUTES, so the key a
    person scanned stays the same if they sign out, or their session ends, before giving
    its code; past that a new key is drawn (a key copied by someone else with the password
    goes stale before its owner is likely to enrol with it)."""
    stale = timezone.now() - datetime.timedelta(minutes=PENDING_MINUTES)
    TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=stale).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


DEVICE_NAME = "身份验证器"
PENDING_MINUTES = 15


def view(site, request):
    """The second step: a code from the enrolled device, or the enrolment itself."""
    if not pending(request):
        return redirect(_next_url(request) if request.user.is_authenticated else "admin:login")
    user = request.user
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    accepted = form.is_bound and form.is_valid() and _accept(form, device, enrolling)
    if accepted:
        otp_login(request, accepted)
        logger.info(
            "two-step sign-in: %s %s",
            user.get_username(),
            "enrolled an authenticator" if enrolling else "verified",
        )
        return redirect(_next_url(request))
    context = {
        **site.each_context(request),
        "title": "两步验证",
        "form": form.emptied(),
        "enrolling": enrolling,
        "next": _next_url(request),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    if enrolling:
        context["config_url"] = device.config_url
        context["qr_code"] = segno.make_qr(device.config_url).svg_inline(
            scale=4,
            border=4,
            dark="#000",
            light="#fff",
            omitsize=True,
            svgclass="qr-code",
            title="用验证器应用扫描此二维码",
        )
        context["key_groups"] = key_groups(device)
    return TemplateResponse(request, "admin/two_step.html", context)


def _accept(form, device, enrolling):
    """``device`` as locked and updated if the form's code is right for it, else False; an
    enrolling device is confirmed by it (one confirmed device an account: a second tab's
    enrolment is refused, and every other pending key is dropped)."""
    with transaction.atomic():
        # Locked: two requests with the same code (or a volley of guesses) are checked one
        # after the other, against the last code taken and the failures counted so far.
        get_user_model().objects.select_for_update().filter(pk=device.user_id).first()
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if device is None:  # deleted meanwhile (the chief, or an older pending key)
            form.refuse("验证器已被删除，请刷新页面重新绑定。")
            return False
        refusal = _refusal(device)
        if refusal:
            form.refuse(refusal)
            return False
        if enrolling and TOTPDevice.objects.filter(user=device.user, confirmed=True).exists():
            form.refuse("此账号刚刚已在别处绑定了验证器，请刷新页面，输入该验证器的动态验证码。")
            return False
        if not device.verify_token(form.cleaned_data["code"]):
            form.refuse(
                "动态验证码不对：请确认已扫描上面的二维码，并输入应用上当前显示的验证码。"
                if enrolling
                else "动态验证码不对（或已用过），请输入应用上当前显示的验证码。"
            )
            return False
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device


class DeviceAdmin(admin.ModelAdmin):
    """两步验证设备: who has enrolled, and when each was last used; deleting one (a lost
    phone) makes its owner enrol again at the next sign-in. Nothing is added, edited or
    opened here: a device is made only by its owner, from a code it gave, and its page
    would show the key its codes come from."""

    list_display = ["owner", "state", "enrolled", "last_used"]
    list_display_links = None
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_help_text = "按用户名或姓名搜索"
    ordering = ["user__username"]
    actions = ["delete_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A superuser's device only by a superuser: deleting it leaves that account open to
        # its password alone until it enrols again.
        if obj is not None and obj.user.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        devices = super().get_queryset(request)
        if not request.user.is_superuser:
            devices = devices.filter(user__is_superuser=False)
        return devices

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)

    @admin.display(description="账号", ordering="user__username")
    def owner(self, device):
        name, username = display_name(device.user), device.user.get_username()
        return username if name == username else f"{name}（{username}）"

    @admin.display(description="状态", ordering="confirmed")
    def state(self, device):
        return "已绑定" if device.confirmed else "待绑定（尚未输入验证码）"

    @admin.display(description="绑定时间", ordering="created_at")
    def enrolled(self, device):
        return device.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at
