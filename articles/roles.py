"""The newsroom's roles (groups) and what each may do. `ensure_roles()` is idempotent: it runs
after every migrate, from `manage.py setup_roles`, and in tests."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

REPORTER = "记者"
EDITOR = "编辑"
DIRECTOR = "部门主任"
CHIEF = "总编辑"

_REPORTER = [
    "articles.add_article", "articles.change_article", "articles.view_article",
    "articles.submit_article",
    "articles.add_photo", "articles.change_photo", "articles.delete_photo", "articles.view_photo",
    # The photo library: upload, see, and describe one's own pictures (editors: every one).
    "articles.add_image", "articles.change_image", "articles.view_image",
    "articles.view_section", "articles.view_correction",
    "agencies.view_agency", "agencies.view_officer",
    "articles.view_tag", "articles.add_tag",
]  # fmt: skip
_EDITOR = [
    *_REPORTER,
    "articles.edit_any_article", "articles.review_first",
    "agencies.add_agency", "agencies.change_agency",
    "agencies.add_officer", "agencies.change_officer",
    "articles.change_tag", "articles.delete_image",
    # The printed pages (数字报): name them, give them a scan or PDF.
    "articles.view_printpage", "articles.change_printpage",
]  # fmt: skip
_DIRECTOR = [*_EDITOR, "articles.review_second", "articles.correct_article"]
_CHIEF = [
    *_DIRECTOR,
    "articles.review_final", "articles.publish_article", "articles.withdraw_article",
    "articles.view_audit", "articles.view_workflowevent",
    "articles.add_section", "articles.change_section",
    "articles.add_correction", "articles.change_correction",
    # Login lockouts: see them, and lift one by deleting it.
    "axes.view_accessattempt", "axes.delete_accessattempt",
    # Two-step sign-in: see who has enrolled, and delete a lost phone's authenticator.
    "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice",
]  # fmt: skip

ROLES = {REPORTER: _REPORTER, EDITOR: _EDITOR, DIRECTOR: _DIRECTOR, CHIEF: _CHIEF}

# The named account that system steps (page imports) are recorded under: it cannot log in.
SYSTEM_USERNAME = "importer"
SYSTEM_NAME = "导入程序"


def system_user():
    """The account page imports write their history and events as (created when missing)."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": SYSTEM_NAME, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def ensure_roles(**kwargs):
    """Create the four groups with exactly their permissions."""
    from django.apps import apps

    for app_label in ("articles", "agencies", "axes", "otp_totp"):
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
    system_user()


def stage_count():
    return settings.NEWSROOM_REVIEW_STAGES


def stage_permission(stage):
    """The permission that approves ``stage``: the first stage is 初审, the last 终审, any
    between 复审. With one stage, it is 终审."""
    if stage == stage_count():
        return "articles.review_final"
    if stage == 1:
        return "articles.review_first"
    return "articles.review_second"


def revision_stage():
    """The stage a pending revision of a live story starts review at."""
    return min(settings.NEWSROOM_REVISION_STAGE, stage_count())


def stage_name(stage):
    if stage == stage_count():
        return "终审"
    if stage == 1:
        return "初审"
    return "复审" if stage_count() == 3 else f"第{stage}审"


def holders(permission_name):
    """The active accounts holding ``permission_name`` (by group, by grant, or superusers)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = permission_name.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions=permission)
            | Q(user_permissions=permission)
            | Q(is_superuser=True)
        )
        .distinct()
    )


def stage_holders(stage, able=None):
    """Whose own stage ``stage`` is: those who may pass it and not the next (初审 is the
    editors', 复审 the department heads', 终审 the chief's). Someone who may act at several
    stages acts at the last of them; where nobody holds the stage as their own, all who may
    pass it do. ``able``: those who may pass it, when already narrowed."""
    able = list(holders(stage_permission(stage)) if able is None else able)
    if stage == stage_count():
        return able
    following = stage_permission(stage + 1)
    own = [user for user in able if not user.has_perm(following)]
    return own or able
